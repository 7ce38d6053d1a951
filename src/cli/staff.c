/*
 * staff.c - `buzon staff` and `buzon token`: officials and the API tokens of IMSS systems, at
 * the command line (app/staff.h). Whoever runs these holds the database, so they act without
 * an administrator's session: that is how the first administrator is created. Each change is
 * recorded in the audit log as done at the command line.
 */

#include "app/app.h"
#include "app/staff.h"
#include "base/log.h"
#include "cli/appcfg.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/storecfg.h"
#include "core/civil.h"
#include "core/mem.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
staff_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon staff add --rfc RFC --name NOMBRE --roles ROL[,ROL...] --unit UNIDAD\n"
            "                     [--config ARCHIVO] [--data-dir DIR]\n"
            "     buzon staff update --rfc RFC [--name NOMBRE] [--roles ROL[,ROL...]]\n"
            "                        [--unit UNIDAD] [--active | --inactive]\n"
            "                        [--config ARCHIVO] [--data-dir DIR]\n"
            "     buzon staff list [--config ARCHIVO] [--data-dir DIR]\n\n"
            "Registra y lista a los servidores públicos del IMSS que usan el Buzón. Inician\n"
            "sesión con su propia e.firma (\"as\": \"staff\") y actúan según sus roles:\n"
            "  issuer         emite notificaciones y publica documentos\n"
            "  handler        atiende promociones y solicitudes de aclaración\n"
            "  administrator  registra servidores públicos y credenciales de sistemas\n"
            "  auditor        consulta la bitácora de accesos\n"
            "UNIDAD es la clave de la unidad administrativa (\"00\": unidad central, ve todas).\n"
            "Quien ejecuta este comando tiene acceso a la base de datos; así se registra al\n"
            "primer administrador. update cambia lo que se indique; --inactive da de baja\n"
            "(sus sesiones dejan de valer de inmediato). Cada cambio queda en la bitácora.\n\n"
            "  --config ARCHIVO  archivo INI (por omisión ./buzon.ini si existe)\n"
            "  --data-dir DIR    directorio de datos (server.data_dir)\n"
            "  --help            muestra esta ayuda\n");
}

static void
token_usage(FILE *out)
{
    fprintf(out, "Uso: buzon token issue --name NOMBRE --scopes ALCANCE[,ALCANCE...] [--days N]\n"
                 "                       [--config ARCHIVO] [--data-dir DIR]\n"
                 "     buzon token revoke ID [--config ARCHIVO] [--data-dir DIR]\n"
                 "     buzon token list [--config ARCHIVO] [--data-dir DIR]\n\n"
                 "Credenciales (tokens) con las que los sistemas del IMSS llaman a la API\n"
                 "(Authorization: Bearer bzt_...). Alcances:\n"
                 "  notify     enviar notificaciones\n"
                 "  documents  publicar documentos a particulares\n"
                 "  read       consultar el estado de un buzón (queda en la bitácora)\n"
                 "issue muestra el token una sola vez: el servidor guarda solo su SHA-256.\n"
                 "--days es su vigencia (por omisión auth.api_token_days). revoke lo anula de\n"
                 "inmediato.\n\n"
                 "  --config ARCHIVO  archivo INI (por omisión ./buzon.ini si existe)\n"
                 "  --data-dir DIR    directorio de datos (server.data_dir)\n"
                 "  --help            muestra esta ayuda\n");
}

struct opts {
    const char *config, *data_dir, *rfc, *name, *roles, *unit, *scopes, *days;
    int active; /* update: -1 unchanged, 0 --inactive, 1 --active */
};

/* Parse the options after the action word; returns -1 (usage printed) on a bad one. */
static int
parse_opts(int argc, char **argv, struct opts *o, void (*usage)(FILE *), bool *help)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"data-dir", required_argument, NULL, 'd'},
        {"rfc", required_argument, NULL, 'r'},    {"name", required_argument, NULL, 'n'},
        {"roles", required_argument, NULL, 'R'},  {"unit", required_argument, NULL, 'u'},
        {"scopes", required_argument, NULL, 's'}, {"days", required_argument, NULL, 'D'},
        {"active", no_argument, NULL, 'a'},       {"inactive", no_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    int opt;

    *help = false;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            o->config = optarg;
            break;
        case 'd':
            o->data_dir = optarg;
            break;
        case 'r':
            o->rfc = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'R':
            o->roles = optarg;
            break;
        case 'u':
            o->unit = optarg;
            break;
        case 's':
            o->scopes = optarg;
            break;
        case 'D':
            o->days = optarg;
            break;
        case 'a':
            o->active = 1;
            break;
        case 'i':
            o->active = 0;
            break;
        case 'h':
            usage(stdout);
            *help = true;
            return 0;
        default:
            usage(stderr);
            return -1;
        }
    }
    return 0;
}

/* The configuration, the store (migrated as store.migrate_on_start says) and an app. */
struct env {
    struct config *cfg;
    struct store *store;
    struct cli_app_parts parts;
    struct app *app;
};

static int
open_env(const struct opts *o, struct env *e)
{
    struct error err = {0};

    *e = (struct env){0};
    e->cfg = cli_load_config(o->config, o->data_dir, &err);
    if (e->cfg == NULL)
        return cli_error_from(CLI_USAGE, &err);
    log_set_rfc_key(config_str(e->cfg, "log", "rfc_hash_key"));
    if (cli_store_open(e->cfg, config_bool(e->cfg, "store", "migrate_on_start"), &e->store, NULL,
                       &err) != STORE_OK)
        return cli_error_from(CLI_FAIL, &err);
    if (cli_app_open(e->cfg, e->store, NULL, false, &e->parts, &e->app, &err) != 0)
        return cli_error_from(CLI_USAGE, &err);
    return CLI_OK;
}

static void
close_env(struct env *e)
{
    app_free(e->app);
    cli_app_parts_free(&e->parts);
    store_close(e->store);
    config_free(e->cfg);
}

static void
print_json(json_t *j)
{
    json_dumpf(j, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(j);
}

static json_t *
staff_json(const struct app_staff *s)
{
    char roles[128], created[CIVIL_INSTANT_LEN];

    app_roles_format(s->roles, roles, sizeof(roles));
    civil_format_utc(s->created_at, created);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)s->id, "rfc", s->rfc,
                     "name", s->name, "roles", roles, "unit", s->unit, "active", s->active,
                     "created_at", created);
}

static int
staff_add(struct env *e, const struct opts *o)
{
    struct app_staff in = {0}, out;
    struct error err = {0};

    if (o->rfc == NULL || o->name == NULL || o->roles == NULL || o->unit == NULL)
        return cli_error(CLI_USAGE, "usage", "staff add requiere --rfc, --name, --roles y --unit");
    if (strlen(o->rfc) >= sizeof(in.rfc) || strlen(o->name) >= sizeof(in.name) ||
        strlen(o->unit) >= sizeof(in.unit))
        return cli_error(CLI_USAGE, "staff_invalid", "RFC, nombre o unidad demasiado largos");
    if (app_roles_parse(o->roles, &in.roles, &err) != 0)
        return cli_error_from(CLI_USAGE, &err);
    snprintf(in.rfc, sizeof(in.rfc), "%s", o->rfc);
    snprintf(in.name, sizeof(in.name), "%s", o->name);
    snprintf(in.unit, sizeof(in.unit), "%s", o->unit);
    if (app_staff_add(e->app, NULL, &in, "cli", &out, &err) != 0)
        return cli_error_from(strcmp(err.code, "staff_invalid") == 0 ? CLI_USAGE : CLI_FAIL, &err);
    print_json(staff_json(&out));
    return CLI_OK;
}

static int
staff_update(struct env *e, const struct opts *o)
{
    struct app_staff in = {0}, out;
    struct error err = {0};

    if (o->rfc == NULL)
        return cli_error(CLI_USAGE, "usage", "staff update requiere --rfc");
    if (o->name == NULL && o->roles == NULL && o->unit == NULL && o->active < 0)
        return cli_error(CLI_USAGE, "usage",
                         "indique qué cambia: --name, --roles, --unit, --active o --inactive");
    if (strlen(o->rfc) >= sizeof(in.rfc) ||
        (o->name != NULL && strlen(o->name) >= sizeof(in.name)) ||
        (o->unit != NULL && strlen(o->unit) >= sizeof(in.unit)))
        return cli_error(CLI_USAGE, "staff_invalid", "RFC, nombre o unidad demasiado largos");
    if (o->roles != NULL && app_roles_parse(o->roles, &in.roles, &err) != 0)
        return cli_error_from(CLI_USAGE, &err);
    snprintf(in.rfc, sizeof(in.rfc), "%s", o->rfc);
    snprintf(in.name, sizeof(in.name), "%s", o->name != NULL ? o->name : "");
    snprintf(in.unit, sizeof(in.unit), "%s", o->unit != NULL ? o->unit : "");
    if (app_staff_update(e->app, NULL, &in, o->active, "cli", &out, &err) != 0)
        return cli_error_from(strcmp(err.code, "staff_invalid") == 0 ? CLI_USAGE : CLI_FAIL, &err);
    print_json(staff_json(&out));
    return CLI_OK;
}

static int
staff_list(struct env *e)
{
    struct app_staff *items = NULL;
    struct error err = {0};
    size_t n = 0;

    if (app_staff_list(e->app, NULL, &items, &n, &err) != 0)
        return cli_error_from(CLI_FAIL, &err);
    for (size_t i = 0; i < n; i++)
        print_json(staff_json(&items[i]));
    free(items);
    return CLI_OK;
}

int
cli_staff(int argc, char **argv)
{
    struct opts o = {.active = -1};
    struct env e;
    bool help = false;
    const char *action;
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        staff_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    action = argv[1];
    if (strcmp(action, "add") != 0 && strcmp(action, "update") != 0 && strcmp(action, "list") != 0)
        return cli_error(CLI_USAGE, "usage", "acción desconocida: «%s» (add, update, list)",
                         action);
    if (parse_opts(argc - 1, argv + 1, &o, staff_usage, &help) != 0)
        return CLI_USAGE;
    if (help)
        return CLI_OK;
    if (optind != argc - 1)
        return cli_error(CLI_USAGE, "usage", "argumento inesperado: «%s»", argv[optind + 1]);

    rc = open_env(&o, &e);
    if (rc == CLI_OK) {
        if (strcmp(action, "add") == 0)
            rc = staff_add(&e, &o);
        else if (strcmp(action, "update") == 0)
            rc = staff_update(&e, &o);
        else
            rc = staff_list(&e);
    }
    close_env(&e);
    return rc;
}

static json_t *
token_json(const struct app_token *t)
{
    char scopes[128], created[CIVIL_INSTANT_LEN], expires[CIVIL_INSTANT_LEN];
    json_t *j;

    app_scopes_format(t->scopes, scopes, sizeof(scopes));
    civil_format_utc(t->created_at, created);
    civil_format_utc(t->expires_at, expires);
    j = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)t->id, "name", t->name, "scopes",
                  scopes, "created_at", created, "expires_at", expires);
    if (t->revoked_at != 0) {
        char revoked[CIVIL_INSTANT_LEN];

        civil_format_utc(t->revoked_at, revoked);
        json_object_set_new(j, "revoked_at", json_string(revoked));
    }
    return j;
}

/* A positive decimal up to max; -1 otherwise. */
static long long
parse_number(const char *s, long long max)
{
    long long v = 0;

    if (s == NULL || s[0] == '\0')
        return -1;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > max)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v >= 1 && v <= max ? v : -1;
}

static int
token_issue(struct env *e, const struct opts *o)
{
    struct app_token t;
    struct error err = {0};
    uint32_t scopes = 0;
    long long days = 0;
    json_t *j;

    if (o->name == NULL || o->scopes == NULL)
        return cli_error(CLI_USAGE, "usage", "token issue requiere --name y --scopes");
    if (o->days != NULL) {
        days = parse_number(o->days, APP_API_TOKEN_DAYS_MAX);
        if (days < 0)
            return cli_error(CLI_USAGE, "token_invalid", "--days debe ser de 1 a %d días",
                             APP_API_TOKEN_DAYS_MAX);
    }
    if (app_scopes_parse(o->scopes, &scopes, &err) != 0)
        return cli_error_from(CLI_USAGE, &err);
    if (app_token_issue(e->app, NULL, o->name, scopes, days, "cli", &t, &err) != 0)
        return cli_error_from(strcmp(err.code, "token_invalid") == 0 ? CLI_USAGE : CLI_FAIL, &err);

    /* The only time the token is shown. */
    j = token_json(&t);
    json_object_set_new(j, "token", json_string(t.token));
    print_json(j);
    mem_wipe(t.token, sizeof(t.token));
    return CLI_OK;
}

static int
token_revoke(struct env *e, const char *id_text)
{
    long long id = parse_number(id_text, 1000000000000000LL);
    struct error err = {0};

    if (id < 0)
        return cli_error(CLI_USAGE, "usage", "token revoke requiere el número de la credencial");
    if (app_token_revoke(e->app, NULL, (int64_t)id, "cli", &err) != 0)
        return cli_error_from(CLI_FAIL, &err);
    printf("Credencial %lld revocada.\n", id);
    return CLI_OK;
}

static int
token_list(struct env *e)
{
    struct app_token *items = NULL;
    struct error err = {0};
    size_t n = 0;

    if (app_token_list(e->app, NULL, &items, &n, &err) != 0)
        return cli_error_from(CLI_FAIL, &err);
    for (size_t i = 0; i < n; i++)
        print_json(token_json(&items[i]));
    free(items);
    return CLI_OK;
}

int
cli_token(int argc, char **argv)
{
    struct opts o = {.active = -1};
    struct env e;
    bool help = false;
    const char *action, *id = NULL;
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        token_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    action = argv[1];
    if (strcmp(action, "issue") != 0 && strcmp(action, "revoke") != 0 &&
        strcmp(action, "list") != 0)
        return cli_error(CLI_USAGE, "usage", "acción desconocida: «%s» (issue, revoke, list)",
                         action);
    if (parse_opts(argc - 1, argv + 1, &o, token_usage, &help) != 0)
        return CLI_USAGE;
    if (help)
        return CLI_OK;
    if (strcmp(action, "revoke") == 0 && optind == argc - 2)
        id = argv[optind + 1];
    else if (optind != argc - 1)
        return cli_error(CLI_USAGE, "usage", "argumento inesperado: «%s»", argv[optind + 1]);

    rc = open_env(&o, &e);
    if (rc == CLI_OK) {
        if (strcmp(action, "issue") == 0)
            rc = token_issue(&e, &o);
        else if (strcmp(action, "revoke") == 0)
            rc = token_revoke(&e, id);
        else
            rc = token_list(&e);
    }
    close_env(&e);
    return rc;
}

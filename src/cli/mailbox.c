/*
 * mailbox.c - `buzon mailbox`: administration of mailboxes from the command line.
 *
 *   import-2020 FILE  mailboxes enabled under the 2020 rules (Lineamientos 5.4)
 *   show RFC          the mailbox summary, as GET /api/v1/mailbox answers it
 *
 * Whoever runs these has the database itself, so they act as the central unit's
 * administrator; what they do is recorded in the audit log all the same.
 */
#include "cli/appcfg.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/storecfg.h"

#include "app/mailbox.h"
#include "http/mailbox.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
mailbox_usage(FILE *out)
{
    fprintf(out,
            "Uso: buzon mailbox [--config ARCHIVO] [--data-dir DIR] import-2020 ARCHIVO.csv\n"
            "     buzon mailbox [--config ARCHIVO] [--data-dir DIR] show RFC\n\n"
            "import-2020 registra como habilitados los buzones activados conforme a los\n"
            "Lineamientos de 2020 (numeral 5.4), con su fecha original. Cada línea del CSV es\n"
            "rfc,fecha_de_habilitacion[,nombre] (fecha AAAA-MM-DD; se admite una línea de\n"
            "encabezado). Se revisan todas las filas antes de escribir: una fila inválida se\n"
            "informa con su número de línea y no se importa nada. Repetir la importación no\n"
            "cambia nada.\n\n"
            "show imprime el resumen del buzón del RFC en JSON (estado, plazo del artículo\n"
            "primero transitorio, medios de contacto, términos). La consulta queda en la\n"
            "bitácora de auditoría.\n\n"
            "  --config ARCHIVO  archivo INI (por omisión ./buzon.ini si existe)\n"
            "  --data-dir DIR    directorio de datos (server.data_dir)\n"
            "  --help            muestra esta ayuda\n");
}

/* The operator at the console: the central unit's administrator. */
static void
console_actor(struct app_actor *who)
{
    *who = (struct app_actor){.kind = APP_ACTOR_STAFF, .roles = APP_ROLE_ADMINISTRATOR};
    snprintf(who->unit, sizeof(who->unit), "%s", APP_UNIT_CENTRAL);
    snprintf(who->ref, sizeof(who->ref), "cli");
}

static int
import_2020(struct app *a, const char *path)
{
    struct app_import_row *rows = NULL;
    struct app_import_result res;
    struct app_actor who;
    struct error err = {0};
    size_t n = 0;
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    int rc;

    if (in == NULL)
        return cli_error(CLI_USAGE, "file_read", "no se pudo abrir %s: %s", path, strerror(errno));
    rc = app_import_2020_parse(a, in, &rows, &n, stderr, &err);
    if (in != stdin)
        fclose(in);
    if (rc != 0)
        return cli_error_from(CLI_USAGE, &err);

    console_actor(&who);
    rc = app_import_2020_apply(a, &who, rows, n, stderr, &res, &err);
    free(rows);
    if (rc != 0)
        return cli_error_from(CLI_FAIL, &err);
    printf("Importación 2020: %zu filas; %zu habilitados ahora, %zu ya estaban importados, "
           "%zu ya habilitados con las reglas vigentes.\n",
           res.rows, res.imported, res.unchanged, res.enabled);
    return CLI_OK;
}

static int
show(struct app *a, const char *rfc)
{
    struct app_mailbox_summary s;
    struct app_actor who;
    struct error err = {0};
    json_t *root;
    char *text;

    console_actor(&who);
    if (app_mailbox_summary(a, &who, rfc, "cli", &s, &err) != 0)
        return cli_error_from(CLI_FAIL, &err);
    {
        char compact[HTTP_MAILBOX_SUMMARY_MAX];

        http_mailbox_summary_text(&s, compact);
        root = json_loads(compact, 0, NULL);
    }
    text = root != NULL ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (text == NULL)
        return cli_error(CLI_FAIL, "internal", "no se pudo escribir el resumen");
    printf("%s\n", text);
    free(text);
    return CLI_OK;
}

int
cli_mailbox(int argc, char **argv)
{
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"data-dir", required_argument, NULL, 'd'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *config_path = NULL, *data_dir = NULL, *verb, *arg;
    struct cli_app_parts parts = {0};
    struct store *s = NULL;
    struct app *a = NULL;
    struct config *cfg = NULL;
    struct error err = {0};
    int opt, rc = CLI_FAIL;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'c':
            config_path = optarg;
            break;
        case 'd':
            data_dir = optarg;
            break;
        case 'h':
            mailbox_usage(stdout);
            return CLI_OK;
        default:
            mailbox_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (argc - optind != 2) {
        mailbox_usage(stderr);
        return CLI_USAGE;
    }
    verb = argv[optind];
    arg = argv[optind + 1];
    if (strcmp(verb, "import-2020") != 0 && strcmp(verb, "show") != 0)
        return cli_error(CLI_USAGE, "usage", "subcomando desconocido: «%s»", verb);

    cfg = cli_load_config(config_path, data_dir, &err);
    if (cfg == NULL)
        return cli_error_from(CLI_USAGE, &err);
    if (cli_store_open(cfg, config_bool(cfg, "store", "migrate_on_start"), &s, NULL, &err) !=
        STORE_OK) {
        rc = cli_error_from(CLI_FAIL, &err);
        goto out;
    }
    if (cli_app_open(cfg, s, NULL, false, &parts, &a, &err) != 0) {
        rc = cli_error_from(CLI_USAGE, &err);
        goto out;
    }
    rc = strcmp(verb, "show") == 0 ? show(a, arg) : import_2020(a, arg);

out:
    app_free(a);
    cli_app_parts_free(&parts);
    store_close(s);
    config_free(cfg);
    return rc;
}

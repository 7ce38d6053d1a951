/*
 * clock.c - `buzon clock`: the legal clock as a deadline calculator
 * (legal-rules.md).
 *
 * Each subcommand prints one JSON object on stdout. Instants are ISO 8601 with
 * the offset of the zone they are given in, to the second; dates are
 * YYYY-MM-DD. The policy comes from the defaults, the [clock] section of the
 * configuration, then --policy KEY=VALUE options; the declared days from
 * clock.declared_days and clock.suspensions, or --calendar FILE instead.
 */
#include "cli/cli.h"
#include "cli/commands.h"

#include "base/clockconf.h"
#include "core/calendar.h"
#include "core/civil.h"
#include "core/clock.h"
#include "core/mxzone.h"
#include "core/tz.h"

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_POLICY = 64,
    CALENDAR_FILE_MAX = 4 << 20,
};

/* Options of every subcommand; NULL when not given. */
struct opts {
    const char *positional;
    const char *calendar, *config;
    const char *policy[MAX_POLICY];
    int n_policy;
    const char *at, *zone, *last_day, *aviso, *opened, *notified, *days, *knowledge;
    const char *first_day, *months, *published, *sent, *state, *municipality, *date;
};

/* What a subcommand needs, built once from the options. */
struct env {
    struct clock_policy policy;
    struct tz_db *db;
    struct calendar *cal;
    struct clock clock;
    struct clock_trace trace;
};

struct subcommand {
    const char *name;
    const char *options; /* the options it accepts, " name name " */
    const char *usage;   /* after "Uso: buzon clock " */
    const char *help;
    int (*run)(struct env *env, const struct opts *o, json_t *out, struct error *err);
};

static const char common_help[] =
    "Opciones comunes:\n"
    "  --calendar ARCHIVO    días inhábiles declarados y suspensiones, en lugar de los\n"
    "                        configurados: una fecha o intervalo AAAA-MM-DD[..AAAA-MM-DD] por\n"
    "                        línea y su descripción (acuerdo y fecha del DOF); # comenta\n"
    "  --policy CLAVE=VALOR  parámetro de legal-rules.md sección 11 (repetible), p. ej.\n"
    "                        --policy transmission_day=DEC1\n"
    "  --config ARCHIVO      archivo INI (por omisión ./buzon.ini si existe), sección [clock]\n"
    "  --help                muestra esta ayuda\n";

/* ---- JSON helpers ---- */

static void
put_date(json_t *o, const char *key, int32_t d)
{
    char buf[CIVIL_DATE_LEN];

    if (d == CIVIL_NO_DATE) {
        json_object_set_new(o, key, json_null());
        return;
    }
    civil_format_date(d, buf);
    json_object_set_new(o, key, json_string(buf));
}

static void
put_instant(json_t *o, const char *key, int64_t us, const struct tz_zone *z)
{
    char buf[CIVIL_INSTANT_LEN];

    civil_format_instant(us, tz_offset(z, civil_us_to_sec(us)), buf);
    json_object_set_new(o, key, json_string(buf));
}

static void
put_trace(json_t *o, const struct clock_trace *t)
{
    json_t *rules = json_array(), *amb = json_array(), *flags = json_array();
    char buf[8];

    for (int i = 0; i < 32; i++) {
        if (t->rules & (1u << i)) {
            snprintf(buf, sizeof(buf), "R%d", i + 1);
            json_array_append_new(rules, json_string(buf));
        }
        if (t->ambiguities & (1u << i)) {
            snprintf(buf, sizeof(buf), "A%d", i + 1);
            json_array_append_new(amb, json_string(buf));
        }
        if ((t->flags & (1u << i)) && clock_flag_name(1u << i) != NULL)
            json_array_append_new(flags, json_string(clock_flag_name(1u << i)));
    }
    json_object_set_new(o, "rules", rules);
    json_object_set_new(o, "ambiguities", amb);
    json_object_set_new(o, "flags", flags);
}

/* ---- Arguments ---- */

static int
need(const char *value, const char *option, struct error *err)
{
    if (value == NULL)
        return error_set(err, "usage", "falta la opción obligatoria --%s", option);
    return 0;
}

static int
arg_date(const char *s, const char *option, int32_t *out, struct error *err)
{
    if (need(s, option, err) != 0)
        return -1;
    if (civil_parse_date(s, out, err) != 0) {
        error_prefix(err, "--%s: ", option);
        return -1;
    }
    return 0;
}

static int
arg_int(const char *s, const char *option, int lo, int hi, int *out, struct error *err)
{
    char *end;
    long v;

    if (need(s, option, err) != 0)
        return -1;
    v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0')
        return error_set(err, "usage", "--%s: se espera un número entero, no «%.40s»", option, s);
    if (v < 0)
        return error_set(err, "plazo_invalid", "--%s: el plazo no puede ser negativo (%ld)", option,
                         v);
    if (v < lo || v > hi)
        return error_set(err, "plazo_invalid", "--%s: se espera un número de %d a %d, no %ld",
                         option, lo, hi, v);
    *out = (int)v;
    return 0;
}

static int
arg_zone(struct env *env, const char *s, const char *option, const struct tz_zone **out,
         struct error *err)
{
    if (need(s, option, err) != 0)
        return -1;
    *out = tz_db_zone(env->db, s, err);
    if (*out == NULL) {
        error_prefix(err, "--%s: ", option);
        return -1;
    }
    return 0;
}

/* An instant with an offset, or a wall-clock time of zone z that must exist and be unique. */
static int
arg_instant(const char *s, const char *option, const struct tz_zone *z, int64_t *out,
            struct error *err)
{
    struct civil_time t;
    int64_t first, second;
    enum tz_match m;

    if (need(s, option, err) != 0)
        return -1;
    if (civil_parse_time(s, &t, err) != 0) {
        error_prefix(err, "--%s: ", option);
        return -1;
    }
    if (t.has_offset) {
        *out = civil_time_instant(&t);
        return 0;
    }
    m = tz_from_local(z, (int64_t)t.date * CIVIL_SEC_PER_DAY + t.sec_of_day, &first, &second);
    if (m == TZ_GAP)
        return error_set(err, "instant_gap",
                         "--%s: %.40s no existe en %s (el reloj se adelanta por el horario de "
                         "verano); indique el desfase",
                         option, s, tz_zone_name(z));
    if (m == TZ_OVERLAP)
        return error_set(err, "instant_ambiguous",
                         "--%s: %.40s ocurre dos veces en %s (fin del horario de verano); indique "
                         "el desfase",
                         option, s, tz_zone_name(z));
    *out = first * CIVIL_US_PER_SEC + t.usec;
    return 0;
}

/* ---- Subcommands ---- */

static int
run_day(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    char reason[CALENDAR_REASON_MAX];
    int32_t d;

    if (o->positional == NULL)
        return error_set(err, "usage", "falta la fecha: buzon clock day AAAA-MM-DD");
    if (civil_parse_date(o->positional, &d, err) != 0)
        return -1;
    calendar_reason(env->cal, d, reason, sizeof(reason));
    put_date(out, "date", d);
    json_object_set_new(out, "business_day", json_boolean(reason[0] == '\0'));
    json_object_set_new(out, "reason", reason[0] ? json_string(reason) : json_null());
    clock_trace_rule(&env->trace, 1);
    clock_trace_rule(&env->trace, 2);
    clock_trace_rule(&env->trace, 3);
    clock_trace_rule(&env->trace, 4);
    if (calendar_get_mode(env->cal) == CALENDAR_PAYMENT)
        clock_trace_rule(&env->trace, 6);
    return 0;
}

static int
run_filing(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    const struct tz_zone *z;
    struct clock_filing f;
    int32_t last = CIVIL_NO_DATE;
    int64_t at;

    if (arg_zone(env, o->zone, "zone", &z, err) != 0 || arg_instant(o->at, "at", z, &at, err) != 0)
        return -1;
    if (o->last_day != NULL && arg_date(o->last_day, "last-day", &last, err) != 0)
        return -1;
    clock_filing(&env->clock, z, at, last, &f, &env->trace);

    put_date(out, "legal_date", f.legal_date);
    put_instant(out, "received_at", f.received,
                env->policy.legal_zone_policy == CLOCK_ZONE_CENTRO ? env->clock.centro : z);
    put_instant(out, "received_at_centro", f.received, env->clock.centro);
    json_object_set_new(out, "moved_to_next_business_day", json_boolean(f.moved));
    if (f.has_last_day) {
        json_object_set_new(out, "timely", json_boolean(f.timely));
        json_object_set_new(out, "timely_domicile", json_boolean(f.timely_domicile));
        json_object_set_new(out, "timely_centro", json_boolean(f.timely_centro));
    }
    return 0;
}

static int
run_notification(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    const struct tz_zone *z;
    struct clock_notification n;
    int64_t aviso, opened;
    json_t *window = json_array();
    char buf[CIVIL_DATE_LEN];

    json_object_set_new(out, "window", window);
    if (arg_zone(env, o->zone, "zone", &z, err) != 0 ||
        arg_instant(o->aviso, "aviso", z, &aviso, err) != 0 ||
        (o->opened != NULL && arg_instant(o->opened, "opened", z, &opened, err) != 0))
        return -1;
    if (clock_notification(&env->clock, z, aviso, o->opened != NULL ? &opened : NULL, &n,
                           &env->trace, err) != 0)
        return -1;

    put_date(out, "aviso_date", n.aviso_date);
    for (int i = 0; i < n.n_window; i++) {
        civil_format_date(n.window[i], buf);
        json_array_append_new(window, json_string(buf));
    }
    put_date(out, "deemed_date", n.deemed_date);
    put_instant(out, "deemed_at", n.deemed, env->clock.centro);
    if (n.opened)
        put_instant(out, "opened_normalised", n.opened_normalised, env->clock.centro);
    put_instant(out, "notified_at", n.notified, env->clock.centro);
    json_object_set_new(out, "notified_by",
                        json_string(n.by == CLOCK_BY_OPENING ? "opening" : "lapse"));
    put_date(out, "notification_date", n.notified_date);
    put_date(out, "effect_date", n.effect_date);
    if (n.effect_date_other != n.effect_date)
        put_date(out, "effect_date_other_reading", n.effect_date_other);
    return 0;
}

static int
run_deadline(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    const struct tz_zone *z = env->clock.centro;
    struct clock_deadline d;
    int32_t notified, knowledge = CIVIL_NO_DATE;
    int days;

    if (arg_date(o->notified, "notified", &notified, err) != 0 ||
        arg_int(o->days, "days", 1, CLOCK_DAYS_MAX, &days, err) != 0 ||
        (o->zone != NULL && arg_zone(env, o->zone, "zone", &z, err) != 0) ||
        (o->knowledge != NULL && arg_date(o->knowledge, "knowledge", &knowledge, err) != 0))
        return -1;
    if (clock_deadline(&env->clock, z, notified, days, knowledge, &d, &env->trace, err) != 0)
        return -1;

    put_date(out, "notification_date", d.notified_date);
    put_date(out, "effect_date", d.effect_date);
    json_object_set_new(out, "knowledge_applied", json_boolean(d.knowledge_applied));
    put_date(out, "first_day", d.first_day);
    put_date(out, "last_day", d.last_day);
    put_instant(out, "ends_at", d.ends_at, z);
    put_instant(out, "enforce_after", d.enforce_after, z);
    return 0;
}

static int
run_months(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    struct clock_months m;
    int32_t first;
    int n;

    if (arg_date(o->first_day, "first-day", &first, err) != 0 ||
        arg_int(o->months, "months", 1, CLOCK_MONTHS_MAX, &n, err) != 0)
        return -1;
    if (clock_months(&env->clock, first, n, &m, &env->trace, err) != 0)
        return -1;
    put_date(out, "nominal_end", m.nominal_exists ? m.nominal_end : CIVIL_NO_DATE);
    put_date(out, "last_day", m.last_day);
    return 0;
}

static int
run_estrados(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    struct clock_estrados e;
    int32_t p;

    if (arg_date(o->published, "published", &p, err) != 0)
        return -1;
    clock_estrados(&env->clock, p, &e, &env->trace);
    put_date(out, "published", e.published);
    put_date(out, "last_publication_day", e.last_publication_day);
    put_date(out, "notification_date", e.notification_date);
    put_date(out, "effect_date", e.effect_date);
    return 0;
}

static int
run_contact_expiry(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    const struct tz_zone *z;
    char buf[CIVIL_INSTANT_LEN];
    int64_t sent, exp;

    if (arg_zone(env, o->zone, "zone", &z, err) != 0 ||
        arg_instant(o->sent, "sent", z, &sent, err) != 0)
        return -1;
    exp = clock_contact_expiry(&env->clock, sent, &env->trace);
    civil_format_utc(exp, buf);
    json_object_set_new(out, "expires_utc", json_string(buf));
    put_instant(out, "expires_local", exp, z);
    put_instant(out, "expires_centro", exp, env->clock.centro);
    return 0;
}

static int
run_zone(struct env *env, const struct opts *o, json_t *out, struct error *err)
{
    struct mxzone_place place;
    const struct tz_zone *z;
    int32_t d;
    int64_t noon;
    char off[8];

    if (need(o->state, "state", err) != 0 || need(o->municipality, "municipality", err) != 0 ||
        arg_date(o->date, "date", &d, err) != 0)
        return -1;
    if (mxzone_resolve(o->state, o->municipality, &place, err) != 0)
        return -1;
    z = tz_db_zone(env->db, place.iana, err);
    if (z == NULL)
        return -1;

    /* The offset in force at noon local time that day: never inside a DST change. */
    tz_from_local(z, (int64_t)d * CIVIL_SEC_PER_DAY + 12 * 3600, &noon, NULL);
    civil_format_offset(tz_offset(z, noon), off);
    json_object_set_new(out, "state", json_string(place.state_name));
    json_object_set_new(out, "state_code", json_integer(place.state));
    json_object_set_new(out, "municipality",
                        place.municipality_name ? json_string(place.municipality_name)
                                                : json_string(o->municipality));
    json_object_set_new(out, "municipality_code",
                        place.municipality > 0 ? json_integer(place.municipality) : json_null());
    json_object_set_new(out, "municipality_checked", json_boolean(place.municipality_checked));
    json_object_set_new(out, "iana", json_string(place.iana));
    json_object_set_new(out, "legal_zone", json_string(place.legal_zone));
    json_object_set_new(out, "basis", json_string(place.basis));
    put_date(out, "date", d);
    json_object_set_new(out, "utc_offset", json_string(off));
    json_object_set_new(out, "dst", json_boolean(tz_is_dst(z, noon)));
    clock_trace_ambiguity(&env->trace, 14);
    clock_trace_ambiguity(&env->trace, 15);
    clock_trace_ambiguity(&env->trace, 16);
    return 0;
}

static const struct subcommand subcommands[] = {
    {"day", " ", "day AAAA-MM-DD [OPCIONES]",
     "Dice si la fecha es día hábil (CFF art. 12; legal-rules.md R1-R6) y, si no, por qué.\n"
     "Salida: date, business_day, reason.\n",
     run_day},
    {"filing", " at zone last-day ",
     "filing --at INSTANTE --zone ZONA_IANA [--last-day AAAA-MM-DD] [OPCIONES]",
     "Fecha legal y hora de recepción de una actuación (Lineamientos 6.1-6.3, 5.8; R13-R17).\n"
     "  --at INSTANTE         momento del envío, ISO 8601 (sin desfase: hora de --zone)\n"
     "  --zone ZONA_IANA      zona del domicilio fiscal, p. ej. America/Cancun\n"
     "  --last-day FECHA      último día del plazo: agrega \"timely\"\n"
     "Salida: legal_date, received_at (zona legal), received_at_centro, timely (la lectura\n"
     "más favorable al particular; timely_domicile y timely_centro, A4).\n",
     run_filing},
    {"notification", " aviso zone opened ",
     "notification --aviso INSTANTE --zone ZONA_IANA [--opened INSTANTE] [OPCIONES]",
     "Ventana de apertura, notificación por apertura o por decurso del plazo y fecha en que\n"
     "surte efectos (Lineamientos 7.2-7.5; CFF 134 I, 135; R18-R25).\n"
     "  --aviso INSTANTE      envío del aviso\n"
     "  --zone ZONA_IANA      zona del domicilio fiscal\n"
     "  --opened INSTANTE     apertura del documento, si la hubo\n"
     "Salida: window (los tres días), deemed_at, notified_at (hora del Centro), notified_by\n"
     "(opening o lapse), effect_date.\n",
     run_notification},
    {"deadline", " notified days zone knowledge ",
     "deadline --notified AAAA-MM-DD --days N [--zone ZONA_IANA] [--knowledge AAAA-MM-DD] "
     "[OPCIONES]",
     "Plazo de N días hábiles de una notificación hecha en la fecha dada por cualquier medio\n"
     "(CFF 12, 135; LFPCA 74 por analogía; R7, R10, R11, R26).\n"
     "  --notified FECHA      fecha de la notificación\n"
     "  --days N              días hábiles del plazo (1-3650)\n"
     "  --zone ZONA_IANA      zona del domicilio fiscal para \"ends_at\" (por omisión Centro)\n"
     "  --knowledge FECHA     fecha en que el particular manifestó conocer el acto (CFF 135)\n"
     "Salida: effect_date, first_day, last_day, ends_at (fin del último día en la zona),\n"
     "enforce_after (el más tardío de ese fin y el del Centro, A4).\n",
     run_deadline},
    {"months", " first-day months ", "months --first-day AAAA-MM-DD --months N [OPCIONES]",
     "Plazo en meses (CFF art. 12 cuarto y quinto párrafos; R9).\n"
     "  --first-day FECHA     día en que inicia el plazo\n"
     "  --months N            meses (1-1200)\n"
     "Salida: nominal_end (null si ese día no existe), last_day.\n",
     run_months},
    {"estrados", " published ", "estrados --published AAAA-MM-DD [OPCIONES]",
     "Notificación por estrados: fecha de notificación y de efectos (CFF 139; R28).\n"
     "  --published FECHA     día de la publicación\n"
     "Salida: notification_date (undécimo día), effect_date.\n",
     run_estrados},
    {"contact-expiry", " sent zone ", "contact-expiry --sent INSTANTE --zone ZONA_IANA [OPCIONES]",
     "Vencimiento de las 72 horas para confirmar un medio de contacto (Lineamientos 5.2; R29).\n"
     "  --sent INSTANTE       envío del mensaje de validación\n"
     "  --zone ZONA_IANA      zona del domicilio fiscal\n"
     "Salida: expires_utc, expires_local, expires_centro (horas transcurridas, A13).\n",
     run_contact_expiry},
    {"zone", " state municipality date ",
     "zone --state ENTIDAD --municipality MUNICIPIO --date AAAA-MM-DD [OPCIONES]",
     "Zona horaria legal de un municipio (Ley de los Husos Horarios, arts. 3 y 5) y su desfase\n"
     "respecto de UTC a mediodía de la fecha dada.\n"
     "  --state ENTIDAD       clave INEGI (01-32) o nombre\n"
     "  --municipality MUN    clave INEGI de tres dígitos o nombre (sin importar acentos)\n"
     "  --date FECHA          fecha de referencia\n"
     "Salida: iana, utc_offset (±HH:MM a mediodía local), legal_zone, basis.\n",
     run_zone},
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void
clock_usage(FILE *f)
{
    fprintf(f,
            "Uso: buzon clock SUBCOMANDO [OPCIONES]\n\n"
            "Reloj legal del Buzón IMSS: días hábiles, zonas horarias, acuses, notificaciones\n"
            "y plazos (docs: legal-rules.md). Cada subcomando imprime un objeto JSON; los\n"
            "instantes van en ISO 8601 con el desfase de su zona y las fechas como AAAA-MM-DD.\n\n"
            "Subcomandos:\n");
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        fprintf(f, "  buzon clock %s\n", subcommands[i].usage);
    fprintf(f,
            "\n%s\n'buzon clock SUBCOMANDO --help' describe cada uno. Errores: JSON en la "
            "salida de errores, código 2.\n",
            common_help);
}

static void
sub_usage(const struct subcommand *s, FILE *f)
{
    fprintf(f, "Uso: buzon clock %s\n\n%s\n%s", s->usage, s->help, common_help);
}

/* Point the option named name (without "--") at value; -1 for an option s does not take. */
static int
set_opt(const struct subcommand *s, struct opts *o, const char *name, const char *value,
        struct error *err)
{
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        {"at", offsetof(struct opts, at)},
        {"zone", offsetof(struct opts, zone)},
        {"last-day", offsetof(struct opts, last_day)},
        {"aviso", offsetof(struct opts, aviso)},
        {"opened", offsetof(struct opts, opened)},
        {"notified", offsetof(struct opts, notified)},
        {"days", offsetof(struct opts, days)},
        {"knowledge", offsetof(struct opts, knowledge)},
        {"first-day", offsetof(struct opts, first_day)},
        {"months", offsetof(struct opts, months)},
        {"published", offsetof(struct opts, published)},
        {"sent", offsetof(struct opts, sent)},
        {"state", offsetof(struct opts, state)},
        {"municipality", offsetof(struct opts, municipality)},
        {"date", offsetof(struct opts, date)},
    };
    char key[40];

    if (strcmp(name, "calendar") == 0) {
        o->calendar = value;
        return 0;
    }
    if (strcmp(name, "config") == 0) {
        o->config = value;
        return 0;
    }
    if (strcmp(name, "policy") == 0) {
        if (o->n_policy == MAX_POLICY)
            return error_set(err, "usage", "demasiadas opciones --policy");
        o->policy[o->n_policy++] = value;
        return 0;
    }
    snprintf(key, sizeof(key), " %s ", name);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strcmp(fields[i].name, name) == 0 && strstr(s->options, key) != NULL) {
            *(const char **)((char *)o + fields[i].offset) = value;
            return 0;
        }
    }
    return error_set(err, "usage", "opción desconocida para «clock %s»: --%.40s", s->name, name);
}

/* Parse argv (after the subcommand) into o. Returns 0, 1 for --help, -1 on error. */
static int
parse_args(const struct subcommand *s, int argc, char **argv, struct opts *o, struct error *err)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *eq;
        char name[40];
        size_t n;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        if (strncmp(a, "--", 2) != 0) {
            if (o->positional != NULL || strcmp(s->name, "day") != 0)
                return error_set(err, "usage", "argumento inesperado: «%.60s»", a);
            o->positional = a;
            continue;
        }
        eq = strchr(a, '=');
        n = eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (n >= sizeof(name))
            return error_set(err, "usage", "opción desconocida: «%.40s»", a);
        memcpy(name, a + 2, n);
        name[n] = '\0';
        if (eq == NULL && i + 1 >= argc)
            return error_set(err, "usage", "la opción --%s necesita un valor", name);
        if (set_opt(s, o, name, eq != NULL ? eq + 1 : argv[++i], err) != 0)
            return -1;
    }
    return 0;
}

/* Read and parse one calendar file into list. */
static int
load_calendar_file(struct calendar_list *list, const char *path, struct error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (path[0] == '\0')
        return 0;
    if (cli_read_file(path, CALENDAR_FILE_MAX, &text, &len, err) != 0)
        return -1;
    rc = calendar_list_parse(list, text, len, path, err);
    free(text);
    return rc;
}

/* Policy (defaults, config, --policy), tz database, calendar and clock. */
static int
build_env(const struct opts *o, struct env *env, struct error *err)
{
    struct calendar_list list = {0};
    struct config *cfg = cli_load_config(o->config, NULL, err);
    int rc = -1;

    if (cfg == NULL || clockconf_policy(cfg, &env->policy, err) != 0)
        goto out;
    for (int i = 0; i < o->n_policy; i++)
        if (clock_policy_apply(&env->policy, o->policy[i], err) != 0)
            goto out;
    if (clock_policy_check(&env->policy, err) != 0)
        goto out;

    env->db = tz_db_open(env->policy.zoneinfo_dir, env->policy.tzdata_min_version, err);
    if (env->db == NULL)
        goto out;
    if (o->calendar != NULL ? load_calendar_file(&list, o->calendar, err) != 0
                            : (load_calendar_file(&list, env->policy.declared_days, err) != 0 ||
                               load_calendar_file(&list, env->policy.suspensions, err) != 0))
        goto out;
    env->cal = calendar_new(&list, env->policy.transmission_day, env->policy.calendar_mode);
    rc = clock_init(&env->clock, env->db, env->cal, &env->policy, err);

out:
    calendar_list_free(&list);
    config_free(cfg);
    return rc;
}

static int
run_sub(const struct subcommand *s, int argc, char **argv)
{
    struct opts o = {0};
    struct env env = {0};
    struct error err = {0};
    json_t *out = json_object();
    int rc = parse_args(s, argc, argv, &o, &err);

    if (rc == 1) {
        sub_usage(s, stdout);
        rc = CLI_OK;
        goto done;
    }
    if (rc != 0 || build_env(&o, &env, &err) != 0 || s->run(&env, &o, out, &err) != 0) {
        rc = cli_error_from(CLI_USAGE, &err);
        goto done;
    }

    put_trace(out, &env.trace);
    json_object_set_new(out, "tzdata", json_string(tz_db_version(env.db)));
    json_dumpf(out, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    rc = CLI_OK;

done:
    json_decref(out);
    calendar_free(env.cal);
    tz_db_free(env.db);
    return rc;
}

int
cli_clock(int argc, char **argv)
{
    if (argc < 2) {
        clock_usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        clock_usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < N_SUBCOMMANDS; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return run_sub(&subcommands[i], argc - 2, argv + 2);
    return cli_error(CLI_USAGE, "unknown_command",
                     "subcomando desconocido: «clock %.40s»; 'buzon clock --help' muestra la lista",
                     argv[1]);
}

/* clock_policy.c - defaults of legal-rules.md section 11 and the one KEY=VALUE parser. */
#include "core/clock_policy.h"

#include "core/civil.h"
#include "core/tz.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const clock_policy_keys[] = {
    "declared_days",
    "suspensions",
    "statutory_rules",
    "transmission_day",
    "calendar_mode",
    "legal_zone_policy",
    "notify_window",
    "notify_window_zone",
    "early_open_policy",
    "deemed_time",
    "open_window_days",
    "deemed_on_day",
    "filing_nonbusiness_time",
    "estrados_days",
    "estrados_day_kind",
    "contact_validation_hours",
    "transitional_end",
    "estrados_nonenabled_from",
    "retention_years",
    "tzdata_min_version",
    "zoneinfo_dir",
    NULL,
};

void
clock_policy_default(struct clock_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->transmission_day = CALENDAR_TRANSMISSION_OCT1;
    p->calendar_mode = CALENDAR_PROCEDURAL;
    p->legal_zone_policy = CLOCK_ZONE_DOMICILE;
    p->notify_from = 9 * 3600 + 30 * 60; /* Lineamientos 7.2 ¶1 */
    p->notify_to = 18 * 3600;
    p->notify_window_zone = CLOCK_ZONE_CENTRO;
    p->early_open_policy = CLOCK_EARLY_NEXT_BUSINESS_DAY;
    p->deemed_time = 9 * 3600 + 30 * 60; /* A8 */
    p->open_window_days = 3;             /* Lineamientos 7.4 */
    p->deemed_on_day = 4;                /* Lineamientos 7.5 */
    p->filing_nonbusiness_time = 0;      /* A5 */
    p->estrados_days = 10;               /* CFF 139 */
    p->estrados_day_kind = CLOCK_DAYS_BUSINESS;
    p->contact_validation_hours = 72; /* Lineamientos 5.2 */
    p->transitional_end = civil_from_ymd(2025, 2, 1);
    p->estrados_nonenabled_from = civil_from_ymd(2025, 2, 5);
    p->retention_years = 5; /* Lineamientos 6.1, 7.7 */
    memcpy(p->tzdata_min_version, TZ_DEFAULT_MIN_VERSION, sizeof(TZ_DEFAULT_MIN_VERSION));
    memcpy(p->zoneinfo_dir, TZ_DEFAULT_DIR, sizeof(TZ_DEFAULT_DIR));
}

/* "HH:MM:SS" (or "HH:MM") into seconds after midnight. */
static int
parse_hms(const char *s, size_t len, int32_t *out)
{
    int h, m, sec = 0;
    char buf[16];
    char extra;

    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (len == 8 && sscanf(buf, "%2d:%2d:%2d%c", &h, &m, &sec, &extra) == 3) {
        /* HH:MM:SS */
    } else if (len == 5 && sscanf(buf, "%2d:%2d%c", &h, &m, &extra) == 2) {
        /* HH:MM */
    } else {
        return -1;
    }
    if (strspn(buf, "0123456789:") != len || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 ||
        sec > 59)
        return -1;
    *out = h * 3600 + m * 60 + sec;
    return 0;
}

static int
parse_int_range(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;

    if (*s == '\0' || strspn(s, "0123456789") != strlen(s))
        return -1;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Index of value among the '|'-separated words (case-insensitive), or -1. */
static int
word_index(const char *words, const char *value)
{
    size_t n = strlen(value);
    int i = 0;

    for (const char *p = words; *p != '\0'; i++) {
        size_t k = strcspn(p, "|");

        if (k == n && strncasecmp(p, value, n) == 0)
            return i;
        p += k + (p[k] == '|');
    }
    return -1;
}

static int
set_path(char *dst, const char *value)
{
    size_t n = strlen(value);

    if (n >= CLOCK_POLICY_PATH_MAX)
        return -1;
    memcpy(dst, value, n + 1);
    return 0;
}

static int
set_window(struct clock_policy *p, const char *value)
{
    const char *dash = strchr(value, '-');
    int32_t from, to;

    if (dash == NULL || parse_hms(value, (size_t)(dash - value), &from) != 0 ||
        parse_hms(dash + 1, strlen(dash + 1), &to) != 0 || to < from)
        return -1;
    p->notify_from = from;
    p->notify_to = to;
    return 0;
}

static int
set_version(struct clock_policy *p, const char *value)
{
    size_t n = strlen(value);

    if (n >= sizeof(p->tzdata_min_version) || (n > 0 && tz_version_compare(value, "0000a") < 0))
        return -1;
    memcpy(p->tzdata_min_version, value, n + 1);
    return 0;
}

/* set_enum stores an enum through an int: they must have the same size. */
_Static_assert(sizeof(enum calendar_transmission) == sizeof(int) &&
                   sizeof(enum calendar_mode) == sizeof(int) &&
                   sizeof(enum clock_zone_choice) == sizeof(int) &&
                   sizeof(enum clock_early_open) == sizeof(int) &&
                   sizeof(enum clock_day_kind) == sizeof(int),
               "policy enums are int-sized");

/* Enumerated keys; -2 when key is none of them. */
static int
set_enum(struct clock_policy *q, const char *key, const char *v, const char **expected)
{
    static const struct {
        const char *key, *words;
        size_t offset;
    } keys[] = {
        {"transmission_day", "OCT1|DEC1|BOTH", offsetof(struct clock_policy, transmission_day)},
        {"calendar_mode", "PROCEDURAL|PAYMENT", offsetof(struct clock_policy, calendar_mode)},
        {"legal_zone_policy", "DOMICILE|CENTRO", offsetof(struct clock_policy, legal_zone_policy)},
        {"notify_window_zone", "DOMICILE|CENTRO",
         offsetof(struct clock_policy, notify_window_zone)},
        {"early_open_policy", "NEXT_BUSINESS_DAY|SAME_DAY_0930",
         offsetof(struct clock_policy, early_open_policy)},
        {"estrados_day_kind", "BUSINESS|CALENDAR",
         offsetof(struct clock_policy, estrados_day_kind)},
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        int w;

        if (strcmp(key, keys[i].key) != 0)
            continue;
        *expected = keys[i].words;
        if ((w = word_index(keys[i].words, v)) < 0)
            return -1;
        /* Every enum of the policy is an int-sized enum whose values are the word's index. */
        memcpy((char *)q + keys[i].offset, &w, sizeof(w));
        return 0;
    }
    return -2;
}

/* Integer keys; -2 when key is none of them. */
static int
set_int(struct clock_policy *q, const char *key, const char *v, const char **expected)
{
    static const struct {
        const char *key, *expected;
        int lo, hi;
        size_t offset;
    } keys[] = {
        {"open_window_days", "un número entero de 1 a 30", 1, 30,
         offsetof(struct clock_policy, open_window_days)},
        {"deemed_on_day", "un número entero de 2 a 31", 2, 31,
         offsetof(struct clock_policy, deemed_on_day)},
        {"estrados_days", "un número entero de 1 a 60", 1, 60,
         offsetof(struct clock_policy, estrados_days)},
        {"contact_validation_hours", "un número entero de 1 a 720", 1, 720,
         offsetof(struct clock_policy, contact_validation_hours)},
        {"retention_years", "un número entero de 1 a 100", 1, 100,
         offsetof(struct clock_policy, retention_years)},
    };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(key, keys[i].key) != 0)
            continue;
        *expected = keys[i].expected;
        return parse_int_range(v, keys[i].lo, keys[i].hi,
                               (int *)(void *)((char *)q + keys[i].offset));
    }
    return -2;
}

/* Apply one key to q; -1 with *expected set when the value is bad, -2 for an unknown key. */
static int
set_one(struct clock_policy *q, const char *key, const char *v, const char **expected)
{
    int rc;

    if (strcmp(key, "declared_days") == 0 || strcmp(key, "suspensions") == 0 ||
        strcmp(key, "zoneinfo_dir") == 0) {
        *expected = "una ruta de menos de 1024 caracteres";
        return set_path(key[0] == 'd'   ? q->declared_days
                        : key[0] == 's' ? q->suspensions
                                        : q->zoneinfo_dir,
                        v);
    }
    if (strcmp(key, "statutory_rules") == 0) {
        *expected = "CFF12 (la tabla del artículo 12 del CFF)";
        return strcasecmp(v, "CFF12") == 0 ? 0 : -1;
    }
    if ((rc = set_enum(q, key, v, expected)) != -2 || (rc = set_int(q, key, v, expected)) != -2)
        return rc;
    if (strcmp(key, "notify_window") == 0) {
        *expected = "HH:MM:SS-HH:MM:SS, inicio no posterior al fin";
        return set_window(q, v);
    }
    if (strcmp(key, "deemed_time") == 0 || strcmp(key, "filing_nonbusiness_time") == 0) {
        *expected = "una hora HH:MM:SS";
        return parse_hms(v, strlen(v),
                         key[0] == 'd' ? &q->deemed_time : &q->filing_nonbusiness_time);
    }
    if (strcmp(key, "transitional_end") == 0 || strcmp(key, "estrados_nonenabled_from") == 0) {
        *expected = "una fecha AAAA-MM-DD";
        return civil_parse_date(
            v, key[0] == 't' ? &q->transitional_end : &q->estrados_nonenabled_from, NULL);
    }
    if (strcmp(key, "tzdata_min_version") == 0) {
        *expected = "una versión de tzdata como 2022g, o vacío";
        return set_version(q, v);
    }
    return -2;
}

int
clock_policy_set(struct clock_policy *p, const char *key, const char *value, struct error *err)
{
    struct clock_policy q = *p;
    const char *expected = "";
    int rc = set_one(&q, key, value, &expected);

    if (rc == -2)
        return error_set(err, "policy_unknown_key",
                         "parámetro del reloj legal desconocido: «%.60s»", key);
    if (rc != 0)
        return error_set(err, "policy_value", "%s = «%.80s»: se espera %s", key, value, expected);
    *p = q;
    return 0;
}

int
clock_policy_apply(struct clock_policy *p, const char *assignment, struct error *err)
{
    const char *eq = strchr(assignment, '=');
    char key[64];
    size_t n;

    if (eq == NULL || (n = (size_t)(eq - assignment)) == 0 || n >= sizeof(key))
        return error_set(err, "policy_syntax",
                         "se espera CLAVE=VALOR en «%.80s» (claves: legal-rules.md sección 11)",
                         assignment);
    memcpy(key, assignment, n);
    key[n] = '\0';
    return clock_policy_set(p, key, eq + 1, err);
}

int
clock_policy_check(const struct clock_policy *p, struct error *err)
{
    if (p->deemed_on_day <= p->open_window_days)
        return error_set(err, "policy_value",
                         "deemed_on_day (%d) debe ser posterior a open_window_days (%d): la "
                         "notificación se tiene por hecha al terminar el plazo para abrir",
                         p->deemed_on_day, p->open_window_days);
    if (p->notify_to < p->notify_from)
        return error_set(err, "policy_value", "notify_window: el inicio es posterior al fin");
    return 0;
}

/*
 * localtime.c - instants shown in local time for people: evidence__format_local
 * (receipt.h), on the legal clock's reader of the time zone database (core/tz),
 * so that receipts and deadlines take Mexico's zone rules from one source
 * (legal-rules.md section 8).
 */
#include "evidence/receipt.h"

#include "core/civil.h"
#include "core/tz.h"

#include <pthread.h>
#include <stdio.h>

static pthread_once_t db_once = PTHREAD_ONCE_INIT;
static struct tz_db *db;

/* Open the system's database once per process; its zones are cached and shared read-only.
 * It stays open until exit, like the process's other read-only tables. */
static void
open_db(void)
{
    struct error err;

    db = tz_db_open(NULL, NULL, &err);
}

void
evidence__format_local(int64_t us, const char *zone, char *buf, size_t len)
{
    int64_t t = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    char utc[EVIDENCE_UTC_MAX];
    const struct tz_zone *z = NULL;
    struct error err;
    int32_t offset;
    int32_t abs_off;

    pthread_once(&db_once, open_db);
    if (db != NULL)
        z = tz_db_zone(db, zone, &err);
    if (z == NULL) {
        evidence_utc_format(us, utc);
        snprintf(buf, len, "%.10s %.8s UTC (sin reglas de la zona %s)", utc, utc + 11, zone);
        return;
    }

    /* Local civil time is UTC shifted by the offset; reuse the UTC formatter on it. */
    offset = tz_offset(z, t);
    evidence_utc_format(us + (int64_t)offset * 1000000, utc);
    abs_off = offset < 0 ? -offset : offset;
    snprintf(buf, len, "%.2s/%.2s/%.4s %.8s (UTC%c%02d:%02d)", utc + 8, utc + 5, utc, utc + 11,
             offset < 0 ? '-' : '+', (int)(abs_off / 3600), (int)(abs_off / 60 % 60));
}

int
evidence__issue_year(int64_t us)
{
    int64_t t = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    const struct tz_zone *z = NULL;
    struct error err;
    int64_t days;
    int y;

    /* The year of issue is the year on the institute's clocks (Centro), not UTC's: a receipt
     * sealed on 31 December at 20:00 in Mexico City is of that year. */
    pthread_once(&db_once, open_db);
    if (db != NULL)
        z = tz_db_zone(db, "America/Mexico_City", &err);
    if (z != NULL)
        t = tz_to_local(z, t);
    days = t >= 0 ? t / CIVIL_SEC_PER_DAY : (t - CIVIL_SEC_PER_DAY + 1) / CIVIL_SEC_PER_DAY;
    civil_to_ymd((int32_t)days, &y, NULL, NULL);
    return y;
}

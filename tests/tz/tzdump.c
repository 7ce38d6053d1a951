/*
 * tzdump - print the local time of instants in a zone with core/tz, for comparison with the
 * system's `date` (tests/tz/vs_date.py).
 *
 * Usage: tzdump ZONE FIRST LAST STEP         (UTC instants, seconds since the epoch)
 * Prints "SECONDS YYYY-MM-DDTHH:MM:SS±HHMM" per instant, as `date +'%s %Y-%m-%dT%H:%M:%S%z'`
 * would. Exits 1 when an instant does not round-trip through tz_from_local.
 *
 * Usage: tzdump --local ZONE FIRST LAST STEP (wall-clock times, local seconds)
 * Prints "YYYY-MM-DD HH:MM:SS unique T", "... overlap T1 T2" or "... gap" per local time.
 */
#include "core/civil.h"
#include "core/tz.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
dump(const struct tz_zone *z, long long first, long long last, long long step)
{
    for (long long t = first; t <= last; t += step) {
        int32_t off = tz_offset(z, t);
        int64_t local = t + off, a, b;
        char buf[CIVIL_INSTANT_LEN];
        enum tz_match m = tz_from_local(z, local, &a, &b);

        if (m == TZ_GAP || (a != t && b != t)) {
            fprintf(stderr, "tzdump: %s %lld does not round-trip\n", tz_zone_name(z), t);
            return 1;
        }
        civil_format_utc((local)*1000000, buf);
        buf[19] = '\0';
        printf("%lld %s%c%02d%02d\n", t, buf, off < 0 ? '-' : '+', abs(off) / 3600,
               abs(off) / 60 % 60);
    }
    return 0;
}

static int
dump_local(const struct tz_zone *z, long long first, long long last, long long step)
{
    static const char *const kinds[] = {"unique", "gap", "overlap"};

    for (long long l = first; l <= last; l += step) {
        char buf[CIVIL_INSTANT_LEN];
        int64_t a, b;
        enum tz_match m = tz_from_local(z, l, &a, &b);

        civil_format_utc((int64_t)l * 1000000, buf);
        buf[10] = ' ';
        buf[19] = '\0';
        if (m == TZ_GAP)
            printf("%s gap\n", buf);
        else if (m == TZ_UNIQUE)
            printf("%s unique %lld\n", buf, (long long)a);
        else
            printf("%s %s %lld %lld\n", buf, kinds[m], (long long)a, (long long)b);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct error err = {0};
    struct tz_db *db;
    const struct tz_zone *z;
    bool local = argc == 6 && strcmp(argv[1], "--local") == 0;
    long long first, last, step;
    int rc;

    if (local) {
        argc--;
        argv++;
    }
    if (argc != 5) {
        fprintf(stderr, "Uso: tzdump [--local] ZONA PRIMERO ULTIMO PASO\n");
        return 2;
    }
    db = tz_db_open(NULL, NULL, &err);
    z = db != NULL ? tz_db_zone(db, argv[1], &err) : NULL;
    if (z == NULL) {
        fprintf(stderr, "tzdump: %s\n", err.message);
        tz_db_free(db);
        return 2;
    }
    first = strtoll(argv[2], NULL, 10);
    last = strtoll(argv[3], NULL, 10);
    step = strtoll(argv[4], NULL, 10);
    rc = local ? dump_local(z, first, last, step) : dump(z, first, last, step);
    tz_db_free(db);
    return rc;
}

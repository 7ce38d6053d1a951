/*
 * tzdump - print the local time of instants in a zone with core/tz, for comparison with the
 * system's `date` (tests/tz/vs_date.py).
 *
 * Usage: tzdump ZONE FIRST LAST STEP   (seconds since the epoch)
 * Prints "SECONDS YYYY-MM-DDTHH:MM:SS±HHMM" per instant, as `date +'%s %Y-%m-%dT%H:%M:%S%z'`
 * would. Exits 1 when an instant does not round-trip through tz_from_local.
 */
#include "core/civil.h"
#include "core/tz.h"

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

int
main(int argc, char **argv)
{
    struct error err = {0};
    struct tz_db *db;
    const struct tz_zone *z;
    int rc;

    if (argc != 5) {
        fprintf(stderr, "Uso: tzdump ZONA PRIMERO ULTIMO PASO\n");
        return 2;
    }
    db = tz_db_open(NULL, NULL, &err);
    z = db != NULL ? tz_db_zone(db, argv[1], &err) : NULL;
    if (z == NULL) {
        fprintf(stderr, "tzdump: %s\n", err.message);
        tz_db_free(db);
        return 2;
    }
    rc =
        dump(z, strtoll(argv[2], NULL, 10), strtoll(argv[3], NULL, 10), strtoll(argv[4], NULL, 10));
    tz_db_free(db);
    return rc;
}

/*
 * bench_clock - business-day additions, zone conversions and whole notifications per second,
 * each beside the machine's own limit measured in the same run:
 *
 *   - calendar_add against one random load from a table of the same size (the floor for any
 *     table-driven calendar) and against counting day by day (the obvious implementation);
 *   - tz_to_local against glibc's localtime_r with TZ set to the same zone, and tz_from_local
 *     against glibc's mktime: the system's own converters, which serve one zone per process.
 *
 * Usage: bench_clock [SECONDS_PER_FIGURE]   (default 0.3)
 */
#include "core/calendar.h"
#include "core/civil.h"
#include "core/clock.h"
#include "core/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    N_INPUTS = 1 << 16,
};

static volatile int64_t sink;
static double seconds = 0.3;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Operations per second of op(i) over the inputs, run for `seconds`. */
#define MEASURE(rate, expr)                       \
    do {                                          \
        double t0 = now(), t1;                    \
        long n_ops = 0;                           \
        do {                                      \
            for (size_t i = 0; i < N_INPUTS; i++) \
                sink += (int64_t)(expr);          \
            n_ops += N_INPUTS;                    \
        } while ((t1 = now()) - t0 < seconds);    \
        (rate) = (double)n_ops / (t1 - t0);       \
    } while (0)

static int32_t
add_day_by_day(const struct calendar *cal, int32_t d, int n)
{
    while (n-- > 0) {
        do
            d++;
        while (!calendar_is_business(cal, d));
    }
    return d;
}

static void
bench_calendar(void)
{
    struct calendar *cal = calendar_new(NULL, CALENDAR_TRANSMISSION_OCT1, CALENDAR_PROCEDURAL);
    int32_t *days = malloc(N_INPUTS * sizeof(*days));
    int *plazos = malloc(N_INPUTS * sizeof(*plazos));
    int32_t *table = calloc(84000, sizeof(*table));
    uint32_t *slots = malloc(N_INPUTS * sizeof(*slots));
    double ours, naive, limit;

    for (size_t i = 0; i < N_INPUTS; i++) {
        days[i] = civil_from_ymd(2022, 1, 1) + (int32_t)(next_random() % 3650);
        plazos[i] = 1 + (int)(next_random() % 30);
        slots[i] = (uint32_t)(next_random() % 84000);
    }
    MEASURE(ours, calendar_add(cal, days[i], plazos[i]));
    MEASURE(naive, add_day_by_day(cal, days[i], plazos[i]));
    MEASURE(limit, table[slots[i]]);
    printf("business-day additions (1-30 days, 2022-2031): %12.0f /s\n", ours);
    printf("  counting day by day:                        %12.0f /s\n", naive);
    printf("  machine limit, one random load per op:      %12.0f /s\n", limit);
    free(days);
    free(plazos);
    free(table);
    free(slots);
    calendar_free(cal);
}

static void
bench_zone(struct tz_db *db, const char *name, const int64_t *instants)
{
    struct error err = {0};
    const struct tz_zone *z = tz_db_zone(db, name, &err);
    double to_local, from_local, glibc_local, glibc_mktime;
    struct tm tm;

    if (z == NULL) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    setenv("TZ", name, 1);
    tzset();
    MEASURE(to_local, tz_to_local(z, instants[i]));
    MEASURE(from_local, tz_from_local(z, instants[i] - 25200, NULL, NULL));
    MEASURE(glibc_local, localtime_r((const time_t *)&instants[i], &tm)->tm_hour);
    MEASURE(glibc_mktime,
            (localtime_r((const time_t *)&instants[i], &tm), tm.tm_isdst = -1, mktime(&tm)));
    printf("%s\n", name);
    printf("  UTC -> local, core/tz:                      %12.0f /s\n", to_local);
    printf("  machine limit, glibc localtime_r (one TZ):  %12.0f /s\n", glibc_local);
    printf("  local -> UTC, core/tz (gap/overlap known):  %12.0f /s\n", from_local);
    printf("  glibc localtime_r + mktime (one TZ):        %12.0f /s\n", glibc_mktime);
}

static void
bench_notification(struct tz_db *db, const int64_t *instants)
{
    struct calendar *cal = calendar_new(NULL, CALENDAR_TRANSMISSION_OCT1, CALENDAR_PROCEDURAL);
    struct clock_policy policy;
    struct clock c;
    struct clock_notification n;
    struct error err = {0};
    const struct tz_zone *z = tz_db_zone(db, "America/Tijuana", &err);
    double rate;

    clock_policy_default(&policy);
    if (z == NULL || clock_init(&c, db, cal, &policy, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    MEASURE(rate, (clock_notification(&c, z, instants[i] * 1000000, NULL, &n, NULL, NULL),
                   n.effect_date));
    printf("whole notifications (window, deemed, effect):  %12.0f /s\n", rate);
    calendar_free(cal);
}

int
main(int argc, char **argv)
{
    struct error err = {0};
    struct tz_db *db;
    int64_t *instants = malloc(N_INPUTS * sizeof(*instants));

    if (argc > 1)
        seconds = strtod(argv[1], NULL);
    db = tz_db_open(NULL, NULL, &err);
    if (db == NULL) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    for (size_t i = 0; i < N_INPUTS; i++)
        instants[i] = (int64_t)civil_from_ymd(2022, 1, 1) * 86400 +
                      (int64_t)(next_random() % (10ULL * 365 * 86400));

    printf("legal clock, one thread, %.1f s per figure, tz %s\n", seconds, tz_db_version(db));
    bench_calendar();
    bench_zone(db, "America/Mexico_City", instants);
    bench_zone(db, "America/Tijuana", instants);
    bench_notification(db, instants);
    free(instants);
    tz_db_free(db);
    return 0;
}

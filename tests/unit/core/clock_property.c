/*
 * Property tests of the legal clock over many random instants and every Mexican zone: the
 * invariants of the legal clock (rules R1-R32) that must hold whatever the input.
 *
 * - a deemed notification is on a business day at 09:30:00 Centro (R22, A8);
 * - the notification instant is never after the deemed one (R24);
 * - the effect date is a business day strictly after the notification date (R11);
 * - a filing's received instant is never before the real one, and is on a business day (R16);
 * - local <-> UTC round-trips, except in the skipped or repeated hour of a DST change, which
 *   tz_from_local reports.
 *
 * The generator is a fixed-seed xorshift, so a failure is reproducible from its iteration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clock_fixture.h"

enum {
    N_INSTANTS = 60000,
};

static const char *const zones[] = {
    "America/Mexico_City", "America/Cancun",         "America/Merida",   "America/Monterrey",
    "America/Chihuahua",   "America/Bahia_Banderas", "America/Mazatlan", "America/Hermosillo",
    "America/Tijuana",     "America/Matamoros",      "America/Ojinaga",  "America/Ciudad_Juarez",
};
#define N_ZONES (sizeof(zones) / sizeof(zones[0]))

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A random instant (microseconds) between 2022-01-01 and 2031-01-01. */
static int64_t
random_instant(void)
{
    int64_t lo = (int64_t)D(2022, 1, 1) * 86400, hi = (int64_t)D(2031, 1, 1) * 86400;

    return (lo + (int64_t)(next_random() % (uint64_t)(hi - lo))) * 1000000 +
           (int64_t)(next_random() % 1000000);
}

static int32_t
centro_seconds(const struct fixture *f, int64_t us)
{
    int64_t local = tz_to_local(f->clock.centro, civil_us_to_sec(us));

    return (int32_t)(((local % 86400) + 86400) % 86400);
}

static void
check_notification(struct fixture *f, const struct tz_zone *z, int64_t aviso, size_t iter)
{
    struct clock_notification n;
    int64_t opened = aviso + (int64_t)(next_random() % (10ULL * 86400 * 1000000));
    bool with_opening = next_random() % 3 != 0;

    assert_int_equal(
        clock_notification(&f->clock, z, aviso, with_opening ? &opened : NULL, &n, NULL, NULL), 0);
    if (!calendar_is_business(f->cal, clock_date_in(f->clock.centro, n.deemed)) ||
        centro_seconds(f, n.deemed) != 9 * 3600 + 1800 || n.deemed % 1000000 != 0)
        fail_msg("iteration %zu (%s): deemed instant not 09:30:00 Centro on a business day", iter,
                 tz_zone_name(z));
    if (n.notified > n.deemed)
        fail_msg("iteration %zu: notified after the deemed instant", iter);
    if (with_opening && n.opened_normalised < opened)
        fail_msg("iteration %zu: opening normalised to before itself", iter);
    if (n.notified < aviso)
        fail_msg("iteration %zu: notified before the aviso", iter);
    if (!calendar_is_business(f->cal, n.effect_date) || n.effect_date <= n.notified_date)
        fail_msg("iteration %zu: effect date not a later business day", iter);
    for (int i = 0; i < n.n_window; i++)
        assert_true(calendar_is_business(f->cal, n.window[i]) && n.window[i] > n.aviso_date);
}

static void
check_filing(struct fixture *f, const struct tz_zone *z, int64_t at, size_t iter)
{
    struct clock_filing r;

    clock_filing(&f->clock, z, at, CIVIL_NO_DATE, &r, NULL);
    if (r.received < at)
        fail_msg("iteration %zu (%s): received before the filing", iter, tz_zone_name(z));
    if (!calendar_is_business(f->cal, r.received_date) ||
        clock_date_in(z, r.received) != r.received_date)
        fail_msg("iteration %zu (%s): receipt not on a business day", iter, tz_zone_name(z));
    if (r.moved != (r.received != at))
        fail_msg("iteration %zu: moved flag disagrees", iter);
}

static void
check_round_trip(const struct tz_zone *z, int64_t us, size_t iter)
{
    int64_t t = civil_us_to_sec(us), a, b;
    enum tz_match m = tz_from_local(z, tz_to_local(z, t), &a, &b);

    if (m == TZ_GAP || (m == TZ_UNIQUE && a != t) || (m == TZ_OVERLAP && a != t && b != t))
        fail_msg("iteration %zu (%s): %lld does not round-trip", iter, tz_zone_name(z),
                 (long long)t);
}

static void
invariants_hold_for_random_instants_in_every_zone(void **state)
{
    static const char *const same_day[] = {"early_open_policy=SAME_DAY_0930", NULL};
    struct fixture f;

    (void)state;
    for (int variant = 0; variant < 2; variant++) {
        fixture_init(&f, NULL, variant == 0 ? NULL : same_day);
        for (size_t i = 0; i < N_INSTANTS; i++) {
            const struct tz_zone *z = fixture_zone(&f, zones[next_random() % N_ZONES]);
            int64_t t = random_instant();

            check_notification(&f, z, t, i);
            check_filing(&f, z, t, i);
            check_round_trip(z, t, i);
        }
        fixture_free(&f);
    }
}

/* Walk every quarter hour of the DST seasons of the border zones: gaps and overlaps must be
 * reported exactly where no instant, or two, show the wall-clock time. */
static void
dst_gaps_and_overlaps_are_reported_exactly(void **state)
{
    static const char *const dst_zones[] = {"America/Tijuana", "America/Matamoros",
                                            "America/Ojinaga", "America/Ciudad_Juarez"};
    struct fixture f;
    int gaps = 0, overlaps = 0;

    (void)state;
    fixture_init(&f, NULL, NULL);
    for (size_t k = 0; k < 4; k++) {
        const struct tz_zone *z = fixture_zone(&f, dst_zones[k]);

        for (int y = 2022; y <= 2030; y++) {
            for (int32_t d = D(y, 3, 1); d <= D(y, 11, 10); d += d == D(y, 3, 31) ? 208 : 1) {
                for (int q = 0; q < 96; q++) {
                    int64_t local = (int64_t)d * 86400 + q * 900, a, b;
                    enum tz_match m = tz_from_local(z, local, &a, &b);

                    if (m == TZ_UNIQUE) {
                        assert_true(tz_to_local(z, a) == local);
                    } else if (m == TZ_OVERLAP) {
                        assert_true(a < b && tz_to_local(z, a) == local &&
                                    tz_to_local(z, b) == local);
                        overlaps++;
                    } else {
                        /* No instant an hour either side shows it. */
                        for (int64_t s = a - 7200; s <= a + 7200; s += 900)
                            assert_true(tz_to_local(z, s) != local);
                        gaps++;
                    }
                }
            }
        }
    }
    /* Four zones, at least eight years each, four quarter hours per change: all were seen. */
    assert_true(gaps >= 4 * 8 * 4);
    assert_true(overlaps >= 4 * 8 * 4);
    fixture_free(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invariants_hold_for_random_instants_in_every_zone),
        cmocka_unit_test(dst_gaps_and_overlaps_are_reported_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

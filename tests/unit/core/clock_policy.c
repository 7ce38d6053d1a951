/* Tests of core/clock_policy: the defaults of legal-rules.md section 11 and its one parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/clock_policy.h"

#include <string.h>

static void
defaults_are_those_of_section_11(void **state)
{
    struct clock_policy p;

    (void)state;
    clock_policy_default(&p);
    assert_string_equal(p.declared_days, "");
    assert_int_equal(p.transmission_day, CALENDAR_TRANSMISSION_OCT1);
    assert_int_equal(p.calendar_mode, CALENDAR_PROCEDURAL);
    assert_int_equal(p.legal_zone_policy, CLOCK_ZONE_DOMICILE);
    assert_int_equal(p.notify_from, 9 * 3600 + 1800);
    assert_int_equal(p.notify_to, 18 * 3600);
    assert_int_equal(p.notify_window_zone, CLOCK_ZONE_CENTRO);
    assert_int_equal(p.early_open_policy, CLOCK_EARLY_NEXT_BUSINESS_DAY);
    assert_int_equal(p.deemed_time, 9 * 3600 + 1800);
    assert_int_equal(p.open_window_days, 3);
    assert_int_equal(p.deemed_on_day, 4);
    assert_int_equal(p.filing_nonbusiness_time, 0);
    assert_int_equal(p.estrados_days, 10);
    assert_int_equal(p.estrados_day_kind, CLOCK_DAYS_BUSINESS);
    assert_int_equal(p.contact_validation_hours, 72);
    assert_int_equal(p.transitional_end, civil_from_ymd(2025, 2, 1));
    assert_int_equal(p.estrados_nonenabled_from, civil_from_ymd(2025, 2, 5));
    assert_int_equal(p.retention_years, 5);
    assert_string_equal(p.tzdata_min_version, "2022g");
    assert_string_equal(p.zoneinfo_dir, "/usr/share/zoneinfo");
    assert_int_equal(clock_policy_check(&p, NULL), 0);
}

static void
every_key_takes_a_valid_value(void **state)
{
    static const char *const good[] = {
        "declared_days=data/calendar/imss.txt",
        "suspensions=",
        "statutory_rules=cff12",
        "transmission_day=both",
        "calendar_mode=PAYMENT",
        "legal_zone_policy=CENTRO",
        "notify_window=09:00:00-19:00:00",
        "notify_window_zone=DOMICILE",
        "early_open_policy=SAME_DAY_0930",
        "deemed_time=10:00:00",
        "open_window_days=5",
        "deemed_on_day=6",
        "filing_nonbusiness_time=07:30:00",
        "estrados_days=15",
        "estrados_day_kind=CALENDAR",
        "contact_validation_hours=48",
        "transitional_end=2025-02-04",
        "estrados_nonenabled_from=2025-02-06",
        "retention_years=10",
        "tzdata_min_version=2023c",
        "zoneinfo_dir=/opt/zoneinfo",
    };
    struct clock_policy p;
    struct error err = {0};

    (void)state;
    clock_policy_default(&p);
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        if (clock_policy_apply(&p, good[i], &err) != 0)
            fail_msg("%s: %s", good[i], err.message);
    assert_string_equal(p.declared_days, "data/calendar/imss.txt");
    assert_int_equal(p.transmission_day, CALENDAR_TRANSMISSION_BOTH);
    assert_int_equal(p.calendar_mode, CALENDAR_PAYMENT);
    assert_int_equal(p.notify_from, 9 * 3600);
    assert_int_equal(p.notify_to, 19 * 3600);
    assert_int_equal(p.early_open_policy, CLOCK_EARLY_SAME_DAY_0930);
    assert_int_equal(p.deemed_on_day, 6);
    assert_int_equal(p.filing_nonbusiness_time, 7 * 3600 + 1800);
    assert_int_equal(p.estrados_day_kind, CLOCK_DAYS_CALENDAR);
    assert_int_equal(p.transitional_end, civil_from_ymd(2025, 2, 4));
    assert_string_equal(p.tzdata_min_version, "2023c");
    assert_string_equal(p.zoneinfo_dir, "/opt/zoneinfo");
    /* Every key of the list is known to the parser. */
    for (size_t i = 0; clock_policy_keys[i] != NULL; i++) {
        clock_policy_set(&p, clock_policy_keys[i], "?", &err);
        assert_string_not_equal(err.code, "policy_unknown_key");
    }
}

static void
bad_values_are_refused_and_change_nothing(void **state)
{
    static const char *const bad[] = {
        "transmission_day=NOV20",      "calendar_mode=",
        "notify_window=18:00-09:30",   "notify_window=09:30:00",
        "deemed_time=25:00:00",        "deemed_time=9:30",
        "open_window_days=0",          "open_window_days=-1",
        "open_window_days=3x",         "estrados_days=61",
        "transitional_end=2025-02-30", "tzdata_min_version=latest",
        "statutory_rules=LFT",         "retention_years=",
    };
    struct clock_policy p, before;
    struct error err = {0};

    (void)state;
    clock_policy_default(&p);
    before = p;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (clock_policy_apply(&p, bad[i], &err) == 0)
            fail_msg("%s was accepted", bad[i]);
        assert_string_equal(err.code, "policy_value");
        assert_non_null(strstr(err.message, "se espera"));
        assert_memory_equal(&p, &before, sizeof(p));
    }
    assert_int_equal(clock_policy_apply(&p, "reloj=rapido", &err), -1);
    assert_string_equal(err.code, "policy_unknown_key");
    assert_int_equal(clock_policy_apply(&p, "sin_igual", &err), -1);
    assert_string_equal(err.code, "policy_syntax");
    assert_int_equal(clock_policy_apply(&p, "=OCT1", &err), -1);
}

static void
deemed_day_must_follow_the_opening_window(void **state)
{
    struct clock_policy p;
    struct error err = {0};

    (void)state;
    clock_policy_default(&p);
    assert_int_equal(clock_policy_apply(&p, "open_window_days=4", &err), 0);
    assert_int_equal(clock_policy_check(&p, &err), -1);
    assert_non_null(strstr(err.message, "deemed_on_day"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_those_of_section_11),
        cmocka_unit_test(every_key_takes_a_valid_value),
        cmocka_unit_test(bad_values_are_refused_and_change_nothing),
        cmocka_unit_test(deemed_day_must_follow_the_opening_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests of core/civil: day numbers, weekdays, ISO 8601 dates and instants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/civil.h"

#include <string.h>

static void
day_numbers_round_trip_and_match_known_dates(void **state)
{
    int y, m, d;

    (void)state;
    assert_int_equal(civil_from_ymd(1970, 1, 1), 0);
    /* 2000-03-01: 30 years of 365 days plus 7 leap days (72..96) plus Jan and Feb 2000. */
    assert_int_equal(civil_from_ymd(2000, 3, 1), 30 * 365 + 7 + 31 + 29);
    assert_int_equal(civil_from_ymd(1969, 12, 31), -1);
    for (int32_t n = civil_from_ymd(1000, 1, 1); n <= civil_from_ymd(2400, 12, 31); n += 17) {
        civil_to_ymd(n, &y, &m, &d);
        assert_true(civil_valid(y, m, d));
        assert_int_equal(civil_from_ymd(y, m, d), n);
    }
}

static void
weekdays_follow_the_calendar(void **state)
{
    (void)state;
    /* Mon 10 Mar 2025, Sat 15 Mar 2025, Sun 1 Jan 1967 (before the epoch). */
    assert_int_equal(civil_weekday(civil_from_ymd(2025, 3, 10)), 1);
    assert_int_equal(civil_weekday(civil_from_ymd(2025, 3, 15)), 6);
    assert_int_equal(civil_weekday(civil_from_ymd(1967, 1, 1)), 0);
}

static void
dates_parse_only_when_they_exist(void **state)
{
    struct error err = {0};
    int32_t d;

    (void)state;
    assert_int_equal(civil_parse_date("2024-02-29", &d, &err), 0);
    assert_int_equal(d, civil_from_ymd(2024, 2, 29));
    assert_int_equal(civil_parse_date("2025-02-29", &d, &err), -1);
    assert_string_equal(err.code, "date_invalid");
    assert_non_null(strstr(err.message, "no existe"));
    assert_int_equal(civil_parse_date("2025-2-1", &d, &err), -1);
    assert_string_equal(err.code, "date_syntax");
    assert_int_equal(civil_parse_date("2025-01-01x", &d, &err), -1);
    assert_int_equal(civil_parse_date("", &d, &err), -1);
    assert_int_equal(civil_parse_date("1900-02-29", &d, &err), -1); /* not a leap year */
    assert_int_equal(civil_parse_date("2000-02-29", &d, &err), 0);  /* a leap year */
}

static void
instants_parse_with_or_without_an_offset(void **state)
{
    struct civil_time t;
    struct error err = {0};

    (void)state;
    assert_int_equal(civil_parse_time("2025-03-10T09:30:00-06:00", &t, &err), 0);
    assert_true(t.has_offset);
    assert_int_equal(t.offset_s, -6 * 3600);
    /* 09:30 at UTC-6 is 15:30Z. */
    assert_true(civil_time_instant(&t) ==
                ((int64_t)civil_from_ymd(2025, 3, 10) * 86400 + 15 * 3600 + 1800) * 1000000);

    assert_int_equal(civil_parse_time("2025-03-10 09:30:15.25Z", &t, &err), 0);
    assert_true(t.has_offset && t.offset_s == 0 && t.usec == 250000);
    assert_int_equal(civil_parse_time("2025-03-10T09:30", &t, &err), 0);
    assert_false(t.has_offset);
    assert_int_equal(t.sec_of_day, 9 * 3600 + 1800);
    assert_int_equal(civil_parse_time("2025-03-10T09:30:00+0530", &t, &err), 0);
    assert_int_equal(t.offset_s, 5 * 3600 + 1800);
}

static void
impossible_instants_are_refused_in_spanish(void **state)
{
    struct civil_time t;
    struct error err = {0};

    (void)state;
    assert_int_equal(civil_parse_time("2025-03-10T24:00:00Z", &t, &err), -1);
    assert_string_equal(err.code, "instant_invalid");
    assert_int_equal(civil_parse_time("2025-03-10T12:00:60Z", &t, &err), -1);
    assert_int_equal(civil_parse_time("2025-02-30T12:00:00Z", &t, &err), -1);
    assert_string_equal(err.code, "instant_invalid");
    assert_int_equal(civil_parse_time("mañana", &t, &err), -1);
    assert_string_equal(err.code, "instant_syntax");
    assert_non_null(strstr(err.message, "se espera"));
    assert_int_equal(civil_parse_time("2025-03-10T12:00:00+25:00", &t, &err), -1);
    assert_int_equal(civil_parse_time("2025-03-10T12:00:00.1234567Z", &t, &err), -1);
}

static void
instants_format_to_the_second_with_the_offset(void **state)
{
    char buf[CIVIL_INSTANT_LEN];
    int64_t us = ((int64_t)civil_from_ymd(2025, 3, 14) * 86400 + 15 * 3600 + 1800) * 1000000 + 7;

    (void)state;
    civil_format_instant(us, -6 * 3600, buf);
    assert_string_equal(buf, "2025-03-14T09:30:00-06:00");
    civil_format_instant(us, 0, buf);
    assert_string_equal(buf, "2025-03-14T15:30:00+00:00");
    civil_format_utc(us, buf);
    assert_string_equal(buf, "2025-03-14T15:30:00Z");
    /* Before the epoch, the floor keeps the second: -1 us is 23:59:59 of 1969-12-31. */
    civil_format_utc(-1, buf);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    civil_format_date(civil_from_ymd(2026, 1, 2), buf);
    assert_string_equal(buf, "2026-01-02");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_numbers_round_trip_and_match_known_dates),
        cmocka_unit_test(weekdays_follow_the_calendar),
        cmocka_unit_test(dates_parse_only_when_they_exist),
        cmocka_unit_test(instants_parse_with_or_without_an_offset),
        cmocka_unit_test(impossible_instants_are_refused_in_spanish),
        cmocka_unit_test(instants_format_to_the_second_with_the_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

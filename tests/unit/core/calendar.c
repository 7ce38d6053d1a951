/*
 * Tests of core/calendar: the business days of CFF art. 12 (legal-rules.md R1-R6, section 6,
 * A1-A3), calendar texts, and the fast arithmetic against a day-by-day count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "core/civil.h"

#include <stdlib.h>
#include <string.h>

static int32_t
D(int y, int m, int d)
{
    return civil_from_ymd(y, m, d);
}

static struct calendar *
plain(void)
{
    return calendar_new(NULL, CALENDAR_TRANSMISSION_OCT1, CALENDAR_PROCEDURAL);
}

static void
weekends_never_count(void **state)
{
    struct calendar *cal = plain();
    char why[CALENDAR_REASON_MAX];

    (void)state;
    /* R1: Sat 15 and Sun 16 Mar 2025; Fri 14 counts. */
    assert_false(calendar_is_business(cal, D(2025, 3, 15)));
    assert_false(calendar_is_business(cal, D(2025, 3, 16)));
    assert_true(calendar_is_business(cal, D(2025, 3, 14)));
    assert_int_equal(calendar_reason(cal, D(2025, 3, 15), why, sizeof(why)), CALENDAR_SATURDAY);
    assert_string_equal(why, "sábado (CFF art. 12, primer párrafo)");
    assert_int_equal(calendar_reason(cal, D(2025, 3, 14), why, sizeof(why)), CALENDAR_BUSINESS);
    assert_string_equal(why, "");
    calendar_free(cal);
}

static void
statutory_days_of_2025_and_2026_match_section_6(void **state)
{
    /* The table of section 6, column by column. */
    static const int days[][3] = {
        {2025, 1, 1}, {2025, 2, 3},  {2025, 3, 17},  {2025, 5, 1},
        {2025, 5, 5}, {2025, 9, 16}, {2025, 11, 17}, {2025, 12, 25},
        {2026, 1, 1}, {2026, 2, 2},  {2026, 3, 16},  {2026, 5, 1},
        {2026, 5, 5}, {2026, 9, 16}, {2026, 11, 16}, {2026, 12, 25},
    };
    struct calendar *cal = plain();
    int n = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
        int32_t d = D(days[i][0], days[i][1], days[i][2]);

        assert_int_equal(calendar_why(cal, d), CALENDAR_STATUTORY);
        assert_non_null(calendar_statutory(cal, d));
    }
    /* No other weekday of 2025 is a holiday: 261 weekdays less the 8 above = 253. */
    for (int32_t d = D(2025, 1, 1); d <= D(2025, 12, 31); d++)
        n += calendar_is_business(cal, d);
    assert_int_equal(n, 253);
    /* Commemorated dates that moved to Mondays count: 5 Feb, 21 Mar, 20 Nov 2025. */
    assert_true(calendar_is_business(cal, D(2025, 2, 5)));
    assert_true(calendar_is_business(cal, D(2025, 3, 21)));
    assert_true(calendar_is_business(cal, D(2025, 11, 20)));
    calendar_free(cal);
}

static void
holidays_on_a_weekend_are_not_moved(void **state)
{
    struct calendar *cal = plain();

    (void)state;
    /* 1 May 2022 was a Sunday: Monday 2 May is an ordinary business day. */
    assert_int_equal(calendar_why(cal, D(2022, 5, 1)), CALENDAR_SUNDAY);
    assert_true(calendar_is_business(cal, D(2022, 5, 2)));
    /* 25 Dec 2027 is a Saturday; Friday 24 counts. */
    assert_true(calendar_is_business(cal, D(2027, 12, 24)));
    calendar_free(cal);
}

static void
five_of_may_is_a_holiday_under_the_cff_list(void **state)
{
    struct calendar *cal = plain();
    char why[CALENDAR_REASON_MAX];

    (void)state;
    /* A1: the CFF list governs; the LFT's would make Mon 5 May 2025 a working day. */
    assert_int_equal(calendar_reason(cal, D(2025, 5, 5), why, sizeof(why)), CALENDAR_STATUTORY);
    assert_non_null(strstr(why, "Batalla de Puebla"));
    calendar_free(cal);
}

static void
transfer_of_power_day_follows_the_policy(void **state)
{
    struct calendar *oct = plain();
    struct calendar *dec = calendar_new(NULL, CALENDAR_TRANSMISSION_DEC1, CALENDAR_PROCEDURAL);
    struct calendar *both = calendar_new(NULL, CALENDAR_TRANSMISSION_BOTH, CALENDAR_PROCEDURAL);

    (void)state;
    /* A2: Tue 1 Oct 2024 and Tue 1 Oct 2030 under OCT1 (default) and BOTH, not DEC1. */
    assert_false(calendar_is_business(oct, D(2024, 10, 1)));
    assert_false(calendar_is_business(oct, D(2030, 10, 1)));
    assert_true(calendar_is_business(dec, D(2030, 10, 1)));
    assert_false(calendar_is_business(both, D(2030, 10, 1)));
    /* Mon 2 Dec 2030 is no holiday in any reading; 1 Oct 2025 is no transfer year. */
    assert_true(calendar_is_business(both, D(2030, 12, 2)));
    assert_true(calendar_is_business(oct, D(2025, 10, 1)));
    /* Fri 1 Dec 2006: before the reform the transfer was 1 December under every policy. */
    assert_false(calendar_is_business(oct, D(2006, 12, 1)));
    assert_false(calendar_is_business(dec, D(2006, 12, 1)));
    assert_true(calendar_is_business(oct, D(2006, 10, 2)));
    calendar_free(oct);
    calendar_free(dec);
    calendar_free(both);
}

static const char sample[] =
    "# Días inhábiles de prueba (no son declaraciones reales; legal-rules.md sección 7)\n"
    "\n"
    "2025-04-17..2025-04-18  vacaciones de Semana Santa, ACDO.TEST.01/2025, DOF 2025-03-01\n"
    "2025-12-12 día de prueba ACDO.TEST.02 # comentario al final\n"
    "2025-06-02..2025-06-03 suspensión: sismo, acuerdo ACDO.TEST.03, DOF 2025-06-02\n"
    "2025-09-15 cierre: cierre de oficinas anunciado en prensa\n"
    "2025-10-04 Habilitación: el IMSS habilita un sábado para sus actos\n";

static struct calendar_list
sample_list(void)
{
    struct calendar_list list = {0};
    struct error err = {0};

    assert_int_equal(calendar_list_parse(&list, sample, strlen(sample), "prueba", &err), 0);
    return list;
}

static void
calendar_texts_give_kinds_agreements_and_dof_dates(void **state)
{
    struct calendar_list list = sample_list();

    (void)state;
    assert_int_equal(list.n, 5);
    assert_int_equal(list.items[0].first, D(2025, 4, 17));
    assert_int_equal(list.items[0].last, D(2025, 4, 18));
    assert_int_equal(list.items[0].kind, CALENDAR_DECLARED);
    assert_string_equal(list.items[0].agreement, "ACDO.TEST.01/2025");
    assert_int_equal(list.items[0].dof_date, D(2025, 3, 1));
    assert_int_equal(list.items[0].line, 3);
    assert_string_equal(list.items[1].description, "día de prueba ACDO.TEST.02");
    assert_int_equal(list.items[1].dof_date, CIVIL_NO_DATE);
    assert_int_equal(list.items[2].kind, CALENDAR_SUSPENSION);
    assert_string_equal(list.items[2].description, "sismo, acuerdo ACDO.TEST.03, DOF 2025-06-02");
    assert_int_equal(list.items[3].kind, CALENDAR_CLOSURE);
    assert_int_equal(list.items[4].kind, CALENDAR_ENABLED);
    calendar_list_free(&list);
}

static void
declared_days_and_suspensions_do_not_count(void **state)
{
    struct calendar_list list = sample_list();
    struct calendar *cal = calendar_new(&list, CALENDAR_TRANSMISSION_OCT1, CALENDAR_PROCEDURAL);
    char why[CALENDAR_REASON_MAX];

    (void)state;
    /* R3: Holy Thursday and Friday 2025 declared. */
    assert_int_equal(calendar_reason(cal, D(2025, 4, 17), why, sizeof(why)), CALENDAR_DECLARED_DAY);
    assert_non_null(strstr(why, "ACDO.TEST.01/2025"));
    assert_false(calendar_is_business(cal, D(2025, 4, 18)));
    assert_false(calendar_is_business(cal, D(2025, 12, 12)));
    /* R4: a suspension behaves like a declared day. */
    assert_int_equal(calendar_reason(cal, D(2025, 6, 3), why, sizeof(why)), CALENDAR_SUSPENDED);
    assert_non_null(strstr(why, "suspensión de plazos"));
    /* A3: a closure announced without a declaration is still a business day. */
    assert_true(calendar_is_business(cal, D(2025, 9, 15)));
    assert_non_null(calendar_entry_at(cal, D(2025, 9, 15), CALENDAR_CLOSURE));
    /* R5: enabling a Saturday for IMSS's acts does not make it count for plazos. */
    assert_false(calendar_is_business(cal, D(2025, 10, 4)));
    /* Entries are copied: the list may go first. */
    calendar_list_free(&list);
    assert_false(calendar_is_business(cal, D(2025, 4, 17)));
    calendar_free(cal);
}

static void
payment_mode_counts_vacation_days_but_not_holidays(void **state)
{
    struct calendar_list list = sample_list();
    struct calendar *cal = calendar_new(&list, CALENDAR_TRANSMISSION_OCT1, CALENDAR_PAYMENT);

    (void)state;
    /* R6 (CFF 12 ¶2): declared vacation counts for payments; holidays and suspensions don't. */
    assert_true(calendar_is_business(cal, D(2025, 4, 17)));
    assert_false(calendar_is_business(cal, D(2025, 5, 5)));
    assert_false(calendar_is_business(cal, D(2025, 6, 2)));
    assert_int_equal(calendar_get_mode(cal), CALENDAR_PAYMENT);
    calendar_list_free(&list);
    calendar_free(cal);
}

static void
expect_line_error(const char *text, const char *needle)
{
    struct calendar_list list = {0};
    struct error err = {0};

    assert_int_equal(calendar_list_parse(&list, text, strlen(text), "cal.txt", &err), -1);
    assert_string_equal(err.code, "calendar_line");
    if (strstr(err.message, needle) == NULL)
        fail_msg("«%s» lacks «%s»", err.message, needle);
    assert_int_equal(list.n, 0);
}

static void
malformed_lines_are_refused_with_their_number(void **state)
{
    (void)state;
    expect_line_error("2025-01-02 ok\n2025-13-01 mes imposible\n", "cal.txt, línea 2:");
    expect_line_error("# c\n\n2025-02-30 no existe\n", "línea 3: la fecha 2025-02-30 no existe");
    expect_line_error("2025-01-02\n", "falta la descripción");
    expect_line_error("2025-01-02   # solo comentario\n", "línea 1: falta la descripción");
    expect_line_error("2025-01-05..2025-01-02 al revés\n", "termina antes de empezar");
    expect_line_error("2025-01-02...2025-01-03 tres puntos\n", "se espera una fecha");
    expect_line_error("2/1/2025 formato ajeno\n", "AAAA-MM-DD");
    expect_line_error("2025-01-02 suspensión:\n", "falta la descripción");
}

static void
a_failed_parse_leaves_the_list_as_it_was(void **state)
{
    struct calendar_list list = sample_list();
    struct error err = {0};
    const char bad[] = "2025-01-02 bien\nmal\n";

    (void)state;
    assert_int_equal(calendar_list_parse(&list, bad, strlen(bad), "x", &err), -1);
    assert_int_equal(list.n, 5);
    calendar_list_free(&list);
}

static void
next_add_roll_and_count_agree_with_the_definitions(void **state)
{
    struct calendar *cal = plain();

    (void)state;
    /* D6 by hand: after Fri 14 Mar 2025 come Sat, Sun and Mon 17 (holiday): Tue 18. */
    assert_int_equal(calendar_next(cal, D(2025, 3, 14)), D(2025, 3, 18));
    assert_int_equal(calendar_add(cal, D(2025, 3, 14), 0), D(2025, 3, 14));
    assert_int_equal(calendar_add(cal, D(2025, 3, 14), 1), D(2025, 3, 18));
    assert_int_equal(calendar_add(cal, D(2025, 3, 14), 5), D(2025, 3, 24));
    assert_int_equal(calendar_roll(cal, D(2025, 3, 15)), D(2025, 3, 18));
    assert_int_equal(calendar_roll(cal, D(2025, 3, 18)), D(2025, 3, 18));
    assert_int_equal(calendar_count(cal, D(2025, 3, 14), D(2025, 3, 24)), 5);
    /* Across the new year: Wed 31 Dec 2025 + 1 skips 1 Jan 2026 (Thu). */
    assert_int_equal(calendar_next(cal, D(2025, 12, 31)), D(2026, 1, 2));
    calendar_free(cal);
}

/* Day-by-day definition of add_hab (D6), to check the table's binary search. */
static int32_t
add_by_hand(const struct calendar *cal, int32_t d, int n)
{
    while (n-- > 0) {
        do
            d++;
        while (!calendar_is_business(cal, d));
    }
    return d;
}

static void
fast_addition_equals_counting_day_by_day(void **state)
{
    struct calendar_list list = sample_list();
    struct calendar *cal = calendar_new(&list, CALENDAR_TRANSMISSION_BOTH, CALENDAR_PROCEDURAL);
    uint32_t x = 12345;

    (void)state;
    for (int i = 0; i < 20000; i++) {
        int32_t d;
        int n;

        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        d = D(1971, 1, 1) + (int32_t)(x % (uint32_t)(D(2199, 1, 1) - D(1971, 1, 1)));
        n = (int)((x >> 8) % 400);
        assert_int_equal(calendar_add(cal, d, n), add_by_hand(cal, d, n));
    }
    /* Past the table (2199) the slow path takes over, seamlessly. */
    assert_int_equal(calendar_add(cal, D(2199, 12, 20), 30), add_by_hand(cal, D(2199, 12, 20), 30));
    assert_int_equal(calendar_add(cal, D(2300, 1, 1), 10), add_by_hand(cal, D(2300, 1, 1), 10));
    assert_int_equal(calendar_add(cal, D(1960, 1, 1), 10), add_by_hand(cal, D(1960, 1, 1), 10));
    assert_true(calendar_is_business(cal, D(2300, 1, 2)) ==
                (civil_weekday(D(2300, 1, 2)) != 0 && civil_weekday(D(2300, 1, 2)) != 6));
    calendar_list_free(&list);
    calendar_free(cal);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weekends_never_count),
        cmocka_unit_test(statutory_days_of_2025_and_2026_match_section_6),
        cmocka_unit_test(holidays_on_a_weekend_are_not_moved),
        cmocka_unit_test(five_of_may_is_a_holiday_under_the_cff_list),
        cmocka_unit_test(transfer_of_power_day_follows_the_policy),
        cmocka_unit_test(calendar_texts_give_kinds_agreements_and_dof_dates),
        cmocka_unit_test(declared_days_and_suspensions_do_not_count),
        cmocka_unit_test(payment_mode_counts_vacation_days_but_not_holidays),
        cmocka_unit_test(malformed_lines_are_refused_with_their_number),
        cmocka_unit_test(a_failed_parse_leaves_the_list_as_it_was),
        cmocka_unit_test(next_add_roll_and_count_agree_with_the_definitions),
        cmocka_unit_test(fast_addition_equals_counting_day_by_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of core/clock: every rule of legal-rules.md section 5 that computes (R1-R32) and the
 * chosen reading of every ambiguity (A1-A18), with the worked example of section 10. Each case
 * says beside it how its expected value was worked out by hand.
 *
 * June 2025 has no holidays: Mon 2, Tue 3, Wed 4, Thu 5, Fri 6, Sat 7, Sun 8, Mon 9 ... is the
 * week most cases use. Centro time is UTC-6 all year; Cancún UTC-5; Tijuana UTC-7 in summer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "clock_fixture.h"

#include <stdio.h>

#define CENTRO "America/Mexico_City"

static void
worked_example_of_section_10(void **state)
{
    struct fixture f;
    struct clock_notification n;
    struct clock_deadline d;
    struct clock_trace tr = {0};
    char buf[CIVIL_INSTANT_LEN], rules[CLOCK_TRACE_TEXT];

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* Aviso Monday 2 Jun -> window Tue 3..Thu 5 -> deemed Friday 6 at 09:30 Centro -> takes
     * effect the following Monday 9 -> a plazo starts on Tuesday 10. */
    assert_int_equal(clock_notification(&f.clock, fixture_zone(&f, CENTRO),
                                        T("2025-06-02T12:00:00-06:00"), NULL, &n, &tr, NULL),
                     0);
    assert_int_equal(n.aviso_date, D(2025, 6, 2));
    assert_int_equal(n.n_window, 3);
    assert_int_equal(n.window[0], D(2025, 6, 3));
    assert_int_equal(n.window[1], D(2025, 6, 4));
    assert_int_equal(n.window[2], D(2025, 6, 5));
    assert_int_equal(n.deemed_date, D(2025, 6, 6));
    assert_string_equal(in_zone(f.clock.centro, n.deemed, buf), "2025-06-06T09:30:00-06:00");
    assert_true(n.notified == n.deemed && n.by == CLOCK_BY_LAPSE);
    assert_int_equal(n.effect_date, D(2025, 6, 9));
    assert_string_equal(clock_trace_format(&tr, rules, sizeof(rules)),
                        "R11,R18,R19,R20,R22,R24,R25,A4,A8,A9");

    /* 15 business days from Mon 9: Jun 10-13 (4), 16-20 (9), 23-27 (14), 30 (15). */
    assert_int_equal(
        clock_deadline(&f.clock, NULL, n.notified_date, 15, CIVIL_NO_DATE, &d, NULL, NULL), 0);
    assert_int_equal(d.first_day, D(2025, 6, 10));
    assert_int_equal(d.last_day, D(2025, 6, 30));
    assert_string_equal(in_zone(f.clock.centro, d.ends_at, buf), "2025-06-30T23:59:59-06:00");
    fixture_free(&f);
}

static void
filing_on_a_business_day_is_received_when_made(void **state)
{
    struct fixture f;
    struct clock_filing r;
    struct clock_trace tr = {0};
    int64_t at = T("2025-06-04T23:59:30-07:00");

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R14, R15: Wednesday in Tijuana, a second before midnight local: that very instant. */
    clock_filing(&f.clock, fixture_zone(&f, "America/Tijuana"), at, CIVIL_NO_DATE, &r, &tr);
    assert_true(r.received == at && !r.moved);
    assert_int_equal(r.legal_date, D(2025, 6, 4));
    assert_false(r.has_last_day);
    assert_true(tr.rules & (1u << 14));  /* R15 */
    assert_false(tr.rules & (1u << 15)); /* not R16 */
    fixture_free(&f);
}

static void
filing_on_a_saturday_counts_from_the_first_hour_of_monday(void **state)
{
    static const char *const later[] = {"filing_nonbusiness_time=07:30:00", NULL};
    struct fixture f;
    struct clock_filing r;
    struct clock_trace tr = {0};
    char buf[CIVIL_INSTANT_LEN];
    const struct tz_zone *z;

    (void)state;
    fixture_init(&f, NULL, NULL);
    z = fixture_zone(&f, "America/Merida");
    /* R16, A5: Saturday 7 Jun -> 00:00:00 Monday 9 Jun in the legal zone. */
    clock_filing(&f.clock, z, T("2025-06-07T10:00:00-06:00"), CIVIL_NO_DATE, &r, &tr);
    assert_true(r.moved);
    assert_string_equal(in_zone(z, r.received, buf), "2025-06-09T00:00:00-06:00");
    assert_true(tr.ambiguities & (1u << 4)); /* A5 */
    fixture_free(&f);

    /* The first hour is configurable (filing_nonbusiness_time). */
    fixture_init(&f, NULL, later);
    z = fixture_zone(&f, "America/Merida");
    clock_filing(&f.clock, z, T("2025-06-07T10:00:00-06:00"), CIVIL_NO_DATE, &r, NULL);
    assert_string_equal(in_zone(z, r.received, buf), "2025-06-09T07:30:00-06:00");
    fixture_free(&f);
}

static void
timeliness_follows_the_deemed_receipt_date(void **state)
{
    struct fixture f;
    struct clock_filing r;
    const struct tz_zone *z;
    int32_t last;

    (void)state;
    fixture_init(&f, NULL, NULL);
    z = fixture_zone(&f, CENTRO);
    /* R17: last day Fri 6; a Saturday filing is received Monday 9: late. */
    clock_filing(&f.clock, z, T("2025-06-07T09:00:00-06:00"), D(2025, 6, 6), &r, NULL);
    assert_false(r.timely);
    clock_filing(&f.clock, z, T("2025-06-06T23:59:59-06:00"), D(2025, 6, 6), &r, NULL);
    assert_true(r.timely);

    /* R8 + R17: 10 calendar days from Thu 29 May end Sat 7 Jun, rolled to Mon 9; a filing on
     * that Saturday is received Monday 9, the last day: on time. */
    last = clock_calendar_days(&f.clock, D(2025, 5, 29), 10, NULL);
    assert_int_equal(last, D(2025, 6, 9));
    clock_filing(&f.clock, z, T("2025-06-07T09:00:00-06:00"), last, &r, NULL);
    assert_true(r.timely);
    fixture_free(&f);
}

static void
zones_disagreeing_favour_the_particular_and_are_flagged(void **state)
{
    static const char *const centro[] = {"legal_zone_policy=CENTRO", NULL};
    struct fixture f;
    struct clock_filing r;
    struct clock_trace tr = {0};

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* A4: 23:30 Centro on the last day (Fri 6) is 00:30 Saturday in Cancún: late by the
     * domicile, on time by Centro; the decision takes the favourable one and flags it. */
    clock_filing(&f.clock, fixture_zone(&f, "America/Cancun"), T("2025-06-06T23:30:00-06:00"),
                 D(2025, 6, 6), &r, &tr);
    assert_int_equal(r.legal_date, D(2025, 6, 7));
    assert_false(r.timely_domicile);
    assert_true(r.timely_centro);
    assert_true(r.timely);
    assert_true(tr.flags & CLOCK_FLAG_READINGS_DIFFER);

    /* A4: 00:30 Centro on Saturday is 23:30 Friday in Tijuana (UTC-7 in summer): on time. */
    tr = (struct clock_trace){0};
    clock_filing(&f.clock, fixture_zone(&f, "America/Tijuana"), T("2025-06-07T00:30:00-06:00"),
                 D(2025, 6, 6), &r, &tr);
    assert_int_equal(r.legal_date, D(2025, 6, 6));
    assert_true(r.timely_domicile && !r.timely_centro && r.timely);
    assert_true(tr.flags & CLOCK_FLAG_READINGS_DIFFER);
    fixture_free(&f);

    /* legal_zone_policy=CENTRO reads legal dates in Centro time. */
    fixture_init(&f, NULL, centro);
    clock_filing(&f.clock, fixture_zone(&f, "America/Cancun"), T("2025-06-06T23:30:00-06:00"),
                 D(2025, 6, 6), &r, NULL);
    assert_int_equal(r.legal_date, D(2025, 6, 6));
    assert_false(r.moved);
    fixture_free(&f);
}

/* Notified instant (Centro text) of an aviso and an opening, both ISO. */
static const char *
notified(struct fixture *f, const char *zone, const char *aviso, const char *opened,
         enum clock_notified_by *by, char buf[CIVIL_INSTANT_LEN])
{
    struct clock_notification n;
    int64_t o = opened != NULL ? T(opened) : 0;

    assert_int_equal(clock_notification(&f->clock, fixture_zone(f, zone), T(aviso),
                                        opened != NULL ? &o : NULL, &n, NULL, NULL),
                     0);
    if (by != NULL)
        *by = n.by;
    return in_zone(f->clock.centro, n.notified, buf);
}

static void
window_edges_are_inclusive_to_the_second(void **state)
{
    struct fixture f;
    enum clock_notified_by by;
    char buf[CIVIL_INSTANT_LEN];
    const char *aviso = "2025-06-02T12:00:00-06:00";

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R18, A7: 09:30:00 and 18:00:00 Centro are inside; 18:00:01 is outside and moves to
     * 09:30 of the next business day (R23). */
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-03T09:30:00-06:00", &by, buf),
                        "2025-06-03T09:30:00-06:00");
    assert_int_equal(by, CLOCK_BY_OPENING);
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-03T18:00:00-06:00", &by, buf),
                        "2025-06-03T18:00:00-06:00");
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-03T18:00:01-06:00", &by, buf),
                        "2025-06-04T09:30:00-06:00");
    assert_int_equal(by, CLOCK_BY_OPENING);
    fixture_free(&f);
}

static void
early_openings_move_to_the_next_business_day_unless_configured(void **state)
{
    static const char *const same_day[] = {"early_open_policy=SAME_DAY_0930", NULL};
    struct fixture f;
    char buf[CIVIL_INSTANT_LEN];
    const char *aviso = "2025-06-02T12:00:00-06:00";

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* A6 literal reading: 08:15 Tuesday -> Wednesday 09:30. */
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-03T08:15:00-06:00", NULL, buf),
                        "2025-06-04T09:30:00-06:00");
    fixture_free(&f);
    /* The alternative switch: 08:15 Tuesday -> Tuesday 09:30. */
    fixture_init(&f, NULL, same_day);
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-03T08:15:00-06:00", NULL, buf),
                        "2025-06-03T09:30:00-06:00");
    /* ...but an opening after the window still goes to the next business day. */
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-03T19:00:00-06:00", NULL, buf),
                        "2025-06-04T09:30:00-06:00");
    fixture_free(&f);
}

static void
an_opening_on_a_weekend_counts_on_monday_at_0930(void **state)
{
    struct fixture f;
    enum clock_notified_by by;
    char buf[CIVIL_INSTANT_LEN];

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R23: aviso Wed 4 -> window Thu 5, Fri 6, Mon 9; deemed Tue 10. Opened Sat 7 at 11:00 ->
     * Mon 9 09:30, before the deemed instant: notified by opening. */
    assert_string_equal(
        notified(&f, CENTRO, "2025-06-04T10:00:00-06:00", "2025-06-07T11:00:00-06:00", &by, buf),
        "2025-06-09T09:30:00-06:00");
    assert_int_equal(by, CLOCK_BY_OPENING);
    fixture_free(&f);
}

static void
the_earlier_of_opening_and_lapse_counts(void **state)
{
    struct fixture f;
    enum clock_notified_by by;
    char buf[CIVIL_INSTANT_LEN];
    const char *aviso = "2025-06-02T12:00:00-06:00";

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R24: deemed Fri 6 09:30. Opened Fri 6 10:00 (inside the window, after it): lapse. */
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-06T10:00:00-06:00", &by, buf),
                        "2025-06-06T09:30:00-06:00");
    assert_int_equal(by, CLOCK_BY_LAPSE);
    /* Opened Thu 5 at 19:00: normalised to Fri 6 09:30, equal to the deemed instant: lapse. */
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-05T19:00:00-06:00", &by, buf),
                        "2025-06-06T09:30:00-06:00");
    assert_int_equal(by, CLOCK_BY_LAPSE);
    /* Opened Thu 5 at 17:59: by opening, that instant. */
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-06-05T17:59:00-06:00", &by, buf),
                        "2025-06-05T17:59:00-06:00");
    assert_int_equal(by, CLOCK_BY_OPENING);
    /* Opened weeks later: the lapse already counted. */
    assert_string_equal(notified(&f, CENTRO, aviso, "2025-07-01T10:00:00-06:00", &by, buf),
                        "2025-06-06T09:30:00-06:00");
    assert_int_equal(by, CLOCK_BY_LAPSE);
    fixture_free(&f);
}

static void
the_aviso_hour_does_not_matter_only_its_legal_date(void **state)
{
    struct fixture f;
    struct clock_notification sat, fri, qroo, cdmx;

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* A9: aviso Saturday 7 and aviso Friday 6 (at night) both give Mon 9, Tue 10, Wed 11. */
    clock_notification(&f.clock, fixture_zone(&f, CENTRO), T("2025-06-07T10:00:00-06:00"), NULL,
                       &sat, NULL, NULL);
    clock_notification(&f.clock, fixture_zone(&f, CENTRO), T("2025-06-06T22:00:00-06:00"), NULL,
                       &fri, NULL, NULL);
    assert_memory_equal(sat.window, fri.window, 3 * sizeof(int32_t));
    assert_int_equal(sat.window[0], D(2025, 6, 9));
    assert_int_equal(sat.deemed_date, D(2025, 6, 12));

    /* A9 with A4: Tue 3 at 23:30 Centro is Wed 4 00:30 in Cancún: the window starts a business
     * day later there (Thu 5) than for a Centro particular (Wed 4). */
    clock_notification(&f.clock, fixture_zone(&f, "America/Cancun"), T("2025-06-03T23:30:00-06:00"),
                       NULL, &qroo, NULL, NULL);
    clock_notification(&f.clock, fixture_zone(&f, CENTRO), T("2025-06-03T23:30:00-06:00"), NULL,
                       &cdmx, NULL, NULL);
    assert_int_equal(qroo.window[0], D(2025, 6, 5));
    assert_int_equal(cdmx.window[0], D(2025, 6, 4));

    /* A4: the two readings then disagree: by the domicile (Wed 4) deemed Tue 10, effect
     * Wed 11; by Centro (Tue 3) deemed Mon 9, effect Tue 10. Recorded and flagged. */
    assert_int_equal(qroo.effect_date, D(2025, 6, 11));
    assert_int_equal(qroo.effect_date_other, D(2025, 6, 10));
    assert_int_equal(cdmx.effect_date_other, cdmx.effect_date);
    {
        struct clock_notification n;
        struct clock_trace tr = {0};

        clock_notification(&f.clock, fixture_zone(&f, "America/Cancun"),
                           T("2025-06-03T23:30:00-06:00"), NULL, &n, &tr, NULL);
        assert_true(tr.flags & CLOCK_FLAG_READINGS_DIFFER);
        tr = (struct clock_trace){0};
        clock_notification(&f.clock, fixture_zone(&f, "America/Cancun"),
                           T("2025-06-03T12:00:00-06:00"), NULL, &n, &tr, NULL);
        assert_false(tr.flags & CLOCK_FLAG_READINGS_DIFFER);
    }
    fixture_free(&f);
}

static void
the_window_wall_clock_can_be_the_domicile(void **state)
{
    static const char *const domicile[] = {"notify_window_zone=DOMICILE", NULL};
    struct fixture f;
    char buf[CIVIL_INSTANT_LEN];
    const char *aviso = "2025-06-02T12:00:00-06:00";
    const char *opened = "2025-06-03T17:30:00-07:00"; /* 18:30 Centro */

    (void)state;
    /* A4: 17:30 in Tijuana is 18:30 Centro: outside the Centro window (-> Wed 09:30 Centro),
     * inside a window read on the domicile's clock. */
    fixture_init(&f, NULL, NULL);
    assert_string_equal(notified(&f, "America/Tijuana", aviso, opened, NULL, buf),
                        "2025-06-04T09:30:00-06:00");
    fixture_free(&f);
    fixture_init(&f, NULL, domicile);
    assert_string_equal(notified(&f, "America/Tijuana", aviso, opened, NULL, buf),
                        "2025-06-03T18:30:00-06:00");
    fixture_free(&f);
}

static void
an_opening_before_the_aviso_is_refused(void **state)
{
    struct fixture f;
    struct clock_notification n;
    struct error err = {0};
    int64_t o = T("2025-06-01T10:00:00-06:00");

    (void)state;
    fixture_init(&f, NULL, NULL);
    assert_int_equal(clock_notification(&f.clock, fixture_zone(&f, CENTRO),
                                        T("2025-06-02T10:00:00-06:00"), &o, &n, NULL, &err),
                     -1);
    assert_string_equal(err.code, "opening_before_aviso");
    fixture_free(&f);
}

static void
effect_is_the_next_business_day_and_plazos_start_after_it(void **state)
{
    struct fixture f;
    struct clock_deadline d;
    struct clock_trace tr = {0};

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R11: notified Fri 14 Mar 2025 -> Mon 17 is a holiday -> effect Tue 18. */
    clock_deadline(&f.clock, NULL, D(2025, 3, 14), 1, CIVIL_NO_DATE, &d, &tr, NULL);
    assert_int_equal(d.effect_date, D(2025, 3, 18));
    /* R10, A11: one day -> starts and ends Wed 19. */
    assert_int_equal(d.first_day, D(2025, 3, 19));
    assert_int_equal(d.last_day, D(2025, 3, 19));
    /* R26: the same function serves a personal or postal notification date. */
    assert_true(tr.rules & (1u << 25));
    assert_true(tr.ambiguities & (1u << 10)); /* A11 */
    fixture_free(&f);
}

static void
stated_knowledge_earlier_than_the_effect_date_replaces_it(void **state)
{
    struct fixture f;
    struct clock_deadline d;
    struct clock_trace tr = {0};

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* A18: notified Fri 6 Jun (effect Mon 9). Knew it Wed 4: effect Wed 4, plazo from Thu 5;
     * 3 days: Thu 5, Fri 6, Mon 9. */
    clock_deadline(&f.clock, NULL, D(2025, 6, 6), 3, D(2025, 6, 4), &d, &tr, NULL);
    assert_true(d.knowledge_applied);
    assert_int_equal(d.effect_date, D(2025, 6, 4));
    assert_int_equal(d.first_day, D(2025, 6, 5));
    assert_int_equal(d.last_day, D(2025, 6, 9));
    assert_true(tr.ambiguities & (1u << 17));
    /* A later stated date changes nothing and is flagged. */
    tr = (struct clock_trace){0};
    clock_deadline(&f.clock, NULL, D(2025, 6, 6), 3, D(2025, 6, 10), &d, &tr, NULL);
    assert_false(d.knowledge_applied);
    assert_int_equal(d.effect_date, D(2025, 6, 9));
    assert_true(tr.flags & CLOCK_FLAG_KNOWLEDGE_LATER);

    /* A4: enforcement waits for the later end of the last day: Centro's for Cancún (an hour
     * ahead), the domicile's for Tijuana (an hour behind in summer). */
    clock_deadline(&f.clock, fixture_zone(&f, "America/Cancun"), D(2025, 6, 6), 3, CIVIL_NO_DATE,
                   &d, NULL, NULL);
    assert_true(d.enforce_after == clock_end_of_day(f.clock.centro, d.last_day));
    assert_true(d.enforce_after - d.ends_at == INT64_C(3600000000));
    clock_deadline(&f.clock, fixture_zone(&f, "America/Tijuana"), D(2025, 6, 6), 3, CIVIL_NO_DATE,
                   &d, NULL, NULL);
    assert_true(d.enforce_after == d.ends_at);
    fixture_free(&f);
}

static void
bad_plazos_are_refused(void **state)
{
    struct fixture f;
    struct clock_deadline d;
    struct clock_months m;
    struct error err = {0};

    (void)state;
    fixture_init(&f, NULL, NULL);
    assert_int_equal(
        clock_deadline(&f.clock, NULL, D(2025, 6, 6), -1, CIVIL_NO_DATE, &d, NULL, &err), -1);
    assert_string_equal(err.code, "plazo_invalid");
    assert_int_equal(
        clock_deadline(&f.clock, NULL, D(2025, 6, 6), 0, CIVIL_NO_DATE, &d, NULL, &err), -1);
    assert_int_equal(clock_months(&f.clock, D(2025, 6, 6), 0, &m, NULL, &err), -1);
    assert_int_equal(clock_years(&f.clock, D(2025, 6, 6), 101, &m, NULL, &err), -1);
    fixture_free(&f);
}

static const char holy_week[] =
    "2025-04-17..2025-04-18 vacaciones (ejemplo de prueba), ACDO.PRUEBA, DOF 2025-03-01\n"
    "2025-09-15 cierre: oficinas cerradas según la prensa, sin acuerdo\n";

static void
payment_mode_counts_vacations_and_moves_friday_deadlines(void **state)
{
    static const char *const payment[] = {"calendar_mode=PAYMENT", NULL};
    struct fixture f;
    struct clock_deadline d;

    (void)state;
    /* Procedural: notified Tue 15 Apr -> effect Wed 16 -> 2 days skip Thu 17, Fri 18 (R3)
     * and the weekend: Mon 21, Tue 22. */
    fixture_init(&f, holy_week, NULL);
    clock_deadline(&f.clock, NULL, D(2025, 4, 15), 2, CIVIL_NO_DATE, &d, NULL, NULL);
    assert_int_equal(d.last_day, D(2025, 4, 22));
    /* 3 days from effect Tue 3 Jun: Fri 6. */
    clock_deadline(&f.clock, NULL, D(2025, 6, 2), 3, CIVIL_NO_DATE, &d, NULL, NULL);
    assert_int_equal(d.last_day, D(2025, 6, 6));
    fixture_free(&f);

    /* R6: vacations count (Thu 17, Fri 18), and a Friday last day moves to Monday 21. */
    fixture_init(&f, holy_week, payment);
    clock_deadline(&f.clock, NULL, D(2025, 4, 15), 2, CIVIL_NO_DATE, &d, NULL, NULL);
    assert_int_equal(d.last_day, D(2025, 4, 21));
    clock_deadline(&f.clock, NULL, D(2025, 6, 2), 3, CIVIL_NO_DATE, &d, NULL, NULL);
    assert_int_equal(d.last_day, D(2025, 6, 9));
    fixture_free(&f);
}

static void
months_end_on_the_same_day_number_or_the_next_month(void **state)
{
    struct fixture f;
    struct clock_months m;

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R9: 31 Jan 2025 + 1 month: 31 Feb does not exist -> first business day of March, Mon 3. */
    clock_months(&f.clock, D(2025, 1, 31), 1, &m, NULL, NULL);
    assert_false(m.nominal_exists);
    assert_int_equal(m.last_day, D(2025, 3, 3));
    /* 15 Jan 2025 + 1 month: Sat 15 Feb -> Mon 17 Feb. */
    clock_months(&f.clock, D(2025, 1, 15), 1, &m, NULL, NULL);
    assert_true(m.nominal_exists);
    assert_int_equal(m.nominal_end, D(2025, 2, 15));
    assert_int_equal(m.last_day, D(2025, 2, 17));
    /* 30 Nov 2025 + 3 months: 30 Feb 2026 missing -> March 2026: Sun 1 -> Mon 2. */
    clock_months(&f.clock, D(2025, 11, 30), 3, &m, NULL, NULL);
    assert_false(m.nominal_exists);
    assert_int_equal(m.last_day, D(2026, 3, 2));
    /* Years: 29 Feb 2024 + 1 year: no 29 Feb 2025 -> Mon 3 Mar 2025. */
    clock_years(&f.clock, D(2024, 2, 29), 1, &m, NULL, NULL);
    assert_false(m.nominal_exists);
    assert_int_equal(m.last_day, D(2025, 3, 3));
    /* 16 Aug 2025 + 1 month: Tue 16 Sep is a holiday -> Wed 17. */
    clock_months(&f.clock, D(2025, 8, 16), 1, &m, NULL, NULL);
    assert_int_equal(m.last_day, D(2025, 9, 17));
    fixture_free(&f);
}

static void
fixed_dates_roll_over_non_business_days(void **state)
{
    struct fixture f;

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R8: a plazo ending Sat 7 Jun ends Mon 9; one ending Thu 5 ends then. */
    assert_int_equal(clock_fixed_date(&f.clock, D(2025, 6, 7), NULL), D(2025, 6, 9));
    assert_int_equal(clock_fixed_date(&f.clock, D(2025, 6, 5), NULL), D(2025, 6, 5));
    fixture_free(&f);
}

static void
estrados_notify_on_the_eleventh_business_day(void **state)
{
    static const char *const calendar_days[] = {"estrados_day_kind=CALENDAR", NULL};
    struct fixture f;
    struct clock_estrados e;
    struct clock_deadline d;

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R28, A10: published Mon 3 Mar 2025. Ten business days from Tue 4: 4-7 (4), 10-14 (9),
     * 18 (10; Mon 17 is a holiday); the eleventh, Wed 19, is the notification; Thu 20 effect. */
    clock_estrados(&f.clock, D(2025, 3, 3), &e, NULL);
    assert_int_equal(e.last_publication_day, D(2025, 3, 18));
    assert_int_equal(e.notification_date, D(2025, 3, 19));
    assert_int_equal(e.effect_date, D(2025, 3, 20));
    /* A plazo of n days then ends on add_hab(p, 12 + n). */
    clock_deadline(&f.clock, NULL, e.notification_date, 5, CIVIL_NO_DATE, &d, NULL, NULL);
    assert_int_equal(d.last_day, calendar_add(f.cal, D(2025, 3, 3), 12 + 5));
    fixture_free(&f);

    /* Calendar days: Mon 2 Jun + 11 = Fri 13 Jun (business) -> effect Mon 16. */
    fixture_init(&f, NULL, calendar_days);
    clock_estrados(&f.clock, D(2025, 6, 2), &e, NULL);
    assert_int_equal(e.notification_date, D(2025, 6, 13));
    assert_int_equal(e.effect_date, D(2025, 6, 16));
    fixture_free(&f);
}

static void
transitional_period_and_estrados_for_non_enablement(void **state)
{
    struct fixture f;

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* R30, A12: nominal end Sat 1 Feb 2025; non-enablement alone allows estrados from 5 Feb. */
    assert_true(clock_in_transitional(&f.clock, D(2025, 2, 1), NULL));
    assert_false(clock_in_transitional(&f.clock, D(2025, 2, 2), NULL));
    assert_false(clock_estrados_for_nonenablement(&f.clock, D(2025, 2, 4), NULL));
    assert_true(clock_estrados_for_nonenablement(&f.clock, D(2025, 2, 5), NULL));
    fixture_free(&f);
}

static void
contact_validation_expires_after_elapsed_hours(void **state)
{
    struct fixture f;
    const struct tz_zone *tj;
    char buf[CIVIL_INSTANT_LEN];
    int64_t exp;

    (void)state;
    fixture_init(&f, NULL, NULL);
    tj = fixture_zone(&f, "America/Tijuana");
    /* R29, A13: Fri 7 Mar 2025 12:00 PST (20:00Z) + 72 h = Mon 10 Mar 20:00Z; Tijuana moved
     * to PDT on Sun 9, so the local expiry reads 13:00, an hour later than the sending. */
    exp = clock_contact_expiry(&f.clock, T("2025-03-07T12:00:00-08:00"), NULL);
    civil_format_utc(exp, buf);
    assert_string_equal(buf, "2025-03-10T20:00:00Z");
    assert_string_equal(in_zone(tj, exp, buf), "2025-03-10T13:00:00-07:00");
    assert_string_equal(in_zone(f.clock.centro, exp, buf), "2025-03-10T14:00:00-06:00");
    fixture_free(&f);
}

static void
retention_and_in_person_hours(void **state)
{
    struct fixture f;
    const struct tz_zone *cun;

    (void)state;
    fixture_init(&f, NULL, NULL);
    cun = fixture_zone(&f, "America/Cancun");
    /* R31: five years; 29 Feb 2024 keeps to 1 Mar 2029. */
    assert_int_equal(clock_retention_until(&f.clock, D(2025, 6, 2), NULL), D(2030, 6, 2));
    assert_int_equal(clock_retention_until(&f.clock, D(2024, 2, 29), NULL), D(2029, 3, 1));
    /* R32 (CFF 13), A17: 07:30-18:00 of the place's own LHHEUM time, business days only. */
    assert_true(clock_in_person_hours(&f.clock, cun, T("2025-06-03T07:30:00-05:00"), NULL));
    assert_false(clock_in_person_hours(&f.clock, cun, T("2025-06-03T07:29:59-05:00"), NULL));
    assert_true(clock_in_person_hours(&f.clock, cun, T("2025-06-03T18:00:00-05:00"), NULL));
    assert_false(clock_in_person_hours(&f.clock, cun, T("2025-06-03T18:00:01-05:00"), NULL));
    assert_false(clock_in_person_hours(&f.clock, cun, T("2025-06-07T10:00:00-05:00"), NULL));
    fixture_free(&f);
}

static void
lft_differences_and_reported_closures_are_flagged(void **state)
{
    struct fixture f;
    struct clock_deadline d;
    struct clock_trace tr = {0};

    (void)state;
    fixture_init(&f, holy_week, NULL);
    /* A1: notified Wed 30 Apr -> effect Fri 2 May -> 5 days skip Mon 5 May (CFF only):
     * Tue 6, Wed 7, Thu 8, Fri 9, Mon 12. The LFT list would end a day earlier: flagged. */
    clock_deadline(&f.clock, NULL, D(2025, 4, 30), 5, CIVIL_NO_DATE, &d, &tr, NULL);
    assert_int_equal(d.effect_date, D(2025, 5, 2));
    assert_int_equal(d.last_day, D(2025, 5, 12));
    assert_true(tr.flags & CLOCK_FLAG_LFT_DIFFERS);
    tr = (struct clock_trace){0};
    clock_deadline(&f.clock, NULL, D(2025, 6, 2), 5, CIVIL_NO_DATE, &d, &tr, NULL);
    assert_false(tr.flags & CLOCK_FLAG_LFT_DIFFERS);

    /* A3: Tue 9 Sep -> effect Wed 10 -> 3 days: Thu 11, Fri 12, Mon 15 (offices reported
     * closed, no declaration): not extended, but flagged for a person. */
    tr = (struct clock_trace){0};
    clock_deadline(&f.clock, NULL, D(2025, 9, 9), 3, CIVIL_NO_DATE, &d, &tr, NULL);
    assert_int_equal(d.last_day, D(2025, 9, 15));
    assert_true(tr.flags & CLOCK_FLAG_REPORTED_CLOSURE);
    fixture_free(&f);
}

static void
legal_dates_use_the_zone_snapshot_given(void **state)
{
    struct fixture f;
    int64_t t = T("2025-06-06T23:30:00-06:00");

    (void)state;
    fixture_init(&f, NULL, NULL);
    /* A14: the caller passes the zone it snapshotted with the event; the same instant is
     * Saturday in Cancún and Friday in Tijuana and Mexico City. */
    assert_int_equal(clock_legal_date(&f.clock, fixture_zone(&f, "America/Cancun"), t),
                     D(2025, 6, 7));
    assert_int_equal(clock_legal_date(&f.clock, fixture_zone(&f, "America/Tijuana"), t),
                     D(2025, 6, 6));
    assert_int_equal(clock_legal_date(&f.clock, NULL, t), D(2025, 6, 6));
    fixture_free(&f);
}

static void
days_end_at_local_midnight_across_dst_changes(void **state)
{
    struct fixture f;
    const struct tz_zone *tj;
    struct clock_trace tr = {0};
    char buf[CIVIL_INSTANT_LEN];
    int64_t t;

    (void)state;
    fixture_init(&f, NULL, NULL);
    tj = fixture_zone(&f, "America/Tijuana");
    /* D8: the last microsecond before local midnight, with the offset of that moment. */
    assert_string_equal(in_zone(tj, clock_end_of_day(tj, D(2025, 3, 8)), buf),
                        "2025-03-08T23:59:59-08:00");
    assert_string_equal(in_zone(tj, clock_end_of_day(tj, D(2025, 3, 9)), buf),
                        "2025-03-09T23:59:59-07:00");
    assert_string_equal(in_zone(tj, clock_end_of_day(tj, D(2025, 11, 2)), buf),
                        "2025-11-02T23:59:59-08:00");
    /* A wall time in the spring gap is reported, and read past the gap. */
    t = clock_wall_instant(tj, D(2025, 3, 9), 2 * 3600 + 1800, &tr);
    assert_true(tr.flags & CLOCK_FLAG_DST_GAP);
    assert_string_equal(in_zone(tj, t, buf), "2025-03-09T03:30:00-07:00");
    tr = (struct clock_trace){0};
    t = clock_wall_instant(tj, D(2025, 11, 2), 3600 + 1800, &tr);
    assert_true(tr.flags & CLOCK_FLAG_DST_OVERLAP);
    assert_string_equal(in_zone(tj, t, buf), "2025-11-02T01:30:00-07:00");
    fixture_free(&f);
}

static void
traces_and_flags_have_stable_names(void **state)
{
    struct clock_trace tr = {0};
    char buf[CLOCK_TRACE_TEXT];

    (void)state;
    clock_trace_rule(&tr, 16);
    clock_trace_rule(&tr, 15);
    clock_trace_ambiguity(&tr, 5);
    clock_trace_rule(NULL, 3);
    assert_string_equal(clock_trace_format(&tr, buf, sizeof(buf)), "R15,R16,A5");
    assert_string_equal(clock_flag_name(CLOCK_FLAG_READINGS_DIFFER), "readings_differ");
    assert_string_equal(clock_flag_name(CLOCK_FLAG_LFT_DIFFERS), "lft_differs");
    assert_null(clock_flag_name(1u << 30));
    /* A tiny buffer is never overrun. */
    assert_string_equal(clock_trace_format(&tr, buf, 4), "R15");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_example_of_section_10),
        cmocka_unit_test(filing_on_a_business_day_is_received_when_made),
        cmocka_unit_test(filing_on_a_saturday_counts_from_the_first_hour_of_monday),
        cmocka_unit_test(timeliness_follows_the_deemed_receipt_date),
        cmocka_unit_test(zones_disagreeing_favour_the_particular_and_are_flagged),
        cmocka_unit_test(window_edges_are_inclusive_to_the_second),
        cmocka_unit_test(early_openings_move_to_the_next_business_day_unless_configured),
        cmocka_unit_test(an_opening_on_a_weekend_counts_on_monday_at_0930),
        cmocka_unit_test(the_earlier_of_opening_and_lapse_counts),
        cmocka_unit_test(the_aviso_hour_does_not_matter_only_its_legal_date),
        cmocka_unit_test(the_window_wall_clock_can_be_the_domicile),
        cmocka_unit_test(an_opening_before_the_aviso_is_refused),
        cmocka_unit_test(effect_is_the_next_business_day_and_plazos_start_after_it),
        cmocka_unit_test(stated_knowledge_earlier_than_the_effect_date_replaces_it),
        cmocka_unit_test(bad_plazos_are_refused),
        cmocka_unit_test(payment_mode_counts_vacations_and_moves_friday_deadlines),
        cmocka_unit_test(months_end_on_the_same_day_number_or_the_next_month),
        cmocka_unit_test(fixed_dates_roll_over_non_business_days),
        cmocka_unit_test(estrados_notify_on_the_eleventh_business_day),
        cmocka_unit_test(transitional_period_and_estrados_for_non_enablement),
        cmocka_unit_test(contact_validation_expires_after_elapsed_hours),
        cmocka_unit_test(retention_and_in_person_hours),
        cmocka_unit_test(lft_differences_and_reported_closures_are_flagged),
        cmocka_unit_test(legal_dates_use_the_zone_snapshot_given),
        cmocka_unit_test(days_end_at_local_midnight_across_dst_changes),
        cmocka_unit_test(traces_and_flags_have_stable_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * clock.c - the rules of legal-rules.md section 5 over the calendar and the tz
 * reader.
 *
 * Each function cites the rule it implements; the readings of section 12 that
 * it takes are recorded in the trace so that a receipt can state them.
 */
#include "core/clock.h"

#include "core/civil.h"

#include <stdio.h>
#include <string.h>

#define US CIVIL_US_PER_SEC

void
clock_trace_rule(struct clock_trace *t, int n)
{
    if (t != NULL && n >= 1 && n <= 32)
        t->rules |= 1u << (n - 1);
}

void
clock_trace_ambiguity(struct clock_trace *t, int n)
{
    if (t != NULL && n >= 1 && n <= 32)
        t->ambiguities |= 1u << (n - 1);
}

void
clock_trace_flag(struct clock_trace *t, enum clock_flag f)
{
    if (t != NULL)
        t->flags |= (uint32_t)f;
}

char *
clock_trace_format(const struct clock_trace *t, char *buf, size_t len)
{
    size_t n = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (int kind = 0; kind < 2; kind++) {
        uint32_t bits = kind == 0 ? t->rules : t->ambiguities;

        for (int i = 0; i < 32; i++) {
            if (!(bits & (1u << i)))
                continue;
            int w = snprintf(buf + n, len - n, "%s%c%d", n > 0 ? "," : "", kind == 0 ? 'R' : 'A',
                             i + 1);
            if (w < 0 || (size_t)w >= len - n)
                return buf;
            n += (size_t)w;
        }
    }
    return buf;
}

const char *
clock_flag_name(uint32_t flag)
{
    switch (flag) {
    case CLOCK_FLAG_READINGS_DIFFER:
        return "readings_differ";
    case CLOCK_FLAG_LFT_DIFFERS:
        return "lft_differs";
    case CLOCK_FLAG_REPORTED_CLOSURE:
        return "reported_closure";
    case CLOCK_FLAG_KNOWLEDGE_LATER:
        return "knowledge_not_earlier";
    case CLOCK_FLAG_DST_GAP:
        return "dst_gap";
    case CLOCK_FLAG_DST_OVERLAP:
        return "dst_overlap";
    default:
        return NULL;
    }
}

int
clock_init(struct clock *c, struct tz_db *db, const struct calendar *cal,
           const struct clock_policy *policy, struct error *err)
{
    if (clock_policy_check(policy, err) != 0)
        return -1;
    c->cal = cal;
    c->policy = policy;
    c->centro = tz_db_zone(db, CLOCK_CENTRO_ZONE, err);
    return c->centro != NULL ? 0 : -1;
}

/* ---- Zones and days (D2-D4, D8) ---- */

int32_t
clock_date_in(const struct tz_zone *zone, int64_t t)
{
    int64_t local = tz_to_local(zone, civil_us_to_sec(t));
    int64_t days = local / CIVIL_SEC_PER_DAY - (local % CIVIL_SEC_PER_DAY < 0);

    return (int32_t)days;
}

/* Local seconds after midnight of t in zone. */
static int32_t
sec_of_day(const struct tz_zone *zone, int64_t t)
{
    int64_t local = tz_to_local(zone, civil_us_to_sec(t));
    int64_t r = local % CIVIL_SEC_PER_DAY;

    return (int32_t)(r < 0 ? r + CIVIL_SEC_PER_DAY : r);
}

/* The zone that legal dates are read in (A4; config legal_zone_policy). */
static const struct tz_zone *
legal_zone(const struct clock *c, const struct tz_zone *zone)
{
    return c->policy->legal_zone_policy == CLOCK_ZONE_CENTRO || zone == NULL ? c->centro : zone;
}

/* The zone of the notification window's wall clock (A4; config notify_window_zone). */
static const struct tz_zone *
window_zone(const struct clock *c, const struct tz_zone *zone)
{
    return c->policy->notify_window_zone == CLOCK_ZONE_DOMICILE && zone != NULL ? zone : c->centro;
}

int32_t
clock_legal_date(const struct clock *c, const struct tz_zone *zone, int64_t t)
{
    return clock_date_in(legal_zone(c, zone), t);
}

int64_t
clock_wall_instant(const struct tz_zone *zone, int32_t date, int32_t sec, struct clock_trace *trace)
{
    int64_t first, second;
    enum tz_match m = tz_from_local(zone, (int64_t)date * CIVIL_SEC_PER_DAY + sec, &first, &second);

    if (m == TZ_GAP)
        clock_trace_flag(trace, CLOCK_FLAG_DST_GAP);
    else if (m == TZ_OVERLAP)
        clock_trace_flag(trace, CLOCK_FLAG_DST_OVERLAP);
    return first * US;
}

int64_t
clock_end_of_day(const struct tz_zone *zone, int32_t date)
{
    /* The first instant of the next day, less one microsecond: right across
     * DST changes. When midnight itself is skipped, tz_from_local gives the
     * instant the gap starts. */
    int64_t first;

    tz_from_local(zone, (int64_t)(date + 1) * CIVIL_SEC_PER_DAY, &first, NULL);
    return first * US - 1;
}

/* ---- Filings (R13-R17) ---- */

/* R15/R16 in one zone: the receipt instant and its legal date. */
static int64_t
receive_in(const struct clock *c, const struct tz_zone *z, int64_t at, int32_t *date, bool *moved,
           struct clock_trace *trace)
{
    int32_t d = clock_date_in(z, at);

    *moved = !calendar_is_business(c->cal, d);
    if (!*moved) {
        *date = d;
        return at;
    }
    /* R16, A5: first hour (00:00:00 by default) of the next business day, legal zone. */
    *date = calendar_next(c->cal, d);
    return clock_wall_instant(z, *date, c->policy->filing_nonbusiness_time, trace);
}

int
clock_filing(const struct clock *c, const struct tz_zone *zone, int64_t at, int32_t last_day,
             struct clock_filing *out, struct clock_trace *trace)
{
    const struct tz_zone *dom = zone != NULL ? zone : c->centro;
    bool by_centro = c->policy->legal_zone_policy == CLOCK_ZONE_CENTRO;
    int32_t d_dom, d_cen;
    bool m_dom, m_cen;
    int64_t r_dom = receive_in(c, dom, at, &d_dom, &m_dom, trace);
    int64_t r_cen = receive_in(c, c->centro, at, &d_cen, &m_cen, NULL);

    memset(out, 0, sizeof(*out));
    out->at = at;
    out->legal_date = clock_date_in(by_centro ? c->centro : dom, at);
    out->received = by_centro ? r_cen : r_dom;
    out->received_date = by_centro ? d_cen : d_dom;
    out->moved = by_centro ? m_cen : m_dom;
    clock_trace_rule(trace, 12);
    clock_trace_rule(trace, 13);
    clock_trace_rule(trace, 14);
    clock_trace_rule(trace, 15);
    clock_trace_ambiguity(trace, 4);
    if (out->moved) {
        clock_trace_rule(trace, 16);
        clock_trace_ambiguity(trace, 5);
    }
    if (last_day == CIVIL_NO_DATE)
        return 0;

    /* R17 under both readings of A4; the decision takes the one that favours the particular. */
    out->has_last_day = true;
    out->timely_domicile = d_dom <= last_day;
    out->timely_centro = d_cen <= last_day;
    out->timely = out->timely_domicile || out->timely_centro;
    clock_trace_rule(trace, 17);
    if (out->timely_domicile != out->timely_centro)
        clock_trace_flag(trace, CLOCK_FLAG_READINGS_DIFFER);
    return 0;
}

/* ---- Notifications (R18-R25) ---- */

/* The zones a notification is read in: legal dates (A4, A9) and the window's wall clock. */
struct reading {
    const struct tz_zone *legal, *window;
};

static struct reading
reading_of(const struct clock *c, const struct tz_zone *zone)
{
    return (struct reading){legal_zone(c, zone), window_zone(c, zone)};
}

static bool
in_window(const struct clock *c, struct reading r, int64_t t)
{
    int32_t wall = sec_of_day(r.window, t);

    /* A7: both edges inclusive, to the second (18:00:00 in, 18:00:01 out). */
    return calendar_is_business(c->cal, clock_date_in(r.legal, t)) &&
           wall >= c->policy->notify_from && wall <= c->policy->notify_to;
}

bool
clock_in_notify_window(const struct clock *c, const struct tz_zone *zone, int64_t t)
{
    return in_window(c, reading_of(c, zone), t);
}

static int64_t
normalise(const struct clock *c, struct reading r, int64_t t, struct clock_trace *trace)
{
    int32_t d = clock_date_in(r.legal, t);

    clock_trace_rule(trace, 21);
    if (in_window(c, r, t))
        return t;

    clock_trace_rule(trace, 23);
    clock_trace_ambiguity(trace, 6);
    /* A6 alternative: an opening before the window on a business day counts that day. */
    if (c->policy->early_open_policy == CLOCK_EARLY_SAME_DAY_0930 &&
        calendar_is_business(c->cal, d) && sec_of_day(r.window, t) < c->policy->notify_from &&
        clock_date_in(r.window, t) == d)
        return clock_wall_instant(r.window, d, c->policy->notify_from, trace);

    /* Lineamientos 7.2 ¶2: 09:30 of the business day after the receipt's legal date. */
    return clock_wall_instant(r.window, calendar_next(c->cal, d), c->policy->notify_from, trace);
}

int64_t
clock_normalise_opening(const struct clock *c, const struct tz_zone *zone, int64_t t,
                        struct clock_trace *trace)
{
    return normalise(c, reading_of(c, zone), t, trace);
}

/* R19-R25 in one reading. */
static void
notify(const struct clock *c, struct reading r, int64_t aviso, const int64_t *opened,
       struct clock_notification *out, struct clock_trace *trace)
{
    const struct clock_policy *p = c->policy;
    int32_t a = clock_date_in(r.legal, aviso);

    /* R19, R20, A9: the window is the business days after the aviso's legal date. */
    memset(out, 0, sizeof(*out));
    out->aviso_date = a;
    out->n_window = p->open_window_days < CLOCK_WINDOW_MAX ? p->open_window_days : CLOCK_WINDOW_MAX;
    for (int i = 0; i < out->n_window; i++)
        out->window[i] = calendar_add(c->cal, a, i + 1);

    /* R22, A8: deemed made at 09:30:00 Centro of the fourth business day. */
    out->deemed_date = calendar_add(c->cal, a, p->deemed_on_day);
    out->deemed = clock_wall_instant(r.window, out->deemed_date, p->deemed_time, trace);
    out->notified = out->deemed;
    out->by = CLOCK_BY_LAPSE;

    /* R21, R23, R24: an opening counts when its normalised instant comes first. */
    if (opened != NULL) {
        out->opened = true;
        out->opened_at = *opened;
        out->opened_normalised = normalise(c, r, *opened, trace);
        if (out->opened_normalised < out->deemed) {
            out->notified = out->opened_normalised;
            out->by = CLOCK_BY_OPENING;
        }
    }

    /* R11, R25: takes effect the business day after the day it was made. */
    out->notified_date = clock_date_in(r.legal, out->notified);
    out->effect_date = calendar_next(c->cal, out->notified_date);
}

int
clock_notification(const struct clock *c, const struct tz_zone *zone, int64_t aviso,
                   const int64_t *opened, struct clock_notification *out, struct clock_trace *trace,
                   struct error *err)
{
    struct reading r = reading_of(c, zone), other = r;
    struct clock_notification alt;
    static const int rules[] = {11, 18, 19, 20, 22, 24, 25};

    if (opened != NULL && *opened < aviso)
        return error_set(err, "opening_before_aviso",
                         "la apertura no puede ser anterior al envío del aviso");
    notify(c, r, aviso, opened, out, trace);
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        clock_trace_rule(trace, rules[i]);
    clock_trace_ambiguity(trace, 4);
    clock_trace_ambiguity(trace, 8);
    clock_trace_ambiguity(trace, 9);
    if (opened != NULL)
        clock_trace_ambiguity(trace, 7);

    /* A4: the other reading of legal dates (Centro against domicile); a
     * later effect date favours the particular, so it is recorded and the
     * case flagged. */
    other.legal = r.legal == c->centro && zone != NULL ? zone : c->centro;
    out->effect_date_other = out->effect_date;
    if (other.legal != r.legal) {
        notify(c, other, aviso, opened, &alt, NULL);
        out->effect_date_other = alt.effect_date;
        if (alt.effect_date != out->effect_date)
            clock_trace_flag(trace, CLOCK_FLAG_READINGS_DIFFER);
    }
    return 0;
}

/* ---- Deadlines (R6-R11, R25, R26) ---- */

/* CFF 12 ¶5, R6: in PAYMENT mode a deadline that falls on a Friday moves on. */
static int32_t
payment_friday(const struct clock *c, int32_t last, struct clock_trace *trace)
{
    if (calendar_get_mode(c->cal) != CALENDAR_PAYMENT)
        return last;
    clock_trace_rule(trace, 6);
    return civil_weekday(last) == 5 ? calendar_next(c->cal, last) : last;
}

/* A1 and A3 flags over the days (from, to] of a plazo. */
static void
flag_days(const struct clock *c, int32_t from, int32_t to, struct clock_trace *trace)
{
    int y0, y1;

    civil_to_ymd(from, &y0, NULL, NULL);
    civil_to_ymd(to, &y1, NULL, NULL);
    /* A1: 5 May on a weekday counts under the LFT list but not under the CFF list. */
    for (int y = y0; y <= y1; y++) {
        int32_t may5 = civil_from_ymd(y, 5, 5);
        int w = civil_weekday(may5);

        if (may5 > from && may5 <= to && w != 0 && w != 6) {
            clock_trace_ambiguity(trace, 1);
            clock_trace_flag(trace, CLOCK_FLAG_LFT_DIFFERS);
        }
    }
    /* A3: the last day is one IMSS reported closed without a declaration. */
    if (calendar_entry_at(c->cal, to, CALENDAR_CLOSURE) != NULL) {
        clock_trace_ambiguity(trace, 3);
        clock_trace_flag(trace, CLOCK_FLAG_REPORTED_CLOSURE);
    }
}

int
clock_deadline(const struct clock *c, const struct tz_zone *zone, int32_t notified_date, int days,
               int32_t knowledge_date, struct clock_deadline *out, struct clock_trace *trace,
               struct error *err)
{
    if (days < 1 || days > CLOCK_DAYS_MAX)
        return error_set(err, "plazo_invalid", "el plazo debe ser de 1 a %d días hábiles, no %d",
                         CLOCK_DAYS_MAX, days);
    memset(out, 0, sizeof(*out));
    out->notified_date = notified_date;

    /* R11 (CFF 135 ¶1); A18: a stated earlier knowledge date becomes the effect date. */
    out->effect_date = calendar_next(c->cal, notified_date);
    clock_trace_rule(trace, 11);
    clock_trace_rule(trace, 26);
    if (knowledge_date != CIVIL_NO_DATE) {
        clock_trace_ambiguity(trace, 18);
        if (knowledge_date < out->effect_date) {
            out->effect_date = knowledge_date;
            out->knowledge_applied = true;
        } else {
            clock_trace_flag(trace, CLOCK_FLAG_KNOWLEDGE_LATER);
        }
    }

    /* R10, A11: starts the business day after the effect date; R7: business days only. */
    out->first_day = calendar_next(c->cal, out->effect_date);
    out->last_day = payment_friday(c, calendar_add(c->cal, out->effect_date, days), trace);
    out->ends_at = clock_end_of_day(zone != NULL ? zone : c->centro, out->last_day);
    /* A4: enforcement waits for the later of the day's end by the domicile and by Centro. */
    out->enforce_after = clock_end_of_day(c->centro, out->last_day);
    if (out->enforce_after < out->ends_at)
        out->enforce_after = out->ends_at;
    clock_trace_rule(trace, 1);
    clock_trace_rule(trace, 2);
    clock_trace_rule(trace, 7);
    clock_trace_rule(trace, 10);
    clock_trace_ambiguity(trace, 11);
    flag_days(c, out->effect_date, out->last_day, trace);
    return 0;
}

/* ---- Months, years, calendar days (R8, R9) ---- */

int
clock_months(const struct clock *c, int32_t first_day, int months, struct clock_months *out,
             struct clock_trace *trace, struct error *err)
{
    int y, m, d, ty, tm;

    if (months < 1 || months > CLOCK_MONTHS_MAX)
        return error_set(err, "plazo_invalid", "el plazo debe ser de 1 a %d meses, no %d",
                         CLOCK_MONTHS_MAX, months);
    civil_to_ymd(first_day, &y, &m, &d);
    ty = y + (m - 1 + months) / 12;
    tm = (m - 1 + months) % 12 + 1;
    memset(out, 0, sizeof(*out));

    /* CFF 12 ¶4: the same day of the later month; if it does not exist, the
     * first business day of the following month. ¶5: a non-business last day
     * rolls over. */
    out->nominal_exists = d <= civil_month_days(ty, tm);
    if (out->nominal_exists) {
        out->nominal_end = civil_from_ymd(ty, tm, d);
        out->last_day = calendar_roll(c->cal, out->nominal_end);
    } else {
        out->nominal_end = CIVIL_NO_DATE;
        out->last_day = calendar_roll(c->cal, civil_from_ymd(ty + (tm == 12), tm % 12 + 1, 1));
    }
    out->last_day = payment_friday(c, out->last_day, trace);
    clock_trace_rule(trace, 9);
    flag_days(c, first_day - 1, out->last_day, trace);
    return 0;
}

int
clock_years(const struct clock *c, int32_t first_day, int years, struct clock_months *out,
            struct clock_trace *trace, struct error *err)
{
    if (years < 1 || years > 100)
        return error_set(err, "plazo_invalid", "el plazo debe ser de 1 a 100 años, no %d", years);
    return clock_months(c, first_day, years * 12, out, trace, err);
}

int32_t
clock_calendar_days(const struct clock *c, int32_t first_day, int n, struct clock_trace *trace)
{
    clock_trace_rule(trace, 8);
    return payment_friday(c, calendar_roll(c->cal, first_day + (n > 0 ? n : 1) - 1), trace);
}

int32_t
clock_fixed_date(const struct clock *c, int32_t date, struct clock_trace *trace)
{
    clock_trace_rule(trace, 8);
    return payment_friday(c, calendar_roll(c->cal, date), trace);
}

/* ---- Estrados and housekeeping (R27-R32) ---- */

int
clock_estrados(const struct clock *c, int32_t published, struct clock_estrados *out,
               struct clock_trace *trace)
{
    int n = c->policy->estrados_days;

    memset(out, 0, sizeof(*out));
    out->published = published;
    /* CFF 139: ten days counted from the day after publication; notified on the eleventh. */
    if (c->policy->estrados_day_kind == CLOCK_DAYS_BUSINESS) {
        out->last_publication_day = calendar_add(c->cal, published, n);
        out->notification_date = calendar_add(c->cal, published, n + 1);
    } else {
        out->last_publication_day = published + n;
        out->notification_date = calendar_roll(c->cal, published + n + 1);
        clock_trace_rule(trace, 8);
    }
    out->effect_date = calendar_next(c->cal, out->notification_date);
    clock_trace_rule(trace, 28);
    clock_trace_rule(trace, 11);
    clock_trace_ambiguity(trace, 10);
    return 0;
}

bool
clock_estrados_for_nonenablement(const struct clock *c, int32_t act_date, struct clock_trace *trace)
{
    clock_trace_rule(trace, 27);
    clock_trace_rule(trace, 30);
    clock_trace_ambiguity(trace, 12);
    return act_date >= c->policy->estrados_nonenabled_from;
}

bool
clock_in_transitional(const struct clock *c, int32_t date, struct clock_trace *trace)
{
    clock_trace_rule(trace, 30);
    clock_trace_ambiguity(trace, 12);
    return date <= c->policy->transitional_end;
}

int64_t
clock_contact_expiry(const struct clock *c, int64_t sent, struct clock_trace *trace)
{
    /* A13: elapsed hours on UTC instants; weekends and holidays count. */
    clock_trace_rule(trace, 29);
    clock_trace_ambiguity(trace, 13);
    return sent + (int64_t)c->policy->contact_validation_hours * 3600 * US;
}

int32_t
clock_retention_until(const struct clock *c, int32_t date, struct clock_trace *trace)
{
    int y, m, d;

    clock_trace_rule(trace, 31);
    civil_to_ymd(date, &y, &m, &d);
    y += c->policy->retention_years;
    /* 29 February of a non-leap year: keep to 1 March rather than end a day early. */
    if (d > civil_month_days(y, m))
        return civil_from_ymd(y, m + 1, 1);
    return civil_from_ymd(y, m, d);
}

bool
clock_in_person_hours(const struct clock *c, const struct tz_zone *zone, int64_t t,
                      struct clock_trace *trace)
{
    const struct tz_zone *z = zone != NULL ? zone : c->centro;
    int32_t wall = sec_of_day(z, t);

    /* CFF 13: diligences between 7:30 and 18:00 on business days. */
    clock_trace_rule(trace, 32);
    return calendar_is_business(c->cal, clock_date_in(z, t)) && wall >= 7 * 3600 + 1800 &&
           wall <= 18 * 3600;
}

/*
 * clock.h - the legal clock: filing receipts, notification instants, effect
 * dates and deadlines (legal-rules.md sections 4 and 5, rules R10-R32, with the
 * readings of section 12).
 *
 * Instants are UTC microseconds (D1); dates are day numbers (core/civil.h). A
 * struct clock bundles what every rule needs: the calendar (core/calendar.h),
 * the policy of section 11 (core/clock_policy.h) and Centro time
 * (America/Mexico_City, D2). The particular's legal zone (D3) is passed to each
 * call: callers snapshot it per event (A14) from core/mxzone.h.
 *
 * Every computation can fill a struct clock_trace with the rules (R-numbers)
 * and readings (A-numbers) it applied and the flags a human should look at, so
 * that a receipt can name them and a reviewer recompute them (section 9).
 *
 * Ownership: struct clock only points at its calendar, policy and zones, which
 * the caller keeps alive. Thread-safety: every function here is reentrant,
 * allocation-free and may run in any number of threads over one struct clock.
 */
#ifndef BUZON_CORE_CLOCK_H
#define BUZON_CORE_CLOCK_H

#include "core/calendar.h"
#include "core/clock_policy.h"
#include "core/error.h"
#include "core/tz.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLOCK_CENTRO_ZONE "America/Mexico_City"

enum {
    CLOCK_WINDOW_MAX = 31, /* most opening-window days a policy may ask for */
    CLOCK_DAYS_MAX = 3650, /* longest plazo in days accepted */
    CLOCK_MONTHS_MAX = 1200,
    CLOCK_TRACE_TEXT = 256, /* room for clock_trace_format */
};

/* Things a person should review; see clock_flag_name for their JSON names. */
enum clock_flag {
    CLOCK_FLAG_READINGS_DIFFER = 1u << 0,  /* A4: domicile and Centro readings disagree */
    CLOCK_FLAG_LFT_DIFFERS = 1u << 1,      /* A1: the LFT calendar would count 5 May */
    CLOCK_FLAG_REPORTED_CLOSURE = 1u << 2, /* A3: last day is a reported, undeclared closure */
    CLOCK_FLAG_KNOWLEDGE_LATER = 1u << 3,  /* A18: stated knowledge not earlier: ignored */
    CLOCK_FLAG_DST_GAP = 1u << 4,          /* a wall-clock time skipped by a DST change */
    CLOCK_FLAG_DST_OVERLAP = 1u << 5,      /* a wall-clock time repeated by a DST change */
    CLOCK_FLAG_COUNT = 6,
};

struct clock_trace {
    uint32_t rules;       /* bit n-1 set: rule Rn applied */
    uint32_t ambiguities; /* bit n-1 set: reading An applied */
    uint32_t flags;       /* enum clock_flag bits */
};

/* Record rule Rn / reading An / a flag in t (in-out, may be NULL). */
void clock_trace_rule(struct clock_trace *t, int n);
void clock_trace_ambiguity(struct clock_trace *t, int n);
void clock_trace_flag(struct clock_trace *t, enum clock_flag f);

/* Write "R15,R16,A5" (rules then readings) into buf (out, len bytes). Returns buf. */
char *clock_trace_format(const struct clock_trace *t, char *buf, size_t len);

/* JSON name of one flag bit, e.g. "readings_differ"; NULL for an unknown bit. */
const char *clock_flag_name(uint32_t flag);

struct clock {
    const struct calendar *cal;
    const struct clock_policy *policy;
    const struct tz_zone *centro;
};

/*
 * Fill c (out) with cal and policy (in, kept by pointer: both must outlive c)
 * and Centro time from db (in). Returns 0, or -1 with err (the zone cannot be
 * loaded; the policy fails clock_policy_check).
 */
int clock_init(struct clock *c, struct tz_db *db, const struct calendar *cal,
               const struct clock_policy *policy, struct error *err);

/* D4: the date of instant t in zone (or in Centro when legal_zone_policy is CENTRO). */
int32_t clock_legal_date(const struct clock *c, const struct tz_zone *zone, int64_t t);

/* The date of instant t in zone, whatever the policy. */
int32_t clock_date_in(const struct tz_zone *zone, int64_t t);

/*
 * The instant at which zone's clocks show sec_of_day on date. A time skipped by
 * a DST change gives the instant just after the gap; a repeated one the earlier
 * instant; either is flagged.
 */
int64_t clock_wall_instant(const struct tz_zone *zone, int32_t date, int32_t sec_of_day,
                           struct clock_trace *trace);

/* D8: the last microsecond of date in zone (23:59:59.999999 local). */
int64_t clock_end_of_day(const struct tz_zone *zone, int32_t date);

/* ---- Filings (R13-R17) ---- */

struct clock_filing {
    int64_t at;            /* the instant of the filing (in) */
    int32_t legal_date;    /* D4 in the zone of the policy */
    int64_t received;      /* deemed receipt instant: at, or R16's first hour */
    int32_t received_date; /* its legal date */
    bool moved;            /* R16 applied */
    bool has_last_day;
    bool timely;          /* R17; under A4 the reading more favourable to the particular */
    bool timely_domicile; /* each reading, when has_last_day */
    bool timely_centro;
};

/*
 * Compute the receipt of a filing made at instant at by a particular whose
 * legal zone is zone (in), and, when last_day is not CIVIL_NO_DATE, whether it
 * is timely. Fills *out. Returns 0.
 */
int clock_filing(const struct clock *c, const struct tz_zone *zone, int64_t at, int32_t last_day,
                 struct clock_filing *out, struct clock_trace *trace);

/* ---- Electronic notification (R18-R25) ---- */

enum clock_notified_by {
    CLOCK_BY_OPENING, /* R21 */
    CLOCK_BY_LAPSE,   /* R22 */
};

struct clock_notification {
    int32_t aviso_date;               /* legal date of the aviso (A4, A9) */
    int n_window;                     /* open_window_days */
    int32_t window[CLOCK_WINDOW_MAX]; /* R20 */
    int32_t deemed_date;              /* R22: add_hab(aviso_date, deemed_on_day) */
    int64_t deemed;                   /* A8: deemed_time on deemed_date */
    bool opened;
    int64_t opened_at;         /* as recorded on the receipt of opening */
    int64_t opened_normalised; /* R23 */
    int64_t notified;          /* R24 */
    enum clock_notified_by by;
    int32_t notified_date; /* legal date of notified */
    int32_t effect_date;   /* R11 */
    /* A4: the effect date under the other reading of legal dates (Centro for
     * a domicile policy and back); differs only when the trace is flagged
     * CLOCK_FLAG_READINGS_DIFFER. */
    int32_t effect_date_other;
};

/*
 * Compute the notification of an act whose aviso was sent at instant aviso to a
 * particular in zone (in), opened at *opened (in, NULL when not opened).
 * Returns 0 with *out filled, or -1 with err ("opening_before_aviso").
 */
int clock_notification(const struct clock *c, const struct tz_zone *zone, int64_t aviso,
                       const int64_t *opened, struct clock_notification *out,
                       struct clock_trace *trace, struct error *err);

/* R21/R23: the instant an opening at t counts as a notification (A6, A7). */
int64_t clock_normalise_opening(const struct clock *c, const struct tz_zone *zone, int64_t t,
                                struct clock_trace *trace);

/* True when t is inside the notification window (R18, A7) on a business legal date. */
bool clock_in_notify_window(const struct clock *c, const struct tz_zone *zone, int64_t t);

/* ---- Effect and deadlines (R10, R11, R25, R26, A11, A18) ---- */

struct clock_deadline {
    int32_t notified_date;
    int32_t effect_date;    /* R11, or the knowledge date (A18) */
    bool knowledge_applied; /* CFF 135 ¶2 */
    int32_t first_day;      /* R10 */
    int32_t last_day;       /* R7 (R6 in PAYMENT mode) */
    int64_t ends_at;        /* D8 in the zone given */
    int64_t enforce_after;  /* A4: the later of ends_at and the last day's end in Centro */
};

/*
 * Deadline of a plazo of days (1..CLOCK_DAYS_MAX) business days for a
 * notification made on notified_date by any channel (R26), for a particular in
 * zone (in; NULL: Centro). knowledge_date is the date on which the particular
 * stated they knew the act (CFF 135 ¶2), or CIVIL_NO_DATE; the caller keeps,
 * with the result, the filing in which it was stated (A18: the override's
 * source), since the clock holds no records. Returns 0 with *out, or -1 with
 * err ("plazo_invalid").
 */
int clock_deadline(const struct clock *c, const struct tz_zone *zone, int32_t notified_date,
                   int days, int32_t knowledge_date, struct clock_deadline *out,
                   struct clock_trace *trace, struct error *err);

/* ---- Other plazos (R8, R9) ---- */

struct clock_months {
    bool nominal_exists;
    int32_t nominal_end; /* same day number months later, when it exists */
    int32_t last_day;
};

/* R9: a plazo of months (1..CLOCK_MONTHS_MAX) starting first_day. Returns 0 or -1 with err. */
int clock_months(const struct clock *c, int32_t first_day, int months, struct clock_months *out,
                 struct clock_trace *trace, struct error *err);

/* R9: a plazo of years (1..100). */
int clock_years(const struct clock *c, int32_t first_day, int years, struct clock_months *out,
                struct clock_trace *trace, struct error *err);

/* R8: last day of a plazo of n (>= 1) calendar days starting first_day, rolled over. */
int32_t clock_calendar_days(const struct clock *c, int32_t first_day, int n,
                            struct clock_trace *trace);

/* R8: a plazo ending on a fixed date ends on it, or on the next business day. */
int32_t clock_fixed_date(const struct clock *c, int32_t date, struct clock_trace *trace);

/* ---- Estrados and housekeeping (R27-R32) ---- */

struct clock_estrados {
    int32_t published;
    int32_t last_publication_day; /* the tenth day of publication */
    int32_t notification_date;    /* R28: the eleventh day */
    int32_t effect_date;          /* R11 */
};

/* R28 for a document published on the estrados on published. Fills *out; returns 0. */
int clock_estrados(const struct clock *c, int32_t published, struct clock_estrados *out,
                   struct clock_trace *trace);

/* R27, A12: whether non-enablement alone allows estrados for an act issued on act_date. */
bool clock_estrados_for_nonenablement(const struct clock *c, int32_t act_date,
                                      struct clock_trace *trace);

/* R30, A12: whether date is within the transitional period (on or before its nominal end). */
bool clock_in_transitional(const struct clock *c, int32_t date, struct clock_trace *trace);

/* R29, A13: expiry of a contact validation sent at instant sent (elapsed hours, UTC). */
int64_t clock_contact_expiry(const struct clock *c, int64_t sent, struct clock_trace *trace);

/* R31: the last date on which a receipt issued on date must still be available. */
int32_t clock_retention_until(const struct clock *c, int32_t date, struct clock_trace *trace);

/* R32: true when t falls within CFF 13 business hours (07:30-18:00) of a business day in zone. */
bool clock_in_person_hours(const struct clock *c, const struct tz_zone *zone, int64_t t,
                           struct clock_trace *trace);

#endif

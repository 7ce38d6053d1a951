/*
 * calendar.h - which dates count for legal time limits (legal-rules.md R1-R9,
 * section 6).
 *
 * A business day (día hábil, D5) is a date that is not a Saturday or Sunday
 * (R1), not a statutory holiday of CFF art. 12 ¶1 (R2), not a non-business day
 * IMSS declared by a Consejo Técnico agreement published in the DOF (R3) and
 * not inside a suspension of plazos (R4). The statutory days are computed for
 * any year; the declared days and suspensions are data: a text of lines
 * "YYYY-MM-DD[..YYYY-MM-DD] description" (data/calendar/README.md).
 *
 * struct calendar precomputes every day from CALENDAR_TABLE_FIRST_YEAR to
 * CALENDAR_TABLE_LAST_YEAR (reason and running count of business days), so that
 * calendar_is_business is one load and calendar_add a binary search, with no
 * allocation; dates outside that range are computed day by day.
 *
 * Thread-safety: a struct calendar is immutable after calendar_new and may be
 * shared by any number of threads. A struct calendar_list is not synchronised.
 */
#ifndef BUZON_CORE_CALENDAR_H
#define BUZON_CORE_CALENDAR_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CALENDAR_TABLE_FIRST_YEAR = 1970,
    CALENDAR_TABLE_LAST_YEAR = 2199,
    CALENDAR_LINE_MAX = 1024,    /* longest line of a calendar text */
    CALENDAR_AGREEMENT_MAX = 80, /* longest agreement id kept */
    CALENDAR_REASON_MAX = 384,   /* room for calendar_reason's text */
};

/* PROCEDURAL: every rule. PAYMENT: R6, declared vacation days count (CFF 12 ¶2). */
enum calendar_mode {
    CALENDAR_PROCEDURAL,
    CALENDAR_PAYMENT,
};

/* Which day is the transfer of the federal executive power (A2). */
enum calendar_transmission {
    CALENDAR_TRANSMISSION_OCT1, /* 1 October from 2024 (CPEUM 83), 1 December before */
    CALENDAR_TRANSMISSION_DEC1, /* the literal CFF 12 text: 1 December */
    CALENDAR_TRANSMISSION_BOTH, /* both, from 2024 */
};

/* What a line of a calendar text declares, from the start of its description. */
enum calendar_kind {
    CALENDAR_DECLARED,   /* R3: general vacation declared by IMSS (default) */
    CALENDAR_SUSPENSION, /* R4: "suspensión: ..." plazos suspended */
    CALENDAR_CLOSURE,    /* A3: "cierre: ..." offices reported closed; still a business day */
    CALENDAR_ENABLED,    /* R5: "habilitación: ..." enabled for IMSS's acts; no effect on plazos */
};

/* Why a date is or is not a business day. */
enum calendar_why {
    CALENDAR_BUSINESS,
    CALENDAR_SATURDAY,     /* R1 */
    CALENDAR_SUNDAY,       /* R1 */
    CALENDAR_STATUTORY,    /* R2 */
    CALENDAR_DECLARED_DAY, /* R3 */
    CALENDAR_SUSPENDED,    /* R4 */
};

struct calendar_entry {
    int32_t first, last; /* day numbers, inclusive */
    enum calendar_kind kind;
    int line;          /* line of its text, for messages */
    char *description; /* as written, without the kind prefix (owned by the list) */
    char agreement[CALENDAR_AGREEMENT_MAX]; /* first word starting "ACDO", or "" */
    int32_t dof_date;                       /* the date after "DOF", or CIVIL_NO_DATE */
};

struct calendar_list {
    struct calendar_entry *items;
    size_t n, cap;
};

/*
 * Parse a calendar text (in, len bytes) and append its entries to list (in-out;
 * start from a zeroed struct). Each line: a date or range
 * "YYYY-MM-DD[..YYYY-MM-DD]", blanks, then a non-empty description; "#" starts
 * a comment; blank lines are skipped. A description starting "suspensión:",
 * "cierre:" or "habilitación:" (case and accents ignored) sets the kind.
 * Returns 0, or -1 with err ("calendar_line", message naming source (in) and
 * the line number) and list unchanged.
 */
int calendar_list_parse(struct calendar_list *list, const char *text, size_t len,
                        const char *source, struct error *err);

/* Release what list (in-out) holds and zero it. */
void calendar_list_free(struct calendar_list *list);

struct calendar;

/*
 * Build the calendar of mode for the entries of list (in, may be NULL: none;
 * copied) and the transmission-day policy. Never NULL; caller frees with
 * calendar_free.
 */
struct calendar *calendar_new(const struct calendar_list *list,
                              enum calendar_transmission transmission, enum calendar_mode mode);

void calendar_free(struct calendar *cal);

enum calendar_mode calendar_get_mode(const struct calendar *cal);

/* D5: true when d is a business day. */
bool calendar_is_business(const struct calendar *cal, int32_t d);

/* Why d is (not) a business day; weekends are named before holidays that fall on them. */
enum calendar_why calendar_why(const struct calendar *cal, int32_t d);

/*
 * Write into buf (out, len bytes; CALENDAR_REASON_MAX suffices) why d is not a
 * business day, in Spanish, citing the rule ("domingo (CFF art. 12)", "16 de
 * septiembre, Independencia (CFF art. 12)", "día inhábil declarado por el IMSS:
 * ..."); "" for a business day. Returns why.
 */
enum calendar_why calendar_reason(const struct calendar *cal, int32_t d, char *buf, size_t len);

/* The statutory holiday name of d under the transmission policy of cal, or NULL (R2). */
const char *calendar_statutory(const struct calendar *cal, int32_t d);

/* The entry of kind covering d (the first one listed), or NULL. Owned by cal. */
const struct calendar_entry *calendar_entry_at(const struct calendar *cal, int32_t d,
                                               enum calendar_kind kind);

/* D6: the smallest business day strictly after d. */
int32_t calendar_next(const struct calendar *cal, int32_t d);

/* D6: calendar_next applied n (>= 0) times; calendar_add(cal, d, 0) == d. */
int32_t calendar_add(const struct calendar *cal, int32_t d, int n);

/* d when it is a business day, else calendar_next(d) (CFF 12 ¶5 rollover). */
int32_t calendar_roll(const struct calendar *cal, int32_t d);

/* Number of business days in (from, to]; 0 when to <= from. */
int calendar_count(const struct calendar *cal, int32_t from, int32_t to);

#endif

/*
 * civil.h - proleptic Gregorian dates, instants and their ISO 8601 text.
 *
 * A date is a day number: days since 1970-01-01 (int32_t), so that comparing
 * and adding days is integer arithmetic. An instant is UTC in integer
 * microseconds since the epoch (design.md section 5; legal-rules.md D1).
 * Conversions between them and local civil time need a zone and live in
 * core/tz.h; this module knows nothing of zones and does no I/O.
 *
 * Thread-safety: every function is pure and reentrant.
 */
#ifndef BUZON_CORE_CIVIL_H
#define BUZON_CORE_CIVIL_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    CIVIL_DATE_LEN = 16,    /* "YYYY-MM-DD" and its NUL, with room for a 5-digit year */
    CIVIL_INSTANT_LEN = 40, /* "YYYY-MM-DDTHH:MM:SS+HH:MM" and its NUL, with room */
    CIVIL_YEAR_MIN = 1000,  /* years accepted by the parsers */
    CIVIL_YEAR_MAX = 9999,
};

/* "No date": an optional date argument that is absent. Never a valid day number. */
#define CIVIL_NO_DATE INT32_MIN

#define CIVIL_US_PER_SEC  INT64_C(1000000)
#define CIVIL_SEC_PER_DAY 86400

/* Day number of year y, month m (1-12), day d (1-31). No range check: see civil_valid. */
int32_t civil_from_ymd(int y, int m, int d);

/* Year, month (1-12) and day (1-31) of day number days (in); any out pointer may be NULL. */
void civil_to_ymd(int32_t days, int *y, int *m, int *d);

/* True when y-m-d exists in the Gregorian calendar (and y is in the parsers' range). */
bool civil_valid(int y, int m, int d);

/* Days in month m (1-12) of year y. */
int civil_month_days(int y, int m);

/* Day of the week of days (in): 0 Sunday ... 6 Saturday. */
int civil_weekday(int32_t days);

/* Floor division of an instant (in, microseconds) into seconds. */
int64_t civil_us_to_sec(int64_t us);

/*
 * Parse exactly "YYYY-MM-DD" from s (in, NUL-terminated). Returns 0 with *out
 * set, or -1 with err ("date_syntax" when the text is not of that shape,
 * "date_invalid" when the day does not exist, e.g. 2025-02-29).
 */
int civil_parse_date(const char *s, int32_t *out, struct error *err);

/* Same as civil_parse_date for the first len bytes of s, which need not be NUL-terminated. */
int civil_parse_date_n(const char *s, size_t len, int32_t *out, struct error *err);

/*
 * An instant as written: a local date and time, and the UTC offset when the
 * text gave one. A text without an offset names a wall-clock time that a zone
 * must resolve (core/tz.h).
 */
struct civil_time {
    int32_t date;       /* day number of the wall-clock date */
    int32_t sec_of_day; /* 0..86399 */
    int32_t usec;       /* 0..999999 */
    bool has_offset;    /* "Z" or "+HH:MM"/"-HH:MM" was given */
    int32_t offset_s;   /* seconds east of UTC, when has_offset */
};

/*
 * Parse an ISO 8601 instant from s (in):
 * "YYYY-MM-DDTHH:MM[:SS[.ffffff]][Z|±HH:MM]" (a space may stand for T). Returns
 * 0 with *out set, or -1 with err ("instant_syntax", "instant_invalid").
 */
int civil_parse_time(const char *s, struct civil_time *out, struct error *err);

/* The instant (microseconds UTC) of t (in) when t->has_offset; undefined otherwise. */
int64_t civil_time_instant(const struct civil_time *t);

/* Write day number days (in) as "YYYY-MM-DD" into buf (out, CIVIL_DATE_LEN bytes). */
void civil_format_date(int32_t days, char buf[CIVIL_DATE_LEN]);

/*
 * Write instant us (in) as local time at offset_s seconds east of UTC, to the
 * second, with the offset: "2025-03-10T09:30:00-06:00"; offset 0 is written
 * "+00:00". buf (out) holds CIVIL_INSTANT_LEN bytes. Fractions of a second are
 * dropped (floor).
 */
void civil_format_instant(int64_t us, int32_t offset_s, char buf[CIVIL_INSTANT_LEN]);

/* Write instant us (in) in UTC with a "Z": "2025-03-10T15:30:00Z". */
void civil_format_utc(int64_t us, char buf[CIVIL_INSTANT_LEN]);

/* Write offset_s (in) as "+HH:MM" or "-HH:MM" into buf (out, 8 bytes). */
void civil_format_offset(int32_t offset_s, char buf[8]);

#endif

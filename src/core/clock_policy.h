/*
 * clock_policy.h - the configurable parameters of the legal clock
 * (legal-rules.md section 11).
 *
 * One parser, clock_policy_set, turns "KEY=VALUE" text into the policy: `buzon
 * clock --policy` and the [clock] section of the configuration
 * (base/clockconf.h) both go through it, so a value means the same everywhere.
 * Keys and values:
 *
 *   declared_days            PATH   calendar text of declared days (R3); "" none
 *   suspensions              PATH   calendar text of suspensions (R4); "" none
 *   statutory_rules          CFF12  the built-in table of section 6 (the only one)
 *   transmission_day         OCT1 | DEC1 | BOTH                        (A2)
 *   calendar_mode            PROCEDURAL | PAYMENT                      (R6)
 *   legal_zone_policy        DOMICILE | CENTRO                         (A4)
 *   notify_window            HH:MM:SS-HH:MM:SS, inclusive              (R18, A7)
 *   notify_window_zone       CENTRO | DOMICILE                         (A4)
 *   early_open_policy        NEXT_BUSINESS_DAY | SAME_DAY_0930         (A6)
 *   deemed_time              HH:MM:SS                                  (A8)
 *   open_window_days         1..30                                     (R20)
 *   deemed_on_day            2..31, greater than open_window_days      (R22)
 *   filing_nonbusiness_time  HH:MM:SS                                  (A5)
 *   estrados_days            1..60                                     (R28)
 *   estrados_day_kind        BUSINESS | CALENDAR                       (A10)
 *   contact_validation_hours 1..720                                    (R29)
 *   transitional_end         YYYY-MM-DD                                (R30, A12)
 *   estrados_nonenabled_from YYYY-MM-DD                                (A12)
 *   retention_years          1..100                                    (R31)
 *   tzdata_min_version       e.g. 2022g; "" disables the check         (section 8)
 *   zoneinfo_dir             PATH of the tz database
 *
 * Enumerated words are matched without regard to case.
 *
 * Thread-safety: a policy is a plain value; once filled it may be read from any
 * thread.
 */
#ifndef BUZON_CORE_CLOCK_POLICY_H
#define BUZON_CORE_CLOCK_POLICY_H

#include "core/calendar.h"
#include "core/error.h"

#include <stdint.h>

enum {
    CLOCK_POLICY_PATH_MAX = 1024,
};

enum clock_zone_choice {
    CLOCK_ZONE_DOMICILE, /* the particular's legal zone (Lineamientos 5.8) */
    CLOCK_ZONE_CENTRO,   /* America/Mexico_City (Lineamientos 5.7, 7.2) */
};

enum clock_early_open {
    CLOCK_EARLY_NEXT_BUSINESS_DAY, /* literal 7.2 ¶2 (A6) */
    CLOCK_EARLY_SAME_DAY_0930,
};

enum clock_day_kind {
    CLOCK_DAYS_BUSINESS,
    CLOCK_DAYS_CALENDAR,
};

struct clock_policy {
    char declared_days[CLOCK_POLICY_PATH_MAX];
    char suspensions[CLOCK_POLICY_PATH_MAX];
    enum calendar_transmission transmission_day;
    enum calendar_mode calendar_mode;
    enum clock_zone_choice legal_zone_policy;
    int32_t notify_from, notify_to; /* seconds after midnight, inclusive */
    enum clock_zone_choice notify_window_zone;
    enum clock_early_open early_open_policy;
    int32_t deemed_time; /* seconds after midnight */
    int open_window_days;
    int deemed_on_day;
    int32_t filing_nonbusiness_time; /* seconds after midnight */
    int estrados_days;
    enum clock_day_kind estrados_day_kind;
    int contact_validation_hours;
    int32_t transitional_end;         /* day number */
    int32_t estrados_nonenabled_from; /* day number */
    int retention_years;
    char tzdata_min_version[16];
    char zoneinfo_dir[CLOCK_POLICY_PATH_MAX];
};

/* The names of every key, in the order above, ending with NULL. */
extern const char *const clock_policy_keys[];

/* Fill p (out) with the defaults of section 11. */
void clock_policy_default(struct clock_policy *p);

/*
 * Set key (in) to value (in) in p (in-out) after checking it. Returns 0, or -1
 * with err ("policy_unknown_key", "policy_value": Spanish message naming key,
 * value and what is expected) and p unchanged.
 */
int clock_policy_set(struct clock_policy *p, const char *key, const char *value, struct error *err);

/* Parse "KEY=VALUE" (in) and apply it to p (in-out) as clock_policy_set. */
int clock_policy_apply(struct clock_policy *p, const char *assignment, struct error *err);

/*
 * Check what no single key can: deemed_on_day after open_window_days, a
 * non-empty notify window. Returns 0 or -1 with err ("policy_value").
 */
int clock_policy_check(const struct clock_policy *p, struct error *err);

#endif

/* clock_fixture.h - a legal clock over the system's tz data, for the clock tests. */
#ifndef BUZON_TESTS_CLOCK_FIXTURE_H
#define BUZON_TESTS_CLOCK_FIXTURE_H

#include "core/calendar.h"
#include "core/civil.h"
#include "core/clock.h"
#include "core/tz.h"

#include <string.h>

struct fixture {
    struct tz_db *db;
    struct calendar *cal;
    struct clock_policy policy;
    struct clock clock;
};

/* Build f from a calendar text (may be NULL) and "KEY=VALUE" policy lines ending with NULL. */
static inline void
fixture_init(struct fixture *f, const char *calendar_text, const char *const *policy)
{
    struct calendar_list list = {0};
    struct error err = {0};

    memset(f, 0, sizeof(*f));
    clock_policy_default(&f->policy);
    for (size_t i = 0; policy != NULL && policy[i] != NULL; i++)
        if (clock_policy_apply(&f->policy, policy[i], &err) != 0)
            fail_msg("%s", err.message);
    f->db = tz_db_open(f->policy.zoneinfo_dir, f->policy.tzdata_min_version, &err);
    if (f->db == NULL)
        fail_msg("%s", err.message);
    if (calendar_text != NULL &&
        calendar_list_parse(&list, calendar_text, strlen(calendar_text), "prueba", &err) != 0)
        fail_msg("%s", err.message);
    f->cal = calendar_new(&list, f->policy.transmission_day, f->policy.calendar_mode);
    calendar_list_free(&list);
    if (clock_init(&f->clock, f->db, f->cal, &f->policy, &err) != 0)
        fail_msg("%s", err.message);
}

static inline void
fixture_free(struct fixture *f)
{
    calendar_free(f->cal);
    tz_db_free(f->db);
}

static inline const struct tz_zone *
fixture_zone(struct fixture *f, const char *name)
{
    struct error err = {0};
    const struct tz_zone *z = tz_db_zone(f->db, name, &err);

    if (z == NULL)
        fail_msg("%s", err.message);
    return z;
}

/* The instant of an ISO 8601 text with its offset. */
static inline int64_t
T(const char *iso)
{
    struct civil_time t;
    struct error err = {0};

    if (civil_parse_time(iso, &t, &err) != 0 || !t.has_offset)
        fail_msg("bad instant in test: %s", iso);
    return civil_time_instant(&t);
}

static inline int32_t
D(int y, int m, int d)
{
    return civil_from_ymd(y, m, d);
}

/* The instant us written in zone z, to the second. */
static inline const char *
in_zone(const struct tz_zone *z, int64_t us, char buf[CIVIL_INSTANT_LEN])
{
    civil_format_instant(us, tz_offset(z, civil_us_to_sec(us)), buf);
    return buf;
}

#endif

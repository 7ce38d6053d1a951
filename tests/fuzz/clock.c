/*
 * Fuzz target for the legal clock's parsers of outside input: the first byte picks the parser,
 * the rest is its input. '0' dates, '1' ISO 8601 instants, '2' calendar texts (and a calendar
 * built from them), '3' policy assignments, '4' INEGI places, '5' TZif files (with lookups).
 */
#include "core/calendar.h"
#include "core/civil.h"
#include "core/clock_policy.h"
#include "core/mxzone.h"
#include "core/tz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_calendar(const char *text, size_t len)
{
    struct calendar_list list = {0};
    struct error err;

    if (calendar_list_parse(&list, text, len, "fuzz", &err) == 0 && list.n > 0) {
        /* Building a calendar walks 84,000 days: only for small inputs, to keep the pace. */
        if (len < 200) {
            struct calendar *cal =
                calendar_new(&list, CALENDAR_TRANSMISSION_BOTH, CALENDAR_PROCEDURAL);
            char why[CALENDAR_REASON_MAX];

            calendar_reason(cal, list.items[0].first, why, sizeof(why));
            (void)calendar_add(cal, list.items[0].first, 30);
            calendar_free(cal);
        }
    }
    calendar_list_free(&list);
}

static void
fuzz_tzif(const uint8_t *data, size_t len)
{
    struct tz_zone *z = NULL;
    struct error err;

    if (tz_zone_parse("fuzz", data, len, &z, &err) != 0)
        return;
    for (int64_t t = -4000000000LL; t < 8000000000LL; t += 123456789) {
        int64_t a, b;

        (void)tz_from_local(z, tz_to_local(z, t), &a, &b);
    }
    tz_zone_free(z);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    struct error err;
    struct civil_time t;
    struct clock_policy p;
    struct mxzone_place place;
    int32_t d;

    if (size < 1 || size > 65536)
        return 0;
    text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    switch (data[0]) {
    case '0':
        (void)civil_parse_date(text, &d, &err);
        break;
    case '1':
        if (civil_parse_time(text, &t, &err) == 0 && t.has_offset)
            (void)civil_time_instant(&t);
        break;
    case '2':
        fuzz_calendar(text, size - 1);
        break;
    case '3':
        clock_policy_default(&p);
        (void)clock_policy_apply(&p, text, &err);
        break;
    case '4': {
        char *nl = strchr(text, '\n');

        if (nl != NULL) {
            *nl = '\0';
            (void)mxzone_resolve(text, nl + 1, &place, &err);
        }
        break;
    }
    case '5':
        fuzz_tzif(data + 1, size - 1);
        break;
    default:
        break;
    }
    free(text);
    return 0;
}

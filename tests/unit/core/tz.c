/*
 * Tests of core/tz: the TZif reader (RFC 8536), its POSIX footer, DST gaps and overlaps, the
 * version check, and the Mexican zones of the system's database (legal-rules.md section 8).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/civil.h"
#include "core/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Seconds of a UTC wall-clock time. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
    return (int64_t)civil_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static void
put32(unsigned char **p, uint32_t v)
{
    (*p)[0] = (unsigned char)(v >> 24);
    (*p)[1] = (unsigned char)(v >> 16);
    (*p)[2] = (unsigned char)(v >> 8);
    (*p)[3] = (unsigned char)v;
    *p += 4;
}

/* A version 2 TZif image with no transitions, one type (utoff) and the footer given. */
static size_t
make_tzif(unsigned char *buf, int32_t utoff, const char *footer)
{
    unsigned char *p = buf;

    for (int block = 0; block < 2; block++) {
        memcpy(p, "TZif2", 5);
        memset(p + 5, 0, 15);
        p += 20;
        put32(&p, 0); /* isut */
        put32(&p, 0); /* isstd */
        put32(&p, 0); /* leap */
        put32(&p, 0); /* time */
        put32(&p, 1); /* type */
        put32(&p, 4); /* chars */
        put32(&p, (uint32_t)utoff);
        *p++ = 0;
        *p++ = 0;
        memcpy(p, "XXX", 4);
        p += 4;
    }
    *p++ = '\n';
    memcpy(p, footer, strlen(footer));
    p += strlen(footer);
    *p++ = '\n';
    return (size_t)(p - buf);
}

static struct tz_zone *
footer_zone(const char *footer)
{
    unsigned char buf[512];
    struct tz_zone *z = NULL;
    struct error err = {0};
    size_t len = make_tzif(buf, 0, footer);

    assert_int_equal(tz_zone_parse("test", buf, len, &z, &err), 0);
    return z;
}

static void
versions_compare_by_year_then_letters(void **state)
{
    (void)state;
    assert_true(tz_version_compare("2022f", "2022g") < 0);
    assert_true(tz_version_compare("2025b", "2022g") > 0);
    assert_true(tz_version_compare("2022g", "2022g") == 0);
    assert_true(tz_version_compare("2022z", "2022aa") < 0);
    assert_true(tz_version_compare("basura", "2022g") < 0);
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void
old_or_unknown_tz_data_is_refused_with_a_clear_message(void **state)
{
    char dir[] = "/tmp/buzon-tz-XXXXXX", path[128];
    struct error err = {0};
    struct tz_db *db;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_null(tz_db_open(dir, NULL, &err));
    assert_string_equal(err.code, "tz_version_unknown");

    snprintf(path, sizeof(path), "%s/tzdata.zi", dir);
    write_file(path, "# version 2022f\n");
    assert_null(tz_db_open(dir, NULL, &err));
    assert_string_equal(err.code, "tz_too_old");
    assert_non_null(strstr(err.message, "2022f"));
    assert_non_null(strstr(err.message, "2022g"));
    assert_non_null(strstr(err.message, "actualice"));

    /* The minimum is configurable, and "" disables the check. */
    db = tz_db_open(dir, "2022a", &err);
    assert_non_null(db);
    assert_string_equal(tz_db_version(db), "2022f");
    tz_db_free(db);
    db = tz_db_open(dir, "", &err);
    assert_non_null(db);
    tz_db_free(db);

    write_file(path, "# version 2025b\n");
    db = tz_db_open(dir, NULL, &err);
    assert_non_null(db);
    tz_db_free(db);
    unlink(path);
    rmdir(dir);
}

static void
system_data_is_recent_enough(void **state)
{
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, NULL, &err);

    (void)state;
    if (db == NULL)
        fail_msg("%s", err.message);
    assert_true(tz_version_compare(tz_db_version(db), "2022g") >= 0);
    tz_db_free(db);
}

static void
mexico_city_dropped_dst_in_october_2022(void **state)
{
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, NULL, &err);
    const struct tz_zone *z = tz_db_zone(db, "America/Mexico_City", &err);

    (void)state;
    assert_non_null(z);
    /* LHHEUM in force 30 Oct 2022: summer time ended at 02:00 that day, never again. */
    assert_int_equal(tz_offset(z, utc(2022, 7, 1, 12, 0, 0)), -5 * 3600);
    assert_int_equal(tz_offset(z, utc(2022, 11, 1, 12, 0, 0)), -6 * 3600);
    assert_int_equal(tz_offset(z, utc(2025, 7, 1, 12, 0, 0)), -6 * 3600);
    assert_int_equal(tz_offset(z, utc(2090, 7, 1, 12, 0, 0)), -6 * 3600);
    assert_false(tz_is_dst(z, utc(2026, 7, 1, 12, 0, 0)));
    /* The cache hands back the same zone. */
    assert_ptr_equal(tz_db_zone(db, "America/Mexico_City", &err), z);
    tz_db_free(db);
}

static void
every_mexican_zone_has_its_section_8_offsets(void **state)
{
    static const struct {
        const char *zone;
        int winter, summer; /* hours, 2026 */
    } cases[] = {
        {"America/Cancun", -5, -5},    {"America/Mexico_City", -6, -6},
        {"America/Merida", -6, -6},    {"America/Monterrey", -6, -6},
        {"America/Chihuahua", -6, -6}, {"America/Bahia_Banderas", -6, -6},
        {"America/Mazatlan", -7, -7},  {"America/Hermosillo", -7, -7},
        {"America/Tijuana", -8, -7},   {"America/Matamoros", -6, -5},
        {"America/Ojinaga", -6, -5},   {"America/Ciudad_Juarez", -7, -6},
    };
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, NULL, &err);

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct tz_zone *z = tz_db_zone(db, cases[i].zone, &err);

        assert_non_null(z);
        assert_int_equal(tz_offset(z, utc(2026, 1, 15, 18, 0, 0)), cases[i].winter * 3600);
        assert_int_equal(tz_offset(z, utc(2026, 7, 15, 18, 0, 0)), cases[i].summer * 3600);
    }
    tz_db_free(db);
}

static void
tijuana_spring_gap_and_autumn_overlap_are_reported(void **state)
{
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, NULL, &err);
    const struct tz_zone *z = tz_db_zone(db, "America/Tijuana", &err);
    int64_t a, b;

    (void)state;
    /* 9 Mar 2025: 02:00 PST jumps to 03:00 PDT, so 02:30 does not exist. */
    assert_int_equal(tz_from_local(z, utc(2025, 3, 9, 2, 30, 0), &a, &b), TZ_GAP);
    /* Read with the offset before the gap (-8): 10:30Z, which the clocks show as 03:30. */
    assert_true(a == utc(2025, 3, 9, 10, 30, 0) && b == a);
    assert_true(tz_to_local(z, a) == utc(2025, 3, 9, 3, 30, 0));
    /* 2 Nov 2025: 02:00 PDT falls back to 01:00 PST, so 01:30 happens twice. */
    assert_int_equal(tz_from_local(z, utc(2025, 11, 2, 1, 30, 0), &a, &b), TZ_OVERLAP);
    assert_true(a == utc(2025, 11, 2, 8, 30, 0) && b == utc(2025, 11, 2, 9, 30, 0));
    /* An ordinary time is unique and round-trips. */
    assert_int_equal(tz_from_local(z, utc(2025, 11, 2, 12, 0, 0), &a, &b), TZ_UNIQUE);
    assert_true(a == b && tz_to_local(z, a) == utc(2025, 11, 2, 12, 0, 0));
    tz_db_free(db);
}

static void
footer_rule_governs_past_the_table(void **state)
{
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, NULL, &err);
    const struct tz_zone *z = tz_db_zone(db, "America/Tijuana", &err);

    (void)state;
    /* Second Sunday of March 2100 is the 14th; 2300 (past the expanded table) the 11th. */
    assert_int_equal(tz_offset(z, utc(2100, 3, 14, 9, 59, 59)), -8 * 3600);
    assert_int_equal(tz_offset(z, utc(2100, 3, 14, 10, 0, 0)), -7 * 3600);
    assert_int_equal(tz_offset(z, utc(2300, 3, 11, 9, 59, 59)), -8 * 3600);
    assert_int_equal(tz_offset(z, utc(2300, 3, 11, 10, 0, 0)), -7 * 3600);
    assert_int_equal(tz_offset(z, utc(2300, 12, 1, 0, 0, 0)), -8 * 3600);
    tz_db_free(db);
}

static void
posix_rules_m_j_and_zero_based_days_are_computed(void **state)
{
    struct tz_zone *z;

    (void)state;
    /* US rule: 2025-03-09 02:00 EST = 07:00Z; ends 2025-11-02 02:00 EDT = 06:00Z. */
    z = footer_zone("EST5EDT,M3.2.0,M11.1.0");
    assert_int_equal(tz_offset(z, utc(2025, 3, 9, 6, 59, 59)), -5 * 3600);
    assert_int_equal(tz_offset(z, utc(2025, 3, 9, 7, 0, 0)), -4 * 3600);
    assert_int_equal(tz_offset(z, utc(2025, 11, 2, 5, 59, 59)), -4 * 3600);
    assert_int_equal(tz_offset(z, utc(2025, 11, 2, 6, 0, 0)), -5 * 3600);
    tz_zone_free(z);

    /* J60 is 1 March even in a leap year; 59 (zero-based) is 29 February in 2024. */
    z = footer_zone("<-03>3<-02>,J60/0,J300/0");
    assert_int_equal(tz_offset(z, utc(2024, 3, 1, 2, 59, 59)), -3 * 3600);
    assert_int_equal(tz_offset(z, utc(2024, 3, 1, 3, 0, 0)), -2 * 3600);
    tz_zone_free(z);
    z = footer_zone("<-03>3<-02>,59/0,299/0");
    assert_int_equal(tz_offset(z, utc(2024, 2, 29, 3, 0, 0)), -2 * 3600);
    assert_int_equal(tz_offset(z, utc(2025, 3, 1, 3, 0, 0)), -2 * 3600);
    assert_int_equal(tz_offset(z, utc(2025, 2, 28, 12, 0, 0)), -3 * 3600);
    tz_zone_free(z);

    /* Southern hemisphere (Chile): DST from September to April, across the new year. */
    z = footer_zone("<-04>4<-03>,M9.1.6/24,M4.1.6/24");
    assert_int_equal(tz_offset(z, utc(2026, 1, 15, 12, 0, 0)), -3 * 3600);
    assert_int_equal(tz_offset(z, utc(2026, 6, 15, 12, 0, 0)), -4 * 3600);
    tz_zone_free(z);

    /* No DST: a fixed offset, and the last-week rule (M10.5.0) in Europe. */
    z = footer_zone("CST6");
    assert_int_equal(tz_offset(z, utc(2500, 6, 1, 0, 0, 0)), -6 * 3600);
    tz_zone_free(z);
    z = footer_zone("CET-1CEST,M3.5.0,M10.5.0/3");
    assert_int_equal(tz_offset(z, utc(2026, 3, 29, 0, 59, 59)), 3600);
    assert_int_equal(tz_offset(z, utc(2026, 3, 29, 1, 0, 0)), 7200);
    tz_zone_free(z);
}

static void
malformed_files_and_names_are_refused(void **state)
{
    unsigned char buf[512];
    struct tz_zone *z = NULL;
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, NULL, &err);
    size_t len = make_tzif(buf, 0, "CST6");

    (void)state;
    assert_int_equal(tz_zone_parse("x", (const unsigned char *)"TZif", 4, &z, &err), -1);
    assert_string_equal(err.code, "tz_bad_file");
    assert_int_equal(tz_zone_parse("x", buf, len - 3, &z, &err), -1); /* footer cut */
    len = make_tzif(buf, 0, "CST");
    assert_int_equal(tz_zone_parse("x", buf, len, &z, &err), -1); /* no offset */
    len = make_tzif(buf, 0, "EST5EDT,M13.1.0,M11.1.0");
    assert_int_equal(tz_zone_parse("x", buf, len, &z, &err), -1); /* month 13 */

    assert_null(tz_db_zone(db, "America/Atlantida", &err));
    assert_string_equal(err.code, "tz_unknown_zone");
    assert_null(tz_db_zone(db, "../../etc/passwd", &err));
    assert_null(tz_db_zone(db, "/etc/passwd", &err));
    assert_null(tz_db_zone(db, "", &err));
    /* tzdata.zi is text, not TZif. */
    assert_null(tz_db_zone(db, "tzdata.zi", &err));
    assert_string_equal(err.code, "tz_bad_file");
    tz_db_free(db);
}

static const char *const mexican[] = {
    "America/Mexico_City", "America/Cancun",        "America/Merida",     "America/Monterrey",
    "America/Chihuahua",   "America/Mazatlan",      "America/Tijuana",    "America/Matamoros",
    "America/Ojinaga",     "America/Ciudad_Juarez", "America/Hermosillo", "America/Bahia_Banderas",
};
#define N_MEXICAN (sizeof(mexican) / sizeof(mexican[0]))

struct worker {
    struct tz_db *db;
    const struct tz_zone *zones[N_MEXICAN];
    int64_t sum;
};

static void *
load_and_convert(void *arg)
{
    struct worker *w = arg;

    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < N_MEXICAN; i++) {
            size_t k = (i + (size_t)round) % N_MEXICAN;

            w->zones[k] = tz_db_zone(w->db, mexican[k], NULL);
            if (w->zones[k] != NULL)
                w->sum += tz_offset(w->zones[k], utc(2026, 7, 1, 0, 0, round));
        }
    }
    return NULL;
}

static void
threads_share_one_cache_of_zones(void **state)
{
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, NULL, &err);
    struct worker w[4];
    pthread_t th[4];

    (void)state;
    for (int i = 0; i < 4; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].db = db;
        assert_int_equal(pthread_create(&th[i], NULL, load_and_convert, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    /* Each zone was loaded once: every thread holds the same pointer, and the same sums. */
    for (int i = 1; i < 4; i++) {
        assert_memory_equal(w[i].zones, w[0].zones, sizeof(w[0].zones));
        assert_true(w[i].sum == w[0].sum);
    }
    for (size_t k = 0; k < N_MEXICAN; k++)
        assert_non_null(w[0].zones[k]);
    tz_db_free(db);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(versions_compare_by_year_then_letters),
        cmocka_unit_test(old_or_unknown_tz_data_is_refused_with_a_clear_message),
        cmocka_unit_test(system_data_is_recent_enough),
        cmocka_unit_test(mexico_city_dropped_dst_in_october_2022),
        cmocka_unit_test(every_mexican_zone_has_its_section_8_offsets),
        cmocka_unit_test(tijuana_spring_gap_and_autumn_overlap_are_reported),
        cmocka_unit_test(footer_rule_governs_past_the_table),
        cmocka_unit_test(posix_rules_m_j_and_zero_based_days_are_computed),
        cmocka_unit_test(malformed_files_and_names_are_refused),
        cmocka_unit_test(threads_share_one_cache_of_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

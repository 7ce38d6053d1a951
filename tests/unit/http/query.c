/* Tests of http/query: query strings, form bodies, decimal ids and UTC instants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/query.h"

#include <string.h>

static void
percent_decoding_refuses_bad_escapes_nul_and_overflow(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(http_percent_decode("a%20b+c", 7, true, out, sizeof(out)), 5);
    assert_string_equal(out, "a b c");
    assert_int_equal(http_percent_decode("a%2Fb+c", 7, false, out, sizeof(out)), 5);
    assert_string_equal(out, "a/b+c");
    assert_int_equal(http_percent_decode("%c3%91", 6, true, out, sizeof(out)), 2);
    assert_string_equal(out, "Ñ");
    assert_int_equal(http_percent_decode("", 0, true, out, sizeof(out)), 0);
    assert_string_equal(out, "");

    /* A '%' needs two hexadecimal digits within the length; a NUL is never produced. */
    assert_int_equal(http_percent_decode("%", 1, true, out, sizeof(out)), -1);
    assert_int_equal(http_percent_decode("%4", 2, true, out, sizeof(out)), -1);
    assert_int_equal(http_percent_decode("%41", 2, true, out, sizeof(out)), -1);
    assert_int_equal(http_percent_decode("%G1", 3, true, out, sizeof(out)), -1);
    assert_int_equal(http_percent_decode("a%00b", 5, true, out, sizeof(out)), -1);
    assert_int_equal(http_percent_decode("a\0b", 3, true, out, sizeof(out)), -1);

    /* Seven bytes and the NUL fit in 8; eight do not, and nothing is written past out. */
    assert_int_equal(http_percent_decode("1234567", 7, true, out, sizeof(out)), 7);
    assert_int_equal(http_percent_decode("12345678", 8, true, out, sizeof(out)), -1);
    assert_int_equal(http_percent_decode("", 0, true, out, 0), -1);
}

static void
a_query_splits_into_decoded_pairs_up_to_its_limit(void **state)
{
    struct http_arena arena = {0};
    struct http_kv *kv = NULL;
    const char *q = "rfc=PE%C3%91A800101AB1&&limit=5&flag&a+b=c%3Dd&=x";
    size_t n = 0;

    (void)state;
    assert_int_equal(http_query_split(&arena, q, strlen(q), 10, &kv, &n), 0);
    assert_int_equal(n, 5);
    assert_string_equal(kv[0].name, "rfc");
    assert_string_equal(kv[0].value, "PEÑA800101AB1");
    assert_string_equal(kv[1].name, "limit");
    assert_string_equal(kv[1].value, "5");
    assert_string_equal(kv[2].name, "flag");
    assert_string_equal(kv[2].value, "");
    assert_string_equal(kv[3].name, "a b");
    assert_string_equal(kv[3].value, "c=d");
    assert_string_equal(kv[4].name, "");
    assert_string_equal(kv[4].value, "x");

    /* Only the given length is read. */
    assert_int_equal(http_query_split(&arena, "a=1&b=2", 3, 10, &kv, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(kv[0].value, "1");

    assert_int_equal(http_query_split(&arena, "a=1&b=2&c=3", 11, 2, &kv, &n), -1);
    assert_int_equal(http_query_split(&arena, "a=%zz", 5, 10, &kv, &n), -1);
    assert_int_equal(http_query_split(&arena, "a%00=1", 6, 10, &kv, &n), -1);
    http_arena_release(&arena);
}

static void
a_form_value_is_the_first_exact_name(void **state)
{
    char out[16];

    (void)state;
    assert_int_equal(http_form_value("keys=1&key=a%2Bb+c&key=2", "key", out, sizeof(out)), 0);
    assert_string_equal(out, "a+b c");
    assert_int_equal(http_form_value("contact=42", "contact", out, sizeof(out)), 0);
    assert_string_equal(out, "42");
    assert_int_equal(http_form_value("contact=", "contact", out, sizeof(out)), 0);
    assert_string_equal(out, "");

    assert_int_equal(http_form_value("contact", "contact", out, sizeof(out)), -1);
    assert_int_equal(http_form_value("con%74act=1", "contact", out, sizeof(out)), -1);
    assert_int_equal(http_form_value("", "key", out, sizeof(out)), -1);
    assert_int_equal(http_form_value("key=abc%00def", "key", out, sizeof(out)), -1);
    assert_int_equal(http_form_value("key=%", "key", out, sizeof(out)), -1);
    assert_int_equal(http_form_value("key=0123456789abcdef", "key", out, sizeof(out)), -1);
}

static void
decimals_and_ids_are_digits_only(void **state)
{
    int64_t v = -1;

    (void)state;
    assert_int_equal(http_parse_decimal("0", &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(http_parse_decimal("999999999999999999", &v), 0);
    assert_true(v == INT64_C(999999999999999999));
    assert_int_equal(http_parse_decimal("007", &v), 0);
    assert_int_equal(v, 7);

    v = -1;
    assert_int_equal(http_parse_decimal("1000000000000000000", &v), -1);
    assert_int_equal(http_parse_decimal("", &v), -1);
    assert_int_equal(http_parse_decimal(NULL, &v), -1);
    assert_int_equal(http_parse_decimal("+1", &v), -1);
    assert_int_equal(http_parse_decimal("-1", &v), -1);
    assert_int_equal(http_parse_decimal(" 1", &v), -1);
    assert_int_equal(http_parse_decimal("1 ", &v), -1);
    assert_int_equal(http_parse_decimal("0x1", &v), -1);
    assert_int_equal(v, -1);

    assert_int_equal(http_parse_id("42"), 42);
    assert_int_equal(http_parse_id("0"), 0);
    assert_int_equal(http_parse_id("000"), 0);
    assert_int_equal(http_parse_id("4a"), 0);
    assert_int_equal(http_parse_id(NULL), 0);
}

static void
utc_instants_are_exact_and_real(void **state)
{
    int64_t us = -1;

    (void)state;
    assert_int_equal(http_parse_utc("1970-01-01T00:00:00Z", &us), 0);
    assert_true(us == 0);
    assert_int_equal(http_parse_utc("2026-12-04T09:05:07Z", &us), 0);
    assert_true(us == INT64_C(1796375107) * 1000000);
    assert_int_equal(http_parse_utc("2024-02-29T23:59:59Z", &us), 0);
    assert_true(us == INT64_C(1709251199) * 1000000);

    us = -1;
    assert_int_equal(http_parse_utc("2026-02-29T00:00:00Z", &us), -1); /* no such day */
    assert_int_equal(http_parse_utc("2026-04-31T00:00:00Z", &us), -1);
    assert_int_equal(http_parse_utc("2026-13-01T00:00:00Z", &us), -1);
    assert_int_equal(http_parse_utc("2026-12-04T24:00:00Z", &us), -1);
    assert_int_equal(http_parse_utc("2026-12-04T23:60:00Z", &us), -1);
    assert_int_equal(http_parse_utc("2026-12-04T23:59:60Z", &us), -1);
    assert_int_equal(http_parse_utc("2026- 1-04T00:00:00Z", &us), -1); /* sscanf took these */
    assert_int_equal(http_parse_utc("+026-01-04T00:00:00Z", &us), -1);
    assert_int_equal(http_parse_utc("2026-+1-04T00:00:00Z", &us), -1);
    assert_int_equal(http_parse_utc("2026-12-04 09:05:07Z", &us), -1);
    assert_int_equal(http_parse_utc("2026-12-04T09:05:07", &us), -1);
    assert_int_equal(http_parse_utc("2026-12-04T09:05:07+00:00", &us), -1);
    assert_int_equal(http_parse_utc("2026-12-04T09:05:07z", &us), -1);
    assert_int_equal(http_parse_utc("", &us), -1);
    assert_int_equal(http_parse_utc(NULL, &us), -1);
    assert_true(us == -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(percent_decoding_refuses_bad_escapes_nul_and_overflow),
        cmocka_unit_test(a_query_splits_into_decoded_pairs_up_to_its_limit),
        cmocka_unit_test(a_form_value_is_the_first_exact_name),
        cmocka_unit_test(decimals_and_ids_are_digits_only),
        cmocka_unit_test(utc_instants_are_exact_and_real),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

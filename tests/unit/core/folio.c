/* Tests of core/folio: layout, lenient reading, and that every single mistyped symbol and
 * every swap of two neighbouring symbols is caught by the check symbol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/folio.h"

#include <string.h>

static const char symbols[] = "0123456789ABCDEFGHJKMNPQRTVWXYZ";

static void
a_folio_reads_year_sequence_and_check(void **state)
{
    char folio[FOLIO_MAX], canonical[FOLIO_MAX];
    struct error err = {0};
    unsigned year = 0;
    uint64_t seq = 0;

    (void)state;
    assert_int_equal(folio_encode(2026, 0, folio, &err), 0);
    /* Year digits 2,0,2,6 weigh 1..4: 2 + 0 + 6 + 24 = 32 = 1; check = -1 * 12 = 19 = K. */
    assert_string_equal(folio, "2026-0000-0000-K");
    assert_int_equal(folio_encode(2026, 31 * 31 + 11, folio, &err), 0);
    assert_int_equal(strlen(folio), FOLIO_LEN);
    /* 972 = 1 * 31^2 + 11: "0000010B"; 32 + 10 * 1 + 12 * 11 = 19, check 12 * 12 = 20 = M. */
    assert_string_equal(folio, "2026-0000-010B-M");
    assert_int_equal(folio_parse(folio, &year, &seq, canonical, &err), 0);
    assert_int_equal(year, 2026);
    assert_int_equal(seq, 31 * 31 + 11);
    assert_string_equal(canonical, folio);
}

static void
the_largest_sequence_round_trips_and_one_more_is_refused(void **state)
{
    char folio[FOLIO_MAX];
    struct error err = {0};
    uint64_t seq = 0;

    (void)state;
    assert_int_equal(folio_encode(9999, FOLIO_SEQUENCE_MAX, folio, &err), 0);
    assert_memory_equal(folio, "9999-ZZZZ-ZZZZ-", 15);
    assert_int_equal(folio_parse(folio, NULL, &seq, NULL, &err), 0);
    assert_true(seq == FOLIO_SEQUENCE_MAX);
    assert_int_equal(folio_encode(9999, FOLIO_SEQUENCE_MAX + 1, folio, &err), -1);
    assert_string_equal(err.code, "folio_range");
    assert_int_equal(folio_encode(1999, 0, folio, &err), -1);
}

static void
lower_case_confusable_letters_and_spacing_are_read_leniently(void **state)
{
    char folio[FOLIO_MAX], typed[FOLIO_MAX + 8], canonical[FOLIO_MAX];
    struct error err = {0};

    (void)state;
    assert_int_equal(folio_encode(2030, 1000001, folio, &err), 0);
    /* Lower case, no hyphens, zeros typed as the letter o. */
    size_t o = 0;
    for (const char *p = folio; *p; p++) {
        if (*p == '-')
            continue;
        typed[o++] = *p == '0' ? 'o' : (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    typed[o] = '\0';
    assert_int_equal(folio_parse(typed, NULL, NULL, canonical, &err), 0);
    assert_string_equal(canonical, folio);
}

static void
bad_folios_are_refused_with_a_reason(void **state)
{
    struct error err = {0};

    (void)state;
    assert_int_equal(folio_parse("2026-0000-0000", NULL, NULL, NULL, &err), -1);
    assert_string_equal(err.code, "folio_length");
    assert_int_equal(folio_parse("2026-0000-0000-KK", NULL, NULL, NULL, &err), -1);
    assert_string_equal(err.code, "folio_length");
    assert_int_equal(folio_parse("2026-0000-0000-S", NULL, NULL, NULL, &err), -1);
    assert_string_equal(err.code, "folio_character");
    assert_int_equal(folio_parse("2026-0000-00#0-K", NULL, NULL, NULL, &err), -1);
    assert_string_equal(err.code, "folio_character");
    assert_int_equal(folio_parse("A026-0000-0000-K", NULL, NULL, NULL, &err), -1);
    assert_string_equal(err.code, "folio_year");
    assert_int_equal(folio_parse("2026-0000-0000-J", NULL, NULL, NULL, &err), -1);
    assert_string_equal(err.code, "folio_check");
    assert_string_equal(err.message, "el dígito verificador del folio no corresponde");
}

/* The 13 symbols of folio without hyphens. */
static void
strip(const char *folio, char out[14])
{
    size_t o = 0;

    for (const char *p = folio; *p; p++)
        if (*p != '-')
            out[o++] = *p;
    out[o] = '\0';
}

static void
every_single_substitution_and_adjacent_swap_is_caught(void **state)
{
    struct error err = {0};
    uint64_t seq = 12345;

    (void)state;
    for (int f = 0; f < 400; f++) {
        char folio[FOLIO_MAX], s[14];

        seq = seq * 6364136223846793005ULL + 1442695040888963407ULL;
        assert_int_equal(
            folio_encode(2000 + (unsigned)(f % 100), seq % FOLIO_SEQUENCE_MAX, folio, &err), 0);
        strip(folio, s);
        for (int i = 0; i < 13; i++) {
            char orig = s[i];

            for (const char *c = symbols; *c; c++) {
                if (*c == orig)
                    continue;
                s[i] = *c;
                assert_int_not_equal(folio_parse(s, NULL, NULL, NULL, &err), 0);
            }
            s[i] = orig;
            if (i < 12 && s[i] != s[i + 1]) {
                s[i] = s[i + 1];
                s[i + 1] = orig;
                assert_int_not_equal(folio_parse(s, NULL, NULL, NULL, &err), 0);
                s[i + 1] = s[i];
                s[i] = orig;
            }
        }
        assert_int_equal(folio_parse(s, NULL, NULL, NULL, &err), 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_folio_reads_year_sequence_and_check),
        cmocka_unit_test(the_largest_sequence_round_trips_and_one_more_is_refused),
        cmocka_unit_test(lower_case_confusable_letters_and_spacing_are_read_leniently),
        cmocka_unit_test(bad_folios_are_refused_with_a_reason),
        cmocka_unit_test(every_single_substitution_and_adjacent_swap_is_caught),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

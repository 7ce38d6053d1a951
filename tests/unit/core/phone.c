/* Tests of core/phone: Mexican mobile numbers normalised to E.164. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/phone.h"

#include <string.h>

static void
assert_normalizes(const char *text, const char *want)
{
    char out[PHONE_E164_MAX];
    struct error err;

    error_clear(&err);
    if (phone_normalize_mx(text, out, &err) != 0)
        fail_msg("«%s» refused: %s (%s)", text, err.code, err.message);
    assert_string_equal(out, want);
}

static void
assert_refused(const char *text, const char *code)
{
    char out[PHONE_E164_MAX] = "x";
    struct error err;

    error_clear(&err);
    assert_int_equal(phone_normalize_mx(text, out, &err), -1);
    assert_string_equal(err.code, code);
    assert_true(strlen(err.message) > 10);
    assert_string_equal(out, "");
}

static void
ten_national_digits_become_plus_52_and_the_digits(void **state)
{
    (void)state;
    assert_normalizes("5512345678", "+525512345678");
    assert_normalizes("33 1234 5678", "+523312345678");
    assert_normalizes("(55) 1234-5678", "+525512345678");
    assert_normalizes("999.123.4567", "+529991234567");
    assert_normalizes(" 81-1234-5678 ", "+528112345678");
}

static void
country_code_52_is_accepted_with_or_without_plus(void **state)
{
    (void)state;
    assert_normalizes("+52 55 1234 5678", "+525512345678");
    assert_normalizes("+525512345678", "+525512345678");
    assert_normalizes("52 55 1234 5678", "+525512345678");
    assert_normalizes("0052 55 1234 5678", "+525512345678");
}

static void
the_pre_2019_mobile_one_after_52_is_dropped(void **state)
{
    (void)state;
    assert_normalizes("+52 1 55 1234 5678", "+525512345678");
    assert_normalizes("521 55 1234 5678", "+525512345678");
    assert_normalizes("+5215512345678", "+525512345678");
    assert_normalizes("00521 33 1234 5678", "+523312345678");
}

static void
the_pre_2019_044_and_045_prefixes_are_dropped(void **state)
{
    (void)state;
    assert_normalizes("044 55 1234 5678", "+525512345678");
    assert_normalizes("045 (33) 1234-5678", "+523312345678");
}

static void
a_ten_digit_number_starting_with_52_stays_national(void **state)
{
    (void)state;
    /* 52 is not stripped when exactly ten digits remain to be read as national. */
    assert_normalizes("5223456789", "+525223456789");
}

static void
other_countries_are_refused(void **state)
{
    (void)state;
    assert_refused("+1 212 555 0100", "phone_country");
    assert_refused("+34 612 345 678", "phone_country");
    assert_refused("001 212 555 0100", "phone_country");
}

static void
wrong_lengths_are_refused(void **state)
{
    (void)state;
    assert_refused("55 1234 567", "phone_length");
    assert_refused("55 1234 56789", "phone_length");
    assert_refused("+52 55 1234 567", "phone_length");
    /* 01 was the prefix of fixed lines, never of mobiles: it is not stripped. */
    assert_refused("01 55 1234 5678", "phone_length");
    assert_refused("123456789012345678901", "phone_length");
}

static void
national_numbers_never_begin_with_0_or_1(void **state)
{
    (void)state;
    assert_refused("0551234567", "phone_leading_digit");
    assert_refused("1551234567", "phone_leading_digit");
    assert_refused("+52 0551234567", "phone_leading_digit");
}

static void
letters_and_misplaced_plus_are_refused(void **state)
{
    (void)state;
    assert_refused("55 1234 567a", "phone_char");
    assert_refused("55+12345678", "phone_char");
    assert_refused("++525512345678", "phone_char");
    assert_refused("55/1234/5678", "phone_char");
    assert_refused("55\n12345678", "phone_char");
}

static void
empty_and_oversized_texts_are_refused(void **state)
{
    (void)state;
    assert_refused("", "phone_empty");
    assert_refused(" ( ) - ", "phone_empty");
    assert_refused("+", "phone_empty");
    assert_refused("55 1234 5678                                      ", "phone_too_long");
}

static void
mask_shows_only_the_last_four_digits(void **state)
{
    char out[PHONE_E164_MAX];

    (void)state;
    assert_int_equal(phone_mask("+525512345678", out), 0);
    assert_string_equal(out, "+52******5678");
    assert_int_equal(phone_mask("+15512345678", out), -1);
    assert_int_equal(phone_mask("+52551234567x", out), -1);
    assert_int_equal(phone_mask("+5255123456789", out), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ten_national_digits_become_plus_52_and_the_digits),
        cmocka_unit_test(country_code_52_is_accepted_with_or_without_plus),
        cmocka_unit_test(the_pre_2019_mobile_one_after_52_is_dropped),
        cmocka_unit_test(the_pre_2019_044_and_045_prefixes_are_dropped),
        cmocka_unit_test(a_ten_digit_number_starting_with_52_stays_national),
        cmocka_unit_test(other_countries_are_refused),
        cmocka_unit_test(wrong_lengths_are_refused),
        cmocka_unit_test(national_numbers_never_begin_with_0_or_1),
        cmocka_unit_test(letters_and_misplaced_plus_are_refused),
        cmocka_unit_test(empty_and_oversized_texts_are_refused),
        cmocka_unit_test(mask_shows_only_the_last_four_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests of deliver/gsm: SMS length in GSM 7-bit septets and UCS-2 units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver/gsm.h"

#include <string.h>

static void
plain_ascii_counts_one_septet_per_character(void **state)
{
    (void)state;
    assert_int_equal(deliver_gsm7_septets("Buzon IMSS: 123456."), 19);
    assert_int_equal(deliver_gsm7_septets(""), 0);
}

static void
spanish_letters_in_the_gsm_alphabet_count_one(void **state)
{
    (void)state;
    /* é ñ ü ¿ ¡ É Ñ Ü are in the default alphabet (3GPP TS 23.038). */
    assert_int_equal(deliver_gsm7_septets("¿Qué?¡Ñandú!"), -1); /* ú is not */
    assert_int_equal(deliver_gsm7_septets("¿Qué? ¡Ñoño pingüino!"), 21);
    assert_int_equal(deliver_gsm7_septets("ÉÑÜéñü"), 6);
}

static void
acute_vowels_other_than_e_are_outside_the_alphabet(void **state)
{
    (void)state;
    assert_int_equal(deliver_gsm7_septets("á"), -1);
    assert_int_equal(deliver_gsm7_septets("í"), -1);
    assert_int_equal(deliver_gsm7_septets("ó"), -1);
    assert_int_equal(deliver_gsm7_septets("ú"), -1);
    assert_int_equal(deliver_gsm7_septets("Á"), -1);
    assert_int_equal(deliver_gsm7_septets("`"), -1);
}

static void
extension_characters_count_two_septets(void **state)
{
    (void)state;
    assert_int_equal(deliver_gsm7_septets("[x]"), 5);
    assert_int_equal(deliver_gsm7_septets("€"), 2);
    assert_int_equal(deliver_gsm7_septets("{}|~^\\"), 12);
}

static void
ucs2_units_count_pairs_beyond_the_bmp(void **state)
{
    (void)state;
    assert_int_equal(deliver_ucs2_units("año"), 3);
    assert_int_equal(deliver_ucs2_units("\xf0\x9f\x93\xa7"), 2); /* an envelope emoji */
    assert_int_equal(deliver_ucs2_units("\xc3"), -1);
}

static void
parts_follow_160_153_and_70_67(void **state)
{
    char text[400];
    bool gsm7;

    (void)state;
    memset(text, 'a', 160);
    text[160] = '\0';
    assert_int_equal(deliver_sms_parts(text, &gsm7), 1);
    assert_true(gsm7);
    text[160] = 'a';
    text[161] = '\0';
    assert_int_equal(deliver_sms_parts(text, &gsm7), 2);
    memset(text, 'a', 306);
    text[306] = '\0';
    assert_int_equal(deliver_sms_parts(text, &gsm7), 2);
    text[306] = 'a';
    text[307] = '\0';
    assert_int_equal(deliver_sms_parts(text, &gsm7), 3);

    /* One "ó" turns the whole text into UCS-2: 70 per single part, 67 per part after. */
    memset(text, 'a', 68);
    memcpy(text + 68, "ó", 3);
    assert_int_equal(deliver_sms_parts(text, &gsm7), 1);
    assert_false(gsm7);
    memset(text, 'a', 70);
    memcpy(text + 70, "ó", 3);
    assert_int_equal(deliver_sms_parts(text, &gsm7), 2);

    assert_int_equal(deliver_sms_parts("", &gsm7), 0);
    assert_int_equal(deliver_sms_parts("a\xff", &gsm7), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_ascii_counts_one_septet_per_character),
        cmocka_unit_test(spanish_letters_in_the_gsm_alphabet_count_one),
        cmocka_unit_test(acute_vowels_other_than_e_are_outside_the_alphabet),
        cmocka_unit_test(extension_characters_count_two_septets),
        cmocka_unit_test(ucs2_units_count_pairs_beyond_the_bmp),
        cmocka_unit_test(parts_follow_160_153_and_70_67),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Tests of core/ident: real, published identifiers are accepted and each kind of corruption is
 * refused with its own error code. Where a check digit is not from a published source it is
 * computed by hand in a comment, independently of the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/ident.h"

#include <string.h>

typedef int (*parse_fn)(const char *, size_t, struct ident *, struct error *);

/* Parse s with fn; assert it is valid with the given normalised form and check status. */
static void
expect_valid(parse_fn fn, const char *s, const char *normalized, enum ident_check check)
{
    struct ident id;
    struct error err;

    if (fn(s, strlen(s), &id, &err) != 0)
        fail_msg("%s: %s (%s)", s, err.code, err.message);
    assert_true(id.valid);
    assert_true(id.parsed);
    assert_string_equal(id.normalized, normalized);
    assert_int_equal(id.check_digit, check);
    assert_false(error_is_set(&err));
}

/* Parse s with fn; assert it is refused with code. Returns the verdict for further checks. */
static struct ident
expect_error(parse_fn fn, const char *s, const char *code)
{
    struct ident id;
    struct error err;

    if (fn(s, strlen(s), &id, &err) == 0)
        fail_msg("%s: accepted, expected %s", s, code);
    assert_false(id.valid);
    assert_string_equal(err.code, code);
    assert_true(strlen(err.message) > 0);
    return id;
}

/* ----------------------------------------------------------------------------------------- */
/* RFC */

static void
rfc_of_sat_worked_example_is_valid(void **state)
{
    struct ident id;

    (void)state;
    /*
     * SAT, "Algoritmo para generar el RFC con homoclave", INFOMEX 0610100135506: GODE561231GR.
     * G16*13 + O25*12 + D13*11 + E14*10 + 5*9 + 6*8 + 1*7 + 2*6 + 3*5 + 1*4 + G16*3 + R28*2
     * = 208 + 300 + 143 + 140 + 45 + 48 + 7 + 12 + 15 + 4 + 48 + 56 = 1026; 1026 mod 11 = 3;
     * 11 - 3 = 8.
     */
    expect_valid(ident_parse_rfc, "GODE561231GR8", "GODE561231GR8", IDENT_CHECK_OK);
    ident_parse_rfc("GODE561231GR8", 13, &id, NULL);
    assert_int_equal(id.kind, IDENT_RFC_PERSON);
    assert_int_equal(id.expected_check, '8');
    assert_null(id.warning_code);
}

static void
rfc_of_sat_test_representative_is_valid(void **state)
{
    (void)state;
    /*
     * Legal representative in SAT's test e.firma (fixtures/sat): HEGT7610034S2.
     * H17*13 + E14*12 + G16*11 + T30*10 + 7*9 + 6*8 + 1*7 + 0*6 + 0*5 + 3*4 + 4*3 + S29*2
     * = 221 + 168 + 176 + 300 + 63 + 48 + 7 + 0 + 0 + 12 + 12 + 58 = 1065; mod 11 = 9; 11-9 = 2.
     */
    expect_valid(ident_parse_rfc, "HEGT7610034S2", "HEGT7610034S2", IDENT_CHECK_OK);
}

static void
rfcs_of_sat_test_companies_are_valid(void **state)
{
    (void)state;
    /*
     * SAT's test certificates for CFDI 4.0 (personas morales). A company's 11 characters are
     * preceded by a space (value 37): " EKU9003173C" = 37*13 + E14*12 + K20*11 + U31*10 +
     * 9*9 + 0*8 + 0*7 + 3*6 + 1*5 + 7*4 + 3*3 + C12*2 = 481 + 168 + 220 + 310 + 81 + 0 + 0 +
     * 18 + 5 + 28 + 9 + 24 = 1344; 1344 mod 11 = 2; 11 - 2 = 9.
     */
    expect_valid(ident_parse_rfc, "EKU9003173C9", "EKU9003173C9", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "IIA040805DZ4", "IIA040805DZ4", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "IVD920810GU2", "IVD920810GU2", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "URE180429TM6", "URE180429TM6", IDENT_CHECK_OK);
    /* Remainder 10 gives the digit 1; remainder 0 gives 0. */
    expect_valid(ident_parse_rfc, "XIA190128J61", "XIA190128J61", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "MAS0810247C0", "MAS0810247C0", IDENT_CHECK_OK);
}

static void
rfcs_with_ampersand_and_enye_are_valid(void **state)
{
    (void)state;
    /* SAT test companies HERRERIA & ELECTRICOS and HERMANOS ANZURES ÑARVAEZ, and persons. */
    expect_valid(ident_parse_rfc, "H&E951128469", "H&E951128469", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "HAÑ930228SM9", "HAÑ930228SM9", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "OÑO120726RX3", "OÑO120726RX3", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "IAÑL750210963", "IAÑL750210963", IDENT_CHECK_OK);
    expect_valid(ident_parse_rfc, "RAQÑ7701212M3", "RAQÑ7701212M3", IDENT_CHECK_OK);
}

static void
rfcs_of_sat_test_persons_are_valid(void **state)
{
    static const char *const persons[] = {
        "CACX7605101P8", "FUNK671228PH6", "JUFA7608212V6", "KAHO641101B39", "KICR630120NX3",
        "MISC491214B86", "WATM640917J45", "WERX631016S30", "XOJI740919U48",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(persons) / sizeof(persons[0]); i++)
        expect_valid(ident_parse_rfc, persons[i], persons[i], IDENT_CHECK_OK);
}

static void
rfc_is_normalised_to_upper_case_without_surrounding_space(void **state)
{
    (void)state;
    expect_valid(ident_parse_rfc, " \teku9003173c9\r\n", "EKU9003173C9", IDENT_CHECK_OK);
    /* "ñ" (U+00F1) becomes "Ñ" (U+00D1). */
    expect_valid(ident_parse_rfc, "iañl750210963", "IAÑL750210963", IDENT_CHECK_OK);
}

static void
rfc_check_character_a_stands_for_ten(void **state)
{
    struct ident id;

    (void)state;
    /*
     * Constructed from the SAT example by changing the homoclave to H9: 1026 - G16*3 - R28*2
     * + H17*3 + 9*2 = 1026 - 48 - 56 + 51 + 18 = 991; 991 mod 11 = 1; 11 - 1 = 10, "A".
     */
    expect_valid(ident_parse_rfc, "GODE561231H9A", "GODE561231H9A", IDENT_CHECK_OK);
    assert_int_equal(ident_parse_rfc("GODE561231H90", 13, &id, NULL), 0);
    assert_int_equal(id.check_digit, IDENT_CHECK_MISMATCH);
    assert_int_equal(id.expected_check, 'A');
}

static void
rfc_with_mismatching_check_digit_is_valid_with_a_warning(void **state)
{
    struct ident id;
    struct error err;

    (void)state;
    /*
     * SAT's own test RFC AAA010101AAA: " AAA010101AA" = 37*13 + A10*12 + A10*11 + A10*10 +
     * 0*9 + 1*8 + 0*7 + 1*6 + 0*5 + 1*4 + A10*3 + A10*2 = 481 + 120 + 110 + 100 + 8 + 6 + 4 +
     * 30 + 20 = 879; 879 mod 11 = 10; 11 - 10 = 1, not "A".
     */
    assert_int_equal(ident_parse_rfc("AAA010101AAA", 12, &id, &err), 0);
    assert_true(id.valid);
    assert_int_equal(id.kind, IDENT_RFC_COMPANY);
    assert_int_equal(id.check_digit, IDENT_CHECK_MISMATCH);
    assert_int_equal(id.expected_check, '1');
    assert_string_equal(id.warning_code, "rfc_check_digit");
    assert_non_null(strstr(id.warning, "dígito verificador"));
    assert_false(id.generic);

    /* A one-character typo in a real RFC is also only a warning: SAT cannot be second-guessed. */
    assert_int_equal(ident_parse_rfc("GODE561231GR9", 13, &id, &err), 0);
    assert_int_equal(id.check_digit, IDENT_CHECK_MISMATCH);
    assert_string_equal(id.warning_code, "rfc_check_digit");
}

static void
generic_rfcs_are_valid_and_flagged(void **state)
{
    struct ident id;

    (void)state;
    assert_int_equal(ident_parse_rfc("XAXX010101000", 13, &id, NULL), 0);
    assert_true(id.valid);
    assert_true(id.generic);
    assert_string_equal(id.warning_code, "rfc_generic");
    assert_non_null(strstr(id.warning, "público en general"));
    /* The rule gives 4 for XAXX010101000; SAT fixed the value with a 0. */
    assert_int_equal(id.check_digit, IDENT_CHECK_MISMATCH);

    assert_int_equal(ident_parse_rfc("xexx010101000", 13, &id, NULL), 0);
    assert_true(id.generic);
    assert_string_equal(id.normalized, "XEXX010101000");
    assert_non_null(strstr(id.warning, "extranjero"));
    assert_int_equal(id.check_digit, IDENT_CHECK_OK);
}

static void
rfc_date_gets_the_most_recent_century_not_in_the_future(void **state)
{
    struct ident id;

    (void)state;
    assert_int_equal(ident_rfc_century(76, 2026), 1976);
    assert_int_equal(ident_rfc_century(26, 2026), 2026);
    assert_int_equal(ident_rfc_century(27, 2026), 1927);
    assert_int_equal(ident_rfc_century(0, 2026), 2000);
    assert_int_equal(ident_rfc_century(99, 2099), 2099);

    assert_int_equal(ident_parse_rfc("HEGT7610034S2", 13, &id, NULL), 0);
    assert_true(id.has_date);
    assert_true(id.century_inferred);
    assert_int_equal(id.date.year, 1976);
    assert_int_equal(id.date.month, 10);
    assert_int_equal(id.date.day, 3);

    assert_int_equal(ident_parse_rfc("IIA040805DZ4", 12, &id, NULL), 0);
    assert_int_equal(id.date.year, 2004);
}

static void
rfc_of_wrong_length_is_refused(void **state)
{
    struct ident id;

    (void)state;
    id = expect_error(ident_parse_rfc, "GODE561231G", "rfc_length");
    assert_false(id.parsed);
    assert_int_equal(id.kind, IDENT_UNKNOWN);
    expect_error(ident_parse_rfc, "GODE561231GR81", "rfc_length");
    /* Twelve characters make a company's RFC, so a person's RFC missing one is misread. */
    expect_error(ident_parse_rfc, "GODE561231GR", "rfc_characters");
    expect_error(ident_parse_rfc, "", "rfc_length");
    expect_error(ident_parse_rfc, "GODE 561231 GR8", "rfc_length");
}

static void
rfc_with_a_character_out_of_place_is_refused(void **state)
{
    struct ident id;
    struct error err;

    (void)state;
    expect_error(ident_parse_rfc, "G0DE561231GR8", "rfc_characters"); /* digit in the name */
    expect_error(ident_parse_rfc, "GODE56I231GR8", "rfc_characters"); /* letter in the date */
    expect_error(ident_parse_rfc, "GODE561231G&8", "rfc_characters"); /* & in the homoclave */
    expect_error(ident_parse_rfc, "GODE561231GÑ8", "rfc_characters"); /* Ñ in the homoclave */
    expect_error(ident_parse_rfc, "GODE561231GR-", "rfc_characters"); /* check character */
    expect_error(ident_parse_rfc, "GODE56-231GR8", "rfc_characters"); /* separator */
    expect_error(ident_parse_rfc, "GODÉ561231GR8", "rfc_characters"); /* accented letter */
    expect_error(ident_parse_rfc,
                 "GODE561231G\xff"
                 "8",
                 "rfc_characters"); /* not UTF-8 */

    /* The message names the position and the character. */
    assert_int_equal(ident_parse_rfc("GODE56I231GR8", 13, &id, &err), -1);
    assert_non_null(strstr(err.message, "carácter 7"));
    assert_non_null(strstr(err.message, "«I»"));
    assert_false(id.parsed);
}

static void
rfc_with_impossible_date_is_refused(void **state)
{
    struct ident id;
    struct error err;

    (void)state;
    expect_error(ident_parse_rfc, "GODE560230GR8", "rfc_date"); /* 30 February */
    expect_error(ident_parse_rfc, "GODE561331GR8", "rfc_date"); /* month 13 */
    expect_error(ident_parse_rfc, "GODE560000GR8", "rfc_date"); /* month 00 */
    expect_error(ident_parse_rfc, "GODE561200GR8", "rfc_date"); /* day 00 */
    expect_error(ident_parse_rfc, "GODE560431GR8", "rfc_date"); /* 31 April */

    /* 29 February 2001 never was; 29 February 2000 was (YY = 00 can only be 2000). */
    id = expect_error(ident_parse_rfc, "AAA010229AA1", "rfc_date");
    assert_true(id.parsed);
    assert_false(id.has_date);
    assert_int_equal(ident_parse_rfc("AAA010229AA1", 12, &id, &err), -1);
    assert_non_null(strstr(err.message, "bisiesto"));
    assert_int_equal(ident_parse_rfc("AAA000229AA1", 12, &id, &err), 0);
    assert_int_equal(id.date.year, 2000);
}

static void
rfc_normalised_with_four_enye_fits(void **state)
{
    struct ident id;

    (void)state;
    assert_int_equal(ident_parse_rfc("ññññ010101AB1", strlen("ññññ010101AB1"), &id, NULL), 0);
    assert_string_equal(id.normalized, "ÑÑÑÑ010101AB1");
    assert_int_equal(strlen(id.normalized), 17);
}

/* ----------------------------------------------------------------------------------------- */
/* CURP */

static void
curp_of_renapo_example_is_valid(void **state)
{
    struct ident id;

    (void)state;
    /*
     * RENAPO's hypothetical example, Ricardo Alamán Pérez, born in the D. F. on 21 March 1963
     * (AAPR630321HDFLRC0, as reproduced by Expansión Política, 30/01/2026); the check digit
     * by hand: A10*18 + A10*17 + P26*16 + R28*15 + 6*14 + 3*13 + 0*12 + 3*11 + 2*10 + 1*9 +
     * H17*8 + D13*7 + F15*6 + L21*5 + R28*4 + C12*3 + 0*2 = 180 + 170 + 416 + 420 + 84 + 39 +
     * 0 + 33 + 20 + 9 + 136 + 91 + 90 + 105 + 112 + 36 + 0 = 1941; (10 - 1) mod 10 = 9.
     */
    expect_valid(ident_parse_curp, "AAPR630321HDFLRC09", "AAPR630321HDFLRC09", IDENT_CHECK_OK);
    ident_parse_curp("AAPR630321HDFLRC09", 18, &id, NULL);
    assert_int_equal(id.kind, IDENT_CURP);
    assert_int_equal(id.sex, 'H');
    assert_string_equal(id.state, "DF");
    assert_true(id.has_date);
    assert_false(id.century_inferred);
    assert_int_equal(id.date.year, 1963);
    assert_int_equal(id.date.month, 3);
    assert_int_equal(id.date.day, 21);
}

static void
curp_of_person_born_abroad_is_valid(void **state)
{
    struct ident id;

    (void)state;
    /*
     * BOXW310820HNERXN09, the example of python-stdnum's stdnum.mx.curp (state NE, nacido en
     * el extranjero). B11*18 + O25*17 + X34*16 + W33*15 + 3*14 + 1*13 + 0*12 + 8*11 + 2*10 +
     * 0*9 + H17*8 + N23*7 + E14*6 + R28*5 + X34*4 + N23*3 + 0*2 = 198 + 425 + 544 + 495 + 42 +
     * 13 + 0 + 88 + 20 + 0 + 136 + 161 + 84 + 140 + 136 + 69 + 0 = 2551; (10 - 1) mod 10 = 9.
     */
    expect_valid(ident_parse_curp, "BOXW310820HNERXN09", "BOXW310820HNERXN09", IDENT_CHECK_OK);
    ident_parse_curp("BOXW310820HNERXN09", 18, &id, NULL);
    assert_string_equal(id.state, "NE");
    assert_int_equal(id.date.year, 1931);
}

static void
curps_from_public_examples_are_valid(void **state)
{
    struct ident id;

    (void)state;
    /* Gloria Hernández García, Veracruz (stdnum's test set, "found from various sources"). */
    expect_valid(ident_parse_curp, "HEGG560427MVZRRL04", "HEGG560427MVZRRL04", IDENT_CHECK_OK);
    expect_valid(ident_parse_curp, "BEML920313HMCLNS09", "BEML920313HMCLNS09", IDENT_CHECK_OK);
    expect_valid(ident_parse_curp, "PEGL890909MJCRMS08", "PEGL890909MJCRMS08", IDENT_CHECK_OK);
    /* The CURP in SAT's test e.firma of FUNK671228PH6 (Karla Fuente Nolasco). */
    expect_valid(ident_parse_curp, "funk671228mclnlr05", "FUNK671228MCLNLR05", IDENT_CHECK_OK);
    ident_parse_curp("FUNK671228MCLNLR05", 18, &id, NULL);
    assert_int_equal(id.sex, 'M');
    assert_string_equal(id.state, "CL");
}

static void
curp_with_letter_in_position_17_was_born_from_2000(void **state)
{
    struct ident id;

    (void)state;
    /*
     * Constructed: LOOA040229MDFPRNA. L21*18 + O25*17 + O25*16 + A10*15 + 0*14 + 4*13 +
     * 0*12 + 2*11 + 2*10 + 9*9 + M22*8 + D13*7 + F15*6 + P26*5 + R28*4 + N23*3 + A10*2 =
     * 378 + 425 + 400 + 150 + 0 + 52 + 0 + 22 + 20 + 81 + 176 + 91 + 90 + 130 + 112 + 69 + 20
     * = 2216; (10 - 6) mod 10 = 4. 29 February 2004 existed.
     */
    expect_valid(ident_parse_curp, "LOOA040229MDFPRNA4", "LOOA040229MDFPRNA4", IDENT_CHECK_OK);
    ident_parse_curp("LOOA040229MDFPRNA4", 18, &id, NULL);
    assert_int_equal(id.date.year, 2004);

    /*
     * The same day in YY = 00: a letter means 2000 (a leap year), a digit 1900 (not one).
     * LOOA000229MDFPRNA: 2216 - 4*13 = 2164, check 6.
     */
    expect_valid(ident_parse_curp, "LOOA000229MDFPRNA6", "LOOA000229MDFPRNA6", IDENT_CHECK_OK);
    expect_error(ident_parse_curp, "LOOA000229MDFPRN06", "curp_date");
}

static void
curp_with_sex_x_is_valid(void **state)
{
    struct ident id;

    (void)state;
    /*
     * Constructed: GOMA041107XJCNRNA. G16*18 + O25*17 + M22*16 + A10*15 + 0*14 + 4*13 +
     * 1*12 + 1*11 + 0*10 + 7*9 + X34*8 + J19*7 + C12*6 + N23*5 + R28*4 + N23*3 + A10*2 =
     * 288 + 425 + 352 + 150 + 0 + 52 + 12 + 11 + 0 + 63 + 272 + 133 + 72 + 115 + 112 + 69 + 20
     * = 2146; (10 - 6) mod 10 = 4.
     */
    expect_valid(ident_parse_curp, "GOMA041107XJCNRNA4", "GOMA041107XJCNRNA4", IDENT_CHECK_OK);
    ident_parse_curp("GOMA041107XJCNRNA4", 18, &id, NULL);
    assert_int_equal(id.sex, 'X');
}

static void
curp_with_wrong_check_digit_is_invalid(void **state)
{
    struct ident id;
    struct error err;

    (void)state;
    id = expect_error(ident_parse_curp, "PEGL890909MJCRMS09", "curp_check_digit");
    assert_true(id.parsed);
    assert_int_equal(id.check_digit, IDENT_CHECK_MISMATCH);
    assert_int_equal(id.expected_check, '8');

    /*
     * The representative's CURP in SAT's test e.firma (fixtures/sat), HEGT761003MDFRNN09, does
     * not follow RENAPO's rule: H17*18 + E14*17 + G16*16 + T30*15 + 7*14 + 6*13 + 1*12 + 0*11
     * + 0*10 + 3*9 + M22*8 + D13*7 + F15*6 + R28*5 + N23*4 + N23*3 + 0*2 = 306 + 238 + 256 +
     * 450 + 98 + 78 + 12 + 0 + 0 + 27 + 176 + 91 + 90 + 140 + 92 + 69 + 0 = 2123, check 7.
     */
    assert_int_equal(ident_parse_curp("HEGT761003MDFRNN09", 18, &id, &err), -1);
    assert_string_equal(err.code, "curp_check_digit");
    assert_int_equal(id.expected_check, '7');
    assert_non_null(strstr(err.message, "«7»"));
}

static void
curp_of_wrong_length_is_refused(void **state)
{
    struct ident id;

    (void)state;
    id = expect_error(ident_parse_curp, "PEGL890909MJCRMS0", "curp_length");
    assert_int_equal(id.kind, IDENT_CURP);
    expect_error(ident_parse_curp, "PEGL890909MJCRMS080", "curp_length");
    expect_error(ident_parse_curp, "", "curp_length");
}

static void
curp_with_a_character_out_of_place_is_refused(void **state)
{
    struct error err;
    struct ident id;

    (void)state;
    expect_error(ident_parse_curp, "P3GL890909MJCRMS08", "curp_characters"); /* name */
    expect_error(ident_parse_curp, "PEGL89O909MJCRMS08", "curp_characters"); /* date */
    expect_error(ident_parse_curp, "PEGL890909MJCAMS08", "curp_characters"); /* vowel */
    expect_error(ident_parse_curp, "PEGL890909MJCRMS0A", "curp_characters"); /* check */
    expect_error(ident_parse_curp, "PEGL890909MJCRMS-8", "curp_characters"); /* position 17 */
    expect_error(ident_parse_curp, "PEGL890909M&CRMS08", "curp_characters"); /* state */

    /* RENAPO writes X for Ñ; the message says so. */
    assert_int_equal(
        ident_parse_curp("ÑEGL890909MJCRMS08", strlen("ÑEGL890909MJCRMS08"), &id, &err), -1);
    assert_string_equal(err.code, "curp_characters");
    assert_non_null(strstr(err.message, "X"));
}

static void
curp_with_impossible_date_sex_or_state_is_refused(void **state)
{
    (void)state;
    expect_error(ident_parse_curp, "PEGL891313MJCRMS06", "curp_date"); /* month 13 */
    expect_error(ident_parse_curp, "PEGL890230MJCRMS08", "curp_date"); /* 30 February */
    expect_error(ident_parse_curp, "PEGL890229MJCRMS08", "curp_date"); /* 1989 not leap */
    expect_error(ident_parse_curp, "PEGL890909QJCRMS08", "curp_sex");
    expect_error(ident_parse_curp, "PEGL8909091JCRMS08", "curp_sex");
    expect_error(ident_parse_curp, "PEGL890909MQQRMS02", "curp_state");
    expect_error(ident_parse_curp, "PEGL890909MCXRMS08", "curp_state"); /* CDMX is still DF */
}

/* ----------------------------------------------------------------------------------------- */
/* NSS */

static void
nss_examples_are_valid(void **state)
{
    struct ident id;

    (void)state;
    /*
     * 92919084431 ("Estructura de RFC y NSS", worked example): 9 2 9 1 9 0 8 4 4 3 with the
     * 2nd, 4th... doubled: 9 + 4 + 9 + 2 + 9 + 0 + 8 + 8 + 4 + 6 = 59; 60 - 59 = 1.
     */
    expect_valid(ident_parse_nss, "92919084431", "92919084431", IDENT_CHECK_OK);
    /*
     * 84966311213 (francerz/mx-imss README): 8 + (4*2=8) + 9 + (6*2=12 -> 3) + 6 + (3*2=6)
     * + 1 + (1*2=2) + 2 + (1*2=2) = 47; 50 - 47 = 3.
     */
    expect_valid(ident_parse_nss, " 84966311213 ", "84966311213", IDENT_CHECK_OK);
    ident_parse_nss("84966311213", 11, &id, NULL);
    assert_int_equal(id.kind, IDENT_NSS);
    assert_false(id.has_date);
}

static void
nss_with_wrong_check_digit_is_invalid(void **state)
{
    struct ident id;

    (void)state;
    id = expect_error(ident_parse_nss, "92919084432", "nss_check_digit");
    assert_true(id.parsed);
    assert_int_equal(id.expected_check, '1');
    /* Two neighbouring digits swapped: 29 instead of 92. */
    expect_error(ident_parse_nss, "29919084431", "nss_check_digit");
}

static void
nss_of_wrong_length_or_characters_is_refused(void **state)
{
    (void)state;
    expect_error(ident_parse_nss, "9291908443", "nss_length");
    expect_error(ident_parse_nss, "929190844310", "nss_length");
    expect_error(ident_parse_nss, "92-91-90-8443-1", "nss_length");
    expect_error(ident_parse_nss, "92919O84431", "nss_characters");
    expect_error(ident_parse_nss, "9291908443 ", "nss_length"); /* trailing space is trimmed */
    expect_error(ident_parse_nss, "92919 84431", "nss_characters");
}

/* ----------------------------------------------------------------------------------------- */
/* Registro patronal */

static void
registros_patronales_from_public_documents_are_valid(void **state)
{
    struct ident id;

    (void)state;
    /*
     * A6534317107, published by its employer (RFC GCO160630UI6) on its web site. With A -> 10
     * the body is 1 0 6 5 3 4 3 1 7 1 0; right to left, doubling the first and every second
     * one: 0*2=0, 1, 7*2=14 -> 5, 1, 3*2=6, 4, 3*2=6, 5, 6*2=12 -> 3, 0, 1*2=2; the sum is
     * 0 + 1 + 5 + 1 + 6 + 4 + 6 + 5 + 3 + 0 + 2 = 33; 40 - 33 = 7.
     */
    expect_valid(ident_parse_registro_patronal, "A6534317107", "A6534317107", IDENT_CHECK_OK);
    ident_parse_registro_patronal("A6534317107", 11, &id, NULL);
    assert_int_equal(id.kind, IDENT_REGISTRO_PATRONAL);
    /* Payroll CFDI examples (nomina12:Emisor) and an IMSS cédula written E52-40157-10-0. */
    expect_valid(ident_parse_registro_patronal, "Y3926552104", "Y3926552104", IDENT_CHECK_OK);
    expect_valid(ident_parse_registro_patronal, "y6653628104", "Y6653628104", IDENT_CHECK_OK);
    expect_valid(ident_parse_registro_patronal, "E5240157100", "E5240157100", IDENT_CHECK_OK);
}

static void
registro_patronal_with_wrong_check_digit_is_invalid(void **state)
{
    struct ident id;

    (void)state;
    id =
        expect_error(ident_parse_registro_patronal, "A6534317108", "registro_patronal_check_digit");
    assert_int_equal(id.expected_check, '7');
    /* The letter counts: B instead of A changes the digit (B -> 11). */
    expect_error(ident_parse_registro_patronal, "B6534317107", "registro_patronal_check_digit");
}

static void
registro_patronal_of_wrong_length_or_characters_is_refused(void **state)
{
    (void)state;
    expect_error(ident_parse_registro_patronal, "A653431710", "registro_patronal_length");
    expect_error(ident_parse_registro_patronal, "E52-40157-10-0", "registro_patronal_length");
    expect_error(ident_parse_registro_patronal, "A65343171O7", "registro_patronal_characters");
    expect_error(ident_parse_registro_patronal, "&6534317107", "registro_patronal_characters");
    expect_error(ident_parse_registro_patronal, "Ñ6534317107", "registro_patronal_characters");
}

/* ----------------------------------------------------------------------------------------- */
/* Classification and helpers */

static void
classify_recognises_each_kind_by_its_shape(void **state)
{
    static const struct {
        const char *value;
        enum ident_kind kind;
    } cases[] = {
        {"EKU9003173C9", IDENT_RFC_COMPANY},      {"HEGT7610034S2", IDENT_RFC_PERSON},
        {"AAPR630321HDFLRC09", IDENT_CURP},       {"92919084431", IDENT_NSS},
        {"A6534317107", IDENT_REGISTRO_PATRONAL},
    };
    struct ident id;
    struct error err;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(ident_classify(cases[i].value, strlen(cases[i].value), &id, &err), 0);
        assert_int_equal(id.kind, cases[i].kind);
        assert_true(id.valid);
    }

    /* An 11-character value is an NSS unless it starts with a letter. */
    assert_int_equal(ident_classify("92919084432", 11, &id, &err), -1);
    assert_int_equal(id.kind, IDENT_NSS);
    assert_string_equal(err.code, "nss_check_digit");
}

static void
classify_refuses_empty_and_unrecognised_values(void **state)
{
    struct ident id;
    struct error err;
    char longer[1000];

    (void)state;
    assert_int_equal(ident_classify(NULL, 0, &id, &err), -1);
    assert_string_equal(err.code, "ident_empty");
    assert_int_equal(ident_classify(" \t ", 3, &id, &err), -1);
    assert_string_equal(err.code, "ident_empty");
    assert_int_equal(ident_classify("ABC-123", 7, &id, &err), -1);
    assert_string_equal(err.code, "ident_unknown");
    assert_int_equal(id.kind, IDENT_UNKNOWN);
    assert_false(id.parsed);

    memset(longer, 'A', sizeof(longer));
    assert_int_equal(ident_classify(longer, sizeof(longer), &id, &err), -1);
    assert_string_equal(err.code, "ident_unknown");
    assert_non_null(strstr(err.message, "1000"));
}

static void
success_clears_a_previous_error(void **state)
{
    struct ident id;
    struct error err;

    (void)state;
    error_set(&err, "old", "antes");
    assert_int_equal(ident_classify("EKU9003173C9", 12, &id, &err), 0);
    assert_false(error_is_set(&err));
}

static void
names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(ident_kind_name(IDENT_RFC_COMPANY), "rfc_company");
    assert_string_equal(ident_kind_name(IDENT_RFC_PERSON), "rfc_person");
    assert_string_equal(ident_kind_name(IDENT_CURP), "curp");
    assert_string_equal(ident_kind_name(IDENT_NSS), "nss");
    assert_string_equal(ident_kind_name(IDENT_REGISTRO_PATRONAL), "registro_patronal");
    assert_string_equal(ident_kind_name(IDENT_UNKNOWN), "unknown");
    assert_string_equal(ident_check_name(IDENT_CHECK_OK), "ok");
    assert_string_equal(ident_check_name(IDENT_CHECK_MISMATCH), "mismatch");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc_of_sat_worked_example_is_valid),
        cmocka_unit_test(rfc_of_sat_test_representative_is_valid),
        cmocka_unit_test(rfcs_of_sat_test_companies_are_valid),
        cmocka_unit_test(rfcs_with_ampersand_and_enye_are_valid),
        cmocka_unit_test(rfcs_of_sat_test_persons_are_valid),
        cmocka_unit_test(rfc_is_normalised_to_upper_case_without_surrounding_space),
        cmocka_unit_test(rfc_check_character_a_stands_for_ten),
        cmocka_unit_test(rfc_with_mismatching_check_digit_is_valid_with_a_warning),
        cmocka_unit_test(generic_rfcs_are_valid_and_flagged),
        cmocka_unit_test(rfc_date_gets_the_most_recent_century_not_in_the_future),
        cmocka_unit_test(rfc_of_wrong_length_is_refused),
        cmocka_unit_test(rfc_with_a_character_out_of_place_is_refused),
        cmocka_unit_test(rfc_with_impossible_date_is_refused),
        cmocka_unit_test(rfc_normalised_with_four_enye_fits),
        cmocka_unit_test(curp_of_renapo_example_is_valid),
        cmocka_unit_test(curp_of_person_born_abroad_is_valid),
        cmocka_unit_test(curps_from_public_examples_are_valid),
        cmocka_unit_test(curp_with_letter_in_position_17_was_born_from_2000),
        cmocka_unit_test(curp_with_sex_x_is_valid),
        cmocka_unit_test(curp_with_wrong_check_digit_is_invalid),
        cmocka_unit_test(curp_of_wrong_length_is_refused),
        cmocka_unit_test(curp_with_a_character_out_of_place_is_refused),
        cmocka_unit_test(curp_with_impossible_date_sex_or_state_is_refused),
        cmocka_unit_test(nss_examples_are_valid),
        cmocka_unit_test(nss_with_wrong_check_digit_is_invalid),
        cmocka_unit_test(nss_of_wrong_length_or_characters_is_refused),
        cmocka_unit_test(registros_patronales_from_public_documents_are_valid),
        cmocka_unit_test(registro_patronal_with_wrong_check_digit_is_invalid),
        cmocka_unit_test(registro_patronal_of_wrong_length_or_characters_is_refused),
        cmocka_unit_test(classify_recognises_each_kind_by_its_shape),
        cmocka_unit_test(classify_refuses_empty_and_unrecognised_values),
        cmocka_unit_test(success_clears_a_previous_error),
        cmocka_unit_test(names_are_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * phone.h - Mexican mobile numbers, normalised to E.164.
 *
 * Lineamientos 5.1 asks each particular for one mobile number, to which the SMS avisos go. Since
 * 3 August 2019 (Plan Técnico Fundamental de Numeración of the IFT, DOF 11 May 2018) every
 * Mexican number, fixed or mobile, is ten national digits dialled without prefixes: the 01, 044
 * and 045 prefixes are gone, and from abroad a mobile is +52 followed by the ten digits, without
 * the "1" that used to follow 52. Mobile and fixed numbers share the same area codes, so the
 * number alone cannot tell whether it is a mobile; the validation SMS (5.2) settles that.
 *
 * People still write the old forms, so these are accepted and rewritten to +52 + ten digits:
 *   55 1234 5678, (55) 1234-5678, 55.1234.5678          ten national digits
 *   +52 55 1234 5678, 52 55 1234 5678, 0052 55...       country code 52
 *   +52 1 55 1234 5678, 521 55 1234 5678                the pre-2019 mobile "1"
 *   044 55 1234 5678, 045 55 1234 5678                  the pre-2019 mobile prefixes
 * Spaces, hyphens, dots and parentheses are separators; a '+' only at the start. A national
 * number never begins with 0 or 1 (those digits were prefixes), which is checked.
 *
 * Pure functions over caller buffers: thread-safe, no allocation.
 */
#ifndef BUZON_CORE_PHONE_H
#define BUZON_CORE_PHONE_H

#include "core/error.h"

#include <stddef.h>

enum {
    PHONE_E164_MAX = 14,  /* "+52" + 10 digits + NUL */
    PHONE_INPUT_MAX = 40, /* longest text accepted, separators included */
};

/*
 * Normalise the Mexican mobile number text (in, UTF-8) into out (out, PHONE_E164_MAX bytes) as
 * "+52" followed by ten digits. Returns 0, or -1 with err filled and out set to "" for:
 *   phone_empty          nothing but separators
 *   phone_too_long       more than PHONE_INPUT_MAX bytes
 *   phone_char           a character that is not a digit or separator, or a misplaced '+'
 *   phone_country        an international number whose country code is not 52 (México)
 *   phone_length         not ten digits once the prefixes are removed
 *   phone_leading_digit  the ten digits begin with 0 or 1
 */
int phone_normalize_mx(const char *text, char out[PHONE_E164_MAX], struct error *err);

/*
 * Write into out (out, PHONE_E164_MAX bytes) a form of the E.164 number e164 (in) that hides all
 * but its last four digits ("+52******5678"), for screens and receipts that confirm a number
 * without showing it whole. Returns 0, or -1 when e164 is not "+52" and ten digits.
 */
int phone_mask(const char *e164, char out[PHONE_E164_MAX]);

#endif

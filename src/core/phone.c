/* phone.c - Mexican mobile numbers, normalised to E.164 (see phone.h). */
#include "core/phone.h"

#include <stdbool.h>
#include <string.h>

enum {
    NATIONAL_LEN = 10, /* IFT numbering plan since 3 Aug 2019 */
    DIGITS_MAX = 20,
};

static bool
is_separator(char c)
{
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t';
}

/*
 * Keep the digits of text in digits (out, DIGITS_MAX + 1 bytes), noting a leading '+'.
 * Returns 0, or -1 with err filled.
 */
static int
collect_digits(const char *text, char *digits, bool *plus, struct error *err)
{
    size_t n = 0;

    *plus = false;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p >= '0' && *p <= '9') {
            if (n == DIGITS_MAX)
                return error_set(err, "phone_length", "el número celular debe tener 10 dígitos");
            digits[n++] = *p;
        } else if (*p == '+' && n == 0 && !*plus) {
            *plus = true;
        } else if (!is_separator(*p)) {
            return error_set(err, "phone_char",
                             "el número celular solo puede contener dígitos, espacios, guiones, "
                             "puntos, paréntesis y un «+» inicial");
        }
    }
    digits[n] = '\0';

    if (n == 0)
        return error_set(err, "phone_empty", "falta el número celular");
    return 0;
}

/*
 * Strip the international and legacy prefixes from digits (in) and return a pointer to what
 * should be the ten national digits, or NULL with err filled when the country is not México.
 */
static const char *
strip_prefixes(const char *digits, bool plus, struct error *err)
{
    size_t n = strlen(digits);
    bool international = plus;

    /* "00" is the international access prefix in México and most of the world. */
    if (!plus && strncmp(digits, "00", 2) == 0) {
        digits += 2;
        n -= 2;
        international = true;
    }
    if (international && strncmp(digits, "52", 2) != 0) {
        error_set(err, "phone_country",
                  "el número celular debe ser de México (código de país +52)");
        return NULL;
    }

    /* Without '+' or "00", 52 is the country code only when it leaves 10 or 11 digits: a
     * ten-digit number is national whatever it starts with. */
    if (international || ((n == 12 || n == 13) && strncmp(digits, "52", 2) == 0)) {
        digits += 2;
        n -= 2;
        /* The "1" that mobiles carried after 52 until 2019; no national number starts with 1. */
        if (n == NATIONAL_LEN + 1 && digits[0] == '1')
            digits++;
        return digits;
    }

    /* 044 (local) and 045 (long distance) dialled a mobile from a fixed line until 2019. */
    if (n == NATIONAL_LEN + 3 && (strncmp(digits, "044", 3) == 0 || strncmp(digits, "045", 3) == 0))
        return digits + 3;
    return digits;
}

int
phone_normalize_mx(const char *text, char out[PHONE_E164_MAX], struct error *err)
{
    char digits[DIGITS_MAX + 1];
    const char *national;
    bool plus;

    out[0] = '\0';
    if (strlen(text) > PHONE_INPUT_MAX)
        return error_set(err, "phone_too_long", "el número celular excede %d caracteres",
                         PHONE_INPUT_MAX);
    if (collect_digits(text, digits, &plus, err) != 0)
        return -1;

    national = strip_prefixes(digits, plus, err);
    if (national == NULL)
        return -1;
    if (strlen(national) != NATIONAL_LEN)
        return error_set(err, "phone_length",
                         "el número celular debe tener 10 dígitos (lada y número), sin prefijos");
    if (national[0] == '0' || national[0] == '1')
        return error_set(err, "phone_leading_digit",
                         "el número celular no puede empezar con 0 ni con 1: escriba los 10 "
                         "dígitos sin 01, 044 ni 045");

    memcpy(out, "+52", 3);
    memcpy(out + 3, national, NATIONAL_LEN + 1);
    return 0;
}

int
phone_mask(const char *e164, char out[PHONE_E164_MAX])
{
    size_t n = strlen(e164);

    out[0] = '\0';
    if (n != 3 + NATIONAL_LEN || strncmp(e164, "+52", 3) != 0)
        return -1;
    for (size_t i = 3; i < n; i++) {
        if (e164[i] < '0' || e164[i] > '9')
            return -1;
    }

    memcpy(out, e164, n + 1);
    memset(out + 3, '*', NATIONAL_LEN - 4);
    return 0;
}

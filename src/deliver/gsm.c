/* gsm.c - SMS text length in GSM 7-bit septets or UCS-2 units (see gsm.h). */
#include "deliver/gsm.h"

#include <stdint.h>
#include <string.h>

enum {
    GSM7_SINGLE = 160,
    GSM7_PART = 153,
    UCS2_SINGLE = 70,
    UCS2_PART = 67,
};

/* The non-ASCII characters of the GSM 7-bit default alphabet (3GPP TS 23.038, 6.2.1). */
static const uint32_t gsm7_latin[] = {
    0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7, 0x00D8, 0x00F8,
    0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3,
    0x0398, 0x039E, 0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6,
    0x00D1, 0x00DC, 0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/*
 * Decode the UTF-8 sequence at *s (in-out: advanced past it) into *cp. Returns 0, or -1 when
 * it is not well formed (overlong, surrogate, past U+10FFFF, truncated).
 */
static int
next_cp(const unsigned char **s, uint32_t *cp)
{
    const unsigned char *p = *s;
    size_t n;

    if (p[0] < 0x80) {
        n = 1;
        *cp = p[0];
    } else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
        *cp = p[0] & 0x1Fu;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        *cp = p[0] & 0x0Fu;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        *cp = p[0] & 0x07u;
    } else {
        return -1;
    }

    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        *cp = (*cp << 6) | (p[i] & 0x3Fu);
    }
    if ((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000 || *cp > 0x10FFFF)) ||
        (*cp >= 0xD800 && *cp <= 0xDFFF))
        return -1;
    *s = p + n;
    return 0;
}

/* Septets of code point cp in GSM 7-bit: 1, 2 (extension table) or 0 (not representable). */
static int
gsm7_cost(uint32_t cp)
{
    if (cp == '\n' || cp == '\r' || (cp >= 0x20 && cp < 0x7F && cp != '`')) {
        if (cp != 0 && strchr("^{}\\[~]|", (int)cp) != NULL)
            return 2;
        return 1;
    }
    if (cp == 0x20AC || cp == '\f') /* euro sign, page break: extension table */
        return 2;
    for (size_t i = 0; i < sizeof(gsm7_latin) / sizeof(gsm7_latin[0]); i++) {
        if (gsm7_latin[i] == cp)
            return 1;
    }
    return 0;
}

long
deliver_gsm7_septets(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    long n = 0;
    uint32_t cp;

    while (*s != '\0') {
        int cost;

        if (next_cp(&s, &cp) != 0)
            return -1;
        cost = gsm7_cost(cp);
        if (cost == 0)
            return -1;
        n += cost;
    }
    return n;
}

long
deliver_ucs2_units(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    long n = 0;
    uint32_t cp;

    while (*s != '\0') {
        if (next_cp(&s, &cp) != 0)
            return -1;
        n += cp >= 0x10000 ? 2 : 1; /* a surrogate pair beyond the BMP */
    }
    return n;
}

int
deliver_sms_parts(const char *text, bool *gsm7)
{
    long septets = deliver_gsm7_septets(text);
    long units;

    *gsm7 = septets >= 0;
    if (septets == 0)
        return 0;
    if (septets > 0)
        return septets <= GSM7_SINGLE ? 1 : (int)((septets + GSM7_PART - 1) / GSM7_PART);

    units = deliver_ucs2_units(text);
    if (units <= 0)
        return (int)units;
    return units <= UCS2_SINGLE ? 1 : (int)((units + UCS2_PART - 1) / UCS2_PART);
}

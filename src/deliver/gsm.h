/*
 * gsm.h - the length of an SMS text, in the units the network counts.
 *
 * An SMS carries 140 octets: 160 characters of the GSM 7-bit default alphabet (3GPP TS 23.038
 * section 6.2.1), where the characters of its extension table (^ { } \ [ ~ ] | and the euro
 * sign) take two, or 70 UCS-2 characters when any character falls outside that alphabet. A
 * longer text is split into parts of 153 septets or 67 UCS-2 characters (a 6-octet header
 * for concatenation, 3GPP TS 23.040 section 9.2.3.24.1). Spanish á, í, ó, ú, Á... are not in
 * the GSM alphabet (é, ñ, ü, ¿ and ¡ are), so our SMS texts are written without them.
 *
 * Pure functions; thread-safe.
 */
#ifndef BUZON_DELIVER_GSM_H
#define BUZON_DELIVER_GSM_H

#include <stdbool.h>
#include <stddef.h>

enum {
    DELIVER_SMS_PARTS_MAX = 3, /* longest SMS we send, in parts */
};

/*
 * Septets needed to send the UTF-8 text (in) in the GSM 7-bit alphabet, or -1 when a character
 * is outside it (or the text is not UTF-8).
 */
long deliver_gsm7_septets(const char *text);

/* UTF-16 code units of the UTF-8 text (in), or -1 when it is not valid UTF-8. */
long deliver_ucs2_units(const char *text);

/*
 * Number of SMS parts text (in, UTF-8) takes: GSM 7-bit when it fits that alphabet (*gsm7 set
 * true), UCS-2 otherwise. Returns 0 for an empty text and -1 for invalid UTF-8.
 */
int deliver_sms_parts(const char *text, bool *gsm7);

#endif

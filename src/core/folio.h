/*
 * folio.h - receipt folios: unique, readable aloud, and protected by a check
 * character.
 *
 * A folio reads "AAAA-SSSS-SSSS-C": the year the receipt was issued (four
 * decimal digits), a sequence number of eight symbols in base 31, and one check
 * symbol. The 31 symbols are the digits and the capital letters without I, L,
 * O, S and U, which are too easily read as 1, 1, 0, 5 and V:
 *
 *     0123456789ABCDEFGHJKMNPQRTVWXYZ
 *
 * Check symbol: with v_1..v_12 the values of the year and sequence symbols and
 * v_13 the check, sum(i * v_i) = 0 (mod 31). Because 31 is prime and the
 * weights 1..13 are distinct and not zero modulo 31, every single wrong symbol
 * (i * d != 0) and every swap of two neighbours, including the check itself
 * ((v_i - v_i+1) != 0), changes the sum: both are always caught. This is the
 * pure prime-modulus construction of ISO/IEC 7064 with weights 1..n instead of
 * powers of two, chosen so the check never needs a 32nd symbol.
 *
 * Pure functions, no state: safe from any thread.
 */
#ifndef BUZON_CORE_FOLIO_H
#define BUZON_CORE_FOLIO_H

#include "core/error.h"

#include <stdint.h>

enum {
    FOLIO_LEN = 16, /* "2026-0000-01B7-K" */
    FOLIO_MAX = 17, /* with its NUL */
    FOLIO_YEAR_MIN = 2000,
    FOLIO_YEAR_MAX = 9999,
};

/* Largest sequence number a folio holds: 31^8 - 1. */
#define FOLIO_SEQUENCE_MAX UINT64_C(852891037440)

/*
 * Write the folio of sequence number seq (0..FOLIO_SEQUENCE_MAX) issued in year
 * (FOLIO_YEAR_MIN..FOLIO_YEAR_MAX) into out (out). Returns 0, or -1 with err
 * "folio_range".
 */
int folio_encode(unsigned year, uint64_t seq, char out[FOLIO_MAX], struct error *err);

/*
 * Read a folio as a person may type it (in): lower case is taken as upper case,
 * O as 0, I and L as 1, and hyphens and spaces are ignored. Fills *year, *seq
 * and canonical (out, each may be NULL) and returns 0, or -1 with err:
 * "folio_length" (not 13 symbols), "folio_character" (a character that is not a
 * folio symbol), "folio_year" (the first four are not a year), "folio_check"
 * (the check symbol does not match: a symbol was mistyped).
 */
int folio_parse(const char *text, unsigned *year, uint64_t *seq, char canonical[FOLIO_MAX],
                struct error *err);

#endif

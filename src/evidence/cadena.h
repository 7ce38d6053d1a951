/*
 * cadena.h - the cadena original of a receipt: the canonical text its sello
 * signs.
 *
 * Version 1 is specified field by field in docs/receipts.md so that anyone can
 * rebuild it from a receipt's fields and check the sello without our code:
 * pipe-delimited UTF-8 between "||" and "||", as SAT's cadenas are; runs of
 * spaces, tabs and line breaks in a value become one space and are trimmed; "\"
 * is written "\\" and "|" is written "\|".
 *
 * Pure; safe from any thread.
 */
#ifndef BUZON_EVIDENCE_CADENA_H
#define BUZON_EVIDENCE_CADENA_H

#include "core/error.h"
#include "evidence/receipt.h"

#include <stddef.h>

enum { EVIDENCE_CADENA_VERSION = 1 };

/*
 * Build the cadena original of r (in), which must pass evidence_receipt_check
 * with the seal fields (folio, seal certificate number). *out (out) receives a
 * heap string the caller frees, *len (out, may be NULL) its length. Returns 0,
 * or -1 with err ("receipt_invalid", "receipt_kind") and *out untouched.
 */
int evidence_cadena_build(const struct evidence_receipt *r, char **out, size_t *len,
                          struct error *err);

/*
 * Read a version 1 cadena (in, NUL-terminated) back into r (out, initialised
 * here; cleanup with evidence_receipt_cleanup): the fields of docs/receipts.md
 * section 3, unescaped. Normalised whitespace stays normalised: building the
 * cadena of r again gives the same bytes, which the function checks. Returns 0,
 * or -1 with err "cadena_format" and r cleaned.
 */
int evidence_cadena_parse(const char *cadena, struct evidence_receipt *r, struct error *err);

#endif

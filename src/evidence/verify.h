/*
 * verify.h - offline verification of receipt bundles and tree heads (design.md
 * section 7).
 *
 * Everything is checked from the files alone plus the trust anchors: nothing is
 * read from the server. A receipt bundle passes these checks, in order; the
 * first that fails stops the rest:
 *
 *   bundle_format        the JSON has every member, of the right type and form
 *   cadena               the cadena original rebuilt from the fields equals the one given
 *   seal_certificate     the seal certificate parses and its number is the one in the cadena
 *   sello                the sello verifies over the cadena with the seal certificate's key
 *   certificate_chain    the seal certificate chains to a trust anchor, valid when sealed
 *   inclusion            the cadena is leaf leaf_index of the tree in the signed head
 *   tree_head_signature  the tree head is signed by the seal key
 *   tree_head_time       the head was signed at or after the receipt was sealed
 *
 * Two tree heads pass: bundle_format, old_tree_head_signature,
 * new_tree_head_signature, certificate_chain (both certificates), consistency
 * (the old tree is a prefix of the new one, RFC 9162 section 2.1.4.2).
 *
 * Ownership: the verdict is a plain value; its names point to static strings.
 * Thread-safe.
 */
#ifndef BUZON_EVIDENCE_VERIFY_H
#define BUZON_EVIDENCE_VERIFY_H

#include "core/error.h"
#include "core/folio.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evidence_verdict {
    const char *const *checks; /* names of the checks in order, NULL-terminated */
    int n_passed;              /* checks[0 .. n_passed) passed */
    bool valid;                /* all passed */
    struct error err;          /* when !valid: why checks[n_passed] failed */
    char folio[FOLIO_MAX];     /* receipts: the folio read, possibly empty */
    uint64_t leaf_index;
    uint64_t tree_size;     /* receipts: size of the head; consistency: the new size */
    uint64_t old_tree_size; /* consistency only */
};

/*
 * Check the receipt bundle of len bytes at text against the trust anchors at
 * trust (in: a PEM file or a directory, crypto/chain.h; NULL fails
 * certificate_chain). Fills v (out). Returns 0 when every check passed, -1
 * otherwise.
 */
int evidence_verify_bundle(const char *text, size_t len, const char *trust,
                           struct evidence_verdict *v);

/*
 * Check that the tree head file new_text (len bytes) extends old_text: new_text
 * must carry a consistency proof from old's size (its "consistency" member,
 * docs/receipts.md). Fills v (out). Returns 0 when every check passed, -1
 * otherwise.
 */
int evidence_verify_consistency(const char *old_text, size_t old_len, const char *new_text,
                                size_t new_len, const char *trust, struct evidence_verdict *v);

#endif

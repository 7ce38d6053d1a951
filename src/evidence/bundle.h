/*
 * bundle.h - the JSON renderings a receipt and a tree head travel in
 * (docs/receipts.md).
 *
 * A receipt bundle ("buzon-receipt/1") holds everything needed to check a
 * receipt offline: its fields, cadena original, sello, the seal certificate
 * (base64 DER), its leaf index and inclusion proof, and the signed tree head
 * the proof leads to. A tree head file ("buzon-tree-head/1") holds a signed
 * tree head, the seal certificate, and optionally a consistency proof from an
 * earlier size.
 *
 * Ownership: the structs own every pointer in them; release with the _cleanup
 * functions. Parsing reads only its arguments: safe from any thread.
 */
#ifndef BUZON_EVIDENCE_BUNDLE_H
#define BUZON_EVIDENCE_BUNDLE_H

#include "core/error.h"
#include "crypto/merkle.h"
#include "evidence/receipt.h"
#include "evidence/seal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evidence_bundle {
    struct evidence_receipt receipt;
    char *cadena;
    char *sello;
    uint8_t *seal_cert_der;
    size_t seal_cert_len;
    uint64_t leaf_index;
    uint8_t (*proof)[MERKLE_HASH_LEN];
    size_t proof_len;
    struct merkle_tree_head sth;
};

struct evidence_tree_head_file {
    struct merkle_tree_head sth;
    uint8_t *seal_cert_der;
    size_t seal_cert_len;
    int has_consistency;
    uint64_t from_size;
    uint8_t (*proof)[MERKLE_HASH_LEN];
    size_t proof_len;
};

/*
 * The bundle of receipt r (in) sealed as sealed (in), proved against sth (in, a
 * head signed by s that contains the leaf), as JSON into *json (out, heap,
 * caller frees). Returns 0 or -1 with err ("merkle_range" when sth does not
 * contain the leaf, or the store's error).
 */
int evidence_bundle_make(const struct evidence_sealer *s, const struct evidence_receipt *r,
                         const struct evidence_sealed *sealed, const struct merkle_tree_head *sth,
                         char **json, struct error *err);

/*
 * Read a bundle from len bytes of JSON at text into b (out). Returns 0, or -1
 * with err "bundle_json" (not JSON) or "bundle_format" (a member missing, of
 * the wrong type, unknown, or malformed: hex, base64, instants, kind) and b
 * cleaned.
 */
int evidence_bundle_parse(const char *text, size_t len, struct evidence_bundle *b,
                          struct error *err);

void evidence_bundle_cleanup(struct evidence_bundle *b);

/*
 * The tree head file of sth (in), signed with cert (in); when from_size > 0,
 * with the consistency proof from from_size leaves taken from log (in). *json
 * (out) as above.
 */
int evidence_tree_head_make(const struct merkle_tree_head *sth, const struct crypto_cert *cert,
                            const struct merkle_log *log, uint64_t from_size, char **json,
                            struct error *err);

/* Read a tree head file, as evidence_bundle_parse. */
int evidence_tree_head_parse(const char *text, size_t len, struct evidence_tree_head_file *f,
                             struct error *err);

void evidence_tree_head_file_cleanup(struct evidence_tree_head_file *f);

/*
 * True when text (in) is base64 in its canonical form (RFC 4648 sections 3.5
 * and 4): padded, no line breaks, and unused bits zero, so that one value has
 * exactly one spelling. A sello that decodes to the same bytes under another
 * spelling must not pass as the same sello.
 */
bool evidence__base64_canonical(const char *text);

/*
 * The fields of r (in) as the "receipt" member of a bundle, compact, into *json
 * (out, heap, caller frees); a receipt not sealed yet may lack its folio and
 * seal certificate number. evidence__receipt_parse reads it back into r (out,
 * cleanup with evidence_receipt_cleanup). Both return 0 or -1 with err
 * ("bundle_json", "bundle_format"). For receipts pending their seal (ledger.h).
 */
int evidence__receipt_json(const struct evidence_receipt *r, char **json, struct error *err);
int evidence__receipt_parse(const char *text, struct evidence_receipt *r, struct error *err);

#endif

/*
 * seal.h - sealing receipts: cadena original, sello digital, leaf of the Merkle
 * log, and signed tree heads (design.md section 7).
 *
 * The institute's seal key signs, RSA-SHA256 PKCS#1 v1.5 in base64
 * (crypto/sign.h), both each receipt's cadena original and the tree heads of
 * the log; the seal certificate's number is written into the cadena, so it is
 * covered by the sello.
 *
 * The leaf of a receipt in the log is its cadena original (leaf hash
 * SHA-256(0x00 || cadena), RFC 9162 section 2.1.1).
 *
 * Ownership: struct evidence_sealer owns its key, certificate and log (not the
 * store's context, which must outlive it). struct evidence_sealed's strings are
 * owned by it and released by evidence_sealed_cleanup. Thread-safety:
 * evidence_seal and evidence_sealer_tree_head append to or read the log and
 * must be serialised by the caller (the store's transaction does it).
 */
#ifndef BUZON_EVIDENCE_SEAL_H
#define BUZON_EVIDENCE_SEAL_H

#include "base/config.h"
#include "core/error.h"
#include "crypto/merkle.h"
#include "crypto/sign.h"
#include "evidence/receipt.h"

#include <stdbool.h>
#include <stdint.h>

struct evidence_sealer;

struct evidence_sealed {
    char *cadena;      /* the cadena original, UTF-8 */
    size_t cadena_len; /* its length in bytes */
    char *sello;       /* base64 RSA-SHA256 signature over the cadena */
    uint64_t leaf_index;
};

/*
 * Load the seal certificate (cert_path) and key (key_path, its password read
 * from the first line of password_file, or no password when NULL or empty),
 * check they belong together, and open the log of log_size leaves in store (in,
 * copied). Returns 0 and *out, or -1 with err ("file_read", "cert_malformed",
 * "key_password", "key_malformed", "key_mismatch", or the store's error).
 */
int evidence_sealer_new(const char *cert_path, const char *key_path, const char *password_file,
                        const struct merkle_store *store, uint64_t log_size,
                        struct evidence_sealer **out, struct error *err);

/* Same, with the paths of the [evidence] section of cfg (in). "seal_missing" when unset. */
int evidence_sealer_from_config(const struct config *cfg, const struct merkle_store *store,
                                uint64_t log_size, struct evidence_sealer **out, struct error *err);

void evidence_sealer_free(struct evidence_sealer *s);

/* The seal certificate (borrowed) and the log (borrowed, for proofs). */
const struct crypto_cert *evidence_sealer_cert(const struct evidence_sealer *s);
const struct merkle_log *evidence_sealer_log(const struct evidence_sealer *s);

/*
 * Seal r (in-out): set its version, issued instant (now_us) and seal
 * certificate number, build its cadena original, sign it, and append it to the
 * log. r's folio must be set (unique; the store hands out the sequence). Fills
 * out (out). Returns 0, or -1 with err and out untouched ("receipt_invalid",
 * "sign_failed", the store's error).
 */
int evidence_seal(struct evidence_sealer *s, struct evidence_receipt *r, int64_t now_us,
                  struct evidence_sealed *out, struct error *err);

void evidence_sealed_cleanup(struct evidence_sealed *sealed);

/*
 * Forget appends that were not committed: reopen the log at committed_size
 * leaves from the store. A receipt is returned only after its data, its
 * cadena, sello and log nodes are committed in one store transaction
 * (design.md section 7); when that transaction rolls back, the caller calls
 * this so the log's right edge matches the store again. Returns 0, or -1 with
 * err (the store's error) and the log as it was.
 */
int evidence_sealer_reset_log(struct evidence_sealer *s, uint64_t committed_size,
                              struct error *err);

/* Sign the head of the whole log at now_us into sth (out; cleanup with
 * merkle_tree_head_cleanup). Returns 0 or -1 with err. */
int evidence_sealer_tree_head(struct evidence_sealer *s, int64_t now_us,
                              struct merkle_tree_head *sth, struct error *err);

/*
 * Whether the worker should sign a new tree head at now_us: the log grew past
 * the last signed head (last, in) and evidence.tree_head_interval_s
 * (interval_s) has passed since it was signed. A head is also signed on demand,
 * whatever this says. Pure.
 */
bool evidence_tree_head_due(const struct merkle_tree_head *last, uint64_t log_size, int64_t now_us,
                            long long interval_s);

/*
 * The base of verification URLs from cfg (in): evidence.public_url, or else
 * server.public_url followed by "/verificar", or else "http://LISTEN/verificar",
 * without a trailing slash, into buf (out, len bytes).
 */
void evidence_verification_base(const struct config *cfg, char *buf, size_t len);

/*
 * The public verification URL of a receipt: "<base>/<folio>?fe=<last 8
 * characters of the sello before its padding, '+' and '/' written '-' and '_'>"
 * into buf (out, len bytes), as SAT's QR codes carry the end of the sello so
 * that a folio alone does not open the page. base (in) has no trailing slash.
 */
void evidence_verification_url(const char *base, const char *folio, const char *sello, char *buf,
                               size_t len);

#endif

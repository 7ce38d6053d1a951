/*
 * ledger.h - receipts issued through the store: folio, sello, leaf of the
 * Merkle log and receipt row in one transaction, receipts pending their seal,
 * and signed tree heads (design.md section 7; docs/receipts.md, "Sealing and
 * the store").
 *
 * A receipt is returned only after the transaction that holds it, its folio,
 * its leaf and the log's new nodes has committed: a rollback removes all of
 * them together, and the ledger reopens the log's right edge from the store
 * before its next use. An act recorded in a transaction of its own is marked
 * "receipt pending" in that same transaction (evidence_pending_add); sealing
 * comes after, and evidence_complete_pending seals whatever a crash left
 * pending, so no committed act stays without its receipt.
 *
 * The log's nodes live in the store: leaves in merkle_leaves (merkle_append),
 * perfect subtrees above them in merkle_nodes, read and written by (level,
 * index), so an inclusion or consistency proof costs O(log^2 n) point reads
 * whatever the size.
 *
 * Ownership: struct evidence_ledger owns its sealer; the store (not owned) must
 * outlive it. Thread-safety: every function may be called from any thread; a
 * ledger serialises its own calls (one issue at a time per process), and
 * several processes on one PostgreSQL database are serialised by the store
 * (the log's state row), each reopening its view of the log when another
 * appended.
 */
#ifndef BUZON_EVIDENCE_LEDGER_H
#define BUZON_EVIDENCE_LEDGER_H

#include "base/config.h"
#include "core/error.h"
#include "evidence/receipt.h"
#include "evidence/seal.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evidence_ledger;

/*
 * Open the ledger of store st (in, borrowed) with the seal certificate and key
 * (as evidence_sealer_new), its log opened at the store's committed size.
 * Returns 0 and *out, or -1 with err (the sealer's or the store's error).
 */
int evidence_ledger_open(struct store *st, const char *cert_path, const char *key_path,
                         const char *password_file, struct evidence_ledger **out,
                         struct error *err);

/* Same, with the paths of the [evidence] section of cfg (in). "seal_missing" when unset. */
int evidence_ledger_from_config(const struct config *cfg, struct store *st,
                                struct evidence_ledger **out, struct error *err);

void evidence_ledger_free(struct evidence_ledger *l);

/* The sealer (borrowed), for its certificate and log. Use only through the ledger's calls. */
struct evidence_sealer *evidence_ledger_sealer(struct evidence_ledger *l);

/*
 * Issue receipt r (in-out: folio, version, issued instant and seal
 * certificate number are set) at now_us, for the record subject_id of its kind
 * attesting the legal instant legal_at, in one store transaction: allocate the
 * folio (year of issue in Centro time), build the cadena, seal, append the leaf
 * and its nodes, insert the receipt row, commit. Transient conflicts run the
 * whole transaction again. out (out, evidence_sealed_cleanup) is filled only
 * after the commit returned. Returns 0, or a negative value with err
 * ("receipt_invalid", "sign_failed", a store error; STORE_CONFLICT when retries
 * ran out) and nothing stored.
 */
int evidence_issue(struct evidence_ledger *l, struct evidence_receipt *r, int64_t subject_id,
                   int64_t legal_at, int64_t now_us, struct evidence_sealed *out,
                   struct error *err);

/*
 * Issue r as evidence_issue does, for the act whose pending mark pending_id (in) was added in
 * the act's own committed transaction, and delete the mark in the receipt's transaction: the
 * act is never left without its receipt, and the receipt is never issued twice. Returns 0, or
 * STORE_NOT_FOUND ("receipt_pending_gone") when the mark is gone because
 * evidence_complete_pending sealed it meanwhile (the receipt exists; its folio is not known
 * here), or the errors of evidence_issue.
 */
int evidence_issue_pending(struct evidence_ledger *l, struct evidence_receipt *r,
                           int64_t subject_id, int64_t legal_at, int64_t now_us, int64_t pending_id,
                           struct evidence_sealed *out, struct error *err);

/*
 * Mark, inside the caller's transaction tx (in) that records an act, that the
 * act's receipt r (in: everything but the folio and seal fields, which sealing
 * sets) is pending. Commit the act, then call evidence_complete_pending (or
 * let the worker do it). *pending_id (out, may be NULL) names the mark.
 * Returns 0, or -1 with err ("receipt_invalid" when r would not seal; the
 * store's error, which poisons tx).
 */
int evidence_pending_add(struct store_tx *tx, const struct evidence_receipt *r, int64_t subject_id,
                         int64_t legal_at, int64_t now_us, int64_t *pending_id, struct error *err);

/*
 * Seal every receipt pending in the store, oldest first, each in its own
 * transaction that also removes its mark (one done by another worker in the
 * meantime is skipped). The worker calls it at start-up and periodically.
 * *sealed (out, may be NULL) counts the receipts issued. A mark that cannot be
 * sealed (malformed) is left in place and reported after the others are done.
 * Returns 0, or -1 with the first error.
 */
int evidence_complete_pending(struct evidence_ledger *l, int64_t now_us, size_t *sealed,
                              struct error *err);

/*
 * Sign and store a new tree head at now_us when due: always when interval_s <
 * 0 (on demand), otherwise when evidence_tree_head_due says so. A head is
 * signed only when the log grew since the latest stored head (at most one
 * head per size). sth (out, merkle_tree_head_cleanup) receives the latest head
 * stored after the call, *fresh (out, may be NULL) whether it was signed now.
 * Returns 0, or -1 / a store status with err; STORE_NOT_FOUND
 * ("tree_head_none") when the log is empty and no head was ever signed.
 */
int evidence_ledger_tree_head(struct evidence_ledger *l, int64_t now_us, long long interval_s,
                              struct merkle_tree_head *sth, bool *fresh, struct error *err);

/*
 * The JSON bundle (docs/receipts.md section 6) of the stored receipt folio
 * (in): its fields read back from the stored cadena, the sello, the latest
 * stored tree head that contains its leaf (signed on demand at now_us when
 * none does yet) and the inclusion proof read from the stored log. *json
 * (out, heap, caller frees). Returns 0, or a negative value with err
 * (STORE_NOT_FOUND "receipt_not_found", "cadena_format", a store error).
 */
int evidence_ledger_bundle(struct evidence_ledger *l, const char *folio, int64_t now_us,
                           char **json, struct error *err);

/* Tests: after puts further successful writes of log nodes, every write fails
 * ("store_write"), as a failing disk or connection would; negative: never. */
void evidence__ledger_fail_after(struct evidence_ledger *l, long puts);

#endif

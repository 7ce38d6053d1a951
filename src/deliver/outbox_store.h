/*
 * outbox_store.h - the outbox kept in the store (store.h's outbox operations), implementing
 * struct deliver_backend for the worker and the enqueue that use cases call inside their own
 * transaction.
 *
 * A message is one row of the store's outbox, found by its idempotency key: enqueuing the
 * same key twice (a transaction run again after a conflict) leaves one row. The row's payload
 * is JSON, {"subject": "...", "body": "..."} (no subject for SMS). A claim is committed before
 * the message is sent, so the lease (next_attempt_at) and the attempt number survive a crash;
 * the attempt number is the lease token, and a mark whose attempt is no longer the row's
 * fails with "deliver_lease_lost" and records nothing. The reply of the server (code, final
 * reply, transcript, Message-ID) is written into the row with the outcome: the evidence of
 * the attempt. On PostgreSQL the claim runs in a STORE_TX_QUEUE transaction with FOR UPDATE
 * SKIP LOCKED, so workers on several nodes share one outbox and never hold the same message
 * while its lease runs. docs/delivery.md explains why a message is never sent twice.
 *
 * Ownership: a struct deliver_store borrows the store, which must outlive it.
 * Thread-safety: every function may be called from any thread at once.
 */
#ifndef BUZON_DELIVER_OUTBOX_STORE_H
#define BUZON_DELIVER_OUTBOX_STORE_H

#include "deliver/outbox.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

struct deliver_store;

/* An outbox over st (in, borrowed). Never NULL; release with deliver_store_free. */
struct deliver_store *deliver_store_new(struct store *st);

/* Release ds (may be NULL). */
void deliver_store_free(struct deliver_store *ds);

/* The backend (out) that works on ds (borrowed: ds must outlive its use). */
void deliver_store_backend(struct deliver_store *ds, struct deliver_backend *out);

/*
 * Put message m (in: key, kind, address, subject, body) in the outbox inside the caller's
 * transaction tx (in), due at due_us, created at now_us. *created (out, may be NULL) is false
 * when a message with the same key was already there (nothing changes). Returns 0, or -1 with
 * err: the codes of deliver_message_check, or the store's error (which poisons tx).
 */
int deliver_store_enqueue(struct store_tx *tx, const struct deliver_message *m, int64_t due_us,
                          int64_t now_us, bool *created, struct error *err);

/*
 * The outbox's state at now_us for /metrics: *pending (out) messages not yet delivered nor
 * given up, *lag_us (out) how long the oldest due message has waited (0 when none is due).
 * Two index reads in a read transaction. Returns 0, or -1 with err.
 */
int deliver_store_stats(struct deliver_store *ds, int64_t now_us, int64_t *pending, int64_t *lag_us,
                        struct error *err);

/*
 * The payload JSON of subject (in, may be NULL) and body (in): *out (out, heap, caller frees).
 * And back: *subject (out, heap or NULL) and *body (out, heap); -1 when json (in) is not a
 * payload this module wrote. Exposed for tests.
 */
void deliver_payload_encode(const char *subject, const char *body, char **out);
int deliver_payload_decode(const char *json, char **subject, char **body);

#endif

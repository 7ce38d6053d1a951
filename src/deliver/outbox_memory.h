/*
 * outbox_memory.h - an outbox kept in memory, implementing struct deliver_backend.
 *
 * For tests and for the delivery test program: it follows the backend contract of
 * deliver/outbox.h exactly (leases, tokens, in-doubt attempts), so that the worker's behaviour
 * can be checked without a store, and it records every mark for inspection. Nothing survives
 * the process: a real deployment uses the store's outbox.
 *
 * Thread-safety: every function may be called from any thread (one mutex), so that two
 * workers can be run against one outbox as two nodes would share one database.
 */
#ifndef BUZON_DELIVER_OUTBOX_MEMORY_H
#define BUZON_DELIVER_OUTBOX_MEMORY_H

#include "deliver/outbox.h"

enum deliver_memory_state {
    DELIVER_MEMORY_PENDING,
    DELIVER_MEMORY_DELIVERED,
    DELIVER_MEMORY_FAILED,
};

/* One row, as a store would keep it. */
struct deliver_memory_row {
    struct deliver_message msg; /* next_attempt_us is the due time or the lease end */
    enum deliver_memory_state state;
    bool attempt_open;          /* claimed and not yet marked */
    int marks;                  /* marks recorded (delivered, retry, failed) */
    struct deliver_result last; /* result of the last mark: the evidence when delivered */
};

struct deliver_memory;

/* A new empty outbox. Never NULL. Free with deliver_memory_free. */
struct deliver_memory *deliver_memory_new(void);

/* Free mem (may be NULL) and every row. */
void deliver_memory_free(struct deliver_memory *mem);

/*
 * Add a copy of m (in; its id, attempts, lease and in_doubt are ignored) due at due_us.
 * Returns 0 with the new row's id in *id (out, may be NULL), or -1 with err: the codes of
 * deliver_message_check, or "deliver_duplicate" when a row with the same key exists (an
 * enqueue repeated after a retried transaction must not make a second message).
 */
int deliver_memory_add(struct deliver_memory *mem, const struct deliver_message *m, int64_t due_us,
                       int64_t *id, struct error *err);

/*
 * Copy the row with key (in) into *out (out; the caller cleans out->msg with
 * deliver_message_cleanup). Returns 0, or -1 when there is none.
 */
int deliver_memory_get(struct deliver_memory *mem, const char *key, struct deliver_memory_row *out);

/* Number of rows still pending (due or not, claimed or not). */
size_t deliver_memory_pending(struct deliver_memory *mem);

/* The backend (out) that works on mem (borrowed: mem must outlive its use). */
void deliver_memory_backend(struct deliver_memory *mem, struct deliver_backend *out);

#endif

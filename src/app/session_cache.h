/*
 * session_cache.h - particulars' sessions checked in the last moments, kept in the memory of
 * one node so that a busy client is not looked up in the store at every request
 * (docs/authentication.md, "Sessions checked from memory").
 *
 * An entry is the store's row of a session (struct store_session: the token's SHA-256, the
 * subject, the certificate, the idle and absolute expiries), never the token. It answers for
 * lifetime microseconds after the store was read; the caller still checks the session's own
 * expiries against the entry. Bounded: APP_SESSION_CACHE_SHARDS shards of
 * APP_SESSION_CACHE_SLOTS entries each, the one that goes stale first replaced when a place is
 * needed.
 *
 * Ending a session must not race with a check that read the store just before: every drop
 * advances its shard's epoch, and an entry read before the drop (app_session_cache_get gives
 * the epoch seen then) is no longer put.
 *
 * Ownership: entries are copied in and out. Thread-safety: every function may run on any
 * thread at once; each shard has its own lock, chosen by the token's hash. A NULL cache (the
 * cache disabled) finds nothing and keeps nothing.
 */
#ifndef BUZON_APP_SESSION_CACHE_H
#define BUZON_APP_SESSION_CACHE_H

#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

enum {
    APP_SESSION_CACHE_SHARDS = 64, /* locks: threads rarely meet on one */
    APP_SESSION_CACHE_SLOTS = 128, /* entries per shard: 8192 in all */
    APP_SESSION_CACHE_WAYS = 8,    /* places an entry may take within its shard */
};

struct app_session_cache;

/* A new, empty cache whose entries answer for lifetime_us; NULL when lifetime_us <= 0 (the
 * cache disabled). Release with app_session_cache_free. */
struct app_session_cache *app_session_cache_new(int64_t lifetime_us);

/* Release c (may be NULL). */
void app_session_cache_free(struct app_session_cache *c);

/*
 * The session of token_hash (in) read from the store less than the lifetime before now, into
 * out (out). Returns true when found; either way *epoch (out) is what app_session_cache_put
 * needs after a read of the store that starts now.
 */
bool app_session_cache_get(struct app_session_cache *c, const uint8_t token_hash[STORE_HASH_LEN],
                           int64_t now, struct store_session *out, uint64_t *epoch);

/*
 * Keep s (in), read from the store at read_at, unless a drop in its shard happened since
 * epoch was taken (then the read may be older than an ended session).
 */
void app_session_cache_put(struct app_session_cache *c, const struct store_session *s,
                           int64_t read_at, uint64_t epoch);

/* Forget the session of token_hash (in) at once, and any read of it still in flight. */
void app_session_cache_drop(struct app_session_cache *c, const uint8_t token_hash[STORE_HASH_LEN]);

#endif

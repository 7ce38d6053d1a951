/*
 * merkle.h - the append-only Merkle log of receipts (RFC 9162 section 2.1).
 *
 * Leaves are hashed as SHA-256(0x00 || data) and interior nodes as SHA-256(0x01
 * || left || right), so a leaf can never pass for a node (RFC 9162 section
 * 2.1.1). The log keeps the hash of every perfect subtree (2^level leaves
 * starting at a multiple of 2^level) in a storage back end reached through
 * struct merkle_store, and the right edge of the tree (one hash per set bit of
 * the size) in memory: an append writes at most log2(n) + 1 nodes, a tree head,
 * an inclusion proof or a consistency proof reads O(log^2 n) of them, whatever
 * the size.
 *
 * Signed tree heads bind a size, a root hash and a timestamp with the seal key;
 * their canonical text is specified in docs/receipts.md ("Signed tree head").
 *
 * Ownership: struct merkle_log is created by merkle_log_open and freed by
 * merkle_log_free; it does not own the store's context. Thread-safety: a log
 * must be used by one thread at a time (appends are serialised by the caller,
 * as they are by the store's transaction); the merkle_verify_* functions and
 * the hashing helpers have no shared state.
 */
#ifndef BUZON_CRYPTO_MERKLE_H
#define BUZON_CRYPTO_MERKLE_H

#include "core/error.h"
#include "crypto/sign.h"

#include <stddef.h>
#include <stdint.h>

enum {
    MERKLE_HASH_LEN = 32,
    MERKLE_MAX_PATH = 64,     /* longest inclusion or consistency proof for 2^64 leaves */
    MERKLE_STH_TEXT_MAX = 160 /* canonical tree head text, NUL included */
};

/*
 * Where the log's nodes live. get reads, put writes the hash of the perfect
 * subtree at level (0 = leaf hashes) and index (its first leaf is index <<
 * level). Both return 0, or -1 with err filled (a missing node is an error: the
 * log only asks for nodes it wrote). put is called once per node, in increasing
 * order of leaves covered, during merkle_log_append.
 */
struct merkle_store {
    void *ctx;
    int (*get)(void *ctx, unsigned level, uint64_t index, uint8_t hash[MERKLE_HASH_LEN],
               struct error *err);
    int (*put)(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH_LEN],
               struct error *err);
};

struct merkle_log;

/* A signed tree head. signature is heap-allocated base64 (NULL until signed), owned by the
 * struct and released by merkle_tree_head_cleanup. */
struct merkle_tree_head {
    uint64_t size;
    int64_t timestamp_us; /* UTC microseconds since the epoch */
    uint8_t root[MERKLE_HASH_LEN];
    char *signature;
};

/* RFC 9162 section 2.1.1 hashes: leaf of len bytes at data, and node of two hashes. */
void merkle_leaf_hash(const void *data, size_t len, uint8_t out[MERKLE_HASH_LEN]);
void merkle_node_hash(const uint8_t left[MERKLE_HASH_LEN], const uint8_t right[MERKLE_HASH_LEN],
                      uint8_t out[MERKLE_HASH_LEN]);

/*
 * Open the log of size leaves kept in store (in, copied; its ctx must outlive
 * the log), reading the right edge from it. Returns 0 and *out, or -1 with err
 * (the store's error).
 */
int merkle_log_open(const struct merkle_store *store, uint64_t size, struct merkle_log **out,
                    struct error *err);

void merkle_log_free(struct merkle_log *log);

/* The store log reads and writes through (out, a copy). */
void merkle_log_store(const struct merkle_log *log, struct merkle_store *store);

/* Number of leaves. */
uint64_t merkle_log_size(const struct merkle_log *log);

/*
 * Append the leaf whose data are len bytes at data (or whose leaf hash is
 * given), writing the new nodes through the store. *index (out, may be NULL)
 * receives its leaf index. Returns 0, or -1 with err and the log unchanged in
 * memory (the caller rolls the store back).
 */
int merkle_log_append(struct merkle_log *log, const void *data, size_t len, uint64_t *index,
                      struct error *err);
int merkle_log_append_hash(struct merkle_log *log, const uint8_t leaf[MERKLE_HASH_LEN],
                           uint64_t *index, struct error *err);

/*
 * Root hash (MTH, RFC 9162 section 2.1.1) of the first size leaves, size <= the
 * log's size (the current root needs no store access). Returns 0, or -1 with
 * err ("merkle_range" or the store's error).
 */
int merkle_log_root(const struct merkle_log *log, uint64_t size, uint8_t root[MERKLE_HASH_LEN],
                    struct error *err);

/*
 * Inclusion proof of leaf index in the tree of the first size leaves (RFC 9162
 * section 2.1.3.1) into path (out, MERKLE_MAX_PATH entries) and *path_len
 * (out). Errors: "merkle_range" (index >= size or size > log size) or the
 * store's.
 */
int merkle_log_inclusion(const struct merkle_log *log, uint64_t index, uint64_t size,
                         uint8_t path[][MERKLE_HASH_LEN], size_t *path_len, struct error *err);

/*
 * Consistency proof between the trees of old_size and new_size leaves (RFC 9162
 * section 2.1.4.1), 0 < old_size <= new_size <= log size, into path and
 * *path_len (out).
 */
int merkle_log_consistency(const struct merkle_log *log, uint64_t old_size, uint64_t new_size,
                           uint8_t path[][MERKLE_HASH_LEN], size_t *path_len, struct error *err);

/*
 * Verify that leaf (a leaf hash) is at index in the tree of size leaves whose
 * root is root, by path (path_len hashes of MERKLE_HASH_LEN bytes, contiguous;
 * RFC 9162 section 2.1.3.2). Returns 0, or -1 with err "merkle_inclusion".
 */
int merkle_verify_inclusion(const uint8_t leaf[MERKLE_HASH_LEN], uint64_t index, uint64_t size,
                            const uint8_t *path, size_t path_len,
                            const uint8_t root[MERKLE_HASH_LEN], struct error *err);

/*
 * Verify that the tree of old_size leaves with old_root is a prefix of the tree
 * of new_size leaves with new_root, by path (contiguous hashes as above; RFC
 * 9162 section 2.1.4.2). Returns 0, or -1 with err "merkle_consistency".
 */
int merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                              const uint8_t old_root[MERKLE_HASH_LEN],
                              const uint8_t new_root[MERKLE_HASH_LEN], const uint8_t *path,
                              size_t path_len, struct error *err);

/*
 * The canonical text of a tree head (docs/receipts.md), the bytes its signature
 * covers: "||buzon-sth|1|SIZE|TIMESTAMP_US|ROOT_HEX||". text must hold
 * MERKLE_STH_TEXT_MAX bytes. Returns the text's length.
 */
size_t merkle_tree_head_text(const struct merkle_tree_head *sth, char text[MERKLE_STH_TEXT_MAX]);

/* Sign sth (in-out: fills signature, replacing any) with key. Returns 0 or -1 ("sign_failed"). */
int merkle_tree_head_sign(struct merkle_tree_head *sth, const struct crypto_key *key,
                          struct error *err);

/* Verify sth's signature with cert. Returns 0 or -1 ("signature_invalid", ...). */
int merkle_tree_head_verify(const struct merkle_tree_head *sth, const struct crypto_cert *cert,
                            struct error *err);

/* Release the signature of sth (in-out); the struct itself belongs to the caller. */
void merkle_tree_head_cleanup(struct merkle_tree_head *sth);

/*
 * An in-memory store, for tests and tools. merkle_memstore_new returns a store
 * whose ctx is owned by it; release it with merkle_memstore_free. It can be
 * made to fail: after fail_after further successful puts, every put fails
 * ("store_write").
 */
struct merkle_store *merkle_memstore_new(void);
void merkle_memstore_free(struct merkle_store *store);
void merkle_memstore_fail_after(struct merkle_store *store, long fail_after);

/* Overwrite the stored node at level and index (tests: simulate tampering). */
int merkle_memstore_poke(struct merkle_store *store, unsigned level, uint64_t index,
                         const uint8_t hash[MERKLE_HASH_LEN]);

#endif

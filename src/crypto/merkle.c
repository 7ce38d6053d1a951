/*
 * merkle.c - the append-only Merkle log (RFC 9162 section 2.1), see merkle.h.
 */
#include "crypto/merkle.h"

#include "core/mem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct merkle_log {
    struct merkle_store store;
    uint64_t size;
    /* frontier[b] is the root of the perfect subtree of 2^b leaves on the right edge of the
     * tree; it is meaningful only while bit b of size is set. */
    uint8_t frontier[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
};

void
merkle_leaf_hash(const void *data, size_t len, uint8_t out[MERKLE_HASH_LEN])
{
    uint8_t small[256];
    uint8_t *buf = len < sizeof(small) ? small : mem_alloc(len + 1);

    buf[0] = 0x00; /* RFC 9162 section 2.1.1: leaf prefix */
    if (len > 0)
        memcpy(buf + 1, data, len);
    crypto_sha256(buf, len + 1, out);
    if (buf != small)
        free(buf);
}

void
merkle_node_hash(const uint8_t left[MERKLE_HASH_LEN], const uint8_t right[MERKLE_HASH_LEN],
                 uint8_t out[MERKLE_HASH_LEN])
{
    uint8_t buf[1 + 2 * MERKLE_HASH_LEN];

    buf[0] = 0x01; /* RFC 9162 section 2.1.1: interior node prefix */
    memcpy(buf + 1, left, MERKLE_HASH_LEN);
    memcpy(buf + 1 + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
    crypto_sha256(buf, sizeof(buf), out);
}

/* The largest power of two strictly less than n (n >= 2), the split point k of RFC 9162. */
static uint64_t
split_point(uint64_t n)
{
    uint64_t k = 1;

    while (k << 1 < n)
        k <<= 1;
    return k;
}

static unsigned
log2_exact(uint64_t pow2)
{
    unsigned level = 0;

    while ((UINT64_C(1) << level) < pow2)
        level++;
    return level;
}

int
merkle_log_open(const struct merkle_store *store, uint64_t size, struct merkle_log **out,
                struct error *err)
{
    struct merkle_log *log = mem_calloc(1, sizeof(*log));

    log->store = *store;
    log->size = size;
    for (unsigned b = 0; b < MERKLE_MAX_PATH; b++) {
        if (((size >> b) & 1) == 0)
            continue;
        if (store->get(store->ctx, b, (size >> b) - 1, log->frontier[b], err) != 0) {
            free(log);
            return -1;
        }
    }
    *out = log;
    return 0;
}

void
merkle_log_free(struct merkle_log *log)
{
    free(log);
}

void
merkle_log_store(const struct merkle_log *log, struct merkle_store *store)
{
    *store = log->store;
}

uint64_t
merkle_log_size(const struct merkle_log *log)
{
    return log->size;
}

int
merkle_log_append_hash(struct merkle_log *log, const uint8_t leaf[MERKLE_HASH_LEN], uint64_t *index,
                       struct error *err)
{
    uint8_t hash[MERKLE_HASH_LEN];
    uint64_t idx = log->size;
    unsigned level = 0;

    if (log->size == UINT64_MAX)
        return error_set(err, "merkle_full", "la bitácora de acuses está llena");
    memcpy(hash, leaf, MERKLE_HASH_LEN);
    if (log->store.put(log->store.ctx, 0, idx, hash, err) != 0)
        return -1;

    /* Each trailing 1 bit of the old size closes a perfect subtree one level up. */
    while (idx & 1) {
        merkle_node_hash(log->frontier[level], hash, hash);
        level++;
        idx >>= 1;
        if (log->store.put(log->store.ctx, level, idx, hash, err) != 0)
            return -1;
    }

    memcpy(log->frontier[level], hash, MERKLE_HASH_LEN);
    if (index != NULL)
        *index = log->size;
    log->size++;
    return 0;
}

int
merkle_log_append(struct merkle_log *log, const void *data, size_t len, uint64_t *index,
                  struct error *err)
{
    uint8_t leaf[MERKLE_HASH_LEN];

    merkle_leaf_hash(data, len, leaf);
    return merkle_log_append_hash(log, leaf, index, err);
}

/*
 * MTH of the size leaves starting at start, where start is a multiple of the
 * smallest power of two >= size (always so in the proofs of RFC 9162): the
 * perfect subtrees of size's set bits, highest first, folded from the right.
 */
static int
subtree_hash(const struct merkle_log *log, uint64_t start, uint64_t size,
             uint8_t out[MERKLE_HASH_LEN], struct error *err)
{
    uint8_t parts[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
    int n_parts = 0;

    if (size == 0) {
        crypto_sha256("", 0, out); /* RFC 9162 section 2.1.1: MTH({}) = SHA-256() */
        return 0;
    }
    for (int b = MERKLE_MAX_PATH - 1; b >= 0; b--) {
        if (((size >> b) & 1) == 0)
            continue;
        if (log->store.get(log->store.ctx, (unsigned)b, start >> b, parts[n_parts], err) != 0)
            return -1;
        start += UINT64_C(1) << b;
        n_parts++;
    }

    memcpy(out, parts[n_parts - 1], MERKLE_HASH_LEN);
    for (int i = n_parts - 2; i >= 0; i--)
        merkle_node_hash(parts[i], out, out);
    return 0;
}

int
merkle_log_root(const struct merkle_log *log, uint64_t size, uint8_t root[MERKLE_HASH_LEN],
                struct error *err)
{
    bool have = false;

    if (size > log->size)
        return error_set(err, "merkle_range", "la bitácora no tiene %" PRIu64 " hojas", size);
    if (size < log->size)
        return subtree_hash(log, 0, size, root, err);

    /* The current root folds the right edge, lowest level first: no store access. */
    crypto_sha256("", 0, root);
    for (unsigned b = 0; b < MERKLE_MAX_PATH; b++) {
        if (((size >> b) & 1) == 0)
            continue;
        if (have)
            merkle_node_hash(log->frontier[b], root, root);
        else
            memcpy(root, log->frontier[b], MERKLE_HASH_LEN);
        have = true;
    }
    return 0;
}

/* PATH(m, D[start:start+n]) of RFC 9162 section 2.1.3.1, appended to path. */
static int
inclusion_path(const struct merkle_log *log, uint64_t m, uint64_t start, uint64_t n,
               uint8_t path[][MERKLE_HASH_LEN], size_t *len, struct error *err)
{
    uint64_t k;

    if (n <= 1)
        return 0;
    k = split_point(n);
    if (m < k) {
        if (inclusion_path(log, m, start, k, path, len, err) != 0)
            return -1;
        return subtree_hash(log, start + k, n - k, path[(*len)++], err);
    }
    if (inclusion_path(log, m - k, start + k, n - k, path, len, err) != 0)
        return -1;
    return log->store.get(log->store.ctx, log2_exact(k), start / k, path[(*len)++], err);
}

int
merkle_log_inclusion(const struct merkle_log *log, uint64_t index, uint64_t size,
                     uint8_t path[][MERKLE_HASH_LEN], size_t *path_len, struct error *err)
{
    if (size > log->size || index >= size)
        return error_set(err, "merkle_range",
                         "la hoja %" PRIu64 " no está en un árbol de %" PRIu64 " hojas", index,
                         size);
    *path_len = 0;
    return inclusion_path(log, index, 0, size, path, path_len, err);
}

/* SUBPROOF(m, D[start:start+n], b) of RFC 9162 section 2.1.4.1, appended to path. */
static int
consistency_path(const struct merkle_log *log, uint64_t m, uint64_t start, uint64_t n, bool whole,
                 uint8_t path[][MERKLE_HASH_LEN], size_t *len, struct error *err)
{
    uint64_t k;

    if (m == n)
        return whole ? 0 : subtree_hash(log, start, n, path[(*len)++], err);
    k = split_point(n);
    if (m <= k) {
        if (consistency_path(log, m, start, k, whole, path, len, err) != 0)
            return -1;
        return subtree_hash(log, start + k, n - k, path[(*len)++], err);
    }
    if (consistency_path(log, m - k, start + k, n - k, false, path, len, err) != 0)
        return -1;
    return log->store.get(log->store.ctx, log2_exact(k), start / k, path[(*len)++], err);
}

int
merkle_log_consistency(const struct merkle_log *log, uint64_t old_size, uint64_t new_size,
                       uint8_t path[][MERKLE_HASH_LEN], size_t *path_len, struct error *err)
{
    if (old_size == 0 || old_size > new_size || new_size > log->size)
        return error_set(err, "merkle_range",
                         "no hay prueba de consistencia de %" PRIu64 " a %" PRIu64 " hojas",
                         old_size, new_size);
    *path_len = 0;
    return consistency_path(log, old_size, 0, new_size, true, path, path_len, err);
}

int
merkle_verify_inclusion(const uint8_t leaf[MERKLE_HASH_LEN], uint64_t index, uint64_t size,
                        const uint8_t *path, size_t path_len, const uint8_t root[MERKLE_HASH_LEN],
                        struct error *err)
{
    uint8_t r[MERKLE_HASH_LEN];
    uint64_t fn = index, sn;

    /* RFC 9162 section 2.1.3.2, step by step. */
    if (index >= size)
        goto fail;
    sn = size - 1;
    memcpy(r, leaf, MERKLE_HASH_LEN);
    for (size_t i = 0; i < path_len; i++) {
        if (sn == 0)
            goto fail;
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(path + i * MERKLE_HASH_LEN, r, r);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node_hash(r, path + i * MERKLE_HASH_LEN, r);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn == 0 && memcmp(r, root, MERKLE_HASH_LEN) == 0)
        return 0;

fail:
    return error_set(err, "merkle_inclusion",
                     "la prueba de inclusión no lleva a la raíz del árbol firmado");
}

int
merkle_verify_consistency(uint64_t old_size, uint64_t new_size,
                          const uint8_t old_root[MERKLE_HASH_LEN],
                          const uint8_t new_root[MERKLE_HASH_LEN], const uint8_t *path,
                          size_t path_len, struct error *err)
{
    uint8_t fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
    uint64_t fn, sn;
    size_t i = 0;

    if (old_size == 0 || old_size > new_size)
        goto fail;
    if (old_size == new_size) {
        if (path_len == 0 && memcmp(old_root, new_root, MERKLE_HASH_LEN) == 0)
            return 0;
        goto fail;
    }

    /* RFC 9162 section 2.1.4.2: a power-of-two old tree is itself the first node of the
     * proof; otherwise the proof starts with it. */
    if (path_len == 0)
        goto fail;
    fn = old_size - 1;
    sn = new_size - 1;
    if ((old_size & (old_size - 1)) == 0) {
        memcpy(fr, old_root, MERKLE_HASH_LEN);
    } else {
        memcpy(fr, path, MERKLE_HASH_LEN);
        i++;
    }
    memcpy(sr, fr, MERKLE_HASH_LEN);
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }

    for (; i < path_len; i++) {
        if (sn == 0)
            goto fail;
        if ((fn & 1) || fn == sn) {
            merkle_node_hash(path + i * MERKLE_HASH_LEN, fr, fr);
            merkle_node_hash(path + i * MERKLE_HASH_LEN, sr, sr);
            while ((fn & 1) == 0 && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            merkle_node_hash(sr, path + i * MERKLE_HASH_LEN, sr);
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn == 0 && memcmp(fr, old_root, MERKLE_HASH_LEN) == 0 &&
        memcmp(sr, new_root, MERKLE_HASH_LEN) == 0)
        return 0;

fail:
    return error_set(err, "merkle_consistency",
                     "el árbol nuevo no contiene sin cambios al árbol anterior");
}

size_t
merkle_tree_head_text(const struct merkle_tree_head *sth, char text[MERKLE_STH_TEXT_MAX])
{
    char hex[2 * MERKLE_HASH_LEN + 1];
    int n;

    for (size_t i = 0; i < MERKLE_HASH_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", sth->root[i]);
    n = snprintf(text, MERKLE_STH_TEXT_MAX, "||buzon-sth|1|%" PRIu64 "|%" PRId64 "|%s||", sth->size,
                 sth->timestamp_us, hex);
    return (size_t)n;
}

int
merkle_tree_head_sign(struct merkle_tree_head *sth, const struct crypto_key *key, struct error *err)
{
    char text[MERKLE_STH_TEXT_MAX];
    size_t len = merkle_tree_head_text(sth, text);
    char *sig = NULL;

    if (crypto_sign(key, text, len, &sig, err) != 0)
        return -1;
    free(sth->signature);
    sth->signature = sig;
    return 0;
}

int
merkle_tree_head_verify(const struct merkle_tree_head *sth, const struct crypto_cert *cert,
                        struct error *err)
{
    char text[MERKLE_STH_TEXT_MAX];
    size_t len = merkle_tree_head_text(sth, text);

    if (sth->signature == NULL)
        return error_set(err, "signature_invalid", "la cabeza del árbol no está firmada");
    return crypto_verify(cert, text, len, sth->signature, err);
}

void
merkle_tree_head_cleanup(struct merkle_tree_head *sth)
{
    MEM_FREE(sth->signature);
}

/* In-memory store: one growing array of hashes per level. */
struct memstore {
    uint8_t (*level[MERKLE_MAX_PATH])[MERKLE_HASH_LEN];
    uint64_t len[MERKLE_MAX_PATH], cap[MERKLE_MAX_PATH];
    long fail_after; /* negative: never fail */
};

static int
memstore_get(void *ctx, unsigned level, uint64_t index, uint8_t hash[MERKLE_HASH_LEN],
             struct error *err)
{
    struct memstore *m = ctx;

    if (level >= MERKLE_MAX_PATH || index >= m->len[level])
        return error_set(err, "store_missing", "falta un nodo de la bitácora (%u, %" PRIu64 ")",
                         level, index);
    memcpy(hash, m->level[level][index], MERKLE_HASH_LEN);
    return 0;
}

static int
memstore_put(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH_LEN],
             struct error *err)
{
    struct memstore *m = ctx;

    if (m->fail_after == 0)
        return error_set(err, "store_write", "no se pudo escribir en la bitácora");
    if (m->fail_after > 0)
        m->fail_after--;
    if (level >= MERKLE_MAX_PATH || index > m->len[level])
        return error_set(err, "store_order", "nodo fuera de orden en la bitácora");
    if (index == m->cap[level]) {
        m->cap[level] = m->cap[level] ? 2 * m->cap[level] : 64;
        m->level[level] = mem_realloc(m->level[level], m->cap[level] * MERKLE_HASH_LEN);
    }
    memcpy(m->level[level][index], hash, MERKLE_HASH_LEN);
    if (index == m->len[level])
        m->len[level]++;
    return 0;
}

struct merkle_store *
merkle_memstore_new(void)
{
    struct merkle_store *store = mem_calloc(1, sizeof(*store));
    struct memstore *m = mem_calloc(1, sizeof(*m));

    m->fail_after = -1;
    store->ctx = m;
    store->get = memstore_get;
    store->put = memstore_put;
    return store;
}

void
merkle_memstore_free(struct merkle_store *store)
{
    struct memstore *m;

    if (store == NULL)
        return;
    m = store->ctx;
    for (unsigned i = 0; i < MERKLE_MAX_PATH; i++)
        free(m->level[i]);
    free(m);
    free(store);
}

void
merkle_memstore_fail_after(struct merkle_store *store, long fail_after)
{
    ((struct memstore *)store->ctx)->fail_after = fail_after;
}

int
merkle_memstore_poke(struct merkle_store *store, unsigned level, uint64_t index,
                     const uint8_t hash[MERKLE_HASH_LEN])
{
    struct memstore *m = store->ctx;

    if (level >= MERKLE_MAX_PATH || index >= m->len[level])
        return -1;
    memcpy(m->level[level][index], hash, MERKLE_HASH_LEN);
    return 0;
}

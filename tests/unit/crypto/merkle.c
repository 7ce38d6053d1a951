/*
 * Tests of crypto/merkle: the tree heads and proofs of the Certificate Transparency reference
 * vectors (RFC 6962 test data: eight leaves, roots of every prefix, inclusion and consistency
 * proofs), then properties over every size and index of small trees, storage failures and
 * tampering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/merkle.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *data;
    size_t len;
} leaves[8] = {
    {"", 0},
    {"\x00", 1},
    {"\x10", 1},
    {"\x20\x21", 2},
    {"\x30\x31", 2},
    {"\x40\x41\x42\x43", 4},
    {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
    {"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};

/* Roots of the first 1..8 leaves (CT reference vectors). */
static const char *const roots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct vector {
    uint64_t a, b; /* inclusion: leaf index, tree size; consistency: old, new size */
    size_t n;
    const char *path[3];
};

static const struct vector inclusions[] = {
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct vector consistencies[] = {
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static void
hex_of(const uint8_t h[MERKLE_HASH_LEN], char out[2 * MERKLE_HASH_LEN + 1])
{
    for (int i = 0; i < MERKLE_HASH_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

static void
unhex(const char *hex, uint8_t out[MERKLE_HASH_LEN])
{
    for (int i = 0; i < MERKLE_HASH_LEN; i++) {
        unsigned v;

        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* A log of the eight reference leaves. */
static struct merkle_log *
reference_log(struct merkle_store *store)
{
    struct merkle_log *log = NULL;
    struct error err = {0};

    assert_int_equal(merkle_log_open(store, 0, &log, &err), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(merkle_log_append(log, leaves[i].data, leaves[i].len, NULL, &err), 0);
    return log;
}

static void
roots_of_every_prefix_match_the_reference_vectors(void **state)
{
    struct merkle_store *store = merkle_memstore_new();
    struct merkle_log *log = reference_log(store);
    struct error err = {0};
    uint8_t root[MERKLE_HASH_LEN];
    char hex[2 * MERKLE_HASH_LEN + 1];

    (void)state;
    for (uint64_t n = 1; n <= 8; n++) {
        assert_int_equal(merkle_log_root(log, n, root, &err), 0);
        hex_of(root, hex);
        assert_string_equal(hex, roots[n - 1]);
    }
    /* RFC 9162 section 2.1.1: the empty tree's hash is SHA-256 of nothing. */
    assert_int_equal(merkle_log_root(log, 0, root, &err), 0);
    hex_of(root, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    merkle_log_free(log);
    merkle_memstore_free(store);
}

static void
proofs_match_the_reference_vectors_and_verify(void **state)
{
    struct merkle_store *store = merkle_memstore_new();
    struct merkle_log *log = reference_log(store);
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN], leaf[MERKLE_HASH_LEN];
    uint8_t r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];
    char hex[2 * MERKLE_HASH_LEN + 1];
    struct error err = {0};
    size_t n;

    (void)state;
    for (size_t v = 0; v < sizeof(inclusions) / sizeof(inclusions[0]); v++) {
        const struct vector *t = &inclusions[v];

        assert_int_equal(merkle_log_inclusion(log, t->a, t->b, path, &n, &err), 0);
        assert_int_equal(n, t->n);
        for (size_t i = 0; i < n; i++) {
            hex_of(path[i], hex);
            assert_string_equal(hex, t->path[i]);
        }
        merkle_leaf_hash(leaves[t->a].data, leaves[t->a].len, leaf);
        unhex(roots[t->b - 1], r1);
        assert_int_equal(merkle_verify_inclusion(leaf, t->a, t->b, path[0], n, r1, &err), 0);
    }
    for (size_t v = 0; v < sizeof(consistencies) / sizeof(consistencies[0]); v++) {
        const struct vector *t = &consistencies[v];

        assert_int_equal(merkle_log_consistency(log, t->a, t->b, path, &n, &err), 0);
        assert_int_equal(n, t->n);
        for (size_t i = 0; i < n; i++) {
            hex_of(path[i], hex);
            assert_string_equal(hex, t->path[i]);
        }
        unhex(roots[t->a - 1], r1);
        unhex(roots[t->b - 1], r2);
        assert_int_equal(merkle_verify_consistency(t->a, t->b, r1, r2, path[0], n, &err), 0);
    }
    merkle_log_free(log);
    merkle_memstore_free(store);
}

enum { N_PROP = 70 };

/* MTH by the recursive definition of RFC 9162 section 2.1.1, independent of the log. */
static void
naive_root(uint8_t (*lh)[MERKLE_HASH_LEN], uint64_t n, uint8_t out[MERKLE_HASH_LEN])
{
    uint8_t l[MERKLE_HASH_LEN], r[MERKLE_HASH_LEN];
    uint64_t k = 1;

    if (n == 1) {
        memcpy(out, lh[0], MERKLE_HASH_LEN);
        return;
    }
    while (k * 2 < n)
        k *= 2;
    naive_root(lh, k, l);
    naive_root(lh + k, n - k, r);
    merkle_node_hash(l, r, out);
}

/* A log whose leaf i holds the four bytes of i plus salt (salt changes one leaf). */
static struct merkle_log *
numbered_log(struct merkle_store *store, uint64_t n, uint64_t changed, uint64_t dropped,
             uint8_t (*lh)[MERKLE_HASH_LEN])
{
    struct merkle_log *log = NULL;
    struct error err = {0};

    assert_int_equal(merkle_log_open(store, 0, &log, &err), 0);
    for (uint64_t i = 0; i < n; i++) {
        uint8_t data[4] = {(uint8_t)i, (uint8_t)(i >> 8), 0, i == changed ? 0xee : 0};
        uint64_t index;

        if (i == dropped)
            continue;
        assert_int_equal(merkle_log_append(log, data, sizeof(data), &index, &err), 0);
        if (lh != NULL)
            merkle_leaf_hash(data, sizeof(data), lh[index]);
    }
    return log;
}

static void
every_inclusion_proof_verifies_and_any_changed_hash_fails(void **state)
{
    static uint8_t lh[N_PROP][MERKLE_HASH_LEN];
    struct merkle_store *store = merkle_memstore_new();
    struct merkle_log *log = numbered_log(store, N_PROP, UINT64_MAX, UINT64_MAX, lh);
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN], root[MERKLE_HASH_LEN];
    uint8_t naive[MERKLE_HASH_LEN];
    struct error err = {0};
    size_t n;

    (void)state;
    for (uint64_t size = 1; size <= N_PROP; size++) {
        assert_int_equal(merkle_log_root(log, size, root, &err), 0);
        naive_root(lh, size, naive);
        assert_memory_equal(root, naive, MERKLE_HASH_LEN);
        for (uint64_t i = 0; i < size; i++) {
            assert_int_equal(merkle_log_inclusion(log, i, size, path, &n, &err), 0);
            assert_int_equal(merkle_verify_inclusion(lh[i], i, size, path[0], n, root, &err), 0);
            if (size > 1)
                assert_int_not_equal(
                    merkle_verify_inclusion(lh[i], i ^ 1, size, path[0], n, root, &err), 0);
            for (size_t p = 0; p < n; p++) {
                path[p][p % MERKLE_HASH_LEN] ^= 0x01;
                assert_int_not_equal(
                    merkle_verify_inclusion(lh[i], i, size, path[0], n, root, &err), 0);
                assert_string_equal(err.code, "merkle_inclusion");
                path[p][p % MERKLE_HASH_LEN] ^= 0x01;
            }
            if (n > 0)
                assert_int_not_equal(
                    merkle_verify_inclusion(lh[i], i, size, path[0], n - 1, root, &err), 0);
        }
    }
    merkle_log_free(log);
    merkle_memstore_free(store);
}

static void
every_consistency_proof_verifies_and_any_changed_hash_fails(void **state)
{
    struct merkle_store *store = merkle_memstore_new();
    struct merkle_log *log = numbered_log(store, N_PROP, UINT64_MAX, UINT64_MAX, NULL);
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
    uint8_t r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];
    struct error err = {0};
    size_t n;

    (void)state;
    for (uint64_t m = 1; m <= N_PROP; m++) {
        assert_int_equal(merkle_log_root(log, m, r1, &err), 0);
        for (uint64_t size = m; size <= N_PROP; size++) {
            assert_int_equal(merkle_log_root(log, size, r2, &err), 0);
            assert_int_equal(merkle_log_consistency(log, m, size, path, &n, &err), 0);
            assert_int_equal(merkle_verify_consistency(m, size, r1, r2, path[0], n, &err), 0);
            for (size_t p = 0; p < n; p++) {
                path[p][31 - p % MERKLE_HASH_LEN] ^= 0x80;
                assert_int_not_equal(merkle_verify_consistency(m, size, r1, r2, path[0], n, &err),
                                     0);
                assert_string_equal(err.code, "merkle_consistency");
                path[p][31 - p % MERKLE_HASH_LEN] ^= 0x80;
            }
            if (m < size) {
                assert_int_not_equal(merkle_verify_consistency(m, size, r2, r2, path[0], n, &err),
                                     0);
                assert_int_not_equal(
                    merkle_verify_consistency(m, size, r1, r2, path[0], n - 1, &err), 0);
            }
        }
    }
    merkle_log_free(log);
    merkle_memstore_free(store);
}

static void
rewriting_or_dropping_an_old_leaf_breaks_consistency_with_an_earlier_head(void **state)
{
    struct merkle_store *honest = merkle_memstore_new();
    struct merkle_log *old = numbered_log(honest, 10, UINT64_MAX, UINT64_MAX, NULL);
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
    uint8_t r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];
    struct error err = {0};
    size_t n;

    (void)state;
    assert_int_equal(merkle_log_root(old, 10, r1, &err), 0);
    for (int mode = 0; mode < 2; mode++) {
        struct merkle_store *forged = merkle_memstore_new();
        struct merkle_log *log =
            numbered_log(forged, 21, mode == 0 ? 3 : UINT64_MAX, mode == 1 ? 3 : UINT64_MAX, NULL);

        /* The forger proves from its own tree; the old head holds it to the old leaves. */
        assert_int_equal(merkle_log_root(log, 20, r2, &err), 0);
        assert_int_equal(merkle_log_consistency(log, 10, 20, path, &n, &err), 0);
        assert_int_not_equal(merkle_verify_consistency(10, 20, r1, r2, path[0], n, &err), 0);
        assert_string_equal(err.code, "merkle_consistency");
        merkle_log_free(log);
        merkle_memstore_free(forged);
    }
    merkle_log_free(old);
    merkle_memstore_free(honest);
}

static void
reopening_from_the_store_continues_the_same_tree(void **state)
{
    struct merkle_store *store = merkle_memstore_new();
    struct merkle_log *full = numbered_log(store, 37, UINT64_MAX, UINT64_MAX, NULL);
    struct merkle_store *other = merkle_memstore_new();
    struct merkle_log *longer = numbered_log(other, N_PROP, UINT64_MAX, UINT64_MAX, NULL);
    struct merkle_log *again = NULL;
    uint8_t a[MERKLE_HASH_LEN], b[MERKLE_HASH_LEN];
    struct error err = {0};

    (void)state;
    assert_int_equal(merkle_log_open(store, 37, &again, &err), 0);
    assert_int_equal(merkle_log_size(again), 37);
    assert_int_equal(merkle_log_root(full, 37, a, &err), 0);
    assert_int_equal(merkle_log_root(again, 37, b, &err), 0);
    assert_memory_equal(a, b, MERKLE_HASH_LEN);
    for (uint64_t i = 37; i < N_PROP; i++) {
        uint8_t data[4] = {(uint8_t)i, (uint8_t)(i >> 8), 0, 0};

        assert_int_equal(merkle_log_append(again, data, sizeof(data), NULL, &err), 0);
    }
    assert_int_equal(merkle_log_root(again, N_PROP, a, &err), 0);
    assert_int_equal(merkle_log_root(longer, N_PROP, b, &err), 0);
    assert_memory_equal(a, b, MERKLE_HASH_LEN);
    merkle_log_free(again);
    merkle_log_free(full);
    merkle_log_free(longer);
    merkle_memstore_free(other);
    merkle_memstore_free(store);
}

static void
a_failed_store_write_leaves_the_log_unchanged(void **state)
{
    struct merkle_store *store = merkle_memstore_new();
    struct merkle_log *log = numbered_log(store, 7, UINT64_MAX, UINT64_MAX, NULL);
    uint8_t before[MERKLE_HASH_LEN], after[MERKLE_HASH_LEN];
    struct error err = {0};

    (void)state;
    assert_int_equal(merkle_log_root(log, 7, before, &err), 0);
    /* Appending leaf 7 writes four nodes; the third write fails. */
    merkle_memstore_fail_after(store, 2);
    assert_int_equal(merkle_log_append(log, "x", 1, NULL, &err), -1);
    assert_string_equal(err.code, "store_write");
    assert_int_equal(merkle_log_size(log), 7);
    assert_int_equal(merkle_log_root(log, 7, after, &err), 0);
    assert_memory_equal(before, after, MERKLE_HASH_LEN);
    assert_int_equal(merkle_log_root(log, 8, after, &err), -1);
    assert_string_equal(err.code, "merkle_range");
    merkle_log_free(log);
    merkle_memstore_free(store);
}

static void
out_of_range_proofs_are_refused(void **state)
{
    struct merkle_store *store = merkle_memstore_new();
    struct merkle_log *log = numbered_log(store, 5, UINT64_MAX, UINT64_MAX, NULL);
    uint8_t path[MERKLE_MAX_PATH][MERKLE_HASH_LEN];
    struct error err = {0};
    size_t n;

    (void)state;
    assert_int_equal(merkle_log_inclusion(log, 5, 5, path, &n, &err), -1);
    assert_int_equal(merkle_log_inclusion(log, 0, 6, path, &n, &err), -1);
    assert_int_equal(merkle_log_consistency(log, 0, 5, path, &n, &err), -1);
    assert_int_equal(merkle_log_consistency(log, 4, 6, path, &n, &err), -1);
    assert_string_equal(err.code, "merkle_range");
    merkle_log_free(log);
    merkle_memstore_free(store);
}

static void
tree_head_text_is_canonical(void **state)
{
    struct merkle_tree_head sth = {.size = 8, .timestamp_us = 1764806400123456};
    char text[MERKLE_STH_TEXT_MAX];

    (void)state;
    unhex(roots[7], sth.root);
    assert_int_equal(merkle_tree_head_text(&sth, text), strlen(text));
    assert_string_equal(text, "||buzon-sth|1|8|1764806400123456|"
                              "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328||");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roots_of_every_prefix_match_the_reference_vectors),
        cmocka_unit_test(proofs_match_the_reference_vectors_and_verify),
        cmocka_unit_test(every_inclusion_proof_verifies_and_any_changed_hash_fails),
        cmocka_unit_test(every_consistency_proof_verifies_and_any_changed_hash_fails),
        cmocka_unit_test(rewriting_or_dropping_an_old_leaf_breaks_consistency_with_an_earlier_head),
        cmocka_unit_test(reopening_from_the_store_continues_the_same_tree),
        cmocka_unit_test(a_failed_store_write_leaves_the_log_unchanged),
        cmocka_unit_test(out_of_range_proofs_are_refused),
        cmocka_unit_test(tree_head_text_is_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

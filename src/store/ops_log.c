/* ops_log.c - the Merkle log's interior nodes, folio sequences and receipts pending their seal
 * (migration 0002; docs/receipts.md, "Sealing and the store"). */
#include "core/mem.h"
#include "store/impl.h"

#include <stdlib.h>
#include <string.h>

static void
read_i64(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static void
read_hash(struct store_tx *tx, struct store__rows *r, void *out)
{
    store__hash(tx, r, 0, out);
}

static int
check_node(struct store_tx *tx, unsigned level, int64_t index, struct error *err)
{
    if (level < 1 || level > 63 || index < 0)
        return store__invalid(tx, err, "store_merkle_node",
                              "nodo del registro de transparencia fuera de rango (nivel %u)",
                              level);
    return STORE_OK;
}

static struct store__query q_node_put =
    STORE__QUERY("INSERT INTO merkle_nodes (level, idx, hash) VALUES ($1, $2, $3)");
static struct store__query q_node_get =
    STORE__QUERY("SELECT hash FROM merkle_nodes WHERE level = $1 AND idx = $2");

static int
merkle_node_put(struct store_tx *tx, unsigned level, int64_t index,
                const uint8_t hash[STORE_HASH_LEN], struct error *err)
{
    struct store__arg args[] = {SA_I64(level), SA_I64(index), SA_BLOB(hash, STORE_HASH_LEN)};
    int rc = check_node(tx, level, index, err);

    return rc != STORE_OK ? rc : store__exec(tx, &q_node_put, args, 3, err);
}

static int
merkle_node_get(struct store_tx *tx, unsigned level, int64_t index, uint8_t hash[STORE_HASH_LEN],
                struct error *err)
{
    struct store__arg args[] = {SA_I64(level), SA_I64(index)};
    int rc = check_node(tx, level, index, err);

    return rc != STORE_OK ? rc : store__one(tx, &q_node_get, args, 2, read_hash, hash, err);
}

/* The row of the year is locked by the update until commit: concurrent issuers wait (or, in
 * PostgreSQL SERIALIZABLE, one fails with a conflict and runs again), so numbers are dense. */
static struct store__query q_folio_next = STORE__QUERY(
    "INSERT INTO folio_sequences (year, last_seq) VALUES ($1, 0) ON CONFLICT (year) DO UPDATE "
    "SET last_seq = folio_sequences.last_seq + 1 RETURNING last_seq");

static int
folio_next(struct store_tx *tx, int year, int64_t *seq, struct error *err)
{
    struct store__arg args[] = {SA_I64(year)};

    *seq = -1;
    if (year < 2000 || year > 9999)
        return store__invalid(tx, err, "store_folio_year",
                              "año de folio "
                              "fuera de rango: %d",
                              year);
    return store__fail(tx, store__one(tx, &q_folio_next, args, 1, read_i64, seq, err));
}

static struct store__query q_pending_insert =
    STORE__QUERY("INSERT INTO receipt_pending (kind, subject_id, legal_at, created_at, "
                 "request_json) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static struct store__query q_pending_list =
    STORE__QUERY("SELECT id, kind, subject_id, legal_at, created_at, request_json "
                 "FROM receipt_pending WHERE id > $1 ORDER BY id LIMIT $2");
static struct store__query q_pending_delete =
    STORE__QUERY("DELETE FROM receipt_pending WHERE id = $1 RETURNING id");

static int
receipt_pending_insert(struct store_tx *tx, struct store_receipt_pending *p, struct error *err)
{
    struct store__arg args[] = {SA_I64(p->kind), SA_I64(p->subject_id), SA_I64(p->legal_at),
                                SA_I64(p->created_at), SA_TEXT(p->request_json)};
    int rc = store__check_heap(tx, "request_json", p->request_json, true, err);

    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_pending_insert, args, 5, read_i64, &p->id, err));
}

static void
read_pending(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_receipt_pending *p = out;

    p->id = store__i64(tx, r, 0);
    p->kind = (enum store_receipt_kind)store__i64(tx, r, 1);
    p->subject_id = store__i64(tx, r, 2);
    p->legal_at = store__i64(tx, r, 3);
    p->created_at = store__i64(tx, r, 4);
    p->request_json = store__strdup(tx, r, 5);
}

static void
pending_cleanup(void *p)
{
    store_receipt_pending_cleanup(p);
}

static int
receipt_pending_list(struct store_tx *tx, int64_t after_id, size_t limit,
                     struct store_receipt_pending **items, size_t *n, struct error *err)
{
    struct store__arg args[2];

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    args[0] = SA_I64(after_id);
    args[1] = SA_I64(limit);
    return store__many_owned(tx, &q_pending_list, args, 2, read_pending, pending_cleanup,
                             sizeof(**items), limit, (void **)items, n, err);
}

static int
receipt_pending_delete(struct store_tx *tx, int64_t id, struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};

    return store__one(tx, &q_pending_delete, args, 1, NULL, NULL, err);
}

void
store_receipt_pending_cleanup(struct store_receipt_pending *p)
{
    if (p != NULL)
        MEM_FREE(p->request_json);
}

void
store_receipt_pending_list_free(struct store_receipt_pending *items, size_t n)
{
    for (size_t i = 0; items != NULL && i < n; i++)
        store_receipt_pending_cleanup(&items[i]);
    free(items);
}

void
store__ops_log(struct store_ops *ops)
{
    ops->merkle_node_put = merkle_node_put;
    ops->merkle_node_get = merkle_node_get;
    ops->folio_next = folio_next;
    ops->receipt_pending_insert = receipt_pending_insert;
    ops->receipt_pending_list = receipt_pending_list;
    ops->receipt_pending_delete = receipt_pending_delete;
}

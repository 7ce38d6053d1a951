/* ops_evidence.c - receipts, the Merkle log and its tree heads, audit events, the outbox. */
#include "store/impl.h"

#include <stdlib.h>
#include <string.h>

static void
read_id(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static struct store__query q_receipt_insert = STORE__QUERY(
    "INSERT INTO receipts (folio, kind, rfc, subject_id, issued_at, legal_at, cadena, sello, "
    "cert_number, leaf_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");

static int
receipt_insert(struct store_tx *tx, struct store_receipt *r, struct error *err)
{
    struct store__arg args[] = {
        SA_TEXT(r->folio),       SA_I64(r->kind),
        SA_TEXT(r->rfc),         SA_I64(r->subject_id),
        SA_I64(r->issued_at),    SA_I64(r->legal_at),
        SA_TEXT(r->cadena),      SA_TEXT(r->sello),
        SA_TEXT(r->cert_number), r->leaf_index < 0 ? SA_NULL : SA_I64(r->leaf_index)};
    int rc = STORE__CHECK(tx, r, folio, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, r, rfc, err);
    if (rc == STORE_OK)
        rc = store__check_heap(tx, "cadena", r->cadena, true, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, r, sello, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, r, cert_number, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_receipt_insert, args, 10, read_id, &r->id, err));
}

static void
read_receipt(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_receipt *rc = out;

    rc->id = store__i64(tx, r, 0);
    store__text(tx, r, 1, rc->folio, sizeof(rc->folio));
    rc->kind = (enum store_receipt_kind)store__i64(tx, r, 2);
    store__text(tx, r, 3, rc->rfc, sizeof(rc->rfc));
    rc->subject_id = store__i64(tx, r, 4);
    rc->issued_at = store__i64(tx, r, 5);
    rc->legal_at = store__i64(tx, r, 6);
    rc->cadena = store__strdup(tx, r, 7);
    store__text(tx, r, 8, rc->sello, sizeof(rc->sello));
    store__text(tx, r, 9, rc->cert_number, sizeof(rc->cert_number));
    rc->leaf_index = tx->db->drv->is_null(r, 10) ? -1 : store__i64(tx, r, 10);
}

static struct store__query q_receipt_get = STORE__QUERY(
    "SELECT id, folio, kind, rfc, subject_id, issued_at, legal_at, cadena, sello, cert_number, "
    "leaf_index FROM receipts WHERE folio = $1");

static int
receipt_get(struct store_tx *tx, const char *folio, struct store_receipt *out, struct error *err)
{
    struct store__arg args[] = {SA_TEXT(folio)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_receipt_get, args, 1, read_receipt, out, err);
}

/* The one merkle_state row serializes appenders: in PostgreSQL the row lock makes concurrent
 * appends wait (or fail with a serialization conflict and run again), so indexes are dense. */
static struct store__query q_merkle_next =
    STORE__QUERY("UPDATE merkle_state SET size = size + 1 WHERE id = 1 RETURNING size - 1");
static struct store__query q_merkle_insert =
    STORE__QUERY("INSERT INTO merkle_leaves (idx, leaf_hash, receipt_id) VALUES ($1, $2, $3)");
static struct store__query q_receipt_leaf = STORE__QUERY(
    "UPDATE receipts SET leaf_index = $2 WHERE id = $1 AND leaf_index IS NULL RETURNING id");

static int
merkle_append(struct store_tx *tx, const uint8_t leaf_hash[STORE_HASH_LEN], int64_t receipt_id,
              int64_t *index, struct error *err)
{
    int rc = store__fail(tx, store__one(tx, &q_merkle_next, NULL, 0, read_id, index, err));

    if (rc == STORE_OK) {
        struct store__arg args[] = {SA_I64(*index), SA_BLOB(leaf_hash, STORE_HASH_LEN),
                                    SA_I64N(receipt_id)};
        rc = store__exec(tx, &q_merkle_insert, args, 3, err);
    }
    if (rc == STORE_OK && receipt_id != 0) {
        struct store__arg args[] = {SA_I64(receipt_id), SA_I64(*index)};
        rc = store__one(tx, &q_receipt_leaf, args, 2, NULL, NULL, err);
        if (rc == STORE_NOT_FOUND)
            rc = store__invalid(tx, err, "store_foreign_key",
                                "el acuse no existe o ya está en el registro de transparencia");
    }
    return rc;
}

static struct store__query q_merkle_size =
    STORE__QUERY("SELECT size FROM merkle_state WHERE id = 1");

static int
merkle_size(struct store_tx *tx, int64_t *size, struct error *err)
{
    *size = 0;
    return store__fail(tx, store__one(tx, &q_merkle_size, NULL, 0, read_id, size, err));
}

static struct store__query q_merkle_leaves =
    STORE__QUERY("SELECT leaf_hash FROM merkle_leaves WHERE idx >= $1 ORDER BY idx LIMIT $2");

static int
merkle_leaves(struct store_tx *tx, int64_t from, size_t count, uint8_t (*hashes)[STORE_HASH_LEN],
              size_t *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(from), SA_I64(count)};
    struct store__rows *rows = NULL;
    int rc = store__query(tx, &q_merkle_leaves, args, 2, &rows, err);

    *n = 0;
    while (rc == STORE_OK && *n < count && (rc = store__next(tx, rows, err)) == 1) {
        store__hash(tx, rows, 0, hashes[*n]);
        (*n)++;
        rc = STORE_OK;
    }
    store__done(tx, rows);
    return rc < 0 ? rc : STORE_OK;
}

static struct store__query q_sth_insert =
    STORE__QUERY("INSERT INTO tree_heads (tree_size, root_hash, signed_at, signature, cert_number) "
                 "VALUES ($1, $2, $3, $4, $5)");
static struct store__query q_sth_latest =
    STORE__QUERY("SELECT tree_size, root_hash, signed_at, signature, cert_number FROM tree_heads "
                 "ORDER BY tree_size DESC LIMIT 1");

static int
tree_head_insert(struct store_tx *tx, const struct store_tree_head *h, struct error *err)
{
    struct store__arg args[] = {SA_I64(h->tree_size), SA_BLOB(h->root_hash, STORE_HASH_LEN),
                                SA_I64(h->signed_at), SA_TEXT(h->signature),
                                SA_TEXT(h->cert_number)};
    int rc = STORE__CHECK(tx, h, signature, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, h, cert_number, err);
    return rc != STORE_OK ? rc : store__exec(tx, &q_sth_insert, args, 5, err);
}

static void
read_sth(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_tree_head *h = out;

    h->tree_size = store__i64(tx, r, 0);
    store__hash(tx, r, 1, h->root_hash);
    h->signed_at = store__i64(tx, r, 2);
    store__text(tx, r, 3, h->signature, sizeof(h->signature));
    store__text(tx, r, 4, h->cert_number, sizeof(h->cert_number));
}

static int
tree_head_latest(struct store_tx *tx, struct store_tree_head *out, struct error *err)
{
    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_sth_latest, NULL, 0, read_sth, out, err);
}

static struct store__query q_audit_insert = STORE__QUERY(
    "INSERT INTO audit_events (at, actor_kind, actor_id, action, subject, rfc_hash, "
    "request_id, detail_json, actor_name, actor_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10) RETURNING id");

static int
audit_insert(struct store_tx *tx, struct store_audit_event *e, struct error *err)
{
    struct store__arg args[] = {
        SA_I64(e->at),           SA_I64(e->actor_kind),
        SA_I64N(e->actor_id),    SA_TEXT(e->action),
        SA_TEXT(e->subject),     SA_TEXTN(e->rfc_hash),
        SA_TEXTN(e->request_id), e->detail_json != NULL ? SA_TEXT(e->detail_json) : SA_NULL,
        SA_TEXTN(e->actor_name), SA_TEXTN(e->actor_ref)};
    int rc = STORE__CHECK(tx, e, action, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, e, subject, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, e, rfc_hash, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, e, request_id, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, e, actor_name, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, e, actor_ref, err);
    if (rc == STORE_OK)
        rc = store__check_heap(tx, "detail_json", e->detail_json, false, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_audit_insert, args, 10, read_id, &e->id, err));
}

static void
read_audit(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_audit_event *e = out;

    e->id = store__i64(tx, r, 0);
    e->at = store__i64(tx, r, 1);
    e->actor_kind = (enum store_actor_kind)store__i64(tx, r, 2);
    e->actor_id = store__i64(tx, r, 3);
    store__text(tx, r, 4, e->action, sizeof(e->action));
    store__text(tx, r, 5, e->subject, sizeof(e->subject));
    store__text(tx, r, 6, e->rfc_hash, sizeof(e->rfc_hash));
    store__text(tx, r, 7, e->request_id, sizeof(e->request_id));
    e->detail_json = store__strdup(tx, r, 8);
    store__text(tx, r, 9, e->actor_name, sizeof(e->actor_name));
    store__text(tx, r, 10, e->actor_ref, sizeof(e->actor_ref));
}

static void
audit_cleanup(void *e)
{
    store_audit_event_cleanup(e);
}

/* Each bound is skipped when its flag is 0, so one prepared statement serves every query. */
static struct store__query q_audit_list = STORE__QUERY(
    "SELECT id, at, actor_kind, actor_id, action, subject, rfc_hash, request_id, detail_json, "
    "actor_name, actor_ref FROM audit_events "
    "WHERE (CAST($1 AS BIGINT) = 0 OR rfc_hash = CAST($2 AS TEXT)) "
    "AND (CAST($3 AS BIGINT) = 0 OR at >= CAST($3 AS BIGINT)) "
    "AND (CAST($4 AS BIGINT) = 0 OR at < CAST($4 AS BIGINT)) "
    "AND (CAST($5 AS BIGINT) = 0 OR id < CAST($5 AS BIGINT)) "
    "AND (CAST($6 AS BIGINT) = 0 OR "
    "((CAST(1 AS BIGINT) << CAST(actor_kind AS INTEGER)) & CAST($6 AS BIGINT)) <> 0) "
    "ORDER BY at DESC, id DESC LIMIT CAST($7 AS BIGINT)");

static int
audit_list(struct store_tx *tx, const struct store_audit_query *q, struct store_audit_event **items,
           size_t *n, struct error *err)
{
    bool by_rfc = q->rfc_hash != NULL && q->rfc_hash[0] != '\0';
    size_t limit = q->limit == 0 || q->limit > STORE_PAGE_MAX ? STORE_PAGE_MAX : q->limit;
    struct store__arg args[] = {SA_I64(by_rfc ? 1 : 0), SA_TEXT(by_rfc ? q->rfc_hash : ""),
                                SA_I64(q->from),        SA_I64(q->to),
                                SA_I64(q->before_id),   SA_I64(q->actor_kinds),
                                SA_I64((int64_t)limit)};

    *items = NULL;
    *n = 0;
    return store__many_owned(tx, &q_audit_list, args, 7, read_audit, audit_cleanup, sizeof(**items),
                             limit, (void **)items, n, err);
}

#define OUTBOX_COLS                                                                      \
    "id, idempotency_key, channel, address, payload, state, attempts, next_attempt_at, " \
    "created_at, sent_at, provider_reply, in_doubt, reply_code, transcript, reference"

static void
read_outbox(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_outbox *o = out;

    o->id = store__i64(tx, r, 0);
    store__text(tx, r, 1, o->idempotency_key, sizeof(o->idempotency_key));
    o->channel = (enum store_channel)store__i64(tx, r, 2);
    store__text(tx, r, 3, o->address, sizeof(o->address));
    o->payload = store__strdup(tx, r, 4);
    o->state = (enum store_outbox_state)store__i64(tx, r, 5);
    o->attempts = (int32_t)store__i64(tx, r, 6);
    o->next_attempt_at = store__i64(tx, r, 7);
    o->created_at = store__i64(tx, r, 8);
    o->sent_at = store__i64(tx, r, 9);
    store__text(tx, r, 10, o->provider_reply, sizeof(o->provider_reply));
    o->in_doubt = store__i64(tx, r, 11) != 0;
    o->reply_code = (int32_t)store__i64(tx, r, 12);
    o->transcript = store__strdup(tx, r, 13);
    store__text(tx, r, 14, o->reference, sizeof(o->reference));
}

/* ON CONFLICT DO NOTHING: a second enqueue with the same key neither fails the transaction
 * nor sends twice; no row comes back then. */
static struct store__query q_outbox_insert =
    STORE__QUERY("INSERT INTO outbox (idempotency_key, channel, address, payload, state, attempts, "
                 "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 0, 0, $5, $6) "
                 "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id");

static int
outbox_enqueue(struct store_tx *tx, struct store_outbox *o, bool *created, struct error *err)
{
    struct store__arg args[] = {SA_TEXT(o->idempotency_key), SA_I64(o->channel),
                                SA_TEXT(o->address),         SA_TEXT(o->payload),
                                SA_I64(o->next_attempt_at),  SA_I64(o->created_at)};
    int rc = STORE__CHECK(tx, o, idempotency_key, err);

    *created = false;
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, o, address, err);
    if (rc == STORE_OK)
        rc = store__check_heap(tx, "payload", o->payload, true, err);
    if (rc != STORE_OK)
        return rc;

    rc = store__one(tx, &q_outbox_insert, args, 6, read_id, &o->id, err);
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return STORE_OK;
    }
    *created = rc == STORE_OK;
    return rc;
}

/*
 * A message SENDING whose lease ran out is taken again: its worker died mid-send, so the new
 * attempt is in doubt (the message may have gone out). In SET, columns name the row as it was
 * before the update: in_doubt and claimed_due record the state and due time found. The attempt
 * number becomes the lease's token: finish checks it, so a worker whose lease ran out cannot
 * record over the next worker's attempt.
 */
#define OUTBOX_CLAIM_SET                                                                  \
    "UPDATE outbox SET state = 1, attempts = attempts + 1, next_attempt_at = $2, "        \
    "in_doubt = CASE WHEN state = 1 THEN 1 ELSE 0 END, claimed_due = next_attempt_at "    \
    "WHERE id IN (SELECT id FROM outbox WHERE state IN (0, 1) AND next_attempt_at <= $1 " \
    "AND channel IN ($4, $5) ORDER BY next_attempt_at, id LIMIT $3"
#define OUTBOX_CLAIM_RETURNING                                                             \
    ") RETURNING id, idempotency_key, channel, address, payload, state, attempts, "        \
    "claimed_due, created_at, sent_at, provider_reply, in_doubt, reply_code, transcript, " \
    "reference"
static struct store__query q_outbox_claim =
    STORE__QUERY2(OUTBOX_CLAIM_SET OUTBOX_CLAIM_RETURNING,
                  OUTBOX_CLAIM_SET " FOR UPDATE SKIP LOCKED" OUTBOX_CLAIM_RETURNING);

static void
outbox_cleanup(void *o)
{
    store_outbox_cleanup(o);
}

static int
by_due(const void *a, const void *b)
{
    const struct store_outbox *x = a, *y = b;

    if (x->next_attempt_at != y->next_attempt_at)
        return x->next_attempt_at < y->next_attempt_at ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int
outbox_claim(struct store_tx *tx, int64_t now, int64_t lease_until, unsigned channels, size_t limit,
             struct store_outbox **items, size_t *n, struct error *err)
{
    struct store__arg args[5];
    int rc;

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    /* A channel outside the mask is matched by 0, which no row has. */
    args[0] = SA_I64(now);
    args[1] = SA_I64(lease_until);
    args[2] = SA_I64(limit);
    args[3] = SA_I64((channels & (1u << STORE_CHANNEL_EMAIL)) != 0 ? STORE_CHANNEL_EMAIL : 0);
    args[4] = SA_I64((channels & (1u << STORE_CHANNEL_SMS)) != 0 ? STORE_CHANNEL_SMS : 0);
    rc = store__many_owned(tx, &q_outbox_claim, args, 5, read_outbox, outbox_cleanup,
                           sizeof(**items), limit, (void **)items, n, err);
    /* RETURNING gives no order: oldest due first, as the contract says. */
    if (rc == STORE_OK && *n > 1)
        qsort(*items, *n, sizeof(**items), by_due);
    return rc;
}

static struct store__query q_outbox_finish = STORE__QUERY(
    "UPDATE outbox SET state = $3, next_attempt_at = $4, sent_at = $5, provider_reply = $6, "
    "reply_code = $7, transcript = $8, reference = $9, in_doubt = 0 "
    "WHERE id = $1 AND attempts = $2 AND state = 1 RETURNING id");

static int
check_reply(struct store_tx *tx, const char *what, const char *s, size_t max, struct error *err)
{
    if (s != NULL && strnlen(s, max + 1) > max)
        return store__invalid(tx, err, "store_too_long", "%s excede %zu caracteres", what, max);
    return STORE_OK;
}

static int
outbox_finish(struct store_tx *tx, int64_t id, int32_t attempts,
              const struct store_outbox_outcome *o, struct error *err)
{
    struct store__arg args[] = {SA_I64(id),
                                SA_I64(attempts),
                                SA_I64(o->state),
                                SA_I64(o->next_attempt_at),
                                SA_I64N(o->sent_at),
                                o->reply != NULL ? SA_TEXT(o->reply) : SA_NULL,
                                SA_I64N(o->reply_code),
                                o->transcript != NULL ? SA_TEXT(o->transcript) : SA_NULL,
                                o->reference != NULL ? SA_TEXT(o->reference) : SA_NULL};
    int rc = check_reply(tx, "la respuesta del proveedor", o->reply, STORE_REPLY_MAX, err);

    if (rc == STORE_OK)
        rc = check_reply(tx, "la transcripción", o->transcript, STORE_TRANSCRIPT_MAX, err);
    if (rc == STORE_OK)
        rc = check_reply(tx, "la referencia del mensaje", o->reference, STORE_REFERENCE_MAX, err);
    if (rc == STORE_OK && (o->state == STORE_OUTBOX_SENDING || (unsigned)o->state > 3))
        rc = store__invalid(tx, err, "store_invalid", "estado final de mensaje inválido");
    if (rc != STORE_OK)
        return rc;
    return store__one(tx, &q_outbox_finish, args, 9, NULL, NULL, err);
}

struct outbox_counts {
    int64_t pending, oldest;
};

static void
read_counts(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct outbox_counts *c = out;

    c->pending = store__i64(tx, r, 0);
    c->oldest = store__i64(tx, r, 1);
}

/* Both read the partial index outbox_due: cheap however many messages were ever sent. */
static struct store__query q_outbox_stats =
    STORE__QUERY("SELECT count(*), (SELECT min(next_attempt_at) FROM outbox WHERE state = 0 "
                 "AND next_attempt_at <= $1) FROM outbox WHERE state IN (0, 1)");

static int
outbox_stats(struct store_tx *tx, int64_t now, int64_t *pending, int64_t *oldest_due,
             struct error *err)
{
    struct store__arg args[] = {SA_I64(now)};
    struct outbox_counts c = {0};
    int rc = store__one(tx, &q_outbox_stats, args, 1, read_counts, &c, err);

    *pending = c.pending;
    *oldest_due = c.oldest;
    return rc;
}

static struct store__query q_outbox_get =
    STORE__QUERY("SELECT " OUTBOX_COLS " FROM outbox WHERE idempotency_key = $1");

static int
outbox_get(struct store_tx *tx, const char *key, struct store_outbox *out, struct error *err)
{
    struct store__arg args[] = {SA_TEXT(key)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_outbox_get, args, 1, read_outbox, out, err);
}

void
store__ops_evidence(struct store_ops *ops)
{
    ops->receipt_insert = receipt_insert;
    ops->receipt_get = receipt_get;
    ops->merkle_append = merkle_append;
    ops->merkle_size = merkle_size;
    ops->merkle_leaves = merkle_leaves;
    ops->tree_head_insert = tree_head_insert;
    ops->tree_head_latest = tree_head_latest;
    ops->audit_insert = audit_insert;
    ops->audit_list = audit_list;
    ops->outbox_enqueue = outbox_enqueue;
    ops->outbox_claim = outbox_claim;
    ops->outbox_finish = outbox_finish;
    ops->outbox_stats = outbox_stats;
    ops->outbox_get = outbox_get;
}

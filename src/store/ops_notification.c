/* ops_notification.c - notifications, their avisos and estrados (Lineamientos 7.1-7.10). */
#include "store/impl.h"

#include <string.h>

static void
read_id(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

#define NOTIFICATION_COLS                                                                   \
    "id, created_at, particular_id, type_code, issuer_staff_id, subject, document_sha256, " \
    "state, aviso_sent_at, window_ends_at, opened_at, deemed_at, notified_at, "             \
    "effective_date, response_deadline"

static void
read_notification(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_notification *n = out;

    n->id = store__i64(tx, r, 0);
    n->created_at = store__i64(tx, r, 1);
    n->particular_id = store__i64(tx, r, 2);
    store__text(tx, r, 3, n->type_code, sizeof(n->type_code));
    n->issuer_staff_id = store__i64(tx, r, 4);
    store__text(tx, r, 5, n->subject, sizeof(n->subject));
    store__hash(tx, r, 6, n->document_sha256);
    n->state = (enum store_notification_state)store__i64(tx, r, 7);
    n->aviso_sent_at = store__i64(tx, r, 8);
    n->window_ends_at = store__i64(tx, r, 9);
    n->opened_at = store__i64(tx, r, 10);
    n->deemed_at = store__i64(tx, r, 11);
    n->notified_at = store__i64(tx, r, 12);
    n->effective_date = (int32_t)store__i64(tx, r, 13);
    n->response_deadline = (int32_t)store__i64(tx, r, 14);
}

static struct store__query q_insert = STORE__QUERY(
    "INSERT INTO notifications (created_at, particular_id, type_code, issuer_staff_id, "
    "subject, document_sha256, state, aviso_sent_at, window_ends_at, opened_at, deemed_at, "
    "notified_at, effective_date, response_deadline) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id");

static int
notification_insert(struct store_tx *tx, struct store_notification *n, struct error *err)
{
    struct store__arg args[] = {
        SA_I64(n->created_at),      SA_I64(n->particular_id),
        SA_TEXT(n->type_code),      SA_I64N(n->issuer_staff_id),
        SA_TEXT(n->subject),        SA_BLOB(n->document_sha256, STORE_HASH_LEN),
        SA_I64(n->state),           SA_I64N(n->aviso_sent_at),
        SA_I64N(n->window_ends_at), SA_I64N(n->opened_at),
        SA_I64N(n->deemed_at),      SA_I64N(n->notified_at),
        SA_I64N(n->effective_date), SA_I64N(n->response_deadline)};
    int rc = STORE__CHECK(tx, n, type_code, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, n, subject, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_insert, args, 14, read_id, &n->id, err));
}

static struct store__query q_get =
    STORE__QUERY("SELECT " NOTIFICATION_COLS " FROM notifications WHERE id = $1");

static int
notification_get(struct store_tx *tx, int64_t id, struct store_notification *out, struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_get, args, 1, read_notification, out, err);
}

static struct store__query q_update =
    STORE__QUERY("UPDATE notifications SET state = $2, aviso_sent_at = $3, window_ends_at = $4, "
                 "opened_at = $5, deemed_at = $6, notified_at = $7, effective_date = $8, "
                 "response_deadline = $9 WHERE id = $1 RETURNING id");

static int
notification_update(struct store_tx *tx, const struct store_notification *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(n->id),
                                SA_I64(n->state),
                                SA_I64N(n->aviso_sent_at),
                                SA_I64N(n->window_ends_at),
                                SA_I64N(n->opened_at),
                                SA_I64N(n->deemed_at),
                                SA_I64N(n->notified_at),
                                SA_I64N(n->effective_date),
                                SA_I64N(n->response_deadline)};

    return store__one(tx, &q_update, args, 9, NULL, NULL, err);
}

/* The row comparison walks the (particular_id, created_at DESC, id DESC) index from the
 * cursor, so every page costs the same however deep it is. */
static struct store__query q_page =
    STORE__QUERY("SELECT " NOTIFICATION_COLS " FROM notifications WHERE particular_id = $1 "
                 "AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4");

static int
notification_page(struct store_tx *tx, int64_t particular_id, int64_t before_created_at,
                  int64_t before_id, size_t limit, struct store_notification **items, size_t *n,
                  struct error *err)
{
    struct store__arg args[4];

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    if (before_created_at == 0) {
        before_created_at = INT64_MAX;
        before_id = INT64_MAX;
    }
    args[0] = SA_I64(particular_id);
    args[1] = SA_I64(before_created_at);
    args[2] = SA_I64(before_id);
    args[3] = SA_I64(limit);
    return store__many(tx, &q_page, args, 4, read_notification, sizeof(**items), limit,
                       (void **)items, n, err);
}

/* Lineamientos 7.5. In PostgreSQL, SKIP LOCKED lets every node's worker take a different
 * share of the due notifications instead of waiting on each other's rows. */
static struct store__query q_claim_due = STORE__QUERY2(
    "SELECT " NOTIFICATION_COLS " FROM notifications WHERE state = 1 AND window_ends_at <= $1 "
    "ORDER BY window_ends_at LIMIT $2",
    "SELECT " NOTIFICATION_COLS " FROM notifications WHERE state = 1 AND window_ends_at <= $1 "
    "ORDER BY window_ends_at LIMIT $2 FOR UPDATE SKIP LOCKED");

static int
notification_claim_due(struct store_tx *tx, int64_t now, size_t limit,
                       struct store_notification **items, size_t *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(now), SA_I64(limit)};

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    args[1] = SA_I64(limit);
    return store__many(tx, &q_claim_due, args, 2, read_notification, sizeof(**items), limit,
                       (void **)items, n, err);
}

static struct store__query q_aviso_insert = STORE__QUERY(
    "INSERT INTO avisos (notification_id, notification_created_at, contact_id, outbox_id, "
    "created_at, sent_at, provider_reply) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");

static int
aviso_insert(struct store_tx *tx, struct store_aviso *a, struct error *err)
{
    struct store__arg args[] = {SA_I64(a->notification_id), SA_I64(a->notification_created_at),
                                SA_I64(a->contact_id),      SA_I64N(a->outbox_id),
                                SA_I64(a->created_at),      SA_I64N(a->sent_at),
                                SA_TEXTN(a->provider_reply)};
    int rc = STORE__CHECK(tx, a, provider_reply, err);

    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_aviso_insert, args, 7, read_id, &a->id, err));
}

static struct store__query q_aviso_sent =
    STORE__QUERY("UPDATE avisos SET sent_at = $2, provider_reply = $3 WHERE id = $1 RETURNING id");

static int
aviso_mark_sent(struct store_tx *tx, int64_t id, int64_t sent_at, const char *reply,
                struct error *err)
{
    struct store__arg args[] = {SA_I64(id), SA_I64(sent_at), SA_TEXT(reply)};

    if (strnlen(reply, STORE_REPLY_MAX + 1) > STORE_REPLY_MAX)
        return store__invalid(tx, err, "store_too_long",
                              "la respuesta del proveedor excede %d caracteres", STORE_REPLY_MAX);
    return store__one(tx, &q_aviso_sent, args, 3, NULL, NULL, err);
}

static void
read_aviso(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_aviso *a = out;

    a->id = store__i64(tx, r, 0);
    a->notification_id = store__i64(tx, r, 1);
    a->notification_created_at = store__i64(tx, r, 2);
    a->contact_id = store__i64(tx, r, 3);
    a->outbox_id = store__i64(tx, r, 4);
    a->created_at = store__i64(tx, r, 5);
    a->sent_at = store__i64(tx, r, 6);
    store__text(tx, r, 7, a->provider_reply, sizeof(a->provider_reply));
}

static struct store__query q_aviso_list = STORE__QUERY(
    "SELECT id, notification_id, notification_created_at, contact_id, outbox_id, created_at, "
    "sent_at, provider_reply FROM avisos WHERE notification_id = $1 ORDER BY id");

static int
aviso_list(struct store_tx *tx, int64_t notification_id, struct store_aviso **items, size_t *n,
           struct error *err)
{
    struct store__arg args[] = {SA_I64(notification_id)};

    return store__many(tx, &q_aviso_list, args, 1, read_aviso, sizeof(**items), (size_t)-1,
                       (void **)items, n, err);
}

static struct store__query q_estrados_insert = STORE__QUERY(
    "INSERT INTO estrados (notification_id, notification_created_at, reason, published_at, "
    "withdrawn_at, notified_date) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");

static int
estrados_insert(struct store_tx *tx, struct store_estrados *e, struct error *err)
{
    struct store__arg args[] = {SA_I64(e->notification_id), SA_I64(e->notification_created_at),
                                SA_TEXT(e->reason),         SA_I64(e->published_at),
                                SA_I64N(e->withdrawn_at),   SA_I64N(e->notified_date)};
    int rc = STORE__CHECK(tx, e, reason, err);

    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_estrados_insert, args, 6, read_id, &e->id, err));
}

static void
read_estrados(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_estrados *e = out;

    e->id = store__i64(tx, r, 0);
    e->notification_id = store__i64(tx, r, 1);
    e->notification_created_at = store__i64(tx, r, 2);
    store__text(tx, r, 3, e->reason, sizeof(e->reason));
    e->published_at = store__i64(tx, r, 4);
    e->withdrawn_at = store__i64(tx, r, 5);
    e->notified_date = (int32_t)store__i64(tx, r, 6);
}

static struct store__query q_estrados_active = STORE__QUERY(
    "SELECT id, notification_id, notification_created_at, reason, published_at, withdrawn_at, "
    "notified_date FROM estrados WHERE published_at <= $1 "
    "AND (withdrawn_at IS NULL OR withdrawn_at > $1) ORDER BY published_at DESC, id DESC "
    "LIMIT $2");

static int
estrados_list_active(struct store_tx *tx, int64_t now, size_t limit, struct store_estrados **items,
                     size_t *n, struct error *err)
{
    struct store__arg args[2];

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    args[0] = SA_I64(now);
    args[1] = SA_I64(limit);
    return store__many(tx, &q_estrados_active, args, 2, read_estrados, sizeof(**items), limit,
                       (void **)items, n, err);
}

void
store__ops_notification(struct store_ops *ops)
{
    ops->notification_insert = notification_insert;
    ops->notification_get = notification_get;
    ops->notification_update = notification_update;
    ops->notification_page = notification_page;
    ops->notification_claim_due = notification_claim_due;
    ops->aviso_insert = aviso_insert;
    ops->aviso_mark_sent = aviso_mark_sent;
    ops->aviso_list = aviso_list;
    ops->estrados_insert = estrados_insert;
    ops->estrados_list_active = estrados_list_active;
}

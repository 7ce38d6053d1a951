/* ops_publication.c - communications, read receipts and published documents (Lineamientos
 * 8), and the authorizations a particular grants (services 9.1, 9.3, 9.6). */
#include "store/impl.h"

#include <string.h>

static void
read_id(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static struct store__query q_comm_insert =
    STORE__QUERY("INSERT INTO communications (audience, segment, particular_id, title, body, "
                 "author_staff_id, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");

static int
communication_insert(struct store_tx *tx, struct store_communication *c, struct error *err)
{
    struct store__arg args[] = {SA_I64(c->audience),       SA_TEXTN(c->segment),
                                SA_I64N(c->particular_id), SA_TEXT(c->title),
                                SA_TEXT(c->body),          SA_I64N(c->author_staff_id),
                                SA_I64(c->published_at)};
    int rc = STORE__CHECK(tx, c, segment, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, c, title, err);
    if (rc == STORE_OK)
        rc = store__check_heap(tx, "body", c->body, true, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_comm_insert, args, 7, read_id, &c->id, err));
}

#define COMM_COLS                                                                \
    "c.id, c.audience, c.segment, c.particular_id, c.title, c.author_staff_id, " \
    "c.published_at"

static void
read_comm(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_communication *c = out;

    c->id = store__i64(tx, r, 0);
    c->audience = (enum store_audience)store__i64(tx, r, 1);
    store__text(tx, r, 2, c->segment, sizeof(c->segment));
    c->particular_id = store__i64(tx, r, 3);
    store__text(tx, r, 4, c->title, sizeof(c->title));
    c->author_staff_id = store__i64(tx, r, 5);
    c->published_at = store__i64(tx, r, 6);
    c->read_at = store__i64(tx, r, 7);
}

static void
read_comm_body(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_communication *c = out;

    read_comm(tx, r, out);
    c->body = store__strdup(tx, r, 8);
}

static struct store__query q_comm_get =
    STORE__QUERY("SELECT " COMM_COLS ", NULL, c.body FROM communications c WHERE c.id = $1");

static int
communication_get(struct store_tx *tx, int64_t id, struct store_communication *out,
                  struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_comm_get, args, 1, read_comm_body, out, err);
}

/* FIXME: segment membership is named by the caller; the store keeps no table of which
 * particulars belong to a segment yet, so a segment list must come from the application. */
static struct store__query q_comm_list = STORE__QUERY(
    "SELECT " COMM_COLS ", r.read_at FROM communications c "
    "LEFT JOIN communication_reads r ON r.communication_id = c.id AND r.particular_id = $1 "
    "WHERE c.audience = 1 OR c.particular_id = $1 OR (c.audience = 2 AND c.segment = $2) "
    "ORDER BY c.published_at DESC, c.id DESC LIMIT $3");

static void
comm_cleanup(void *c)
{
    store_communication_cleanup(c);
}

static int
communication_list(struct store_tx *tx, int64_t particular_id, const char *segment, size_t limit,
                   struct store_communication **items, size_t *n, struct error *err)
{
    struct store__arg args[3];

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    args[0] = SA_I64(particular_id);
    args[1] = segment != NULL && segment[0] != '\0' ? SA_TEXT(segment) : SA_NULL;
    args[2] = SA_I64(limit);
    return store__many_owned(tx, &q_comm_list, args, 3, read_comm, comm_cleanup, sizeof(**items),
                             limit, (void **)items, n, err);
}

static struct store__query q_comm_read =
    STORE__QUERY("INSERT INTO communication_reads (communication_id, particular_id, read_at) "
                 "VALUES ($1, $2, $3)");

static int
communication_mark_read(struct store_tx *tx, int64_t communication_id, int64_t particular_id,
                        int64_t at, struct error *err)
{
    struct store__arg args[] = {SA_I64(communication_id), SA_I64(particular_id), SA_I64(at)};

    return store__exec(tx, &q_comm_read, args, 3, err);
}

static struct store__query q_doc_insert =
    STORE__QUERY("INSERT INTO documents (particular_id, catalogue_code, title, media_type, sha256, "
                 "published_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");

static int
document_insert(struct store_tx *tx, struct store_document *d, struct error *err)
{
    struct store__arg args[] = {
        SA_I64(d->particular_id), SA_TEXT(d->catalogue_code),         SA_TEXT(d->title),
        SA_TEXT(d->media_type),   SA_BLOB(d->sha256, STORE_HASH_LEN), SA_I64(d->published_at),
        SA_I64N(d->expires_at)};
    int rc = STORE__CHECK(tx, d, catalogue_code, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, d, title, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, d, media_type, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_doc_insert, args, 7, read_id, &d->id, err));
}

static void
read_doc(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_document *d = out;

    d->id = store__i64(tx, r, 0);
    d->particular_id = store__i64(tx, r, 1);
    store__text(tx, r, 2, d->catalogue_code, sizeof(d->catalogue_code));
    store__text(tx, r, 3, d->title, sizeof(d->title));
    store__text(tx, r, 4, d->media_type, sizeof(d->media_type));
    store__hash(tx, r, 5, d->sha256);
    d->published_at = store__i64(tx, r, 6);
    d->expires_at = store__i64(tx, r, 7);
}

static struct store__query q_doc_list = STORE__QUERY(
    "SELECT id, particular_id, catalogue_code, title, media_type, sha256, published_at, "
    "expires_at FROM documents WHERE particular_id = $1 "
    "ORDER BY published_at DESC, id DESC LIMIT $2");

static int
document_list(struct store_tx *tx, int64_t particular_id, size_t limit,
              struct store_document **items, size_t *n, struct error *err)
{
    struct store__arg args[2];

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    args[0] = SA_I64(particular_id);
    args[1] = SA_I64(limit);
    return store__many(tx, &q_doc_list, args, 2, read_doc, sizeof(**items), limit, (void **)items,
                       n, err);
}

static struct store__query q_auth_insert = STORE__QUERY(
    "INSERT INTO authorizations (particular_id, kind, grantee_rfc, granted_at, revoked_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id");

static int
authorization_insert(struct store_tx *tx, struct store_authorization *a, struct error *err)
{
    struct store__arg args[] = {SA_I64(a->particular_id), SA_I64(a->kind), SA_TEXTN(a->grantee_rfc),
                                SA_I64(a->granted_at), SA_I64N(a->revoked_at)};
    int rc = STORE__CHECK(tx, a, grantee_rfc, err);

    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_auth_insert, args, 5, read_id, &a->id, err));
}

static struct store__query q_auth_revoke =
    STORE__QUERY("UPDATE authorizations SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL "
                 "RETURNING id");

static int
authorization_revoke(struct store_tx *tx, int64_t id, int64_t at, struct error *err)
{
    struct store__arg args[] = {SA_I64(id), SA_I64(at)};

    return store__one(tx, &q_auth_revoke, args, 2, NULL, NULL, err);
}

static void
read_auth(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_authorization *a = out;

    a->id = store__i64(tx, r, 0);
    a->particular_id = store__i64(tx, r, 1);
    a->kind = (enum store_authorization_kind)store__i64(tx, r, 2);
    store__text(tx, r, 3, a->grantee_rfc, sizeof(a->grantee_rfc));
    a->granted_at = store__i64(tx, r, 4);
    a->revoked_at = store__i64(tx, r, 5);
}

static struct store__query q_auth_list = STORE__QUERY(
    "SELECT id, particular_id, kind, grantee_rfc, granted_at, revoked_at FROM authorizations "
    "WHERE particular_id = $1 ORDER BY id");

static int
authorization_list(struct store_tx *tx, int64_t particular_id, struct store_authorization **items,
                   size_t *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(particular_id)};

    return store__many(tx, &q_auth_list, args, 1, read_auth, sizeof(**items), (size_t)-1,
                       (void **)items, n, err);
}

void
store__ops_publication(struct store_ops *ops)
{
    ops->communication_insert = communication_insert;
    ops->communication_get = communication_get;
    ops->communication_list = communication_list;
    ops->communication_mark_read = communication_mark_read;
    ops->document_insert = document_insert;
    ops->document_list = document_list;
    ops->authorization_insert = authorization_insert;
    ops->authorization_revoke = authorization_revoke;
    ops->authorization_list = authorization_list;
}

/* ops_filing.c - filings and their attachments (Lineamientos 6.1-6.5). */
#include "store/impl.h"

#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

static void
read_id(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static struct store__query q_filing_insert = STORE__QUERY(
    "INSERT INTO filings (particular_id, service_code, fields_json, signature, cert_number, "
    "received_at, legal_received_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "RETURNING id");
static struct store__query q_attachment_insert = STORE__QUERY(
    "INSERT INTO filing_attachments (filing_id, ordinal, name, media_type, size, sha256) "
    "VALUES ($1, $2, $3, $4, $5, $6)");

static int
check_filing(struct store_tx *tx, const struct store_filing *f, const struct store_attachment *atts,
             size_t n_atts, struct error *err)
{
    int rc = STORE__CHECK(tx, f, service_code, err);

    if (rc == STORE_OK)
        rc = store__check_heap(tx, "fields_json", f->fields_json, true, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, f, signature, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, f, cert_number, err);
    for (size_t i = 0; rc == STORE_OK && i < n_atts; i++) {
        rc = STORE__CHECK(tx, &atts[i], name, err);
        if (rc == STORE_OK)
            rc = STORE__CHECK(tx, &atts[i], media_type, err);
    }
    return rc;
}

static int
filing_insert(struct store_tx *tx, struct store_filing *f, const struct store_attachment *atts,
              size_t n_atts, struct error *err)
{
    struct store__arg args[] = {SA_I64(f->particular_id),     SA_TEXT(f->service_code),
                                SA_TEXT(f->fields_json),      SA_TEXT(f->signature),
                                SA_TEXT(f->cert_number),      SA_I64(f->received_at),
                                SA_I64(f->legal_received_at), SA_I64(f->state)};
    int rc = check_filing(tx, f, atts, n_atts, err);

    if (rc != STORE_OK)
        return rc;
    rc = store__fail(tx, store__one(tx, &q_filing_insert, args, 8, read_id, &f->id, err));

    /* Each attachment names content already in the blob store (a foreign key checks it). */
    for (size_t i = 0; rc == STORE_OK && i < n_atts; i++) {
        const struct store_attachment *a = &atts[i];
        struct store__arg aa[] = {SA_I64(f->id),    SA_I64(a->ordinal),
                                  SA_TEXT(a->name), SA_TEXT(a->media_type),
                                  SA_I64(a->size),  SA_BLOB(a->sha256, STORE_HASH_LEN)};
        rc = store__exec(tx, &q_attachment_insert, aa, 6, err);
    }
    return rc;
}

static struct store__query q_filing_get = STORE__QUERY(
    "SELECT id, particular_id, service_code, fields_json, signature, cert_number, received_at, "
    "legal_received_at, state FROM filings WHERE id = $1");
static struct store__query q_attachment_list = STORE__QUERY(
    "SELECT filing_id, ordinal, name, media_type, size, sha256 FROM filing_attachments "
    "WHERE filing_id = $1 ORDER BY ordinal");

static void
read_filing(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_filing *f = out;

    f->id = store__i64(tx, r, 0);
    f->particular_id = store__i64(tx, r, 1);
    store__text(tx, r, 2, f->service_code, sizeof(f->service_code));
    f->fields_json = store__strdup(tx, r, 3);
    store__text(tx, r, 4, f->signature, sizeof(f->signature));
    store__text(tx, r, 5, f->cert_number, sizeof(f->cert_number));
    f->received_at = store__i64(tx, r, 6);
    f->legal_received_at = store__i64(tx, r, 7);
    f->state = (enum store_filing_state)store__i64(tx, r, 8);
}

static void
read_attachment(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_attachment *a = out;

    a->filing_id = store__i64(tx, r, 0);
    a->ordinal = (int32_t)store__i64(tx, r, 1);
    store__text(tx, r, 2, a->name, sizeof(a->name));
    store__text(tx, r, 3, a->media_type, sizeof(a->media_type));
    a->size = store__i64(tx, r, 4);
    store__hash(tx, r, 5, a->sha256);
}

static int
filing_get(struct store_tx *tx, int64_t id, struct store_filing *out,
           struct store_attachment **atts, size_t *n_atts, struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};
    int rc;

    memset(out, 0, sizeof(*out));
    *atts = NULL;
    *n_atts = 0;
    rc = store__one(tx, &q_filing_get, args, 1, read_filing, out, err);
    if (rc != STORE_OK)
        return rc;

    rc = store__many(tx, &q_attachment_list, args, 1, read_attachment, sizeof(**atts), (size_t)-1,
                     (void **)atts, n_atts, err);
    if (rc != STORE_OK)
        store_filing_cleanup(out);
    return rc;
}

static struct store__query q_filing_state =
    STORE__QUERY("UPDATE filings SET state = $2 WHERE id = $1 RETURNING id");

static int
filing_set_state(struct store_tx *tx, int64_t id, enum store_filing_state st, struct error *err)
{
    struct store__arg args[] = {SA_I64(id), SA_I64(st)};

    return store__one(tx, &q_filing_state, args, 2, NULL, NULL, err);
}

void
store__ops_filing(struct store_ops *ops)
{
    ops->filing_insert = filing_insert;
    ops->filing_get = filing_get;
    ops->filing_set_state = filing_set_state;
}

/*
 * blob.c - the PostgreSQL backend's blob store: contents in the blobs table (bytea), so that
 * every node of a deployment sees them and they are replicated with everything else.
 */
#include "store/impl.h"

#include "core/mem.h"
#include "core/sha256.h"

#include <stdlib.h>
#include <string.h>

static struct store__query q_insert =
    STORE__QUERY("INSERT INTO blobs (sha256, size, media_type, created_at, content) "
                 "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING");
static struct store__query q_get =
    STORE__QUERY("SELECT size, content FROM blobs WHERE sha256 = $1");

static int
pg_blob_put(struct store_tx *tx, const void *data, size_t len, const char *media_type,
            uint8_t digest[STORE_HASH_LEN], struct error *err)
{
    int rc;

    if (len > STORE_BLOB_MAX)
        return store__invalid(tx, err, "store_too_long", "el documento excede %d MiB",
                              STORE_BLOB_MAX >> 20);
    rc = store__check_fixed(tx, "media_type", media_type, STORE_MEDIA_TYPE_MAX + 1, err);
    if (rc != STORE_OK)
        return rc;

    sha256(data, len, digest);
    {
        struct store__arg args[] = {SA_BLOB(digest, STORE_HASH_LEN), SA_I64(len),
                                    SA_TEXT(media_type), SA_I64(store__now_us()),
                                    SA_BLOB(data, len)};
        return store__exec(tx, &q_insert, args, 5, err);
    }
}

struct got {
    unsigned char *data;
    size_t len;
};

static void
read_content(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct got *g = out;
    size_t len = 0;
    const void *b = tx->db->drv->blob(r, 1, &len);

    g->data = mem_alloc(len + 1);
    if (len > 0)
        memcpy(g->data, b, len);
    g->len = len;
}

static int
pg_blob_get(struct store_tx *tx, const uint8_t digest[STORE_HASH_LEN], void **data, size_t *len,
            struct error *err)
{
    struct store__arg args[] = {SA_BLOB(digest, STORE_HASH_LEN)};
    struct got g = {NULL, 0};
    uint8_t check[SHA256_LEN];
    int rc = store__one(tx, &q_get, args, 1, read_content, &g, err);

    *data = NULL;
    *len = 0;
    if (rc != STORE_OK)
        return rc;

    sha256(g.data, g.len, check);
    if (memcmp(check, digest, SHA256_LEN) != 0) {
        free(g.data);
        error_set(err, "store_blob_corrupt", "un documento guardado está dañado o alterado");
        return STORE_ERROR;
    }
    *data = g.data;
    *len = g.len;
    return STORE_OK;
}

void
store__postgres_ops(struct store_ops *ops)
{
    ops->blob_put = pg_blob_put;
    ops->blob_get = pg_blob_get;
}

/* sql.c - helpers the shared operations use over a backend's driver (see impl.h). */
#include "store/impl.h"

#include "core/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_int next_query_id = 1;

int
store__query_id(struct store__query *q)
{
    int id = atomic_load(&q->id);
    int fresh;

    if (id != 0)
        return id;

    /* Two threads may race here; one id wins and the other is never used. */
    fresh = atomic_fetch_add(&next_query_id, 1);
    if (fresh >= STORE__MAX_QUERIES) {
        fprintf(stderr, "store: more than %d queries; raise STORE__MAX_QUERIES\n",
                STORE__MAX_QUERIES);
        abort();
    }
    if (!atomic_compare_exchange_strong(&q->id, &id, fresh))
        return id;
    return fresh;
}

int
store__fail(struct store_tx *tx, int rc)
{
    if (rc != STORE_OK && rc != STORE_NOT_FOUND)
        tx->failed = true;
    return rc;
}

int
store__invalid(struct store_tx *tx, struct error *err, const char *code, const char *fmt, ...)
{
    char msg[ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_set(err, code, "%s", msg);
    return store__fail(tx, STORE_INVALID);
}

static int
usable(struct store_tx *tx, struct error *err)
{
    if (!tx->failed)
        return STORE_OK;
    error_set(err, "store_tx_failed",
              "la transacción ya falló y sólo puede deshacerse; inténtelo de nuevo");
    return STORE_ERROR;
}

int
store__query(struct store_tx *tx, struct store__query *q, const struct store__arg *args, int n_args,
             struct store__rows **rows, struct error *err)
{
    int rc = usable(tx, err);

    if (rc != STORE_OK)
        return rc;
    rc = tx->db->drv->exec(tx->conn, q, args, n_args, rows, err);
    return store__fail(tx, rc);
}

int
store__exec(struct store_tx *tx, struct store__query *q, const struct store__arg *args, int n_args,
            struct error *err)
{
    return store__query(tx, q, args, n_args, NULL, err);
}

int
store__next(struct store_tx *tx, struct store__rows *r, struct error *err)
{
    int rc = tx->db->drv->next(r, err);

    if (rc < 0)
        store__fail(tx, rc);
    return rc;
}

void
store__done(struct store_tx *tx, struct store__rows *r)
{
    if (r != NULL)
        tx->db->drv->done(r);
}

int
store__one(struct store_tx *tx, struct store__query *q, const struct store__arg *args, int n_args,
           void (*read)(struct store_tx *, struct store__rows *, void *), void *out,
           struct error *err)
{
    struct store__rows *rows = NULL;
    int rc = store__query(tx, q, args, n_args, &rows, err);

    if (rc != STORE_OK)
        return rc;

    rc = store__next(tx, rows, err);
    if (rc == 1) {
        if (read != NULL)
            read(tx, rows, out);
        rc = STORE_OK;
    } else if (rc == 0) {
        error_set(err, "store_not_found", "no existe el registro solicitado");
        rc = STORE_NOT_FOUND;
    }
    store__done(tx, rows);
    return rc;
}

int
store__many(struct store_tx *tx, struct store__query *q, const struct store__arg *args, int n_args,
            void (*read)(struct store_tx *, struct store__rows *, void *), size_t size,
            size_t limit, void **items, size_t *n, struct error *err)
{
    return store__many_owned(tx, q, args, n_args, read, NULL, size, limit, items, n, err);
}

int
store__many_owned(struct store_tx *tx, struct store__query *q, const struct store__arg *args,
                  int n_args, void (*read)(struct store_tx *, struct store__rows *, void *),
                  void (*cleanup)(void *), size_t size, size_t limit, void **items, size_t *n,
                  struct error *err)
{
    struct store__rows *rows = NULL;
    unsigned char *buf = NULL;
    size_t count = 0, cap = 0;
    int rc = store__query(tx, q, args, n_args, &rows, err);

    *items = NULL;
    *n = 0;
    if (rc != STORE_OK)
        return rc;

    while (count < limit && (rc = store__next(tx, rows, err)) == 1) {
        if (count == cap) {
            cap = cap == 0 ? 8 : cap * 2;
            buf = mem_realloc(buf, cap * size);
        }
        memset(buf + count * size, 0, size);
        read(tx, rows, buf + count * size);
        count++;
    }
    store__done(tx, rows);
    if (rc < 0) {
        for (size_t i = 0; cleanup != NULL && i < count; i++)
            cleanup(buf + i * size);
        free(buf);
        return rc;
    }
    *items = buf;
    *n = count;
    return STORE_OK;
}

int
store__count(struct store_tx *tx, struct store__query *q, const struct store__arg *args, int n_args,
             size_t *n, struct error *err)
{
    struct store__rows *rows = NULL;
    int rc = store__query(tx, q, args, n_args, &rows, err);

    *n = 0;
    while (rc == STORE_OK && (rc = store__next(tx, rows, err)) == 1) {
        (*n)++;
        rc = STORE_OK;
    }
    store__done(tx, rows);
    return rc < 0 ? rc : STORE_OK;
}

int64_t
store__i64(struct store_tx *tx, struct store__rows *r, int col)
{
    const struct store__driver *drv = tx->db->drv;

    return drv->is_null(r, col) ? 0 : drv->i64(r, col);
}

void
store__text(struct store_tx *tx, struct store__rows *r, int col, char *buf, size_t size)
{
    const struct store__driver *drv = tx->db->drv;
    size_t len = 0;
    const char *s = drv->is_null(r, col) ? NULL : drv->text(r, col, &len);

    /* The schema's CHECKs keep stored text within its field; truncation is a last guard. */
    if (s == NULL)
        len = 0;
    if (len >= size)
        len = size - 1;
    if (len > 0)
        memcpy(buf, s, len);
    buf[len] = '\0';
}

char *
store__strdup(struct store_tx *tx, struct store__rows *r, int col)
{
    const struct store__driver *drv = tx->db->drv;
    size_t len = 0;
    const char *s;

    if (drv->is_null(r, col))
        return NULL;
    s = drv->text(r, col, &len);
    return mem_strndup(s != NULL ? s : "", len);
}

void
store__hash(struct store_tx *tx, struct store__rows *r, int col, uint8_t out[STORE_HASH_LEN])
{
    const struct store__driver *drv = tx->db->drv;
    size_t len = 0;
    const void *b = drv->is_null(r, col) ? NULL : drv->blob(r, col, &len);

    memset(out, 0, STORE_HASH_LEN);
    if (b != NULL && len == STORE_HASH_LEN)
        memcpy(out, b, STORE_HASH_LEN);
}

/* Well-formed UTF-8 (RFC 3629 section 4): no overlongs, no surrogates, nothing past
 * U+10FFFF. PostgreSQL refuses anything else; SQLite would store it, so both check here. */
static bool
utf8_valid(const unsigned char *s)
{
    while (*s != 0) {
        unsigned char c = *s;
        int n = c < 0x80                 ? 0
                : c >= 0xc2 && c <= 0xdf ? 1
                : (c & 0xf0) == 0xe0     ? 2
                : c >= 0xf0 && c <= 0xf4 ? 3
                                         : -1;
        if (n < 0)
            return false;
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return false;
        }
        if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
            (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
            return false;
        s += n + 1;
    }
    return true;
}

int
store__check_fixed(struct store_tx *tx, const char *field, const char *s, size_t size,
                   struct error *err)
{
    if (memchr(s, '\0', size) == NULL)
        return store__invalid(tx, err, "store_too_long", "el campo %s excede %zu caracteres", field,
                              size - 1);
    if (!utf8_valid((const unsigned char *)s))
        return store__invalid(tx, err, "store_encoding", "el campo %s no es texto UTF-8 válido",
                              field);
    return STORE_OK;
}

int
store__check_heap(struct store_tx *tx, const char *field, const char *s, bool required,
                  struct error *err)
{
    if (s == NULL && required)
        return store__invalid(tx, err, "store_missing", "falta el campo %s", field);
    if (s != NULL && strnlen(s, STORE_TEXT_MAX + 1) > STORE_TEXT_MAX)
        return store__invalid(tx, err, "store_too_long", "el campo %s excede %d bytes", field,
                              STORE_TEXT_MAX);
    if (s != NULL && !utf8_valid((const unsigned char *)s))
        return store__invalid(tx, err, "store_encoding", "el campo %s no es texto UTF-8 válido",
                              field);
    return STORE_OK;
}

void
store_filing_cleanup(struct store_filing *f)
{
    if (f != NULL)
        MEM_FREE(f->fields_json);
}

void
store_communication_cleanup(struct store_communication *c)
{
    if (c != NULL)
        MEM_FREE(c->body);
}

void
store_receipt_cleanup(struct store_receipt *r)
{
    if (r != NULL)
        MEM_FREE(r->cadena);
}

void
store_audit_event_cleanup(struct store_audit_event *e)
{
    if (e != NULL)
        MEM_FREE(e->detail_json);
}

void
store_audit_event_list_free(struct store_audit_event *items, size_t n)
{
    for (size_t i = 0; items != NULL && i < n; i++)
        store_audit_event_cleanup(&items[i]);
    free(items);
}

void
store_outbox_cleanup(struct store_outbox *o)
{
    if (o != NULL) {
        MEM_FREE(o->payload);
        MEM_FREE(o->transcript);
    }
}

void
store_outbox_list_free(struct store_outbox *items, size_t n)
{
    for (size_t i = 0; items != NULL && i < n; i++)
        store_outbox_cleanup(&items[i]);
    free(items);
}

/* outbox_memory.c - an outbox kept in memory (see outbox_memory.h). */
#include "deliver/outbox_memory.h"

#include "core/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct deliver_memory {
    pthread_mutex_t lock;
    struct deliver_memory_row *rows;
    size_t n_rows, cap;
    int64_t next_id;
    uint64_t next_token;
};

static char *
dup_or_null(const char *s)
{
    return s != NULL ? mem_strdup(s) : NULL;
}

static void
copy_message(struct deliver_message *dst, const struct deliver_message *src)
{
    *dst = *src;
    dst->key = dup_or_null(src->key);
    dst->address = dup_or_null(src->address);
    dst->subject = dup_or_null(src->subject);
    dst->body = dup_or_null(src->body);
}

struct deliver_memory *
deliver_memory_new(void)
{
    struct deliver_memory *mem = mem_calloc(1, sizeof(*mem));

    pthread_mutex_init(&mem->lock, NULL);
    mem->next_id = 1;
    mem->next_token = 1;
    return mem;
}

void
deliver_memory_free(struct deliver_memory *mem)
{
    if (mem == NULL)
        return;
    for (size_t i = 0; i < mem->n_rows; i++)
        deliver_message_cleanup(&mem->rows[i].msg);
    free(mem->rows);
    pthread_mutex_destroy(&mem->lock);
    free(mem);
}

static struct deliver_memory_row *
find(struct deliver_memory *mem, const char *key)
{
    for (size_t i = 0; i < mem->n_rows; i++) {
        if (strcmp(mem->rows[i].msg.key, key) == 0)
            return &mem->rows[i];
    }
    return NULL;
}

int
deliver_memory_add(struct deliver_memory *mem, const struct deliver_message *m, int64_t due_us,
                   int64_t *id, struct error *err)
{
    struct deliver_memory_row *row;
    int rc = -1;

    if (deliver_message_check(m, err) != 0)
        return -1;

    pthread_mutex_lock(&mem->lock);
    if (find(mem, m->key) != NULL) {
        error_set(err, "deliver_duplicate", "ya existe un mensaje con la misma clave");
        goto out;
    }
    if (mem->n_rows == mem->cap) {
        mem->cap = mem->cap ? mem->cap * 2 : 16;
        mem->rows = mem_realloc(mem->rows, mem->cap * sizeof(*mem->rows));
    }

    row = &mem->rows[mem->n_rows++];
    memset(row, 0, sizeof(*row));
    copy_message(&row->msg, m);
    row->msg.id = mem->next_id++;
    row->msg.attempts = 0;
    row->msg.next_attempt_us = due_us;
    row->msg.lease_token = 0;
    row->msg.in_doubt = false;
    row->state = DELIVER_MEMORY_PENDING;
    if (id != NULL)
        *id = row->msg.id;
    rc = 0;

out:
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

int
deliver_memory_get(struct deliver_memory *mem, const char *key, struct deliver_memory_row *out)
{
    struct deliver_memory_row *row;
    int rc = -1;

    pthread_mutex_lock(&mem->lock);
    row = find(mem, key);
    if (row != NULL) {
        *out = *row;
        copy_message(&out->msg, &row->msg);
        rc = 0;
    }
    pthread_mutex_unlock(&mem->lock);
    return rc;
}

size_t
deliver_memory_pending(struct deliver_memory *mem)
{
    size_t n = 0;

    pthread_mutex_lock(&mem->lock);
    for (size_t i = 0; i < mem->n_rows; i++)
        n += mem->rows[i].state == DELIVER_MEMORY_PENDING;
    pthread_mutex_unlock(&mem->lock);
    return n;
}

/* Index of the due pending row of a kind in kinds with the earliest due time, or -1. */
static long
earliest_due(const struct deliver_memory *mem, int64_t now_us, unsigned kinds)
{
    long best = -1;

    for (size_t i = 0; i < mem->n_rows; i++) {
        const struct deliver_memory_row *r = &mem->rows[i];
        if (r->state != DELIVER_MEMORY_PENDING || r->msg.next_attempt_us > now_us ||
            (kinds & DELIVER_KIND_BIT(r->msg.kind)) == 0)
            continue;
        if (best < 0 || r->msg.next_attempt_us < mem->rows[best].msg.next_attempt_us)
            best = (long)i;
    }
    return best;
}

static int
mem_claim(void *ctx, int64_t now_us, int64_t lease_us, unsigned kinds, size_t max,
          struct deliver_message *out, size_t *n_out, struct error *err)
{
    struct deliver_memory *mem = ctx;
    long i;

    (void)err;
    *n_out = 0;
    pthread_mutex_lock(&mem->lock);
    while (*n_out < max && (i = earliest_due(mem, now_us, kinds)) >= 0) {
        struct deliver_memory_row *r = &mem->rows[i];

        r->msg.attempts++;
        r->msg.in_doubt = r->attempt_open;
        r->msg.lease_token = mem->next_token++;
        copy_message(&out[*n_out], &r->msg);
        (*n_out)++;

        /* The lease: due again only when it ends, which happens only if the worker died. */
        r->attempt_open = true;
        r->msg.next_attempt_us = now_us + lease_us;
    }
    pthread_mutex_unlock(&mem->lock);
    return 0;
}

/*
 * The row m refers to, when m still holds its lease; otherwise NULL with err set. Called with
 * the lock held.
 */
static struct deliver_memory_row *
leased_row(struct deliver_memory *mem, const struct deliver_message *m, struct error *err)
{
    struct deliver_memory_row *r = find(mem, m->key);

    if (r == NULL || r->msg.id != m->id || r->msg.lease_token != m->lease_token ||
        r->state != DELIVER_MEMORY_PENDING || !r->attempt_open) {
        error_set(err, "deliver_lease_lost",
                  "el mensaje ya no está reservado por este proceso; no se registró el resultado");
        return NULL;
    }
    return r;
}

static int
mark(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
     enum deliver_memory_state state, int64_t next_us, struct error *err)
{
    struct deliver_memory *mem = ctx;
    struct deliver_memory_row *r;

    pthread_mutex_lock(&mem->lock);
    r = leased_row(mem, m, err);
    if (r != NULL) {
        r->state = state;
        r->attempt_open = false;
        r->marks++;
        r->last = *res;
        r->msg.in_doubt = false;
        if (state == DELIVER_MEMORY_PENDING)
            r->msg.next_attempt_us = next_us;
    }
    pthread_mutex_unlock(&mem->lock);
    return r != NULL ? 0 : -1;
}

static int
mem_mark_delivered(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
                   int64_t now_us, struct error *err)
{
    (void)now_us;
    return mark(ctx, m, res, DELIVER_MEMORY_DELIVERED, 0, err);
}

static int
mem_mark_retry(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
               int64_t next_us, int64_t now_us, struct error *err)
{
    (void)now_us;
    return mark(ctx, m, res, DELIVER_MEMORY_PENDING, next_us, err);
}

static int
mem_mark_failed(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
                int64_t now_us, struct error *err)
{
    (void)now_us;
    return mark(ctx, m, res, DELIVER_MEMORY_FAILED, 0, err);
}

void
deliver_memory_backend(struct deliver_memory *mem, struct deliver_backend *out)
{
    out->ctx = mem;
    out->claim = mem_claim;
    out->mark_delivered = mem_mark_delivered;
    out->mark_retry = mem_mark_retry;
    out->mark_failed = mem_mark_failed;
}

/* outbox_store.c - the outbox kept in the store (see outbox_store.h). */
#include "deliver/outbox_store.h"

#include "core/mem.h"
#include "deliver/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert((int)DELIVER_EMAIL == (int)STORE_CHANNEL_EMAIL &&
                   (int)DELIVER_SMS == (int)STORE_CHANNEL_SMS,
               "deliver kinds and store channels must keep the same values");
_Static_assert(DELIVER_REPLY_MAX <= STORE_REPLY_MAX + 1 &&
                   DELIVER_TRANSCRIPT_MAX <= STORE_TRANSCRIPT_MAX + 1,
               "the store must hold a whole reply and transcript");

struct deliver_store {
    struct store *st;
};

struct deliver_store *
deliver_store_new(struct store *st)
{
    struct deliver_store *ds = mem_calloc(1, sizeof(*ds));

    ds->st = st;
    return ds;
}

void
deliver_store_free(struct deliver_store *ds)
{
    free(ds);
}

/* ---- payload: {"subject":"...","body":"..."} ---- */

static void
put_json_string(struct deliver__buf *b, const char *s)
{
    deliver__buf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        char esc[8];

        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            deliver__buf_add(b, esc, 2);
        } else if (*p == '\n') {
            deliver__buf_add(b, "\\n", 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", *p);
            deliver__buf_add(b, esc, 6);
        } else {
            deliver__buf_add(b, (const char *)p, 1);
        }
    }
    deliver__buf_add(b, "\"", 1);
}

void
deliver_payload_encode(const char *subject, const char *body, char **out)
{
    struct deliver__buf b = {0};

    deliver__buf_add(&b, "{", 1);
    if (subject != NULL) {
        deliver__buf_add(&b, "\"subject\":", 10);
        put_json_string(&b, subject);
        deliver__buf_add(&b, ",", 1);
    }
    deliver__buf_add(&b, "\"body\":", 7);
    put_json_string(&b, body != NULL ? body : "");
    deliver__buf_add(&b, "}", 1);
    *out = deliver__buf_take(&b);
}

static int
hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

/* Read the JSON string at *pp (which points at its opening quote) into *out (heap). */
static int
get_json_string(const char **pp, char **out)
{
    const char *p = *pp + 1;
    struct deliver__buf b = {0};

    for (; *p != '"'; p++) {
        char c = *p;
        unsigned v;

        if (c == '\0' || (unsigned char)c < 0x20)
            goto fail;
        if (c != '\\') {
            deliver__buf_add(&b, p, 1);
            continue;
        }
        c = *++p;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            deliver__buf_add(&b, &c, 1);
            break;
        case 'n':
            deliver__buf_add(&b, "\n", 1);
            break;
        case 'r':
            deliver__buf_add(&b, "\r", 1);
            break;
        case 't':
            deliver__buf_add(&b, "\t", 1);
            break;
        case 'u': {
            char u8[3];

            /* Only what the encoder writes: control characters (BMP, below 0x80). */
            if (hex4(p + 1, &v) != 0 || v == 0 || v >= 0x80)
                goto fail;
            u8[0] = (char)v;
            deliver__buf_add(&b, u8, 1);
            p += 4;
            break;
        }
        default:
            goto fail;
        }
    }
    *pp = p + 1;
    *out = deliver__buf_take(&b);
    return 0;

fail:
    deliver__buf_free(&b);
    return -1;
}

int
deliver_payload_decode(const char *json, char **subject, char **body)
{
    const char *p = json;

    *subject = *body = NULL;
    if (p == NULL || *p++ != '{')
        goto fail;
    for (;;) {
        char *key = NULL, *value = NULL;

        if (*p != '"' || get_json_string(&p, &key) != 0)
            goto fail;
        if (*p++ != ':' || *p != '"' || get_json_string(&p, &value) != 0) {
            free(key);
            goto fail;
        }
        if (strcmp(key, "subject") == 0 && *subject == NULL) {
            *subject = value;
        } else if (strcmp(key, "body") == 0 && *body == NULL) {
            *body = value;
        } else {
            free(key);
            free(value);
            goto fail;
        }
        free(key);
        if (*p == '}' && p[1] == '\0' && *body != NULL)
            return 0;
        if (*p++ != ',')
            goto fail;
    }

fail:
    MEM_FREE(*subject);
    MEM_FREE(*body);
    return -1;
}

/* ---- enqueue ---- */

int
deliver_store_enqueue(struct store_tx *tx, const struct deliver_message *m, int64_t due_us,
                      int64_t now_us, bool *created, struct error *err)
{
    struct store_outbox o = {0};
    bool made = false;
    int rc;

    if (created != NULL)
        *created = false;
    if (deliver_message_check(m, err) != 0)
        return -1;

    snprintf(o.idempotency_key, sizeof(o.idempotency_key), "%s", m->key);
    o.channel = (enum store_channel)m->kind;
    snprintf(o.address, sizeof(o.address), "%s", m->address);
    deliver_payload_encode(m->kind == DELIVER_EMAIL ? m->subject : NULL, m->body, &o.payload);
    o.next_attempt_at = due_us;
    o.created_at = now_us;

    rc = store_tx_store(tx)->ops->outbox_enqueue(tx, &o, &made, err);
    free(o.payload);
    if (rc != STORE_OK)
        return -1;
    if (created != NULL)
        *created = made;
    return 0;
}

/* ---- the backend ---- */

struct claim_job {
    int64_t now, lease_until;
    unsigned kinds;
    size_t max;
    struct store_outbox *items;
    size_t n;
};

static int
claim_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct claim_job *j = arg;

    /* store_run may call again after a conflict: forget what the failed run read. */
    store_outbox_list_free(j->items, j->n);
    j->items = NULL;
    j->n = 0;
    return store_tx_store(tx)->ops->outbox_claim(tx, j->now, j->lease_until, j->kinds, j->max,
                                                 &j->items, &j->n, err);
}

/* The claimed row o (in) as a message (out). A payload that does not decode leaves subject
 * and body NULL: deliver_message_check then fails the message for good, unsent. */
static void
to_message(const struct store_outbox *o, struct deliver_message *m)
{
    memset(m, 0, sizeof(*m));
    m->id = o->id;
    m->key = mem_strdup(o->idempotency_key);
    m->kind = (enum deliver_kind)o->channel;
    m->address = mem_strdup(o->address);
    if (deliver_payload_decode(o->payload, &m->subject, &m->body) != 0)
        m->subject = m->body = NULL;
    m->attempts = o->attempts;
    m->next_attempt_us = o->next_attempt_at;
    m->lease_token = (uint64_t)o->attempts;
    m->in_doubt = o->in_doubt;
}

static int
ds_claim(void *ctx, int64_t now_us, int64_t lease_us, unsigned kinds, size_t max,
         struct deliver_message *out, size_t *n_out, struct error *err)
{
    struct deliver_store *ds = ctx;
    struct claim_job j = {now_us, now_us + lease_us, kinds, max, NULL, 0};
    int rc;

    *n_out = 0;
    if (max == 0 || kinds == 0)
        return 0;
    if (max > STORE_PAGE_MAX)
        j.max = STORE_PAGE_MAX;

    /* Committed before anything is sent: the lease and the attempt count are durable. */
    rc = store_run(ds->st, STORE_TX_QUEUE, claim_fn, &j, err);
    if (rc != STORE_OK) {
        store_outbox_list_free(j.items, j.n);
        return -1;
    }
    for (size_t i = 0; i < j.n && i < max; i++)
        to_message(&j.items[i], &out[(*n_out)++]);
    store_outbox_list_free(j.items, j.n);
    return 0;
}

struct finish_job {
    const struct deliver_message *msg;
    struct store_outbox_outcome o;
};

static int
finish_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct finish_job *j = arg;

    return store_tx_store(tx)->ops->outbox_finish(tx, j->msg->id, (int32_t)j->msg->lease_token,
                                                  &j->o, err);
}

static int
finish(struct deliver_store *ds, const struct deliver_message *m, const struct deliver_result *res,
       enum store_outbox_state state, int64_t next_us, int64_t now_us, struct error *err)
{
    struct finish_job j = {m, {0}};
    char reply[DELIVER_REPLY_MAX];
    int rc;

    /* The server's own words when it answered; otherwise why no answer came. */
    if (res->reply[0] != '\0')
        snprintf(reply, sizeof(reply), "%s", res->reply);
    else
        snprintf(reply, sizeof(reply), "%s: %s", res->err.code, res->err.message);

    j.o.state = state;
    j.o.next_attempt_at = state == STORE_OUTBOX_PENDING ? next_us : now_us;
    j.o.sent_at = state == STORE_OUTBOX_SENT ? now_us : 0;
    j.o.reply_code = res->reply_code;
    j.o.reply = reply;
    j.o.transcript = res->transcript[0] != '\0' ? res->transcript : NULL;
    j.o.reference = res->reference[0] != '\0' ? res->reference : NULL;

    rc = store_run(ds->st, STORE_TX_QUEUE, finish_fn, &j, err);
    if (rc == STORE_NOT_FOUND)
        return error_set(err, "deliver_lease_lost",
                         "el mensaje ya no está reservado por este proceso; no se registró el "
                         "resultado");
    return rc == STORE_OK ? 0 : -1;
}

static int
ds_mark_delivered(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
                  int64_t now_us, struct error *err)
{
    return finish(ctx, m, res, STORE_OUTBOX_SENT, 0, now_us, err);
}

static int
ds_mark_retry(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
              int64_t next_us, int64_t now_us, struct error *err)
{
    return finish(ctx, m, res, STORE_OUTBOX_PENDING, next_us, now_us, err);
}

static int
ds_mark_failed(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
               int64_t now_us, struct error *err)
{
    return finish(ctx, m, res, STORE_OUTBOX_FAILED, 0, now_us, err);
}

void
deliver_store_backend(struct deliver_store *ds, struct deliver_backend *out)
{
    out->ctx = ds;
    out->claim = ds_claim;
    out->mark_delivered = ds_mark_delivered;
    out->mark_retry = ds_mark_retry;
    out->mark_failed = ds_mark_failed;
}

/* ---- metrics ---- */

struct stats_job {
    int64_t now, pending, oldest;
};

static int
stats_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct stats_job *j = arg;

    return store_tx_store(tx)->ops->outbox_stats(tx, j->now, &j->pending, &j->oldest, err);
}

int
deliver_store_stats(struct deliver_store *ds, int64_t now_us, int64_t *pending, int64_t *lag_us,
                    struct error *err)
{
    struct stats_job j = {now_us, 0, 0};

    *pending = *lag_us = 0;
    if (store_run(ds->st, STORE_TX_READ, stats_fn, &j, err) != STORE_OK)
        return -1;
    *pending = j.pending;
    *lag_us = j.oldest != 0 && j.oldest < now_us ? now_us - j.oldest : 0;
    return 0;
}

/* clarifications.c - requests for guidance or clarification (clarifications.h). */
#include "app/clarifications.h"

#include "app/audit.h"
#include "app/mailbox.h"
#include "base/log.h"
#include "core/mem.h"
#include "core/sha256.h"
#include "evidence/ledger.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
app_clarification_topic_valid(const char *topic)
{
    static const char *const topics[] = {"rfc", "regpat", "contacts", "operation"};

    for (size_t i = 0; topic != NULL && i < sizeof(topics) / sizeof(topics[0]); i++) {
        if (strcmp(topic, topics[i]) == 0)
            return true;
    }
    return false;
}

/* UTF-8 well formed (no overlongs, no surrogates), no control characters but tab, CR, LF. */
static bool
text_acceptable(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    bool blank = true;

    while (*p != '\0') {
        size_t n = *p < 0x80             ? 1
                   : (*p & 0xE0) == 0xC0 ? 2
                   : (*p & 0xF0) == 0xE0 ? 3
                   : (*p & 0xF8) == 0xF0 ? 4
                                         : 0;
        uint32_t cp;

        if (n == 0)
            return false;
        cp = n == 1 ? *p : (uint32_t)(*p & (0x7F >> n));
        for (size_t i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
            return false;
        if (cp == 0x7F)
            return false;
        if (cp != ' ' && cp != '\t' && cp != '\n' && cp != '\r')
            blank = false;
        p += n;
    }
    return !blank;
}

static int
check_text(const char *text, const char *what, struct error *err)
{
    if (text == NULL || strlen(text) > STORE_CLARIFICATION_TEXT_MAX || !text_acceptable(text))
        return error_set(err, "clarification_invalid",
                         "%s debe ser texto de 1 a %d bytes (UTF-8, sin caracteres de control)",
                         what, STORE_CLARIFICATION_TEXT_MAX);
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Filing                                                                                    */

struct file_ctx {
    struct app *a;
    const char *rfc;
    int64_t now;
    struct store_clarification *c;
    struct store_particular p;
    int64_t pending_id;
    struct evidence_receipt r; /* the receipt, marked pending with the request */
};

/* The receipt of a request for guidance: its number, topic, instant and the text's SHA-256. */
static void
build_receipt(struct file_ctx *c)
{
    uint8_t digest[SHA256_LEN];
    char id[24];

    evidence_receipt_cleanup(&c->r); /* from an attempt the runner is repeating */
    sha256(c->c->text, strlen(c->c->text), digest);
    snprintf(id, sizeof(id), "%" PRId64, c->c->id);
    evidence_receipt_init(&c->r, EVIDENCE_CLARIFICATION_FILED, c->rfc, c->p.legal_zone);
    evidence_receipt_add_reference(&c->r, "solicitud", id);
    evidence_receipt_add_reference(&c->r, "tema", c->c->topic);
    evidence_receipt_add_instant(&c->r, "presentacion", c->c->filed_at);
    evidence_receipt_add_document(&c->r, "solicitud.txt", digest);
}

/* One transaction: the request and the mark of its pending receipt. */
static int
file_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct file_ctx *c = arg;
    int rc = app_particular_ensure(c->a, tx, c->rfc, NULL, c->now, &c->p, err);

    if (rc != STORE_OK)
        return rc;
    c->c->particular_id = c->p.id;
    rc = store_tx_store(tx)->ops->clarification_insert(tx, c->c, err);
    if (rc != STORE_OK)
        return rc;
    build_receipt(c);
    return evidence_pending_add(tx, &c->r, c->c->id, c->c->filed_at, c->now, &c->pending_id, err);
}

/* Seal the pending receipt now, so the answer carries its folio. */
static int
issue_receipt(struct app *a, struct file_ctx *c, struct app_receipt_ref *out, struct error *err)
{
    struct evidence_sealed sealed = {0};
    int rc = evidence_issue_pending(a->ledger, c->pending_id, &c->r, c->c->id, c->c->filed_at,
                                    c->now, &sealed, err);

    if (rc == 0) {
        snprintf(out->folio, sizeof(out->folio), "%s", c->r.folio);
        snprintf(out->kind, sizeof(out->kind), "%s", evidence_kind_spec(c->r.kind)->code);
    }
    evidence_sealed_cleanup(&sealed);
    return rc;
}

int
app_clarification_file(struct app *a, const struct app_actor *who, const char *topic,
                       const char *text, const char *request_id, struct store_clarification *out,
                       struct app_receipt_ref *receipt, struct error *err)
{
    struct app_target target = {who != NULL ? who->rfc : NULL, NULL};
    struct file_ctx c = {0};
    int64_t now = app_now(a);
    int rc;

    (void)request_id;
    memset(out, 0, sizeof(*out));
    memset(receipt, 0, sizeof(*receipt));
    if (app_authorize(who, APP_ACTION_CLARIFICATION_FILE, &target, NULL, err) != 0)
        return -1;
    if (!app_clarification_topic_valid(topic))
        return error_set(err, "clarification_invalid",
                         "el tema debe ser rfc, regpat, contacts u operation");
    if (check_text(text, "el texto de la solicitud", err) != 0)
        return -1;
    if (a->ledger == NULL)
        return error_set(err, "receipts_unavailable",
                         "este servidor no puede emitir acuses (evidence.seal_cert); intente "
                         "más tarde");

    snprintf(out->topic, sizeof(out->topic), "%s", topic);
    out->text = mem_strdup(text);
    out->filed_at = now;
    snprintf(out->unit, sizeof(out->unit), "%s", a->clarification_unit);
    snprintf(out->rfc, sizeof(out->rfc), "%s", who->rfc);
    c.a = a;
    c.rfc = who->rfc;
    c.now = now;
    c.c = out;
    rc = store_run(a->store, STORE_TX_WRITE, file_tx, &c, err);
    if (rc != STORE_OK) {
        store_clarification_cleanup(out);
        evidence_receipt_cleanup(&c.r);
        return rc;
    }

    /* Committed with its pending mark: if sealing fails now, evidence_complete_pending seals
     * it later (`buzon serve` runs it at start-up). */
    rc = issue_receipt(a, &c, receipt, err);
    if (rc != 0)
        log_error("clarification_receipt_failed", LOG_STR("code", err->code),
                  LOG_INT("clarification", out->id), LOG_INT("pending_id", c.pending_id));
    evidence_receipt_cleanup(&c.r);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Listing and answering                                                                     */

struct list_ctx {
    const struct app_actor *who;
    int64_t before_id;
    size_t limit;
    const char *request_id;
    int64_t now;
    struct store_clarification *items;
    size_t n;
};

static int
list_own_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct list_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_particular p;
    int rc = ops->particular_get_by_rfc(tx, c->who->rfc, &p, err);

    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return STORE_OK; /* never filed one */
    }
    if (rc != STORE_OK)
        return rc;
    return ops->clarification_list(tx, p.id, NULL, c->before_id, c->limit, &c->items, &c->n, err);
}

static int
list_unit_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct list_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    bool central = strcmp(c->who->unit, APP_UNIT_CENTRAL) == 0;
    int rc;

    store_clarification_list_free(c->items, c->n); /* a retried transaction starts again */
    c->items = NULL;
    c->n = 0;
    rc = ops->clarification_list(tx, 0, central ? NULL : c->who->unit, c->before_id, c->limit,
                                 &c->items, &c->n, err);
    /* Each request shown is a read of a particular's data (Lineamientos 10). */
    for (size_t i = 0; rc == STORE_OK && i < c->n; i++) {
        char subject[48];

        snprintf(subject, sizeof(subject), "clarification:%" PRId64, c->items[i].id);
        rc = app_audit_record(tx, c->who, "clarification.read", subject, c->items[i].rfc, c->now,
                              c->request_id, err);
    }
    return rc;
}

int
app_clarification_list(struct app *a, const struct app_actor *who, int64_t before_id, size_t limit,
                       const char *request_id, struct store_clarification **items, size_t *n,
                       struct error *err)
{
    struct list_ctx c = {who, before_id, limit, request_id, app_now(a), NULL, 0};
    struct app_target target = {NULL, NULL};
    int rc;

    *items = NULL;
    *n = 0;
    if (who != NULL && who->kind == APP_ACTOR_PARTICULAR) {
        target.rfc = who->rfc;
        if (app_authorize(who, APP_ACTION_CLARIFICATION_READ, &target, NULL, err) != 0)
            return -1;
        rc = store_run(a->store, STORE_TX_READ, list_own_tx, &c, err);
    } else {
        target.unit = who != NULL ? who->unit : NULL;
        if (app_authorize(who, APP_ACTION_CLARIFICATION_READ, &target, NULL, err) != 0)
            return -1;
        rc = store_run(a->store, STORE_TX_WRITE, list_unit_tx, &c, err);
    }
    if (rc != STORE_OK) {
        store_clarification_list_free(c.items, c.n);
        return rc;
    }
    *items = c.items;
    *n = c.n;
    return 0;
}

struct answer_ctx {
    const struct app_actor *who;
    int64_t id;
    const char *text;
    const char *request_id;
    int64_t now;
    struct store_clarification *out;
};

static int
answer_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct answer_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct app_target target;
    char subject[48];
    int rc;

    store_clarification_cleanup(c->out);
    rc = ops->clarification_get(tx, c->id, c->out, err);
    if (rc == STORE_NOT_FOUND)
        error_set(err, "clarification_not_found", "no existe la solicitud de aclaración %" PRId64,
                  c->id);
    if (rc != STORE_OK)
        return rc;

    /* An official of another unit learns nothing about the request. */
    target = (struct app_target){c->out->rfc, c->out->unit};
    if (app_authorize(c->who, APP_ACTION_CLARIFICATION_ANSWER, &target, NULL, err) != 0) {
        error_set(err, "clarification_not_found", "no existe la solicitud de aclaración %" PRId64,
                  c->id);
        return STORE_NOT_FOUND;
    }
    if (c->out->answered_at != 0) {
        error_set(err, "clarification_already_answered",
                  "la solicitud de aclaración %" PRId64 " ya fue respondida", c->id);
        return STORE_INVALID;
    }

    rc = ops->clarification_answer(tx, c->id, c->text, c->now, c->who->id, err);
    if (rc != STORE_OK)
        return rc;
    snprintf(subject, sizeof(subject), "clarification:%" PRId64, c->id);
    rc = app_audit_record(tx, c->who, "clarification.answer", subject, c->out->rfc, c->now,
                          c->request_id, err);
    if (rc != STORE_OK)
        return rc;
    c->out->answer = mem_strdup(c->text);
    c->out->answered_at = c->now;
    c->out->answered_by = c->who->id;
    return STORE_OK;
}

int
app_clarification_answer(struct app *a, const struct app_actor *who, int64_t id, const char *text,
                         const char *request_id, struct store_clarification *out, struct error *err)
{
    struct answer_ctx c = {who, id, text, request_id, app_now(a), out};
    int rc;

    memset(out, 0, sizeof(*out));
    /* The role first, before anything is read: a particular never answers. */
    if (app_authorize(who, APP_ACTION_CLARIFICATION_ANSWER, NULL, NULL, err) != 0)
        return -1;
    if (check_text(text, "la respuesta", err) != 0)
        return -1;
    rc = store_run(a->store, STORE_TX_WRITE, answer_tx, &c, err);
    if (rc != STORE_OK) {
        store_clarification_cleanup(out);
        if (strncmp(err->code, "clarification_", 14) == 0)
            return -1;
    }
    return rc;
}

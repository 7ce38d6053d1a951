/* audit.c - recording and reading the audit log (audit.h). */
#include "app/audit.h"

#include "base/log.h"
#include "core/mem.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PAGE_DEFAULT = 50 };

static enum store_actor_kind
store_kind(const struct app_actor *who)
{
    if (who == NULL)
        return STORE_ACTOR_SYSTEM; /* the operator at the command line */
    switch (who->kind) {
    case APP_ACTOR_PARTICULAR:
        return STORE_ACTOR_PARTICULAR;
    case APP_ACTOR_STAFF:
        return STORE_ACTOR_STAFF;
    case APP_ACTOR_SYSTEM:
        return STORE_ACTOR_API_TOKEN;
    }
    return STORE_ACTOR_SYSTEM;
}

static enum app_actor_kind
app_kind(enum store_actor_kind k)
{
    switch (k) {
    case STORE_ACTOR_PARTICULAR:
        return APP_ACTOR_PARTICULAR;
    case STORE_ACTOR_STAFF:
        return APP_ACTOR_STAFF;
    case STORE_ACTOR_API_TOKEN:
    case STORE_ACTOR_SYSTEM:
        break;
    }
    return APP_ACTOR_SYSTEM;
}

int
app_audit_record(struct store_tx *tx, const struct app_actor *who, const char *action,
                 const char *subject, const char *rfc, int64_t now, const char *request_id,
                 struct error *err)
{
    struct store_audit_event e = {0};

    e.at = now;
    e.actor_kind = store_kind(who);
    e.actor_id = who != NULL ? who->id : 0;
    snprintf(e.action, sizeof(e.action), "%s", action);
    snprintf(e.subject, sizeof(e.subject), "%s", subject);
    if (rfc != NULL && rfc[0] != '\0')
        log_rfc_hash(rfc, e.rfc_hash);
    snprintf(e.request_id, sizeof(e.request_id), "%s", request_id != NULL ? request_id : "");
    if (who != NULL) {
        snprintf(e.actor_name, sizeof(e.actor_name), "%s", who->name);
        snprintf(e.actor_ref, sizeof(e.actor_ref), "%s", who->ref);
    } else {
        snprintf(e.actor_name, sizeof(e.actor_name), "línea de comandos");
    }
    return store_tx_store(tx)->ops->audit_insert(tx, &e, err);
}

static int
check_page(const struct app_audit_page *page, struct store_audit_query *q, struct error *err)
{
    if (page == NULL) {
        q->limit = PAGE_DEFAULT;
        return 0;
    }
    if (page->limit > STORE_PAGE_MAX || page->from < 0 || page->to < 0 || page->before_id < 0 ||
        (page->to != 0 && page->from >= page->to))
        return error_set(err, "audit_query_invalid",
                         "la consulta de la bitácora debe tener un límite de 1 a %d y un "
                         "periodo cuyo inicio sea anterior a su fin",
                         STORE_PAGE_MAX);
    q->from = page->from;
    q->to = page->to;
    q->before_id = page->before_id;
    q->limit = page->limit != 0 ? page->limit : PAGE_DEFAULT;
    return 0;
}

/* Copy events into entries; refs and request ids only for auditors. */
static void
to_entries(const struct store_audit_event *ev, size_t n, bool full, struct app_audit_entry **items)
{
    struct app_audit_entry *out = n > 0 ? mem_calloc(n, sizeof(*out)) : NULL;

    for (size_t i = 0; i < n; i++) {
        out[i].id = ev[i].id;
        out[i].at = ev[i].at;
        out[i].kind = app_kind(ev[i].actor_kind);
        out[i].actor_id = ev[i].actor_id;
        snprintf(out[i].actor_name, sizeof(out[i].actor_name), "%s", ev[i].actor_name);
        snprintf(out[i].action, sizeof(out[i].action), "%s", ev[i].action);
        snprintf(out[i].subject, sizeof(out[i].subject), "%s", ev[i].subject);
        if (full) {
            snprintf(out[i].actor_ref, sizeof(out[i].actor_ref), "%s", ev[i].actor_ref);
            snprintf(out[i].request_id, sizeof(out[i].request_id), "%s", ev[i].request_id);
        }
    }
    *items = out;
}

struct list_ctx {
    struct app *a;
    const struct app_actor *who;
    const char *rfc;
    const char *request_id;
    bool audit;
    struct store_audit_query q;
    char rfc_hash[17];
    struct store_audit_event *ev;
    size_t n;
};

static int
list_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct list_ctx *c = arg;
    int rc;

    store_audit_event_list_free(c->ev, c->n);
    c->ev = NULL;
    c->n = 0;
    rc = store_tx_store(tx)->ops->audit_list(tx, &c->q, &c->ev, &c->n, err);
    if (rc != STORE_OK || !c->audit)
        return rc;

    {
        char subject[STORE_KEY_MAX + 1];

        snprintf(subject, sizeof(subject), "audit:%s", c->rfc_hash);
        return app_audit_record(tx, c->who, app_action_name(APP_ACTION_AUDIT_READ), subject, c->rfc,
                                app_now(c->a), c->request_id, err);
    }
}

static int
list(struct list_ctx *c, bool full, struct app_audit_entry **items, size_t *n, struct error *err)
{
    int rc = store_run(c->a->store, c->audit ? STORE_TX_WRITE : STORE_TX_READ, list_tx, c, err);

    *items = NULL;
    *n = 0;
    if (rc == STORE_OK) {
        to_entries(c->ev, c->n, full, items);
        *n = c->n;
    }
    store_audit_event_list_free(c->ev, c->n);
    return rc;
}

int
app_audit_own(struct app *a, const struct app_actor *who, const struct app_audit_page *page,
              struct app_audit_entry **items, size_t *n, struct error *err)
{
    struct list_ctx c = {.a = a, .who = who};
    struct app_target target = {0};

    *items = NULL;
    *n = 0;
    /* Only a particular has an own mailbox; its audit is its RFC's. */
    if (who == NULL || who->kind != APP_ACTOR_PARTICULAR)
        return error_set(err, "forbidden", "No tiene permiso para realizar esta acción.");
    target.rfc = who->rfc;
    if (app_authorize(who, APP_ACTION_AUDIT_READ, &target, NULL, err) != 0 ||
        check_page(page, &c.q, err) != 0)
        return -1;

    log_rfc_hash(who->rfc, c.rfc_hash);
    c.q.rfc_hash = c.rfc_hash;
    c.q.actor_kinds = 1u << STORE_ACTOR_STAFF | 1u << STORE_ACTOR_API_TOKEN;
    return list(&c, false, items, n, err);
}

int
app_audit_of(struct app *a, const struct app_actor *who, const char *rfc,
             const struct app_audit_page *page, const char *request_id,
             struct app_audit_entry **items, size_t *n, struct error *err)
{
    struct list_ctx c = {.a = a, .who = who, .rfc = rfc, .request_id = request_id};
    struct app_target target = {.rfc = rfc};
    size_t len = rfc != NULL ? strlen(rfc) : 0;

    *items = NULL;
    *n = 0;
    if (app_authorize(who, APP_ACTION_AUDIT_READ, &target, &c.audit, err) != 0)
        return -1;
    if (len < 12 || len > 13)
        return error_set(err, "audit_query_invalid",
                         "indique el RFC (12 o 13 caracteres) cuya bitácora desea consultar");
    if (check_page(page, &c.q, err) != 0)
        return -1;

    log_rfc_hash(rfc, c.rfc_hash);
    c.q.rfc_hash = c.rfc_hash;
    return list(&c, who->kind != APP_ACTOR_PARTICULAR, items, n, err);
}

void
app_audit_list_free(struct app_audit_entry *items)
{
    free(items);
}

/*
 * audit.c - the audit log over HTTP (docs/audit.md): /api/v1/mailbox/audit, where a
 * particular reads which officials and systems read its data, and /api/v1/audit?rfc=, where
 * an auditor reads every event about one RFC (a read itself recorded). Decisions are in
 * app/audit.h.
 */
#include "app/audit.h"

#include "core/civil.h"
#include "http/problem.h"
#include "http/query.h"
#include "http/routes.h"
#include "http/shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ?from=ISO&to=ISO&before=ID&limit=N */
static int
read_page(struct http_request *req, struct app_audit_page *page, struct error *err)
{
    const char *from = http_request_query(req, "from"), *to = http_request_query(req, "to");
    const char *before = http_request_query(req, "before"),
               *limit = http_request_query(req, "limit");
    int64_t n = 0;

    *page = (struct app_audit_page){0};
    if ((from != NULL && http_parse_utc(from, &page->from) != 0) ||
        (to != NULL && http_parse_utc(to, &page->to) != 0) ||
        (before != NULL && http_parse_decimal(before, &page->before_id) != 0) ||
        (limit != NULL && (http_parse_decimal(limit, &n) != 0 || n < 1 || n > 100)))
        return error_set(err, "audit_query_invalid",
                         "from y to se escriben AAAA-MM-DDTHH:MM:SSZ; before es un número de "
                         "evento; limit va de 1 a 100");
    page->limit = (size_t)n;
    return 0;
}

static const char *
kind_name(enum app_actor_kind k)
{
    switch (k) {
    case APP_ACTOR_PARTICULAR:
        return "particular";
    case APP_ACTOR_STAFF:
        return "staff";
    case APP_ACTOR_SYSTEM:
        break;
    }
    return "system";
}

static json_t *
entries_json(const struct app_audit_entry *items, size_t n, bool full)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        char at[CIVIL_INSTANT_LEN];
        json_t *actor, *e;

        civil_format_utc(items[i].at, at);
        actor = json_pack("{s:s, s:I, s:s}", "kind", kind_name(items[i].kind), "id",
                          (json_int_t)items[i].actor_id, "name", items[i].actor_name);
        e = json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)items[i].id, "at", at, "actor",
                      actor, "action", items[i].action, "subject", items[i].subject);
        if (full) {
            json_object_set_new(actor, "ref", json_string(items[i].actor_ref));
            json_object_set_new(e, "request_id", json_string(items[i].request_id));
        }
        json_array_append_new(list, e);
    }
    return list;
}

static void
answer(struct http_request *req, struct http_response *resp, struct app_audit_entry *items,
       size_t n, size_t limit, bool full)
{
    json_t *root = json_pack("{s:o}", "events", entries_json(items, n, full));

    /* A full page may have more behind it: the client asks again with before=. */
    if (n > 0 && n == (limit != 0 ? limit : 50))
        json_object_set_new(root, "next_before", json_integer((json_int_t)items[n - 1].id));
    app_audit_list_free(items);
    http_response_json(req, resp, 200, root);
}

static void
get_own(struct http_request *req, struct http_response *resp)
{
    struct app_audit_entry *items = NULL;
    struct app_audit_page page;
    struct app_actor who;
    struct error err = {0};
    size_t n = 0;

    if (http_no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    if (read_page(req, &page, &err) != 0 ||
        app_audit_own(req->app, &who, &page, &items, &n, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    answer(req, resp, items, n, page.limit, false);
}

static void
get_of(struct http_request *req, struct http_response *resp)
{
    struct app_audit_entry *items = NULL;
    struct app_audit_page page;
    struct app_actor who;
    struct error err = {0};
    size_t n = 0;

    if (http_no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    if (read_page(req, &page, &err) != 0 ||
        app_audit_of(req->app, &who, http_request_query(req, "rfc"), &page, req->id, &items, &n,
                     &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    answer(req, resp, items, n, page.limit, true);
}

const struct http_route http_audit_routes[] = {
    {"GET", "/api/v1/mailbox/audit", get_own, HTTP_ROUTE_AUTH, HTTP_PRINCIPAL_PARTICULAR, 0},
    {"GET", "/api/v1/audit", get_of, HTTP_ROUTE_AUTH, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

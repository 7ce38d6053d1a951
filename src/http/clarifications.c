/*
 * clarifications.c - /api/v1/clarifications: requests for guidance or clarification
 * (Lineamientos 5.9). A particular files and lists its own; officials with the handler role
 * list those of their unit and answer them (app/clarifications.h).
 */
#include "app/clarifications.h"
#include "base/log.h"
#include "http/json.h"
#include "http/problem.h"
#include "http/query.h"
#include "http/routes.h"
#include "http/shared.h"

#include <inttypes.h>

static json_t *
clarification_json(const struct store_clarification *c)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:o}", "id", (json_int_t)c->id, "rfc",
                     c->rfc, "topic", c->topic, "text", c->text != NULL ? c->text : "", "filed_at",
                     http_json_instant(c->filed_at), "unit", c->unit, "answer",
                     c->answer != NULL ? json_string(c->answer) : json_null(), "answered_at",
                     http_json_instant(c->answered_at));
}

static void
post_clarification(struct http_request *req, struct http_response *resp)
{
    struct store_clarification c;
    struct app_receipt_ref receipt;
    struct app_actor who;
    struct error err = {0};
    json_t *body;

    if (http_no_app(req, resp))
        return;
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_principal_actor(&req->principal, &who);
    if (app_clarification_file(req->app, &who, http_json_str(body, "topic"),
                               http_json_str(body, "text"), req->id, &c, &receipt, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    log_info("clarification_filed", LOG_STR("request_id", req->id), LOG_INT("id", c.id),
             LOG_STR("folio", receipt.folio));
    http_response_json(req, resp, 201,
                       json_pack("{s:o, s:o}", "clarification", clarification_json(&c), "receipt",
                                 http_json_receipt(receipt.folio, receipt.kind)));
    store_clarification_cleanup(&c);
}

static void
get_clarifications(struct http_request *req, struct http_response *resp)
{
    struct store_clarification *items = NULL;
    const char *before = http_request_query(req, "before");
    struct app_actor who;
    struct error err = {0};
    int64_t before_id = 0;
    size_t n = 0;
    json_t *list;

    if (http_no_app(req, resp))
        return;
    if (before != NULL && (before_id = http_parse_id(before)) == 0) {
        http_problem(req, resp, 400, "query_invalid", "before debe ser un número de solicitud");
        return;
    }
    http_principal_actor(&req->principal, &who);
    if (app_clarification_list(req->app, &who, before_id, 50, req->id, &items, &n, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, clarification_json(&items[i]));
    store_clarification_list_free(items, n);
    http_response_json(req, resp, 200, json_pack("{s:o}", "clarifications", list));
}

static void
post_answer(struct http_request *req, struct http_response *resp)
{
    struct store_clarification c;
    struct app_actor who;
    struct error err = {0};
    int64_t id = http_parse_id(http_request_param(req, "id"));
    json_t *body;

    if (http_no_app(req, resp))
        return;
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    if (id == 0) {
        http_problem(req, resp, 404, "clarification_not_found",
                     "No existe la solicitud de aclaración indicada.");
        return;
    }
    http_principal_actor(&req->principal, &who);
    if (app_clarification_answer(req->app, &who, id, http_json_str(body, "text"), req->id, &c,
                                 &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    log_info("clarification_answered", LOG_STR("request_id", req->id), LOG_INT("id", c.id));
    http_response_json(req, resp, 200, json_pack("{s:o}", "clarification", clarification_json(&c)));
    store_clarification_cleanup(&c);
}

const struct http_route http_clarifications_routes[] = {
    {"POST", "/api/v1/clarifications", post_clarification, HTTP_ROUTE_AUTH,
     HTTP_PRINCIPAL_PARTICULAR, 16384},
    {"GET", "/api/v1/clarifications", get_clarifications, HTTP_ROUTE_AUTH,
     HTTP_PRINCIPAL_PARTICULAR | HTTP_PRINCIPAL_STAFF, 0},
    {"POST", "/api/v1/clarifications/{id}/answer", post_answer, HTTP_ROUTE_AUTH,
     HTTP_PRINCIPAL_STAFF, 16384},
    {NULL, NULL, NULL, 0, 0, 0},
};

/*
 * terms.c - /api/v1/terms (the terms and conditions in force, public) and
 * /api/v1/mailbox/terms (their signature with e.firma, Lineamientos 5.3). The decisions are in
 * app/terms.h; this file only carries them.
 */
#include "app/terms.h"
#include "base/log.h"
#include "http/json.h"
#include "http/problem.h"
#include "http/routes.h"
#include "http/shared.h"

#include <string.h>

static void
get_terms(struct http_request *req, struct http_response *resp)
{
    const struct app_terms *t;

    if (http_no_app(req, resp))
        return;
    t = app_terms_current(req->app);
    http_response_json(req, resp, 200,
                       json_pack("{s:s, s:s#, s:s, s:s}", "version", t->version, "text", t->text,
                                 t->len, "sha256", t->sha256, "canonical",
                                 "||buzon-terminos|1|VERSION|SHA256|RFC|INSTANT||"));
}

static void
post_terms(struct http_request *req, struct http_response *resp)
{
    struct app_terms_request rq;
    struct app_receipt_ref receipt;
    struct app_actor who;
    struct error err = {0};
    char rfc_hash[17];
    json_t *body;

    if (http_no_app(req, resp))
        return;
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_principal_actor(&req->principal, &who);
    rq = (struct app_terms_request){
        http_json_str(body, "version"),   http_json_str(body, "sha256"),
        http_json_str(body, "instant"),   http_json_str(body, "certificate"),
        http_json_str(body, "signature"), req->id};
    log_rfc_hash(who.rfc, rfc_hash);
    if (app_terms_sign(req->app, &who, &rq, &receipt, &err) != 0) {
        log_info("terms_refused", LOG_STR("request_id", req->id), LOG_STR("code", err.code),
                 LOG_STR("rfc_hash", rfc_hash), LOG_STR("detail", err.detail));
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    log_info("terms_signed", LOG_STR("request_id", req->id), LOG_STR("rfc_hash", rfc_hash),
             LOG_STR("folio", receipt.folio));
    http_response_json(req, resp, 201,
                       json_pack("{s:s, s:o}", "mailbox_state", "enabled", "receipt",
                                 http_json_receipt(receipt.folio, receipt.kind)));
}

const struct http_route http_terms_routes[] = {
    {"GET", "/api/v1/terms", get_terms, 0, 0, 0},
    {"POST", "/api/v1/mailbox/terms", post_terms, HTTP_ROUTE_AUTH, HTTP_PRINCIPAL_PARTICULAR,
     32768},
    {NULL, NULL, NULL, 0, 0, 0},
};

/*
 * receipts.c - /api/v1/receipts/{folio}: a receipt's JSON bundle (what `buzon verify` checks)
 * and its PDF. Who may read which receipt is decided in app/receipts.h.
 */
#include "app/receipts.h"
#include "http/problem.h"
#include "http/routes.h"

#include <stdlib.h>
#include <string.h>

static bool
no_app(struct http_request *req, struct http_response *resp)
{
    if (req->app != NULL)
        return false;
    http_problem(req, resp, 503, "receipts_unavailable",
                 "Los acuses no están disponibles en este modo del servidor.");
    return true;
}

static void
get_bundle(struct http_request *req, struct http_response *resp)
{
    struct app_actor who;
    struct error err = {0};
    char *json = NULL;

    if (no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    if (app_receipt_bundle(req->app, &who, http_request_param(req, "folio"), req->id, &json,
                           &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_response_bytes(req, resp, 200, "application/json", json, strlen(json));
    free(json);
}

static void
get_pdf(struct http_request *req, struct http_response *resp)
{
    struct app_actor who;
    struct error err = {0};
    unsigned char *pdf = NULL;
    size_t len = 0;

    if (no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    if (app_receipt_pdf(req->app, &who, http_request_param(req, "folio"), req->id, &pdf, &len,
                        &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_response_bytes(req, resp, 200, "application/pdf", pdf, len);
    free(pdf);
}

const struct http_route http_receipts_routes[] = {
    {"GET", "/api/v1/receipts/{folio}", get_bundle, HTTP_ROUTE_AUTH, 0, 0},
    {"GET", "/api/v1/receipts/{folio}/pdf", get_pdf, HTTP_ROUTE_AUTH, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

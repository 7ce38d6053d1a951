/*
 * Fuzz target: one raw HTTP request through the whole request path (http/oneshot.h): parsing,
 * limits, routing, authentication, the handlers of `buzon serve` and a JSON-body route.
 */
#include "../unit/http/memauth.h"
#include "base/log.h"
#include "http/json.h"
#include "http/oneshot.h"
#include "http/problem.h"
#include "http/routes.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
post_json(struct http_request *req, struct http_response *resp)
{
    struct error err = {0};
    json_t *body = http_json_body(req, &err);

    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_response_json(req, resp, 200,
                       json_pack("{s:s?, s:O?}", "id", http_request_param(req, "id"), "body",
                                 json_object_get(body, "a")));
}

static const struct http_route fuzz_routes[] = {
    {"POST", "/fuzz/{id}/json", post_json, 0, 0, 256},
    {"PUT", "/fuzz/{id}/json", post_json, HTTP_ROUTE_AUTH, HTTP_PRINCIPAL_STAFF, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

static const struct memauth_entry tokens[] = {
    {"particular", {.kind = HTTP_PRINCIPAL_PARTICULAR, .rfc = "XAXX010101000"}},
    {"staff", {.kind = HTTP_PRINCIPAL_STAFF, .rfc = "XEXX010101000", .roles = 3, .unit = "01"}},
};

static struct http_service *
service(void)
{
    static struct http_service *svc;
    static const struct http_route *tables[8];
    struct http_service_options o = {0};
    struct error err = {0};
    size_t n = 0;

    if (svc != NULL)
        return svc;
    for (size_t i = 0; http_routes[i] != NULL && n < 6; i++)
        tables[n++] = http_routes[i];
    tables[n++] = fuzz_routes;
    tables[n] = NULL;

    log_set_fd(open("/dev/null", O_WRONLY));
    o.routes = tables;
    o.auth = memauth_hook(tokens, sizeof(tokens) / sizeof(tokens[0]));
    o.max_body_bytes = 4096;
    o.max_header_bytes = 2048;
    o.max_request_ms = 1000;
    svc = http_service_new(&o, &err);
    if (svc == NULL)
        abort();
    return svc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL;
    size_t out_len = 0;

    http_oneshot(service(), data, size, &out, &out_len);
    free(out);
    return 0;
}

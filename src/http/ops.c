/* ops.c - operational endpoints: liveness, readiness and Prometheus metrics. */
#include "http/problem.h"
#include "http/routes.h"
#include "http/service.h"

#include <stdio.h>
#include <stdlib.h>

/* Liveness: the process answers. Orchestrators restart it when this fails. */
static void
get_healthz(struct http_request *req, struct http_response *resp)
{
    http_response_json(req, resp, 200, json_pack("{s:s}", "status", "ok"));
}

/* Readiness: can serve traffic (the store answers); 503 leaves rotation. */
static void
get_readyz(struct http_request *req, struct http_response *resp)
{
    struct error err = {0};

    if (http_service_ready(req->service, &err) != 0) {
        http_problem(req, resp, 503, "not_ready", "El servicio aún no está listo: %s.",
                     err.message[0] != '\0' ? err.message : "sin detalle");
        return;
    }
    http_response_json(req, resp, 200, json_pack("{s:s}", "status", "ready"));
}

static void
get_metrics(struct http_request *req, struct http_response *resp)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    if (out == NULL)
        abort(); /* only fails without memory, which aborts everywhere else too */
    http_metrics_render(http_service_metrics(req->service), out);
    fclose(out);

    http_response_bytes(req, resp, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
}

const struct http_route http_ops_routes[] = {
    {"GET", "/healthz", get_healthz, 0, 0, 0},
    {"GET", "/readyz", get_readyz, 0, 0, 0},
    {"GET", "/metrics", get_metrics, 0, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

/* service.c - the transport-independent life of a request (see service.h). */
#include "http/service.h"

#include "base/log.h"
#include "core/mem.h"
#include "http/problem.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

struct http_service {
    struct http_service_options opts;
    struct http_router *router;
    struct http_metrics *metrics;
    uint64_t id_prefix; /* random per process, so ids from two nodes do not collide */
    atomic_uint_least64_t id_next;
};

/*
 * Sent with every response unless the handler set its own value. The CSP
 * forbids everything: JSON needs nothing, and the HTML pages served later set
 * their own strict policy.
 */
static const struct http_kv security_headers[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Cache-Control", "no-store"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
};

struct http_service *
http_service_new(const struct http_service_options *opts, struct error *err)
{
    struct http_service *svc = mem_calloc(1, sizeof(*svc));

    svc->opts = *opts;
    svc->router = http_router_new(opts->routes, err);
    if (svc->router == NULL) {
        free(svc);
        return NULL;
    }
    svc->metrics = http_metrics_new(svc->router);

    /* Not a secret: it only keeps ids unique across processes. */
    if (getrandom(&svc->id_prefix, sizeof(svc->id_prefix), 0) != sizeof(svc->id_prefix))
        svc->id_prefix = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)svc;
    return svc;
}

void
http_service_free(struct http_service *svc)
{
    if (svc == NULL)
        return;
    http_metrics_free(svc->metrics);
    http_router_free(svc->router);
    free(svc);
}

const struct http_service_options *
http_service_options(const struct http_service *svc)
{
    return &svc->opts;
}

const struct http_router *
http_service_router(const struct http_service *svc)
{
    return svc->router;
}

struct http_metrics *
http_service_metrics(struct http_service *svc)
{
    return svc->metrics;
}

int
http_service_ready(struct http_service *svc, struct error *err)
{
    if (svc->opts.ready == NULL)
        return 0;
    return svc->opts.ready(svc->opts.ready_arg, err);
}

uint64_t
http_service_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static bool
acceptable_id(const char *id)
{
    size_t len = 0;

    for (const char *p = id; *p; p++, len++) {
        char c = *p;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return len > 0 && len <= HTTP_REQUEST_ID_MAX;
}

/*
 * The method as it may be echoed and logged: an RFC 9110 token of at most 16 characters, or
 * "invalid". libmicrohttpd passes on whatever precedes the first space of the request line.
 */
static const char *
printable_method(const char *method)
{
    size_t len = strlen(method);

    if (len == 0 || len > 16)
        return "invalid";
    for (const char *p = method; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c) != NULL)
            return "invalid";
    }
    return method;
}

void
http_service_begin(struct http_service *svc, struct http_exchange *ex)
{
    struct http_request *req = &ex->req;
    const char *client_id = http_request_header(req, "X-Request-Id");

    req->arena = &ex->arena;
    req->service = svc;
    req->app = svc->opts.app;
    req->start_us = http_service_now_us();
    req->principal.kind = HTTP_PRINCIPAL_ANONYMOUS;
    if (client_id != NULL && acceptable_id(client_id)) {
        snprintf(req->id, sizeof(req->id), "%s", client_id);
    } else {
        uint64_t n = atomic_fetch_add_explicit(&svc->id_next, 1, memory_order_relaxed);

        snprintf(req->id, sizeof(req->id), "%016llx%08llx", (unsigned long long)svc->id_prefix,
                 (unsigned long long)(n & 0xffffffffu));
    }

    http_metrics_in_flight_add(svc->metrics, 1);
    ex->match = http_router_match(svc->router, req, ex->allow, sizeof(ex->allow));
    ex->route_index =
        ex->match == HTTP_MATCH_FOUND ? http_router_index(svc->router, req->route) : SIZE_MAX;
}

size_t
http_service_body_limit(const struct http_service *svc, const struct http_exchange *ex)
{
    if (ex->req.route != NULL && ex->req.route->max_body_bytes != 0)
        return ex->req.route->max_body_bytes;
    return svc->opts.max_body_bytes;
}

/*
 * Run the auth hook for req's route. Returns true when the handler may run: with a principal,
 * or anonymous on an HTTP_ROUTE_AUTH_OPTIONAL route.
 */
static bool
authenticate(struct http_service *svc, struct http_request *req, struct http_response *resp)
{
    bool optional = (req->route->flags & HTTP_ROUTE_AUTH) == 0;
    const struct http_route *route = req->route;
    enum http_auth_result rc = HTTP_AUTH_ABSENT;
    struct error err = {0};

    if (svc->opts.auth.authenticate != NULL)
        rc = svc->opts.auth.authenticate(svc->opts.auth.arg, req, &req->principal, &err);

    if (rc == HTTP_AUTH_FAILED) {
        if (err.code[0] == '\0')
            error_set(&err, "auth_unavailable", "no se pudo verificar la sesión");
        http_problem_error(req, resp, &err, NULL, 0);
        return false;
    }
    if (rc != HTTP_AUTH_OK || req->principal.kind == HTTP_PRINCIPAL_ANONYMOUS) {
        req->principal = (struct http_principal){.kind = HTTP_PRINCIPAL_ANONYMOUS};
        if (optional)
            return true;
        http_problem(req, resp, 401, err.code[0] != '\0' ? err.code : "unauthenticated", "%s",
                     err.message[0] != '\0' ? err.message
                                            : "Inicie sesión con su e.firma para continuar.");
        /* RFC 9110 section 15.5.2: a 401 names the scheme the client should use. */
        http_response_header(req, resp, "WWW-Authenticate", "Bearer realm=\"buzon\"");
        return false;
    }
    if (route->principals != 0 && (route->principals & (unsigned)req->principal.kind) == 0) {
        http_problem(req, resp, 403, "forbidden",
                     "Esta operación no está disponible para su tipo de cuenta.");
        return false;
    }
    return true;
}

void
http_service_dispatch(struct http_service *svc, struct http_exchange *ex)
{
    struct http_request *req = &ex->req;
    struct http_response *resp = &ex->resp;

    if (ex->match == HTTP_MATCH_NO_PATH) {
        http_problem(req, resp, 404, "not_found", "La ruta solicitada no existe.");
        return;
    }
    if (ex->match == HTTP_MATCH_NO_METHOD) {
        http_problem(req, resp, 405, "method_not_allowed",
                     "Esta ruta no admite el método %s; admite: %s.", printable_method(req->method),
                     ex->allow);
        http_response_header(req, resp, "Allow", ex->allow);
        return;
    }

    if ((req->route->flags & (HTTP_ROUTE_AUTH | HTTP_ROUTE_AUTH_OPTIONAL)) != 0 &&
        !authenticate(svc, req, resp))
        return;
    req->route->handler(req, resp);
}

/* Append a header past the handlers' share; the room is reserved for these. */
static void
add_header(struct http_response *resp, const char *name, const char *value)
{
    if (resp->n_headers < HTTP_MAX_RESPONSE_HEADERS) {
        resp->headers[resp->n_headers].name = name;
        resp->headers[resp->n_headers].value = value;
        resp->n_headers++;
    }
}

void
http_service_finish(struct http_service *svc, struct http_exchange *ex, bool draining)
{
    struct http_request *req = &ex->req;
    struct http_response *resp = &ex->resp;
    uint64_t elapsed = http_service_now_us() - req->start_us;

    if (resp->status == 0) {
        struct error err;

        error_set(&err, "internal", "el manejador no respondió");
        error_detail(&err, "route %s %s", printable_method(req->method),
                     req->route ? req->route->pattern : "-");
        http_problem_error(req, resp, &err, NULL, 0);
    }

    for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++) {
        if (http_response_get_header(resp, security_headers[i].name) == NULL)
            add_header(resp, security_headers[i].name, security_headers[i].value);
    }
    add_header(resp, "X-Request-Id", req->id);
    if (draining)
        resp->close = true;

    http_metrics_observe(svc->metrics, ex->route_index, resp->status, elapsed);
    ex->finished = true;

    /* No path, query or body: they may hold personal data (design.md section 8). */
    log_info("http_request", LOG_STR("request_id", req->id),
             LOG_STR("method", printable_method(req->method)),
             LOG_STR("route", req->route != NULL ? req->route->pattern : "unmatched"),
             LOG_INT("status", resp->status), LOG_DBL("duration_ms", (double)elapsed / 1000.0));
}

void
http_service_end(struct http_service *svc, struct http_exchange *ex)
{
    if (!ex->finished)
        log_info("http_request_aborted", LOG_STR("request_id", ex->req.id),
                 LOG_STR("method", printable_method(ex->req.method)),
                 LOG_STR("route", ex->req.route != NULL ? ex->req.route->pattern : "unmatched"));
    http_metrics_in_flight_add(svc->metrics, -1);
    http_arena_release(&ex->arena);
}

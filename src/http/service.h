/*
 * service.h - the life of one request, whatever carried it in.
 *
 * A service holds what every request needs: the router, the limits, the
 * authentication hook, the readiness callback, the metrics and the application
 * context handed to handlers. Two transports drive it: the libmicrohttpd server
 * (server.h) and the one-request-from-bytes mode used by `buzon serve
 * --request-file` and the fuzzer (oneshot.h). Both follow the same steps on a
 * struct http_exchange:
 *
 *     http_service_begin     request id, start time, in-flight count, route matching
 *     (transport reads the body, bounded by http_service_body_limit and max_request_ms)
 *     http_service_dispatch  404/405, authentication, the handler
 *     http_service_finish    security headers, metrics, the access-log line
 *     (transport sends the response)
 *     http_service_end       in-flight count down, the arena released
 *
 * A transport that refuses a request before dispatch (413, 431, 408) answers
 * with http_problem and still calls http_service_finish, so every answer is
 * counted and logged once.
 *
 * Ownership: http_service_new copies the options' scalars and keeps their
 * pointers (route tables, auth argument, ready argument, app), which must
 * outlive the service.
 * Thread-safety: a service is shared by all server threads; an exchange belongs
 * to one.
 */
#ifndef BUZON_HTTP_SERVICE_H
#define BUZON_HTTP_SERVICE_H

#include "core/error.h"
#include "http/auth.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Readiness: 0 when the process can serve traffic (the store answers), or -1
 * with err filled in Spanish. Called from any server thread for each /readyz.
 */
typedef int (*http_ready_fn)(void *arg, struct error *err);

struct http_service_options {
    /* NULL-terminated list of route tables (routes.h: http_routes). */
    const struct http_route *const *routes;

    /* Authentication hook; with authenticate NULL every HTTP_ROUTE_AUTH
     * route answers 401. */
    struct http_auth auth;

    http_ready_fn ready; /* NULL: always ready */
    void *ready_arg;
    void *app; /* handed to handlers as req->app */

    /* Limits: a route's default body (server.max_body_bytes), request line
     * and headers together (server.max_header_bytes), headers to complete
     * body (server.max_request_s). */
    size_t max_body_bytes;
    size_t max_header_bytes;
    unsigned max_request_ms;
};

struct http_service;

/* One request while a transport carries it. Zero it before begin. */
struct http_exchange {
    struct http_request req;
    struct http_response resp;
    struct http_arena arena;
    enum http_match match;
    char allow[64];
    size_t route_index; /* SIZE_MAX when no route matched */
    bool finished;
};

/* A new service (free with _free); NULL with err for a bad route table. */
struct http_service *http_service_new(const struct http_service_options *opts, struct error *err);

/* Release svc (may be NULL). No request may be in flight. */
void http_service_free(struct http_service *svc);

/* The service's options (limits), router and metrics; owned by the service. */
const struct http_service_options *http_service_options(const struct http_service *svc);
const struct http_router *http_service_router(const struct http_service *svc);
struct http_metrics *http_service_metrics(struct http_service *svc);

/* Ask the readiness callback. Returns 0, or -1 with err filled. */
int http_service_ready(struct http_service *svc, struct error *err);

/* Monotonic microseconds. */
uint64_t http_service_now_us(void);

/*
 * Start ex (in-out): the transport has filled ex->req.method, path, query,
 * headers and peer (in ex->arena). Sets the request id (the client's
 * X-Request-Id when it is 1 to 64 characters of [A-Za-z0-9._-], a new one
 * otherwise), the start time, and matches the route.
 */
void http_service_begin(struct http_service *svc, struct http_exchange *ex);

/* Largest body ex's route accepts, in bytes. */
size_t http_service_body_limit(const struct http_service *svc, const struct http_exchange *ex);

/* Answer ex: 404 or 405, then the auth its route asks for, then the handler. */
void http_service_dispatch(struct http_service *svc, struct http_exchange *ex);

/*
 * Complete ex's response (in-out): a 500 when nothing answered, the security
 * headers that the handler did not set, X-Request-Id, and "Connection: close"
 * when draining; then count it and write the access-log line. Call at most once
 * per exchange.
 */
void http_service_finish(struct http_service *svc, struct http_exchange *ex, bool draining);

/*
 * End ex once the transport is done with it: the response was sent, or the
 * client went away before it (then an "http_request_aborted" line is logged, as
 * the request was never finished). Drops the in-flight count and releases ex's
 * arena (everything the request and response point to). Call exactly once per
 * begun exchange.
 */
void http_service_end(struct http_service *svc, struct http_exchange *ex);

#endif

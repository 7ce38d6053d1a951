/*
 * router.h - the table of routes: method + path pattern -> handler.
 *
 * Each resource lives in its own file, src/http/<resource>.c, which exports one
 * table:
 *
 *     const struct http_route http_notifications_routes[] = {
 *         {"GET", "/api/v1/notifications/{id}", get_one, HTTP_ROUTE_AUTH,
 *          HTTP_PRINCIPAL_PARTICULAR | HTTP_PRINCIPAL_STAFF, 0},
 *         {NULL, NULL, NULL, 0, 0, 0},
 *     };
 *
 * and adds one line to http_routes in routes.c (and its prototype to routes.h).
 * A pattern is a path of literal segments and parameters in braces; a parameter
 * matches one whole non-empty segment; a last parameter written `{name*}`
 * matches the rest of the path, one segment or more (`/static/{file*}`).
 * When two patterns match, the one with
 * more literal segments wins (`/notifications/summary` before
 * `/notifications/{id}`); otherwise the first in table order. A GET route
 * answers HEAD too. A path that some route matches with another method gets 405
 * with Allow; a path no route matches gets 404. docs/openapi.yaml lists every
 * route and tests/http/openapi.py keeps the two equal.
 *
 * Ownership: the router keeps pointers to the tables (static storage) and
 * copies nothing else.
 * Thread-safety: a router is read-only after http_router_new and may be shared
 * by all threads.
 */
#ifndef BUZON_HTTP_ROUTER_H
#define BUZON_HTTP_ROUTER_H

#include "core/error.h"
#include "http/request.h"

#include <stdio.h>

/* Route flags. */
enum {
    HTTP_ROUTE_AUTH = 1 << 0, /* needs an authenticated principal (auth.h) */
    /* asks the hook, but lets anonymous callers in (principal kind ANONYMOUS) */
    HTTP_ROUTE_AUTH_OPTIONAL = 1 << 1,
};

/*
 * A handler answers by filling resp (http_response_json, http_problem...). It
 * must always answer; a handler that leaves resp->status at 0 is a bug and the
 * client gets a 500.
 */
typedef void (*http_handler_fn)(struct http_request *req, struct http_response *resp);

struct http_route {
    const char *method;  /* upper case; NULL ends a table */
    const char *pattern; /* "/api/v1/notifications/{id}" */
    http_handler_fn handler;
    unsigned flags;        /* HTTP_ROUTE_* */
    unsigned principals;   /* with HTTP_ROUTE_AUTH: admitted enum http_principal_kind
                                   bits; 0 admits every authenticated kind */
    size_t max_body_bytes; /* 0: the service's limit (server.max_body_bytes) */
};

struct http_router;

/* The result of matching a method and path. */
enum http_match {
    HTTP_MATCH_FOUND = 0,
    HTTP_MATCH_NO_PATH = 1,   /* 404 */
    HTTP_MATCH_NO_METHOD = 2, /* 405: allow lists the methods the path has */
};

/*
 * Build a router from tables (in), a NULL-terminated list of route tables.
 * Returns the router (owned by the caller, release with http_router_free), or
 * NULL with err filled ("http_route_pattern") when a pattern is malformed or a
 * method and pattern appear twice.
 */
struct http_router *http_router_new(const struct http_route *const *tables, struct error *err);

/* Release router (may be NULL). */
void http_router_free(struct http_router *router);

/* Number of routes, and route i (0 <= i < count) in table order. */
size_t http_router_count(const struct http_router *router);
const struct http_route *http_router_route(const struct http_router *router, size_t i);

/* Index of route (in, one of this router's) in table order. */
size_t http_router_index(const struct http_router *router, const struct http_route *route);

/*
 * Match req->method and req->path (in) against the routes. On HTTP_MATCH_FOUND
 * sets req->route and req->params (values copied into req->arena). On
 * HTTP_MATCH_NO_METHOD writes the allowed methods, comma-separated, into allow
 * (out, allow_len bytes).
 */
enum http_match http_router_match(const struct http_router *router, struct http_request *req,
                                  char *allow, size_t allow_len);

/* Write one line "METHOD PATTERN" per route to out, in table order. */
void http_router_print(const struct http_router *router, FILE *out);

#endif

/*
 * request.h - what a handler receives and what it produces.
 *
 * A handler (router.h) gets a struct http_request already parsed and bounded:
 * method, decoded path, path parameters, query arguments, headers, the whole
 * body (never larger than the route's limit), the principal authenticated by
 * the auth hook (auth.h), the application context given to the service
 * (service.h), and an arena for anything it allocates while answering. It fills
 * a struct http_response: a status, a few headers, and a body (JSON through
 * jansson, or bytes).
 *
 * Ownership: everything reachable from a request, and every string or body a
 * response points to, lives in the request's arena and is released when the
 * request ends (after the response is sent), so handlers rarely free anything
 * by hand. A json_t handed to http_response_json is taken over (its reference
 * is stolen).
 *
 * Thread-safety: a request and its arena belong to the one thread that serves
 * it.
 */
#ifndef BUZON_HTTP_REQUEST_H
#define BUZON_HTTP_REQUEST_H

#include "http/auth.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    HTTP_MAX_PARAMS = 8,            /* path parameters per route pattern */
    HTTP_MAX_HANDLER_HEADERS = 8,   /* headers a handler may add */
    HTTP_MAX_RESPONSE_HEADERS = 16, /* with the ones the service adds (service.h) */
    HTTP_REQUEST_ID_MAX = 64,       /* longest X-Request-Id accepted from a client */
};

/* A request-scoped bump allocator; see http_arena_alloc. */
struct http_arena {
    struct http_arena_chunk *chunks;
    struct http_arena_defer *defers;
};

/* A name and its value: a header, a query argument or a path parameter. */
struct http_kv {
    const char *name;
    const char *value;
};

struct http_route;
struct http_service;

struct http_request {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* percent-decoded, without the query */

    /* The matched route; NULL before routing, or when none matched. */
    const struct http_route *route;

    /* Path parameters in pattern order; query arguments (decoded) and headers
     * (names as sent: compare without case) in arrival order. */
    struct http_kv params[HTTP_MAX_PARAMS];
    size_t n_params;
    struct http_kv *query;
    size_t n_query;
    struct http_kv *headers;
    size_t n_headers;

    /* The whole body, NUL-terminated for convenience; NULL when empty. */
    const uint8_t *body;
    size_t body_len;

    const char *peer;                 /* client address, for rate limits */
    char id[HTTP_REQUEST_ID_MAX + 1]; /* echoed in X-Request-Id, logged */

    /* HTTP_PRINCIPAL_ANONYMOUS unless the auth hook said otherwise. */
    struct http_principal principal;

    struct http_arena *arena;     /* request-scoped allocations */
    struct http_service *service; /* the service answering (service.h) */
    void *app;                    /* the service's application context */
    uint64_t start_us;            /* monotonic time the headers arrived */
};

struct http_response {
    unsigned status;          /* 0 until a handler answers */
    const char *content_type; /* NULL: no body */
    const uint8_t *body;      /* in the arena, or static */
    size_t body_len;
    struct http_kv headers[HTTP_MAX_RESPONSE_HEADERS];
    size_t n_headers;
    bool close; /* ask the server to close the connection after it */
};

/*
 * Allocate size bytes (zeroed, aligned for any type) from arena (in-out). Never
 * NULL: running out of memory aborts (core/mem.h). Callers bound client-given
 * sizes first.
 */
void *http_arena_alloc(struct http_arena *arena, size_t size);

/* Copy len bytes of s (in) into arena (in-out), with a terminating NUL. */
char *http_arena_strndup(struct http_arena *arena, const char *s, size_t len);

/* Copy the string s (in) into arena (in-out). */
char *http_arena_strdup(struct http_arena *arena, const char *s);

/*
 * Run fn(arg) when the arena is released, last registered first (e.g.
 * json_decref of a parsed body). arg stays owned by the caller until then.
 */
void http_arena_defer(struct http_arena *arena, void (*fn)(void *), void *arg);

/* Run the deferred functions, free all of arena (in-out); reusable after. */
void http_arena_release(struct http_arena *arena);

/* The value of path parameter name (in), or NULL; in the request's arena. */
const char *http_request_param(const struct http_request *req, const char *name);

/* The first value of query argument name (in), or NULL. */
const char *http_request_query(const struct http_request *req, const char *name);

/* The first value of header name (in, any case), or NULL. */
const char *http_request_header(const struct http_request *req, const char *name);

/*
 * The value of cookie name (in, exact case) from the Cookie header (RFC 6265 section 5.4),
 * without surrounding double quotes, copied into the request's arena; NULL when absent.
 */
const char *http_request_cookie(const struct http_request *req, const char *name);

/*
 * Answer status with root (in, stolen: the response owns it from here) dumped
 * as compact JSON, Content-Type application/json. root NULL answers an empty
 * body.
 */
void http_response_json(struct http_request *req, struct http_response *resp, unsigned status,
                        json_t *root);

/*
 * Answer status with len bytes of body (in; copied into the arena) and
 * content_type (in, a static string).
 */
void http_response_bytes(struct http_request *req, struct http_response *resp, unsigned status,
                         const char *content_type, const void *body, size_t len);

/*
 * Add header name: value (both in; copied into the arena) to resp (in-out).
 * Returns 0, or -1 when HTTP_MAX_HANDLER_HEADERS are already set (a programming
 * error).
 */
int http_response_header(struct http_request *req, struct http_response *resp, const char *name,
                         const char *value);

/* The response's value for header name (in, any case), or NULL. */
const char *http_response_get_header(const struct http_response *resp, const char *name);

#endif

/* router.c - route table compilation and matching (see router.h). */
#include "http/router.h"

#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_SEGMENTS = 16 };

/* A pattern split once, at start-up, into its segments. */
struct compiled {
    const struct http_route *route;
    size_t n_segments;
    size_t n_literals;
    struct {
        const char *text; /* literal text, or the parameter name */
        size_t len;
        bool is_param;
        bool is_rest; /* {name*}: the rest of the path, one or more segments */
    } seg[MAX_SEGMENTS];
};

struct http_router {
    struct compiled *routes;
    size_t n_routes;
};

/* Split pattern into c's segments; -1 when it is not "/", "/a", "/a/{b}"... */
static int
compile(const struct http_route *route, struct compiled *c, struct error *err)
{
    const char *p = route->pattern;

    c->route = route;
    if (p[0] != '/')
        return error_set(err, "http_route_pattern", "la ruta «%s» no empieza con /", p);
    if (strcmp(p, "/") == 0)
        return 0;

    while (*p == '/') {
        const char *start = p + 1, *end = strchr(start, '/');
        size_t len = end != NULL ? (size_t)(end - start) : strlen(start);

        if (len == 0 || c->n_segments == MAX_SEGMENTS)
            return error_set(err, "http_route_pattern", "ruta mal formada: «%s»", route->pattern);
        c->seg[c->n_segments].is_param = start[0] == '{';
        if (c->seg[c->n_segments].is_param) {
            if (len < 3 || start[len - 1] != '}' ||
                c->n_segments - c->n_literals >= HTTP_MAX_PARAMS)
                return error_set(err, "http_route_pattern", "parámetro mal formado en «%s»",
                                 route->pattern);
            start++;
            len -= 2;
            if (start[len - 1] == '*') {
                c->seg[c->n_segments].is_rest = true;
                len--;
            }
        } else {
            c->n_literals++;
        }
        c->seg[c->n_segments].text = start;
        c->seg[c->n_segments].len = len;
        c->n_segments++;
        p = start + len + (c->seg[c->n_segments - 1].is_rest ? 1 : 0) +
            (c->seg[c->n_segments - 1].is_param ? 1 : 0);
        if (c->seg[c->n_segments - 1].is_rest && *p != '\0')
            break; /* a rest parameter must be the last segment */
    }
    if (*p != '\0' || (c->n_segments > 0 && c->seg[c->n_segments - 1].len == 0))
        return error_set(err, "http_route_pattern", "ruta mal formada: «%s»", route->pattern);
    return 0;
}

struct http_router *
http_router_new(const struct http_route *const *tables, struct error *err)
{
    struct http_router *r = mem_calloc(1, sizeof(*r));
    size_t n = 0, i = 0;

    for (size_t t = 0; tables[t] != NULL; t++) {
        for (const struct http_route *rt = tables[t]; rt->method != NULL; rt++)
            n++;
    }
    r->routes = mem_calloc(n > 0 ? n : 1, sizeof(*r->routes));

    for (size_t t = 0; tables[t] != NULL; t++) {
        for (const struct http_route *rt = tables[t]; rt->method != NULL; rt++) {
            if (compile(rt, &r->routes[i], err) != 0)
                goto fail;
            for (size_t j = 0; j < i; j++) {
                if (strcmp(r->routes[j].route->method, rt->method) == 0 &&
                    strcmp(r->routes[j].route->pattern, rt->pattern) == 0) {
                    error_set(err, "http_route_pattern", "ruta repetida: %s %s", rt->method,
                              rt->pattern);
                    goto fail;
                }
            }
            i++;
        }
    }
    r->n_routes = n;
    return r;

fail:
    http_router_free(r);
    return NULL;
}

void
http_router_free(struct http_router *router)
{
    if (router == NULL)
        return;
    free(router->routes);
    free(router);
}

size_t
http_router_count(const struct http_router *router)
{
    return router->n_routes;
}

const struct http_route *
http_router_route(const struct http_router *router, size_t i)
{
    return router->routes[i].route;
}

size_t
http_router_index(const struct http_router *router, const struct http_route *route)
{
    for (size_t i = 0; i < router->n_routes; i++) {
        if (router->routes[i].route == route)
            return i;
    }
    abort(); /* a route from another router: a programming error */
}

/* Split path into at most MAX_SEGMENTS non-empty segments, or -1. */
static int
split_path(const char *path, const char **seg, size_t *len, size_t *n)
{
    *n = 0;
    if (path[0] != '/')
        return -1;
    if (path[1] == '\0')
        return 0;

    for (const char *p = path; *p == '/';) {
        const char *start = p + 1, *end = strchr(start, '/');
        size_t l = end != NULL ? (size_t)(end - start) : strlen(start);

        if (l == 0 || *n == MAX_SEGMENTS)
            return -1;
        seg[*n] = start;
        len[*n] = l;
        (*n)++;
        p = start + l;
    }
    return 0;
}

static bool
segments_match(const struct compiled *c, const char **seg, const size_t *len, size_t n)
{
    bool rest = c->n_segments > 0 && c->seg[c->n_segments - 1].is_rest;

    if (rest ? n < c->n_segments : n != c->n_segments)
        return false;
    for (size_t i = 0; i < c->n_segments; i++) {
        if (c->seg[i].is_param)
            continue;
        if (c->seg[i].len != len[i] || memcmp(c->seg[i].text, seg[i], len[i]) != 0)
            return false;
    }
    return true;
}

/* Append method to the list allow (in-out) unless it is there already. */
static void
allow_add(char *allow, size_t allow_len, const char *method)
{
    size_t used = strlen(allow), mlen = strlen(method);
    const char *hit = strstr(allow, method);

    if (hit != NULL && (hit[mlen] == ',' || hit[mlen] == '\0'))
        return;
    if (used + mlen + 3 > allow_len)
        return;
    if (used > 0) {
        memcpy(allow + used, ", ", 2);
        used += 2;
    }
    memcpy(allow + used, method, mlen + 1);
}

static bool
method_matches(const char *route_method, const char *method)
{
    /* RFC 9110 section 9.3.2: HEAD is GET without the body. */
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

static void
bind_params(const struct compiled *c, struct http_request *req, const char **seg, const size_t *len)
{
    req->route = c->route;
    req->n_params = 0;
    for (size_t i = 0; i < c->n_segments; i++) {
        size_t vlen = len[i];

        if (!c->seg[i].is_param)
            continue;
        if (c->seg[i].is_rest)
            vlen = strlen(seg[i]); /* the segments are contiguous in the path */
        req->params[req->n_params].name =
            http_arena_strndup(req->arena, c->seg[i].text, c->seg[i].len);
        req->params[req->n_params].value = http_arena_strndup(req->arena, seg[i], vlen);
        req->n_params++;
    }
}

enum http_match
http_router_match(const struct http_router *router, struct http_request *req, char *allow,
                  size_t allow_len)
{
    const char *seg[MAX_SEGMENTS];
    size_t len[MAX_SEGMENTS], n;
    const struct compiled *best = NULL;
    bool path_seen = false;

    req->route = NULL;
    if (allow_len > 0)
        allow[0] = '\0';
    if (split_path(req->path, seg, len, &n) != 0)
        return HTTP_MATCH_NO_PATH;

    for (size_t i = 0; i < router->n_routes; i++) {
        const struct compiled *c = &router->routes[i];

        if (!segments_match(c, seg, len, n))
            continue;
        path_seen = true;
        if (!method_matches(c->route->method, req->method)) {
            allow_add(allow, allow_len, c->route->method);
            if (strcmp(c->route->method, "GET") == 0)
                allow_add(allow, allow_len, "HEAD");
            continue;
        }
        if (best == NULL || c->n_literals > best->n_literals)
            best = c;
    }

    if (best != NULL) {
        bind_params(best, req, seg, len);
        return HTTP_MATCH_FOUND;
    }
    return path_seen ? HTTP_MATCH_NO_METHOD : HTTP_MATCH_NO_PATH;
}

void
http_router_print(const struct http_router *router, FILE *out)
{
    for (size_t i = 0; i < router->n_routes; i++)
        fprintf(out, "%s %s\n", router->routes[i].route->method, router->routes[i].route->pattern);
}

/* request.c - request arena, accessors, response builders (request.h). */
#include "http/request.h"

#include "core/mem.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { CHUNK_BYTES = 4096 };

struct http_arena_chunk {
    struct http_arena_chunk *next;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct http_arena_defer {
    struct http_arena_defer *next;
    void (*fn)(void *);
    void *arg;
};

static struct http_arena_chunk *
chunk_new(size_t size)
{
    struct http_arena_chunk *c = mem_alloc(sizeof(*c) + size);

    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

void *
http_arena_alloc(struct http_arena *arena, size_t size)
{
    const size_t align = alignof(max_align_t);
    struct http_arena_chunk *c = arena->chunks;
    size_t need = (size + align - 1) & ~(align - 1);
    void *p;

    if (need == 0)
        need = align;

    /* Large blocks get a chunk of their own behind the current one, so it stays in use. */
    if (need > CHUNK_BYTES / 2) {
        struct http_arena_chunk *big = chunk_new(need);

        big->used = need;
        if (c != NULL) {
            big->next = c->next;
            c->next = big;
        } else {
            arena->chunks = big;
        }
        memset(big->data, 0, need);
        return big->data;
    }

    if (c == NULL || c->size - c->used < need) {
        c = chunk_new(CHUNK_BYTES);
        c->next = arena->chunks;
        arena->chunks = c;
    }
    p = c->data + c->used;
    c->used += need;
    memset(p, 0, need);
    return p;
}

char *
http_arena_strndup(struct http_arena *arena, const char *s, size_t len)
{
    char *p = http_arena_alloc(arena, len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
http_arena_strdup(struct http_arena *arena, const char *s)
{
    return http_arena_strndup(arena, s, strlen(s));
}

void
http_arena_defer(struct http_arena *arena, void (*fn)(void *), void *arg)
{
    struct http_arena_defer *d = http_arena_alloc(arena, sizeof(*d));

    d->fn = fn;
    d->arg = arg;
    d->next = arena->defers;
    arena->defers = d;
}

void
http_arena_release(struct http_arena *arena)
{
    /* Deferred functions first: they may read memory of the arena itself. */
    for (struct http_arena_defer *d = arena->defers; d != NULL; d = d->next)
        d->fn(d->arg);
    arena->defers = NULL;

    while (arena->chunks != NULL) {
        struct http_arena_chunk *next = arena->chunks->next;

        free(arena->chunks);
        arena->chunks = next;
    }
}

static const char *
kv_find(const struct http_kv *kv, size_t n, const char *name, bool nocase)
{
    for (size_t i = 0; i < n; i++) {
        if ((nocase ? strcasecmp(kv[i].name, name) : strcmp(kv[i].name, name)) == 0)
            return kv[i].value;
    }
    return NULL;
}

const char *
http_request_param(const struct http_request *req, const char *name)
{
    return kv_find(req->params, req->n_params, name, false);
}

const char *
http_request_query(const struct http_request *req, const char *name)
{
    return kv_find(req->query, req->n_query, name, false);
}

const char *
http_request_header(const struct http_request *req, const char *name)
{
    return kv_find(req->headers, req->n_headers, name, true);
}

const char *
http_request_cookie(const struct http_request *req, const char *name)
{
    const char *h = http_request_header(req, "Cookie");
    size_t nlen = strlen(name);

    /* cookie-string = cookie-pair *( ";" SP cookie-pair ); tolerate missing spaces. */
    while (h != NULL && *h != '\0') {
        const char *end;
        size_t vlen;

        while (*h == ' ' || *h == ';')
            h++;
        end = strchr(h, ';');
        if (strncmp(h, name, nlen) == 0 && h[nlen] == '=') {
            h += nlen + 1;
            vlen = end != NULL ? (size_t)(end - h) : strlen(h);
            while (vlen > 0 && h[vlen - 1] == ' ')
                vlen--;
            if (vlen >= 2 && h[0] == '"' && h[vlen - 1] == '"') {
                h++;
                vlen -= 2;
            }
            return http_arena_strndup(req->arena, h, vlen);
        }
        h = end;
    }
    return NULL;
}

const char *
http_response_get_header(const struct http_response *resp, const char *name)
{
    return kv_find(resp->headers, resp->n_headers, name, true);
}

void
http_response_json(struct http_request *req, struct http_response *resp, unsigned status,
                   json_t *root)
{
    size_t len;
    char *buf;

    resp->status = status;
    resp->content_type = "application/json";
    resp->body = NULL;
    resp->body_len = 0;
    if (root == NULL)
        return;

    /* Two passes: the size, then the bytes straight into the arena, no intermediate copy. */
    len = json_dumpb(root, NULL, 0, JSON_COMPACT);
    buf = http_arena_alloc(req->arena, len + 1);
    json_dumpb(root, buf, len, JSON_COMPACT);
    json_decref(root);
    resp->body = (const uint8_t *)buf;
    resp->body_len = len;
}

void
http_response_bytes(struct http_request *req, struct http_response *resp, unsigned status,
                    const char *content_type, const void *body, size_t len)
{
    uint8_t *copy = http_arena_alloc(req->arena, len + 1);

    memcpy(copy, body, len);
    resp->status = status;
    resp->content_type = content_type;
    resp->body = copy;
    resp->body_len = len;
}

int
http_response_header(struct http_request *req, struct http_response *resp, const char *name,
                     const char *value)
{
    if (resp->n_headers >= HTTP_MAX_HANDLER_HEADERS)
        return -1;

    resp->headers[resp->n_headers].name = http_arena_strdup(req->arena, name);
    resp->headers[resp->n_headers].value = http_arena_strdup(req->arena, value);
    resp->n_headers++;
    return 0;
}

/* oneshot.c - one request from bytes, through the service (see oneshot.h). */
#include "http/oneshot.h"

#include "http/problem.h"
#include "http/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_HEADERS = 100, MAX_QUERY = 100 };

/* Why a request could not be parsed, or 0. */
struct parse {
    unsigned status; /* 400, 413, 431 or 0 */
    const char *code;
    const char *detail;
};

static bool
is_tchar(unsigned char c)
{
    /* RFC 9110 section 5.6.2: token characters. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Percent-decode the path s[0..len) into the arena ('+' stays a '+'), or NULL. */
static const char *
decode_path(struct http_arena *arena, const char *s, size_t len)
{
    char *out = http_arena_alloc(arena, len + 1);

    return http_percent_decode(s, len, false, out, len + 1) < 0 ? NULL : out;
}

/* "METHOD SP target SP HTTP/1.x": fills method, path and query. */
static int
parse_request_line(struct http_request *req, const char *line, size_t len)
{
    const char *sp1 = memchr(line, ' ', len), *sp2, *target, *qm;
    size_t tlen;

    if (sp1 == NULL || sp1 == line)
        return -1;
    for (const char *p = line; p < sp1; p++) {
        if (!is_tchar((unsigned char)*p))
            return -1;
    }
    target = sp1 + 1;
    sp2 = memchr(target, ' ', len - (size_t)(target - line));
    if (sp2 == NULL || *target != '/')
        return -1;
    if ((size_t)(line + len - (sp2 + 1)) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
        (sp2[8] != '0' && sp2[8] != '1'))
        return -1;

    tlen = (size_t)(sp2 - target);
    for (size_t i = 0; i < tlen; i++) {
        if ((unsigned char)target[i] <= 0x20 || (unsigned char)target[i] >= 0x7f)
            return -1;
    }
    qm = memchr(target, '?', tlen);
    req->method = http_arena_strndup(req->arena, line, (size_t)(sp1 - line));
    req->path = decode_path(req->arena, target, qm != NULL ? (size_t)(qm - target) : tlen);
    if (req->path == NULL)
        return -1;
    if (qm != NULL && http_query_split(req->arena, qm + 1, tlen - (size_t)(qm + 1 - target),
                                       MAX_QUERY, &req->query, &req->n_query) != 0)
        return -1;
    return 0;
}

/* "Name: value", no obsolete folding; value trimmed of spaces and tabs. */
static int
parse_header(struct http_request *req, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len), *v, *end = line + len;

    if (colon == NULL || colon == line || req->n_headers == MAX_HEADERS)
        return -1;
    for (const char *p = line; p < colon; p++) {
        if (!is_tchar((unsigned char)*p))
            return -1;
    }
    for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
        ;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (const char *p = v; p < end; p++) {
        if ((unsigned char)*p < 0x20 && *p != '\t')
            return -1;
    }

    req->headers[req->n_headers].name =
        http_arena_strndup(req->arena, line, (size_t)(colon - line));
    req->headers[req->n_headers].value = http_arena_strndup(req->arena, v, (size_t)(end - v));
    req->n_headers++;
    return 0;
}

/* Next line of buf[*pos..len) without its CRLF or LF; -1 at the end. */
static int
next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *line_len)
{
    const char *nl = memchr(buf + *pos, '\n', len - *pos);

    if (nl == NULL)
        return -1;
    *line = buf + *pos;
    *line_len = (size_t)(nl - *line);
    if (*line_len > 0 && (*line)[*line_len - 1] == '\r')
        (*line_len)--;
    *pos = (size_t)(nl - buf) + 1;
    return 0;
}

static struct parse
bad(const char *detail)
{
    return (struct parse){400, "bad_request", detail};
}

/* Parse the request line and headers; *pos (out) is where the body starts. */
static struct parse
parse_head(struct http_request *req, const char *buf, size_t len, size_t max_header, size_t *pos)
{
    const char *line;
    size_t line_len;

    *pos = 0;
    req->headers = http_arena_alloc(req->arena, MAX_HEADERS * sizeof(*req->headers));
    if (next_line(buf, len, pos, &line, &line_len) != 0)
        return bad("La solicitud no tiene línea de solicitud completa.");
    if (parse_request_line(req, line, line_len) != 0)
        return bad("La línea de solicitud no es «MÉTODO /ruta HTTP/1.1».");

    for (;;) {
        if (next_line(buf, len, pos, &line, &line_len) != 0)
            return bad("Los encabezados no terminan con una línea vacía.");
        if (*pos > max_header)
            return (struct parse){431, "headers_too_large",
                                  "La línea de solicitud y los encabezados exceden el máximo."};
        if (line_len == 0)
            return (struct parse){0, NULL, NULL};
        if (line[0] == ' ' || line[0] == '\t' || parse_header(req, line, line_len) != 0)
            return bad("Un encabezado está mal formado.");
    }
}

/* Exactly Content-Length bytes of body, within the route's limit. */
static struct parse
parse_body(struct http_service *svc, struct http_exchange *ex, const char *buf, size_t len,
           size_t pos)
{
    const char *cl = http_request_header(&ex->req, "Content-Length");
    unsigned long long n = 0;
    char *end = NULL;

    if (http_request_header(&ex->req, "Transfer-Encoding") != NULL)
        return bad("Transfer-Encoding no se admite en este modo; use Content-Length.");
    if (cl == NULL)
        return len == pos ? (struct parse){0, NULL, NULL}
                          : bad("Hay un cuerpo sin encabezado Content-Length.");
    if (*cl < '0' || *cl > '9')
        return bad("Content-Length no es un número.");
    n = strtoull(cl, &end, 10);
    if (*end != '\0')
        return bad("Content-Length no es un número.");
    if (n > http_service_body_limit(svc, ex))
        return (struct parse){413, "body_too_large",
                              "El cuerpo de la solicitud "
                              "excede el máximo."};
    if (n != len - pos)
        return bad("El cuerpo no mide lo que dice Content-Length.");

    ex->req.body = (const uint8_t *)http_arena_strndup(&ex->arena, buf + pos, (size_t)n);
    ex->req.body_len = (size_t)n;
    return (struct parse){0, NULL, NULL};
}

static const char *
reason(unsigned status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return status >= 500 ? "Server Error" : "Status";
    }
}

static void
write_response(const struct http_exchange *ex, char **out, size_t *out_len)
{
    const struct http_response *r = &ex->resp;
    FILE *f = open_memstream(out, out_len);

    if (f == NULL)
        abort(); /* only without memory */
    fprintf(f, "HTTP/1.1 %u %s\r\n", r->status, reason(r->status));
    if (r->content_type != NULL)
        fprintf(f, "Content-Type: %s\r\n", r->content_type);
    for (size_t i = 0; i < r->n_headers; i++)
        fprintf(f, "%s: %s\r\n", r->headers[i].name, r->headers[i].value);
    fprintf(f, "Content-Length: %zu\r\nConnection: close\r\n\r\n", r->body_len);
    if (r->body_len > 0 && strcmp(ex->req.method, "HEAD") != 0)
        fwrite(r->body, 1, r->body_len, f);
    fclose(f);
}

unsigned
http_oneshot(struct http_service *svc, const uint8_t *raw, size_t len, char **out, size_t *out_len)
{
    struct http_exchange ex = {0};
    const char *buf = (const char *)raw;
    struct parse p;
    size_t pos;
    unsigned status;

    ex.req.arena = &ex.arena;
    p = parse_head(&ex.req, buf, len, http_service_options(svc)->max_header_bytes, &pos);
    if (ex.req.method == NULL || ex.req.path == NULL) {
        ex.req.method = "-";
        ex.req.path = "";
    }

    http_service_begin(svc, &ex);
    if (p.status == 0)
        p = parse_body(svc, &ex, buf, len, pos);
    if (p.status != 0)
        http_problem(&ex.req, &ex.resp, p.status, p.code, "%s", p.detail);
    else
        http_service_dispatch(svc, &ex);

    http_service_finish(svc, &ex, true);
    write_response(&ex, out, out_len);
    status = ex.resp.status;
    http_service_end(svc, &ex);
    return status;
}

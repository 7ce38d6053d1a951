/* server.c - libmicrohttpd glue for `buzon serve` (see server.h). */
#include "http/server.h"

#include "base/log.h"
#include "core/mem.h"
#include "http/problem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* libmicrohttpd's pool per connection above our header limit: its buffers. */
enum { MHD_POOL_HEADROOM = 32 * 1024 };

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_service *svc;
    unsigned port;
    unsigned grace_ms;
    atomic_bool draining;
};

/* One request on a connection, from its headers to the completion callback. */
struct conn_req {
    struct http_exchange ex;
    uint8_t *body; /* in the arena once complete; grows in steps while uploading */
    size_t body_len, body_cap, limit;
    unsigned refused; /* 413 or 408 decided while reading the body */
    bool answered;
};

/* Collects headers or query arguments into an arena array. */
struct kv_sink {
    struct http_arena *arena;
    struct http_kv *kv;
    size_t n, cap;
    size_t bytes;
};

static enum MHD_Result
collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct kv_sink *s = cls;

    (void)kind;
    if (s->n == s->cap)
        return MHD_NO;
    s->kv[s->n].name = http_arena_strdup(s->arena, key);
    s->kv[s->n].value = http_arena_strdup(s->arena, value != NULL ? value : "");
    s->bytes += strlen(key) + (value != NULL ? strlen(value) : 0) + 4; /* ": " and CRLF */
    s->n++;
    return MHD_YES;
}

/* Copy values of kind into out (arena array); returns their wire size. */
static size_t
collect_all(struct MHD_Connection *conn, enum MHD_ValueKind kind, struct http_arena *arena,
            struct http_kv **out, size_t *n)
{
    int count = MHD_get_connection_values(conn, kind, NULL, NULL);
    struct kv_sink s = {arena, NULL, 0, count > 0 ? (size_t)count : 0, 0};

    if (s.cap > 0) {
        s.kv = http_arena_alloc(arena, s.cap * sizeof(*s.kv));
        MHD_get_connection_values(conn, kind, collect, &s);
    }
    *out = s.kv;
    *n = s.n;
    return s.bytes;
}

static const char *
peer_text(struct MHD_Connection *conn, struct http_arena *arena)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "";

    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;

        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
                      sizeof(buf));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf,
                      sizeof(buf));
    }
    return http_arena_strdup(arena, buf);
}

/*
 * First call: copy what libmicrohttpd parsed into a request and let the service route it.
 * FIXME: server.max_request_s is counted from here, when the headers are complete; a client
 * trickling its headers is stopped only by the idle timeout (server.request_timeout_s), so it
 * can hold a connection slot for as long as it sends a byte per timeout. libmicrohttpd 0.9.75
 * has no header deadline; a sweep over MHD_OPTION_NOTIFY_CONNECTION timestamps would add one.
 */
static struct conn_req *
begin(struct http_server *srv, struct MHD_Connection *conn, const char *url, const char *method,
      const char *version, size_t *header_bytes)
{
    struct conn_req *st = mem_calloc(1, sizeof(*st));
    struct http_request *req = &st->ex.req;
    struct http_arena *arena = &st->ex.arena;

    req->arena = arena;
    req->method = http_arena_strdup(arena, method);
    req->path = http_arena_strdup(arena, url);
    *header_bytes = strlen(method) + strlen(url) + strlen(version) + 4;
    *header_bytes += collect_all(conn, MHD_HEADER_KIND, arena, &req->headers, &req->n_headers);
    collect_all(conn, MHD_GET_ARGUMENT_KIND, arena, &req->query, &req->n_query);
    req->peer = peer_text(conn, arena);

    http_service_begin(srv->svc, &st->ex);
    st->limit = http_service_body_limit(srv->svc, &st->ex);
    return st;
}

static enum MHD_Result
send_response(struct http_server *srv, struct MHD_Connection *conn, struct conn_req *st)
{
    struct http_response *r = &st->ex.resp;
    struct MHD_Response *resp;
    enum MHD_Result rc;

    http_service_finish(srv->svc, &st->ex, atomic_load(&srv->draining));
    st->answered = true;

    /* The body lives in the arena until the completion callback: no copy. */
    resp = MHD_create_response_from_buffer(
        r->body_len, (void *)(uintptr_t)(r->body ? r->body : (const uint8_t *)""),
        MHD_RESPMEM_PERSISTENT);
    if (resp == NULL)
        return MHD_NO;
    if (r->content_type != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    for (size_t i = 0; i < r->n_headers; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    if (r->close)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");

    rc = MHD_queue_response(conn, r->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* Refuse before the body: 431 for headers, 413 by Content-Length. */
static bool
refuse_early(struct http_server *srv, struct MHD_Connection *conn, struct conn_req *st,
             size_t header_bytes)
{
    const struct http_service_options *o = http_service_options(srv->svc);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    struct http_request *req = &st->ex.req;

    if (header_bytes > o->max_header_bytes) {
        http_problem(req, &st->ex.resp, 431, "headers_too_large",
                     "La línea de solicitud y los encabezados suman %zu bytes; el máximo es %zu.",
                     header_bytes, o->max_header_bytes);
        return true;
    }
    if (cl != NULL) {
        char *end = NULL;
        unsigned long long n;

        errno = 0;
        n = strtoull(cl, &end, 10);
        if (errno == 0 && end != cl && n > st->limit) {
            http_problem(req, &st->ex.resp, 413, "body_too_large",
                         "El cuerpo de la solicitud excede %zu bytes.", st->limit);
            return true;
        }
    }
    return false;
}

/*
 * FIXME: a body is held in memory whole (bounded by its route's limit). Attachments of filings
 * (multipart, tens of megabytes, the upload limit) need streaming to the blob store
 * instead, or each upload in flight costs its full size in RAM.
 *
 * Append an uploaded piece, enforcing the body and time limits. libmicrohttpd
 * 0.9.75 cannot queue a response before the body has been read, so a refused
 * body is discarded until it ends and then answered (413 or 408); one still
 * arriving past the time limit after being refused cannot be answered at all
 * and the connection is closed (returns -1).
 */
static int
take_body(struct http_server *srv, struct conn_req *st, const char *data, size_t len)
{
    const struct http_service_options *o = http_service_options(srv->svc);
    bool late = http_service_now_us() - st->ex.req.start_us > (uint64_t)o->max_request_ms * 1000u;

    if (st->refused != 0)
        return late ? -1 : 0;
    if (len > st->limit - st->body_len) {
        st->refused = 413;
        MEM_FREE(st->body);
        return 0;
    }
    if (late) {
        st->refused = 408;
        MEM_FREE(st->body);
        return 0;
    }

    if (st->body_len + len + 1 > st->body_cap) {
        size_t cap = st->body_cap != 0 ? st->body_cap * 2 : 4096;

        while (cap < st->body_len + len + 1)
            cap *= 2;
        if (cap > st->limit + 1)
            cap = st->limit + 1;
        st->body = mem_realloc(st->body, cap);
        st->body_cap = cap;
    }
    memcpy(st->body + st->body_len, data, len);
    st->body_len += len;
    st->body[st->body_len] = '\0';
    return 0;
}

/* The body is complete: hand it over; the arena frees it with the rest. */
static void
attach_body(struct conn_req *st)
{
    if (st->body == NULL)
        return;
    http_arena_defer(&st->ex.arena, free, st->body);
    st->ex.req.body = st->body;
    st->ex.req.body_len = st->body_len;
    st->body = NULL;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct conn_req *st = *con_cls;

    /* First call: headers only. Answer later, except to refuse before the body is sent. */
    if (st == NULL) {
        size_t header_bytes;

        st = begin(srv, conn, url, method, version, &header_bytes);
        *con_cls = st;
        if (refuse_early(srv, conn, st, header_bytes))
            return send_response(srv, conn, st);
        return MHD_YES;
    }
    if (st->answered)
        return MHD_YES;

    if (*upload_data_size != 0) {
        int rc = take_body(srv, st, upload_data, *upload_data_size);

        *upload_data_size = 0;
        return rc == 0 ? MHD_YES : MHD_NO;
    }

    if (st->refused == 413)
        http_problem(&st->ex.req, &st->ex.resp, 413, "body_too_large",
                     "El cuerpo de la solicitud excede %zu bytes.", st->limit);
    else if (st->refused == 408)
        http_problem(&st->ex.req, &st->ex.resp, 408, "request_timeout",
                     "La solicitud tardó más de %u segundos en llegar completa.",
                     http_service_options(srv->svc)->max_request_ms / 1000);
    else {
        attach_body(st);
        http_service_dispatch(srv->svc, &st->ex);
    }
    if (st->refused != 0)
        st->ex.resp.close = true;
    return send_response(srv, conn, st);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct conn_req *st = *con_cls;

    (void)conn;
    (void)toe;
    if (st == NULL)
        return;

    free(st->body);
    http_service_end(srv->svc, &st->ex);
    free(st);
    *con_cls = NULL;
}

/* libmicrohttpd's own messages (refusals, socket errors) as JSON lines. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t len;

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        msg[--len] = '\0';
    log_warn("http_library", LOG_STR("message", msg));
}

/* Resolve host:port into a socket address libmicrohttpd can bind. */
static int
resolve(const char *host, unsigned port, struct sockaddr_storage *ss, struct error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char service[8];
    int rc;

    snprintf(service, sizeof(service), "%u", port);
    rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0)
        return error_set(err, "http_bind", "no se pudo resolver la dirección %s: %s", host,
                         gai_strerror(rc));
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

struct http_server *
http_server_start(const struct http_server_options *opts, struct http_service *svc,
                  struct error *err)
{
    struct sockaddr_storage ss;
    struct http_server *srv;
    unsigned threads = opts->threads;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    size_t pool = http_service_options(svc)->max_header_bytes + MHD_POOL_HEADROOM;
    const union MHD_DaemonInfo *info;

    if (resolve(opts->host, opts->port, &ss, err) != 0)
        return NULL;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }

    srv = mem_calloc(1, sizeof(*srv));
    srv->svc = svc;
    srv->grace_ms = opts->shutdown_grace_ms;
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)opts->port, NULL, NULL, on_request, srv,
        /* First, or libmicrohttpd prints its messages about the other options itself. */
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_END);
    if (srv->daemon == NULL) {
        free(srv);
        error_set(err, "http_bind",
                  "no se pudo escuchar en %s:%u (¿la dirección está en uso o no es local?)",
                  opts->host, opts->port);
        return NULL;
    }

    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL ? info->port : opts->port;
    return srv;
}

unsigned
http_server_port(const struct http_server *srv)
{
    return srv->port;
}

long
http_server_stop(struct http_server *srv)
{
    struct http_metrics *m;
    uint64_t deadline;
    long left;

    if (srv == NULL)
        return 0;
    m = http_service_metrics(srv->svc);

    /* Stop accepting: new connections are refused by the kernel from here on. */
    atomic_store(&srv->draining, true);
    {
        MHD_socket fd = MHD_quiesce_daemon(srv->daemon);

        if (fd != MHD_INVALID_SOCKET)
            close(fd);
    }

    /* Requests whose headers arrived finish; MHD_stop_daemon would cut them off. */
    deadline = http_service_now_us() + (uint64_t)srv->grace_ms * 1000u;
    while ((left = http_metrics_in_flight(m)) > 0 && http_service_now_us() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};

        nanosleep(&ts, NULL);
    }
    if (left > 0)
        log_warn("http_drain_timeout", LOG_INT("in_flight", left));

    MHD_stop_daemon(srv->daemon);
    free(srv);
    return left;
}

/* server.c - libmicrohttpd glue and routing for `buzon serve` (see server.h). */
#include "http/server.h"

#include "base/log.h"
#include "core/mem.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct http_server {
    struct MHD_Daemon *daemon;
    unsigned port;
};

/* Marker stored in the connection's slot after the first call for a request. */
static int first_call_seen;

static enum MHD_Result
send_json(struct MHD_Connection *conn, unsigned status, const char *body)
{
    struct MHD_Response *resp;
    enum MHD_Result rc;

    resp = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                           MHD_RESPMEM_PERSISTENT);
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result
send_problem(struct MHD_Connection *conn, unsigned status, const char *body)
{
    struct MHD_Response *resp;
    enum MHD_Result rc;

    resp = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                           MHD_RESPMEM_PERSISTENT);
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/problem+json");
    rc = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)version;
    (void)upload_data;

    /* Answer on the second call only: see the note in server.h. */
    if (*con_cls == NULL) {
        *con_cls = &first_call_seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0; /* no route takes a body yet; drain it */
        return MHD_YES;
    }

    if (strcmp(url, "/healthz") == 0) {
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
            return send_problem(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                                "{\"type\":\"about:blank\",\"title\":\"Método no permitido\","
                                "\"status\":405,\"code\":\"method_not_allowed\","
                                "\"detail\":\"Esta ruta solo admite GET.\"}");
        return send_json(conn, MHD_HTTP_OK, "{\"status\":\"ok\"}");
    }
    return send_problem(conn, MHD_HTTP_NOT_FOUND,
                        "{\"type\":\"about:blank\",\"title\":\"No encontrado\",\"status\":404,"
                        "\"code\":\"not_found\",\"detail\":\"La ruta solicitada no existe.\"}");
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    *con_cls = NULL;
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
http_server_start(const struct http_server_options *opts, struct error *err)
{
    struct sockaddr_storage ss;
    struct http_server *srv;
    unsigned threads = opts->threads;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
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
    srv->daemon = MHD_start_daemon(flags, (uint16_t)opts->port, NULL, NULL, on_request, srv,
                                   MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
                                   MHD_OPTION_CONNECTION_TIMEOUT, opts->timeout_s,
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
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

void
http_server_stop(struct http_server *srv)
{
    if (srv == NULL)
        return;

    /* Stop listening first, then let connections in flight finish before the pool joins. */
    MHD_quiesce_daemon(srv->daemon);
    MHD_stop_daemon(srv->daemon);
    free(srv);
}

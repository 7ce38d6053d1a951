/*
 * server.h - the HTTP server of `buzon serve`, on libmicrohttpd.
 *
 * libmicrohttpd is included by this module only. The server runs an epoll
 * thread pool and carries each request through a service (service.h). A request
 * is answered on the second call libmicrohttpd makes for it, never the first,
 * because queuing a response on the first call makes libmicrohttpd close
 * keep-alive connections (design.md section 4); the exceptions are requests
 * refused before their body is read (413 by Content-Length, 431), where closing
 * is wanted.
 *
 * Limits: the request line and headers together (server.max_header_bytes, 431),
 * the body (server.max_body_bytes or the route's own, 413), the time from the
 * headers to the complete body (server.max_request_s, 408), and idle
 * connections (server.request_timeout_s, closed).
 *
 * Ownership: http_server_start returns a server owned by the caller, released
 * by http_server_stop. The service must outlive the server.
 */
#ifndef BUZON_HTTP_SERVER_H
#define BUZON_HTTP_SERVER_H

#include "core/error.h"
#include "http/service.h"

#include <stdbool.h>

struct http_server_options {
    const char *host;           /* address to bind: IPv4, IPv6 or a name */
    unsigned port;              /* 0 picks a free port; see http_server_port */
    unsigned threads;           /* 0: one per processor */
    unsigned timeout_s;         /* idle connection timeout */
    unsigned shutdown_grace_ms; /* how long http_server_stop waits for requests in flight */
};

struct http_server;

/*
 * Bind and start serving svc (in; must outlive the server). Returns the server,
 * or NULL with err filled ("http_bind" when the address cannot be used).
 */
struct http_server *http_server_start(const struct http_server_options *opts,
                                      struct http_service *svc, struct error *err);

/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);

/*
 * Graceful stop: stop accepting connections, let the requests in flight
 * (headers received) finish, answering them with "Connection: close", for at
 * most opts.shutdown_grace_ms; then close every connection and release srv (may
 * be NULL). Returns the number of requests still in flight when the grace
 * period ran out (0 in a clean stop).
 */
long http_server_stop(struct http_server *srv);

#endif

/*
 * server.h - the HTTP server of `buzon serve`, on libmicrohttpd.
 *
 * libmicrohttpd is included by this module only. The server runs an epoll thread pool; a
 * handler answers on the second call for a request, never the first, because queuing a response
 * on the first call makes libmicrohttpd close keep-alive connections (design.md section 4).
 *
 * Ownership: http_server_start returns a server owned by the caller, released by
 * http_server_stop, which waits for requests in flight to finish.
 */
#ifndef BUZON_HTTP_SERVER_H
#define BUZON_HTTP_SERVER_H

#include "core/error.h"

#include <stdbool.h>

struct http_server_options {
    const char *host; /* address to bind: IPv4, IPv6 or a name */
    unsigned port;    /* 0 picks a free port; see http_server_port */
    unsigned threads; /* 0: one per processor */
    unsigned timeout_s;
};

struct http_server;

/*
 * Bind and start serving. Returns the server, or NULL with err filled ("http_bind" when the
 * address cannot be used, "http_start" otherwise).
 */
struct http_server *http_server_start(const struct http_server_options *opts, struct error *err);

/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);

/* Stop accepting, finish requests in flight, release srv (may be NULL). */
void http_server_stop(struct http_server *srv);

#endif

/*
 * http_serve.c - `buzon serve`'s HTTP stack with an in-memory session, for bench/http.sh.
 *
 * Serves the product's routes with the same service and server as `buzon serve`, but with the
 * in-memory authentication hook of the tests (one bearer token) in place of the session store,
 * so that an authenticated request can be measured before the store exists. Prints the bound
 * port on stdout, then serves until SIGINT or SIGTERM.
 *
 * Usage: bench_http_serve PORT THREADS TOKEN
 */
#include "../tests/unit/http/memauth.h"
#include "base/log.h"
#include "http/routes.h"
#include "http/server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    struct memauth_entry token = {NULL,
                                  {.kind = HTTP_PRINCIPAL_PARTICULAR, .rfc = "XAXX010101000"}};
    struct http_service_options so = {0};
    struct http_server_options o = {"127.0.0.1", 0, 0, 30, 1000};
    struct http_service *svc;
    struct http_server *srv;
    struct error err = {0};
    sigset_t set;
    int sig;

    if (argc != 4) {
        fprintf(stderr, "uso: %s PUERTO HILOS TOKEN\n", argv[0]);
        return 2;
    }
    o.port = (unsigned)strtoul(argv[1], NULL, 10);
    o.threads = (unsigned)strtoul(argv[2], NULL, 10);
    token.token = argv[3];

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    /* The same limits as the defaults of `buzon serve`. */
    so.routes = http_routes;
    so.auth = memauth_hook(&token, 1);
    so.max_body_bytes = 1048576;
    so.max_header_bytes = 16384;
    so.max_request_ms = 60000;
    svc = http_service_new(&so, &err);
    srv = svc != NULL ? http_server_start(&o, svc, &err) : NULL;
    if (srv == NULL) {
        fprintf(stderr, "%s\n", err.message);
        http_service_free(svc);
        return 1;
    }
    printf("%u\n", http_server_port(srv));
    fflush(stdout);

    sigwait(&set, &sig);
    http_server_stop(srv);
    http_service_free(svc);
    return 0;
}

/*
 * oneshot.h - answer one HTTP request given as bytes, without a socket.
 *
 * `buzon serve --request-file FILE` and the fuzz target
 * tests/fuzz/http_request.c feed a raw HTTP/1.1 request through here, so the
 * whole request path after the socket (parsing, limits, routing,
 * authentication, handlers, problems, headers) runs exactly as it does under
 * the server, in one process and one thread (GNU Taler keeps the same mode for
 * its exchange).
 *
 * libmicrohttpd cannot be fed bytes without a socket, so this file has its own
 * small parser, strict where the two could disagree: a request line "METHOD
 * /target HTTP/1.x", header lines "Name: value" ending in CRLF or LF, no
 * obsolete line folding, no Transfer-Encoding (chunked bodies are for the
 * server), and a body of exactly Content-Length bytes. The same limits apply:
 * headers (431), body (413).
 *
 * Thread-safety: as the service's; the parser holds no state between calls.
 */
#ifndef BUZON_HTTP_ONESHOT_H
#define BUZON_HTTP_ONESHOT_H

#include "http/service.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Parse len bytes at raw (in) as one request, answer it through svc, and write
 * the complete HTTP/1.1 response into *out (out, NUL-terminated, owned by the
 * caller: free it) of *out_len bytes. Returns the response status; a malformed
 * request gets a 400 problem like any other.
 */
unsigned http_oneshot(struct http_service *svc, const uint8_t *raw, size_t len, char **out,
                      size_t *out_len);

#endif

/*
 * problem.h - errors as RFC 9457 problem details (application/problem+json).
 *
 * Every error a client sees goes through here, so its shape is always the same:
 *
 *     {"type": "urn:buzon-imss:problema:body_too_large",
 *      "title": "Cuerpo demasiado grande", "status": 413, "code": "body_too_large",
 *      "detail": "El cuerpo de la solicitud excede 1048576 bytes.", "request_id": "...",
 *      "errors": [{"field": "email", "code": "email_syntax", "detail": "..."}]}
 *
 * `type` is a URN built from the code (RFC 9457 section 3.1.1 allows a
 * non-resolvable URI). `code` is the stable struct error code (core/error.h)
 * that programs match on; `detail` is the Spanish message for the person;
 * `errors` (optional) lists field-level problems. The HTTP status comes from
 * one table, http_problem_status, that maps error codes: a handler returns the
 * struct error its use case filled and never picks a status for an error by
 * hand.
 *
 * Ownership: everything is copied into the request's arena.
 */
#ifndef BUZON_HTTP_PROBLEM_H
#define BUZON_HTTP_PROBLEM_H

#include "core/error.h"
#include "http/request.h"

/* One field-level problem of the optional "errors" list. */
struct http_field_error {
    const char *field;  /* JSON pointer-ish name of the field, e.g. "emails/2" */
    const char *code;   /* stable lower_snake code */
    const char *detail; /* Spanish */
};

/*
 * The HTTP status for error code (in): from the table of known codes, then by
 * suffix ("_not_found" 404, "_forbidden" 403, "_conflict" 409, "_expired" 410,
 * "_too_large" 413, "_rate_limited" 429, "_unavailable" 503). A code the table
 * does not know is a server bug: 500. The title (out, may be NULL) is set to a
 * short Spanish title for the status.
 */
unsigned http_problem_status(const char *code, const char **title);

/*
 * Answer resp with the problem for err (in): status from http_problem_status,
 * code and detail from err. For a 5xx the detail shown is a generic Spanish
 * sentence with the request id, never err's message, and err (code, message,
 * detail) is logged at error level with the request id. errors (in, may be
 * NULL) adds the "errors" list of n entries.
 */
void http_problem_error(struct http_request *req, struct http_response *resp,
                        const struct error *err, const struct http_field_error *errors, size_t n);

/*
 * Answer resp with a problem of the given status, code (in) and Spanish detail
 * (printf format). For failures the router and server detect themselves (404,
 * 405, 413...), where there is no struct error to map.
 */
void http_problem(struct http_request *req, struct http_response *resp, unsigned status,
                  const char *code, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif

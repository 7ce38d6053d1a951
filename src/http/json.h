/*
 * json.h - reading a JSON request body.
 *
 * A body is accepted only as a JSON object (RFC 8259) in UTF-8 without NUL
 * characters, with no key repeated (a repeated key means different things to
 * different parsers, so it is refused), and with Content-Type application/json.
 * Its size was bounded before it was read (service.h).
 *
 *     struct error err;
 *     json_t *body = http_json_body(req, &err);
 *     if (body == NULL) {
 *         http_problem_error(req, resp, &err, NULL, 0);
 *         return;
 *     }
 */
#ifndef BUZON_HTTP_JSON_H
#define BUZON_HTTP_JSON_H

#include "core/error.h"
#include "http/request.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse len bytes at buf (in) as a JSON object. Returns a new reference owned
 * by the caller, or NULL with err filled: "json_syntax" (with line and column)
 * or "json_type" (not an object).
 */
json_t *http_json_parse(const uint8_t *buf, size_t len, struct error *err);

/*
 * Parse req's body (in) as a JSON object. Returns the object, borrowed: it is
 * released with the request's arena. NULL with err filled:
 * "unsupported_media_type", or as http_json_parse.
 */
json_t *http_json_body(struct http_request *req, struct error *err);

/* The string member name (in) of object body (in), borrowed from it; NULL when absent or not a
 * string. */
const char *http_json_str(json_t *body, const char *name);

#endif

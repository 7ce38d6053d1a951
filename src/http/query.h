/*
 * query.h - the values clients write into a URL's query string and into an
 * application/x-www-form-urlencoded body (the form of the contact confirmation
 * page), and the few kinds of value the handlers read from them: decimal ids
 * and counts, and UTC instants.
 *
 * Every function refuses what it does not accept exactly (returns -1 or 0 as
 * said), never reads past the given length or string, and writes only within
 * the given size. A decoded text never holds a NUL byte: the C strings after
 * it would be cut short.
 *
 * Ownership: http_query_split allocates in the caller's arena; the others
 * write into the caller's buffers. Thread-safe (no shared state).
 */
#ifndef BUZON_HTTP_QUERY_H
#define BUZON_HTTP_QUERY_H

#include "http/request.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest decimal the handlers read: 18 digits always fit in int64_t. */
enum { HTTP_DECIMAL_MAX = 18 };

/*
 * Percent-decode s[0..len) (in) into out (out, size bytes, NUL-terminated); '+' becomes a
 * space when plus_space (query strings and forms; not paths). Returns the decoded length, or
 * -1 when a '%' is not followed by two hexadecimal digits, when the text decodes to a NUL
 * byte, or when the result does not fit in size - 1 bytes.
 */
long http_percent_decode(const char *s, size_t len, bool plus_space, char *out, size_t size);

/*
 * Split the query string or form q[0..len) (in) at '&' into decoded name=value pairs, allocated
 * in arena (in-out): *pairs (out) and *n (out). An empty part is skipped; a part without '='
 * has the value "". Returns 0, or -1 when a part does not decode or there are more than max.
 */
int http_query_split(struct http_arena *arena, const char *q, size_t len, size_t max,
                     struct http_kv **pairs, size_t *n);

/*
 * The decoded value of the first part of form (in, a NUL-terminated form body) whose name is
 * exactly name (in, as written, not decoded), into out (out, size bytes). Returns 0, or -1 when
 * it is absent, does not decode or does not fit.
 */
int http_form_value(const char *form, const char *name, char *out, size_t size);

/* s (in, may be NULL): 1 to HTTP_DECIMAL_MAX ASCII digits. Returns 0 and *out, or -1. */
int http_parse_decimal(const char *s, int64_t *out);

/* s (in, may be NULL) as a positive decimal id, or 0 when it is not one. */
int64_t http_parse_id(const char *s);

/*
 * s (in, may be NULL) exactly "YYYY-MM-DDTHH:MM:SSZ", a real date and time of day (no leap
 * second), as microseconds since the epoch (out). Returns 0, or -1.
 */
int http_parse_utc(const char *s, int64_t *out);

#endif

/*
 * error.h - errors as values.
 *
 * A function that can fail in a way a user should hear about returns a status (0 for success,
 * a negative value for failure) and fills a caller-provided struct error: a stable code that
 * programs match on (JSON "code", CLI "error"), a message in Spanish for the user, and an
 * optional detail for the log that may name internal things the user need not see.
 *
 * Ownership: struct error is a plain value held by the caller, usually on the stack; nothing
 * inside it is heap-allocated, so there is nothing to free.
 */
#ifndef BUZON_CORE_ERROR_H
#define BUZON_CORE_ERROR_H

#include <stdbool.h>

enum {
    ERROR_CODE_MAX = 64,
    ERROR_MESSAGE_MAX = 512,
    ERROR_DETAIL_MAX = 512,
};

struct error {
    char code[ERROR_CODE_MAX];       /* stable, lower snake case, e.g. "rfc_check_digit" */
    char message[ERROR_MESSAGE_MAX]; /* Spanish, for the user */
    char detail[ERROR_DETAIL_MAX];   /* for the log; may be empty */
};

/*
 * Fill err (out, may be NULL) with code and a formatted Spanish message, clearing the detail.
 * Returns -1 always, so that a failing function can end with `return error_set(...)`.
 * Over-long text is truncated, never overflows.
 */
int error_set(struct error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set the log detail of err (in-out, may be NULL) without touching code or message. */
void error_detail(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix err's message (in-out) with context, e.g. "archivo x: ". */
void error_prefix(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reset err (out) to "no error". */
void error_clear(struct error *err);

/* True when err (in) holds an error. */
bool error_is_set(const struct error *err);

#endif

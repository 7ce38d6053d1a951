/*
 * buf.h - a growing text buffer shared by the files of deliver/ (internal).
 *
 * Ownership: the buffer owns p; deliver__buf_take hands it to the caller, deliver__buf_free
 * releases it. Not thread-safe; one buffer per building function.
 */
#ifndef BUZON_DELIVER_BUF_H
#define BUZON_DELIVER_BUF_H

#include <stddef.h>

struct deliver__buf {
    char *p;    /* NUL-terminated text, or NULL before the first append */
    size_t len; /* bytes before the NUL */
    size_t cap;
};

/* Append n bytes of s (in). */
void deliver__buf_add(struct deliver__buf *b, const char *s, size_t n);

/* Append the NUL-terminated s (in). */
void deliver__buf_str(struct deliver__buf *b, const char *s);

/* Append formatted text. */
void deliver__buf_fmt(struct deliver__buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The text (never NULL; "" when empty); the caller owns it and b is emptied. */
char *deliver__buf_take(struct deliver__buf *b);

/* Release the text of b (may be empty). */
void deliver__buf_free(struct deliver__buf *b);

#endif

/* buf.c - a growing text buffer (see buf.h). */
#include "deliver/buf.h"

#include "core/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
deliver__buf_add(struct deliver__buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = mem_realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void
deliver__buf_str(struct deliver__buf *b, const char *s)
{
    deliver__buf_add(b, s, strlen(s));
}

void
deliver__buf_fmt(struct deliver__buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        deliver__buf_add(b, small, (size_t)n);
        return;
    }

    /* Too long for the stack: format again straight into the buffer. */
    deliver__buf_add(b, "", 0);
    while (b->cap < b->len + (size_t)n + 1) {
        b->cap *= 2;
        b->p = mem_realloc(b->p, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *
deliver__buf_take(struct deliver__buf *b)
{
    char *p = b->p != NULL ? b->p : mem_strdup("");

    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void
deliver__buf_free(struct deliver__buf *b)
{
    MEM_FREE(b->p);
    b->len = b->cap = 0;
}

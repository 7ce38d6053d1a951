/* error.c - errors as values (see error.h). */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
error_set(struct error *err, const char *code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return -1;

    snprintf(err->code, sizeof(err->code), "%s", code);
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->detail[0] = '\0';
    return -1;
}

void
error_detail(struct error *err, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return;

    va_start(ap, fmt);
    vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
    va_end(ap);
}

void
error_prefix(struct error *err, const char *fmt, ...)
{
    char prefix[ERROR_MESSAGE_MAX];
    char joined[ERROR_MESSAGE_MAX];
    va_list ap;

    if (err == NULL)
        return;

    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);

    /* Join into a temporary: message and the result must not overlap in snprintf. */
    snprintf(joined, sizeof(joined), "%s%s", prefix, err->message);
    memcpy(err->message, joined, sizeof(err->message));
}

void
error_clear(struct error *err)
{
    if (err == NULL)
        return;
    err->code[0] = '\0';
    err->message[0] = '\0';
    err->detail[0] = '\0';
}

bool
error_is_set(const struct error *err)
{
    return err != NULL && err->code[0] != '\0';
}

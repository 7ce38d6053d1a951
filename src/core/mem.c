/* mem.c - allocation that cannot fail, and wiping of secrets (see mem.h). */
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
out_of_memory(size_t size)
{
    /* Plain fprintf: the logger itself may need memory. */
    fprintf(stderr, "{\"level\":\"error\",\"event\":\"out_of_memory\",\"size\":%zu}\n", size);
    abort();
}

void *
mem_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *
mem_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        out_of_memory(n * size);
    return p;
}

void *
mem_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);

    if (p == NULL)
        out_of_memory(size);
    return p;
}

char *
mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

char *
mem_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = mem_alloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

size_t
mem_strcopy(char *dst, size_t cap, const char *src)
{
    size_t len = strnlen(src, cap - 1);

    memcpy(dst, src, len);
    dst[len] = '\0';
    return len;
}

void
mem_wipe(void *p, size_t len)
{
    /* explicit_bzero is in glibc >= 2.25 and is documented not to be optimised away. */
    if (p != NULL && len > 0)
        explicit_bzero(p, len);
}

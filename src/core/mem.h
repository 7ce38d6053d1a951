/*
 * mem.h - allocation that cannot fail, and wiping of secrets.
 *
 * Allocation failure aborts in one place (docs/style.md, "Memory"): the service cannot do
 * anything sensible without memory, and surviving it is only worth it with fault injection.
 * Sizes that come from a client must be bounded by the caller before they reach these.
 */
#ifndef BUZON_CORE_MEM_H
#define BUZON_CORE_MEM_H

#include <stddef.h>

/* malloc/calloc/realloc/strdup that abort with a message on failure. Caller owns the result. */
void *mem_alloc(size_t size);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *ptr, size_t size);
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t n);

/* The string src (in) into dst (out, cap > 0 bytes), cut at cap - 1 bytes and always
 * terminated: what snprintf(dst, cap, "%s", src) writes, without parsing a format (for copies
 * made at every request). Returns the bytes copied. */
size_t mem_strcopy(char *dst, size_t cap, const char *src);

/* Overwrite len bytes at p (in-out) with zeros in a way the compiler may not elide. */
void mem_wipe(void *p, size_t len);

/* Free ptr and set the pointer it came from to NULL (curl's free-and-null). */
#define MEM_FREE(ptr) \
    do {              \
        free(ptr);    \
        (ptr) = NULL; \
    } while (0)

#endif

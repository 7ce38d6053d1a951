/*
 * memauth.h - an in-memory authentication hook for tests and benchmarks only.
 *
 * Maps bearer tokens ("Authorization: Bearer TOKEN") to principals given up front. The real
 * hook looks sessions up in the store; this one lets the router's authentication path be tested
 * without it. A token named "fail" makes the hook report a lookup failure (HTTP_AUTH_FAILED).
 */
#ifndef BUZON_TESTS_MEMAUTH_H
#define BUZON_TESTS_MEMAUTH_H

#include "http/auth.h"

#include <stddef.h>

struct memauth_entry {
    const char *token;
    struct http_principal principal;
};

/*
 * A hook over entries (in; n of them; must outlive the hook). The returned struct is a value;
 * nothing to free. Thread-safe: entries are only read.
 */
struct http_auth memauth_hook(const struct memauth_entry *entries, size_t n);

#endif

/* memauth.c - in-memory bearer tokens for tests and benchmarks (see memauth.h). */
#include "memauth.h"

#include "http/request.h"

#include <string.h>
#include <strings.h>

struct table {
    const struct memauth_entry *entries;
    size_t n;
};

/* One table per process is enough for a test program; the hook's arg points at it. */
static struct table table;

static enum http_auth_result
authenticate(void *arg, const struct http_request *req, struct http_principal *out,
             struct error *err)
{
    const struct table *t = arg;
    const char *h = http_request_header(req, "Authorization");
    const char *token;

    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return HTTP_AUTH_ABSENT;
    token = h + 7;
    if (strcmp(token, "fail") == 0) {
        error_set(err, "auth_unavailable", "no se pudo consultar las sesiones");
        return HTTP_AUTH_FAILED;
    }
    if (strcmp(token, "expired") == 0) {
        error_set(err, "session_expired", "Su sesión expiró; inicie sesión de nuevo.");
        return HTTP_AUTH_ABSENT;
    }

    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->entries[i].token, token) == 0) {
            *out = t->entries[i].principal;
            return HTTP_AUTH_OK;
        }
    }
    return HTTP_AUTH_ABSENT;
}

struct http_auth
memauth_hook(const struct memauth_entry *entries, size_t n)
{
    table.entries = entries;
    table.n = n;
    return (struct http_auth){authenticate, &table};
}

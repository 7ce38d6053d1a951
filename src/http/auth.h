/*
 * auth.h - who is asking: the principal of a request, and the hook that finds
 * it.
 *
 * Before the handler of a route marked HTTP_ROUTE_AUTH runs, the router asks
 * the service's authentication hook to turn the request's credentials (the
 * session cookie of a browser, or the bearer token of an API client or IMSS
 * system) into a principal. No credentials, or ones the hook does not accept,
 * get a 401 problem and the handler never runs; a principal of a kind the route
 * does not admit gets 403. Deciding what a principal may do with a given
 * mailbox is the application's job (design.md section 8); the router only keeps
 * anonymous callers and the wrong kind of caller out.
 *
 * The session store behind the hook belongs to the application: the composition
 * root supplies the hook. Tests use an in-memory implementation
 * (tests/unit/http/memauth.c).
 *
 * Ownership: a principal is a plain value inside the request; nothing in it is
 * heap-allocated.
 */
#ifndef BUZON_HTTP_AUTH_H
#define BUZON_HTTP_AUTH_H

#include "core/error.h"
#include "core/ident.h"

enum http_principal_kind {
    HTTP_PRINCIPAL_ANONYMOUS = 0,
    /* a particular (person or company) through its e.firma */
    HTTP_PRINCIPAL_PARTICULAR = 1,
    /* an IMSS official through their e.firma */
    HTTP_PRINCIPAL_STAFF = 2,
    /* an IMSS system through a scoped API token */
    HTTP_PRINCIPAL_SYSTEM = 4,
};

/* Roles of an official: bits, an official may hold several. */
enum http_role {
    HTTP_ROLE_ISSUER = 1 << 0,        /* issues notifications */
    HTTP_ROLE_HANDLER = 1 << 1,       /* handles filings */
    HTTP_ROLE_ADMINISTRATOR = 1 << 2, /* users, calendars, catalogue */
    HTTP_ROLE_AUDITOR = 1 << 3,       /* reads the audit log */
};

enum {
    HTTP_RFC_MAX = IDENT_RFC_BYTES_MAX, /* bytes of an RFC (core/ident.h) */
    HTTP_UNIT_MAX = 31,                 /* administrative unit key */
    HTTP_SESSION_ID_MAX = 47,           /* session or token identifier, not its secret */
    HTTP_NAME_MAX = 254,                /* an official's or a token's name */
};

struct http_principal {
    enum http_principal_kind kind;
    long long id; /* particular (0 before its mailbox exists), staff or token id */

    /* Particular: the mailbox's RFC (the company's, when a company signs in).
     * Staff: the official's RFC. */
    char rfc[HTTP_RFC_MAX + 1];

    /* The person whose e.firma signed in for a company; empty otherwise. */
    char representative_rfc[HTTP_RFC_MAX + 1];

    unsigned roles;               /* staff: enum http_role bits */
    char unit[HTTP_UNIT_MAX + 1]; /* staff: administrative unit */
    unsigned long long scopes;    /* system: scope bits defined by the app */

    /* For logout and audit: an identifier, never the cookie or token value. */
    char session_id[HTTP_SESSION_ID_MAX + 1];

    /* The number of the e.firma certificate the session was opened with; empty otherwise. */
    char cert_number[24];
    char name[HTTP_NAME_MAX + 1]; /* staff: the official's name; system: the token's */
};

struct http_request;

enum http_auth_result {
    /* principal filled */
    HTTP_AUTH_OK = 0,
    /* no credentials, or unknown, expired or revoked ones: 401 */
    HTTP_AUTH_ABSENT = 1,
    /* the lookup itself failed (store down): err filled, 503 */
    HTTP_AUTH_FAILED = -1,
};

/*
 * The hook. authenticate reads the request's credentials (in: headers are
 * available, the body is too) and fills *out (out) on HTTP_AUTH_OK. On
 * HTTP_AUTH_ABSENT it may fill err with the reason ("session_expired") so the
 * 401 names it; on HTTP_AUTH_FAILED err is filled and logged by the caller. It
 * is called from any server thread at once: the implementation is thread-safe.
 */
struct http_auth {
    enum http_auth_result (*authenticate)(void *arg, const struct http_request *req,
                                          struct http_principal *out, struct error *err);
    void *arg;
};

/* "anonymous", "particular", "staff" or "system". */
const char *http_principal_kind_name(enum http_principal_kind kind);

struct app_actor;

/*
 * The principal p (in) as the actor the application's authorization decides on
 * (app/authz.h), into out (out). Roles and scopes keep their bits (the enums of
 * both layers have the same values). An anonymous principal becomes an actor of
 * kind 0, which app_authorize refuses.
 */
void http_principal_actor(const struct http_principal *p, struct app_actor *out);

#endif

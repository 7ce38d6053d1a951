/*
 * routes.h - every route table of the API, one per resource file (router.h
 * explains a table).
 *
 * To add a resource: write src/http/<resource>.c exporting
 * http_<resource>_routes, declare it here, add it to http_routes in routes.c,
 * and describe its paths in docs/openapi.yaml.
 */
#ifndef BUZON_HTTP_ROUTES_H
#define BUZON_HTTP_ROUTES_H

#include "http/router.h"

/* /healthz, /readyz, /metrics (ops.c). */
extern const struct http_route http_ops_routes[];

/* /api/v1/session: who the caller is (session.c). */
extern const struct http_route http_session_routes[];

/* /api/v1/auth: e.firma login, logout (login.c). */
extern const struct http_route http_login_routes[];

/* /api/v1/mailbox: the mailbox summary (mailbox.c). */
extern const struct http_route http_mailbox_routes[];

/* /api/v1/terms, /api/v1/mailbox/terms: terms and conditions, their signature (terms.c). */
extern const struct http_route http_terms_routes[];

/* /api/v1/clarifications: requests for guidance, 5.9 (clarifications.c). */
extern const struct http_route http_clarifications_routes[];
/* /api/v1/mailbox/contacts, /api/v1/contacts/confirm-link, /confirmar (contacts.c). */
extern const struct http_route http_contacts_routes[];
/* /: what this server is, until the portal is served (home.c). */
extern const struct http_route http_home_routes[];

/* /api/v1/admin: officials and API tokens (admin.c). */
extern const struct http_route http_admin_routes[];

/* /api/v1/mailbox/audit, /api/v1/audit: the audit log (audit.c). */
extern const struct http_route http_audit_routes[];

/* /api/v1/receipts: receipts' bundles and PDFs (receipts.c). */
extern const struct http_route http_receipts_routes[];

/* All the tables above, NULL-terminated: what `buzon serve` routes. */
extern const struct http_route *const http_routes[];

#endif

/* routes.c - the list of route tables `buzon serve` serves (see routes.h). */
#include "http/routes.h"

#include <stddef.h>

const struct http_route *const http_routes[] = {
    http_home_routes,    http_ops_routes,   http_session_routes,        http_login_routes,
    http_mailbox_routes, http_terms_routes, http_clarifications_routes, http_contacts_routes,
    http_admin_routes,   http_audit_routes, http_receipts_routes,       NULL,
};

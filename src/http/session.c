/* session.c - /api/v1/session: who the caller's credentials stand for. */
#include "http/routes.h"

/*
 * The caller's own identity, so a client can tell whether its session is alive
 * and what it may do. The RFC shown is the caller's own; nothing here is
 * logged.
 */
static void
get_session(struct http_request *req, struct http_response *resp)
{
    const struct http_principal *p = &req->principal;
    json_t *root =
        json_pack("{s:s, s:s}", "kind", http_principal_kind_name(p->kind), "rfc", p->rfc);

    if (p->representative_rfc[0] != '\0')
        json_object_set_new(root, "representative_rfc", json_string(p->representative_rfc));
    if (p->name[0] != '\0')
        json_object_set_new(root, "name", json_string(p->name));
    if (p->kind == HTTP_PRINCIPAL_STAFF) {
        json_t *roles = json_array();

        if (p->roles & HTTP_ROLE_ISSUER)
            json_array_append_new(roles, json_string("issuer"));
        if (p->roles & HTTP_ROLE_HANDLER)
            json_array_append_new(roles, json_string("handler"));
        if (p->roles & HTTP_ROLE_ADMINISTRATOR)
            json_array_append_new(roles, json_string("administrator"));
        if (p->roles & HTTP_ROLE_AUDITOR)
            json_array_append_new(roles, json_string("auditor"));
        json_object_set_new(root, "roles", roles);
        json_object_set_new(root, "unit", json_string(p->unit));
    }
    http_response_json(req, resp, 200, root);
}

const struct http_route http_session_routes[] = {
    {"GET", "/api/v1/session", get_session, HTTP_ROUTE_AUTH, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

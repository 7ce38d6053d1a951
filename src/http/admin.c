/*
 * admin.c - /api/v1/admin: registering officials and issuing and revoking the API tokens of
 * IMSS systems (administrator role; docs/authorization.md). Decisions are in app/staff.h.
 */
#include "app/staff.h"
#include "core/civil.h"
#include "core/mem.h"
#include "http/json.h"
#include "http/problem.h"
#include "http/routes.h"
#include "http/shared.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* A JSON array of names (in) joined with commas into out; -1 when not an array of strings. */
static int
join_names(json_t *arr, char *out, size_t cap)
{
    size_t i, o = 0;
    json_t *v;

    out[0] = '\0';
    if (!json_is_array(arr))
        return -1;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        int w;

        if (s == NULL)
            return -1;
        w = snprintf(out + o, cap - o, "%s%s", i > 0 ? "," : "", s);
        if (w < 0 || (size_t)w >= cap - o)
            return -1;
        o += (size_t)w;
    }
    return 0;
}

static json_t *
names_json(uint32_t bits, bool roles)
{
    json_t *arr = json_array();

    for (uint32_t bit = 1; bit <= 8; bit <<= 1) {
        const char *name = roles ? app_role_name(bit) : app_scope_name(bit);

        if ((bits & bit) != 0 && name != NULL)
            json_array_append_new(arr, json_string(name));
    }
    return arr;
}

/* {"rfc", "name", "roles": ["issuer", ...], "unit"} -> 201 {"staff": {...}} */
static void
post_staff(struct http_request *req, struct http_response *resp)
{
    struct app_staff in = {0}, out;
    struct app_actor who;
    struct error err = {0};
    char roles[128], created[CIVIL_INSTANT_LEN];
    const char *rfc, *name, *unit;
    json_t *body;

    if (http_no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    rfc = json_string_value(json_object_get(body, "rfc"));
    name = json_string_value(json_object_get(body, "name"));
    unit = json_string_value(json_object_get(body, "unit"));
    if (rfc == NULL || name == NULL || unit == NULL || strlen(rfc) >= sizeof(in.rfc) ||
        strlen(name) >= sizeof(in.name) || strlen(unit) >= sizeof(in.unit) ||
        join_names(json_object_get(body, "roles"), roles, sizeof(roles)) != 0 ||
        app_roles_parse(roles, &in.roles, &err) != 0) {
        http_problem(req, resp, 422, "staff_invalid",
                     "Se requieren rfc, name, unit y roles (lista de issuer, handler, "
                     "administrator, auditor).");
        return;
    }
    snprintf(in.rfc, sizeof(in.rfc), "%s", rfc);
    snprintf(in.name, sizeof(in.name), "%s", name);
    snprintf(in.unit, sizeof(in.unit), "%s", unit);
    if (app_staff_add(req->app, &who, &in, req->id, &out, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    civil_format_utc(out.created_at, created);
    http_response_json(req, resp, 201,
                       json_pack("{s:{s:I, s:s, s:s, s:o, s:s, s:b, s:s}}", "staff", "id",
                                 (json_int_t)out.id, "rfc", out.rfc, "name", out.name, "roles",
                                 names_json(out.roles, true), "unit", out.unit, "active",
                                 out.active, "created_at", created));
}

/* {"name", "scopes": ["notify", ...], "days"?} -> 201 {"token": "bzt_...", "id", ...} */
static void
post_token(struct http_request *req, struct http_response *resp)
{
    struct app_actor who;
    struct app_token t;
    struct error err = {0};
    char scopes_text[128], created[CIVIL_INSTANT_LEN], expires[CIVIL_INSTANT_LEN];
    uint32_t scopes = 0;
    json_int_t days = 0;
    const char *name;
    json_t *body, *jdays;

    if (http_no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    name = json_string_value(json_object_get(body, "name"));
    jdays = json_object_get(body, "days");
    if (jdays != NULL)
        days = json_is_integer(jdays) ? json_integer_value(jdays) : -1;
    if (name == NULL || days < 0 ||
        join_names(json_object_get(body, "scopes"), scopes_text, sizeof(scopes_text)) != 0 ||
        app_scopes_parse(scopes_text, &scopes, &err) != 0) {
        http_problem(req, resp, 422, "token_invalid",
                     "Se requieren name y scopes (lista de notify, documents, read); days es "
                     "opcional (1 a 3650).");
        return;
    }
    if (app_token_issue(req->app, &who, name, scopes, (int64_t)days, req->id, &t, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    civil_format_utc(t.created_at, created);
    civil_format_utc(t.expires_at, expires);
    /* The token is shown this once; only its hash is kept. */
    http_response_json(req, resp, 201,
                       json_pack("{s:s, s:I, s:s, s:o, s:s, s:s}", "token", t.token, "id",
                                 (json_int_t)t.id, "name", t.name, "scopes",
                                 names_json(t.scopes, false), "created_at", created, "expires_at",
                                 expires));
    mem_wipe(t.token, sizeof(t.token));
}

static void
delete_token(struct http_request *req, struct http_response *resp)
{
    const char *id_text = http_request_param(req, "id");
    struct app_actor who;
    struct error err = {0};
    long long id = 0;

    if (http_no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    for (const char *p = id_text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || id > 100000000000000LL) {
            id = -1;
            break;
        }
        id = id * 10 + (*p - '0');
    }
    if (id <= 0) {
        http_problem(req, resp, 404, "token_not_found",
                     "No existe una credencial de sistema con ese número.");
        return;
    }
    if (app_token_revoke(req->app, &who, (int64_t)id, req->id, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_response_json(req, resp, 204, NULL);
}

const struct http_route http_admin_routes[] = {
    {"POST", "/api/v1/admin/staff", post_staff, HTTP_ROUTE_AUTH, 0, 0},
    {"POST", "/api/v1/admin/tokens", post_token, HTTP_ROUTE_AUTH, 0, 0},
    {"DELETE", "/api/v1/admin/tokens/{id}", delete_token, HTTP_ROUTE_AUTH, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

/*
 * login.c - /api/v1/auth: e.firma login by challenge and response, logout, and
 * the authentication hook that turns a session cookie or bearer token into a
 * principal (docs/authentication.md). The decisions are in app/login.h; this
 * file only carries them.
 */
#include "http/login.h"

#include "app/login.h"
#include "app/staff.h"
#include "base/log.h"
#include "core/civil.h"
#include "core/mem.h"
#include "http/json.h"
#include "http/problem.h"
#include "http/routes.h"
#include "http/shared.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define COOKIE_NAME "buzon_session"

/* The token of the request: `Authorization: Bearer` first (API clients), then the cookie. */
static const char *
request_token(const struct http_request *req)
{
    const char *auth = http_request_header(req, "Authorization");

    if (auth != NULL) {
        if (strncasecmp(auth, "Bearer ", 7) != 0)
            return NULL;
        auth += 7;
        while (*auth == ' ')
            auth++;
        return auth;
    }
    return http_request_cookie(req, COOKIE_NAME);
}

enum http_auth_result
http_login_authenticate(void *arg, const struct http_request *req, struct http_principal *out,
                        struct error *err)
{
    struct app_session s;
    const char *token = request_token(req);
    enum app_session_result rc;
    size_t n;

    if (token == NULL)
        return HTTP_AUTH_ABSENT;

    /* An IMSS system's API token: a SYSTEM principal with the token's scopes. */
    if (strncmp(token, APP_API_TOKEN_PREFIX, strlen(APP_API_TOKEN_PREFIX)) == 0) {
        struct app_actor sys;
        enum app_token_result tr = app_token_check(arg, token, &sys, err);

        if (tr == APP_TOKEN_FAILED)
            return HTTP_AUTH_FAILED;
        if (tr != APP_TOKEN_OK)
            return HTTP_AUTH_ABSENT;
        *out = (struct http_principal){
            .kind = HTTP_PRINCIPAL_SYSTEM, .id = sys.id, .scopes = sys.scopes};
        snprintf(out->session_id, sizeof(out->session_id), "%s", sys.ref);
        snprintf(out->name, sizeof(out->name), "%s", sys.name);
        return HTTP_AUTH_OK;
    }

    rc = app_session_check(arg, token, &s, err);
    if (rc == APP_SESSION_FAILED)
        return HTTP_AUTH_FAILED;
    if (rc != APP_SESSION_OK)
        return HTTP_AUTH_ABSENT;

    *out = (struct http_principal){.kind = s.kind == APP_ACTOR_STAFF ? HTTP_PRINCIPAL_STAFF
                                                                     : HTTP_PRINCIPAL_PARTICULAR,
                                   .id = s.subject_id,
                                   .roles = s.roles};
    /* At every request: plain copies, no format to parse. */
    mem_strcopy(out->rfc, sizeof(out->rfc), s.rfc);
    mem_strcopy(out->representative_rfc, sizeof(out->representative_rfc), s.representative_rfc);
    n = mem_strcopy(out->session_id, sizeof(out->session_id), "session:");
    mem_strcopy(out->session_id + n, sizeof(out->session_id) - n, s.session_id);
    mem_strcopy(out->cert_number, sizeof(out->cert_number), s.cert_number);
    mem_strcopy(out->unit, sizeof(out->unit), s.unit);
    mem_strcopy(out->name, sizeof(out->name), s.name);
    return HTTP_AUTH_OK;
}

/* Without an application context (`buzon serve --request-file`, the fuzzer)
 * there is no store to log in against. */
static bool
no_app(struct http_request *req, struct http_response *resp)
{
    if (req->app != NULL)
        return false;
    http_problem(req, resp, 503, "login_unavailable",
                 "El inicio de sesión no está disponible en este modo del servidor.");
    return true;
}

static void
post_challenge(struct http_request *req, struct http_response *resp)
{
    struct app_challenge c;
    struct error err = {0};
    char expires[CIVIL_INSTANT_LEN];

    if (no_app(req, resp))
        return;
    if (app_login_challenge(req->app, req->peer, &c, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    civil_format_utc(c.expires_at, expires);
    http_response_json(req, resp, 201,
                       json_pack("{s:s, s:s, s:s}", "nonce", c.nonce, "expires_at", expires,
                                 "canonical", "||buzon-login|1|NONCE|RFC|INSTANT||"));
}

/* Set-Cookie for a browser: never readable by scripts, sent only over TLS, same site only. */
static void
set_cookie(struct http_request *req, struct http_response *resp, const char *token,
           long long max_age)
{
    char cookie[160];

    snprintf(cookie, sizeof(cookie),
             COOKIE_NAME "=%s; Path=/; Max-Age=%lld; HttpOnly; Secure; SameSite=Strict", token,
             max_age);
    http_response_header(req, resp, "Set-Cookie", cookie);
    mem_wipe(cookie, sizeof(cookie));
}

static json_t *
session_json(const struct app_session *s)
{
    char expires[CIVIL_INSTANT_LEN], max_expires[CIVIL_INSTANT_LEN];
    json_t *root;

    civil_format_utc(s->expires_at, expires);
    civil_format_utc(s->max_expires_at, max_expires);
    root = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "token", s->token, "token_type",
                     "Bearer", "session_id", s->session_id, "rfc", s->rfc, "certificate_number",
                     s->cert_number, "expires_at", expires, "max_expires_at", max_expires);
    if (s->representative_rfc[0] != '\0')
        json_object_set_new(root, "representative_rfc", json_string(s->representative_rfc));
    json_object_set_new(root, "kind",
                        json_string(s->kind == APP_ACTOR_STAFF ? "staff" : "particular"));
    if (s->kind == APP_ACTOR_STAFF) {
        json_t *roles = json_array();

        for (unsigned bit = 1; bit <= APP_ROLE_AUDITOR; bit <<= 1) {
            if ((s->roles & bit) != 0)
                json_array_append_new(roles, json_string(app_role_name(bit)));
        }
        json_object_set_new(root, "roles", roles);
        json_object_set_new(root, "unit", json_string(s->unit));
        json_object_set_new(root, "name", json_string(s->name));
    }
    return root;
}

static void
post_login(struct http_request *req, struct http_response *resp)
{
    struct app_login_request rq = {0};
    struct app_session s;
    struct error err = {0};
    char rfc_hash[17];
    json_t *body;

    if (no_app(req, resp))
        return;
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    rq = (struct app_login_request){http_json_str(body, "certificate"),
                                    http_json_str(body, "signature"),
                                    http_json_str(body, "rfc"),
                                    http_json_str(body, "instant"),
                                    http_json_str(body, "nonce"),
                                    req->peer,
                                    req->id,
                                    false};
    /* "as": "staff" opens an official's session; absent (or "particular") a particular's. */
    if (json_object_get(body, "as") != NULL) {
        const char *as = http_json_str(body, "as");

        if (as == NULL || (strcmp(as, "staff") != 0 && strcmp(as, "particular") != 0)) {
            http_problem(req, resp, 422, "login_request_invalid",
                         "el campo as admite \"staff\" o \"particular\"");
            return;
        }
        rq.as_staff = strcmp(as, "staff") == 0;
    }
    log_rfc_hash(rq.rfc != NULL ? rq.rfc : "", rfc_hash);

    if (app_login_complete(req->app, &rq, &s, &err) != 0) {
        log_info("login_refused", LOG_STR("request_id", req->id), LOG_STR("code", err.code),
                 LOG_STR("rfc_hash", rfc_hash), LOG_STR("detail", err.detail));
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    log_info("login", LOG_STR("request_id", req->id), LOG_STR("rfc_hash", rfc_hash),
             LOG_STR("session_id", s.session_id), LOG_STR("certificate", s.cert_number));
    set_cookie(req, resp, s.token, (long long)((s.max_expires_at - s.created_at) / 1000000));
    http_response_json(req, resp, 200, session_json(&s));
    mem_wipe(s.token, sizeof(s.token));
}

static void
post_logout(struct http_request *req, struct http_response *resp)
{
    struct error err = {0};

    if (no_app(req, resp))
        return;
    if (app_logout(req->app, request_token(req), req->id, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    log_info("logout", LOG_STR("request_id", req->id),
             LOG_STR("session_id", req->principal.session_id));
    set_cookie(req, resp, "", 0);
    http_response_json(req, resp, 204, NULL);
}

const struct http_route http_login_routes[] = {
    {"POST", "/api/v1/auth/challenge", post_challenge, 0, 0, 0},
    {"POST", "/api/v1/auth/login", post_login, 0, 0, 32768},
    {"POST", "/api/v1/auth/logout", post_logout, HTTP_ROUTE_AUTH,
     HTTP_PRINCIPAL_PARTICULAR | HTTP_PRINCIPAL_STAFF, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

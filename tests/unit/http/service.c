/*
 * Tests of http/service through http/oneshot: the whole request path from raw bytes (parsing,
 * limits, routing, authentication, handlers, JSON bodies, problems, headers, metrics).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/log.h"
#include "http/json.h"
#include "http/oneshot.h"
#include "http/problem.h"
#include "memauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
get_thing(struct http_request *req, struct http_response *resp)
{
    const char *q = http_request_query(req, "q");

    http_response_json(req, resp, 200,
                       json_pack("{s:s, s:s?, s:s, s:s}", "id", http_request_param(req, "id"), "q",
                                 q, "kind", http_principal_kind_name(req->principal.kind), "rfc",
                                 req->principal.rfc));
}

static void
post_thing(struct http_request *req, struct http_response *resp)
{
    struct error err = {0};
    json_t *body = http_json_body(req, &err);

    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_response_json(req, resp, 201, json_incref(body));
}

static void
silent(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
}

static void
cached(struct http_request *req, struct http_response *resp)
{
    http_response_bytes(req, resp, 200, "text/plain", "hola", 4);
    http_response_header(req, resp, "Cache-Control", "max-age=60");
}

static void
get_maybe(struct http_request *req, struct http_response *resp)
{
    http_response_json(req, resp, 200,
                       json_pack("{s:s, s:s*}", "kind",
                                 http_principal_kind_name(req->principal.kind), "session",
                                 http_request_cookie(req, "buzon_session")));
}

static int deferred_ran;

static void
mark(void *arg)
{
    *(int *)arg = 1;
}

static void
deferring(struct http_request *req, struct http_response *resp)
{
    http_arena_defer(req->arena, mark, &deferred_ran);
    http_response_json(req, resp, 204, NULL);
}

static const struct http_route routes[] = {
    {"GET", "/things/{id}", get_thing, HTTP_ROUTE_AUTH,
     HTTP_PRINCIPAL_PARTICULAR | HTTP_PRINCIPAL_STAFF, 0},
    {"POST", "/things", post_thing, 0, 0, 64},
    {"GET", "/silent", silent, 0, 0, 0},
    {"GET", "/cached", cached, 0, 0, 0},
    {"GET", "/deferring", deferring, 0, 0, 0},
    {"GET", "/maybe", get_maybe, HTTP_ROUTE_AUTH_OPTIONAL, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};
static const struct http_route *const tables[] = {routes, NULL};

static const struct memauth_entry tokens[] = {
    {"tok-particular", {.kind = HTTP_PRINCIPAL_PARTICULAR, .rfc = "XAXX010101000"}},
    {"tok-system", {.kind = HTTP_PRINCIPAL_SYSTEM, .scopes = 1}},
};

static struct http_service *svc;

/* A parsed response. */
struct reply {
    unsigned status;
    char *raw;
    const char *body;
    json_t *json;
};

static struct reply
send_raw(const char *raw)
{
    struct reply r = {0};
    size_t len = 0;
    char *sep;

    r.status = http_oneshot(svc, (const uint8_t *)raw, strlen(raw), &r.raw, &len);
    assert_non_null(r.raw);
    assert_int_equal((unsigned)strtoul(r.raw + 9, NULL, 10), r.status);
    sep = strstr(r.raw, "\r\n\r\n");
    assert_non_null(sep);
    r.body = sep + 4;
    r.json = json_loads(r.body, 0, NULL);
    return r;
}

static void
reply_free(struct reply *r)
{
    json_decref(r->json);
    free(r->raw);
}

/* The value of header name in r, copied into buf; NULL when absent. */
static const char *
header(const struct reply *r, const char *name, char *buf, size_t len)
{
    size_t nlen = strlen(name);

    for (const char *p = strstr(r->raw, "\r\n"); p != NULL && p + 2 < r->body;
         p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, nlen) == 0 && p[2 + nlen] == ':') {
            const char *v = p + 2 + nlen + 2, *e = strstr(v, "\r\n");

            snprintf(buf, len, "%.*s", (int)(e - v), v);
            return buf;
        }
    }
    return NULL;
}

static const char *
jstr(const struct reply *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

static void
an_authenticated_particular_gets_decoded_params_and_query(void **state)
{
    struct reply r = send_raw("GET /things/a%20b?q=x+y%21&z HTTP/1.1\r\n"
                              "Authorization: Bearer tok-particular\r\n\r\n");

    (void)state;
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "id"), "a b");
    assert_string_equal(jstr(&r, "q"), "x y!");
    assert_string_equal(jstr(&r, "kind"), "particular");
    assert_string_equal(jstr(&r, "rfc"), "XAXX010101000");
    reply_free(&r);
}

static void
missing_unknown_or_expired_credentials_get_401(void **state)
{
    static const struct {
        const char *auth, *code;
    } cases[] = {
        {"", "unauthenticated"},
        {"Authorization: Bearer nobody\r\n", "unauthenticated"},
        {"Authorization: Basic dXNlcjpwYXNz\r\n", "unauthenticated"},
        {"Authorization: Bearer expired\r\n", "session_expired"},
    };
    char raw[256], buf[128];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct reply r;

        snprintf(raw, sizeof(raw), "GET /things/1 HTTP/1.1\r\n%s\r\n", cases[i].auth);
        r = send_raw(raw);
        assert_int_equal(r.status, 401);
        assert_string_equal(jstr(&r, "code"), cases[i].code);
        assert_non_null(header(&r, "WWW-Authenticate", buf, sizeof(buf)));
        assert_string_equal(header(&r, "Content-Type", buf, sizeof(buf)),
                            "application/problem+json");
        reply_free(&r);
    }
}

static void
a_failing_session_lookup_is_503_and_the_wrong_kind_is_403(void **state)
{
    struct reply r = send_raw("GET /things/1 HTTP/1.1\r\nAuthorization: Bearer fail\r\n\r\n");

    (void)state;
    assert_int_equal(r.status, 503);
    assert_string_equal(jstr(&r, "code"), "auth_unavailable");
    reply_free(&r);

    r = send_raw("GET /things/1 HTTP/1.1\r\nAuthorization: Bearer tok-system\r\n\r\n");
    assert_int_equal(r.status, 403);
    assert_string_equal(jstr(&r, "code"), "forbidden");
    reply_free(&r);
}

static void
an_optional_auth_route_admits_anonymous_callers_but_not_a_failed_lookup(void **state)
{
    struct reply r = send_raw("GET /maybe HTTP/1.1\r\n\r\n");

    (void)state;
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "kind"), "anonymous");
    reply_free(&r);

    r = send_raw("GET /maybe HTTP/1.1\r\nAuthorization: Bearer nobody\r\n\r\n");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "kind"), "anonymous");
    reply_free(&r);

    r = send_raw("GET /maybe HTTP/1.1\r\nAuthorization: Bearer tok-particular\r\n\r\n");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(&r, "kind"), "particular");
    reply_free(&r);

    r = send_raw("GET /maybe HTTP/1.1\r\nAuthorization: Bearer fail\r\n\r\n");
    assert_int_equal(r.status, 503);
    reply_free(&r);
}

static void
cookies_are_found_by_exact_name(void **state)
{
    static const struct {
        const char *header, *want;
    } cases[] = {
        {"Cookie: buzon_session=abc\r\n", "abc"},
        {"Cookie: a=1; buzon_session=abc; b=2\r\n", "abc"},
        {"Cookie: a=1;buzon_session=\"q v\"\r\n", "q v"},
        {"Cookie: xbuzon_session=no; buzon_session_old=no\r\n", NULL},
        {"Cookie: buzon_session=\r\n", ""},
        {"", NULL},
    };
    char raw[256];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct reply r;

        snprintf(raw, sizeof(raw), "GET /maybe HTTP/1.1\r\n%s\r\n", cases[i].header);
        r = send_raw(raw);
        assert_int_equal(r.status, 200);
        if (cases[i].want == NULL)
            assert_null(json_object_get(r.json, "session"));
        else
            assert_string_equal(jstr(&r, "session"), cases[i].want);
        reply_free(&r);
    }
}

static void
every_response_carries_the_security_headers_and_request_id(void **state)
{
    struct reply r = send_raw("GET /cached HTTP/1.1\r\nX-Request-Id: abc-123_x.y\r\n\r\n");
    char buf[128];

    (void)state;
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "hola");
    assert_string_equal(header(&r, "X-Content-Type-Options", buf, sizeof(buf)), "nosniff");
    assert_string_equal(header(&r, "Referrer-Policy", buf, sizeof(buf)), "no-referrer");
    assert_string_equal(header(&r, "X-Frame-Options", buf, sizeof(buf)), "DENY");
    assert_non_null(header(&r, "Content-Security-Policy", buf, sizeof(buf)));
    assert_string_equal(header(&r, "Cache-Control", buf, sizeof(buf)), "max-age=60");
    assert_string_equal(header(&r, "X-Request-Id", buf, sizeof(buf)), "abc-123_x.y");
    reply_free(&r);

    r = send_raw("GET /nowhere HTTP/1.1\r\nX-Request-Id: no good\r\n\r\n");
    assert_int_equal(r.status, 404);
    assert_string_equal(header(&r, "Cache-Control", buf, sizeof(buf)), "no-store");
    assert_int_equal(strlen(header(&r, "X-Request-Id", buf, sizeof(buf))), 24);
    assert_string_equal(jstr(&r, "request_id"), buf);
    reply_free(&r);
}

static void
unknown_paths_are_404_and_wrong_methods_405_with_allow(void **state)
{
    struct reply r = send_raw("DELETE /things HTTP/1.1\r\n\r\n");
    char buf[128];

    (void)state;
    assert_int_equal(r.status, 405);
    assert_string_equal(jstr(&r, "code"), "method_not_allowed");
    assert_string_equal(header(&r, "Allow", buf, sizeof(buf)), "POST");
    reply_free(&r);

    r = send_raw("GET /things HTTP/1.1\r\n\r\n");
    assert_int_equal(r.status, 405);
    reply_free(&r);

    r = send_raw("GET /things/1/2 HTTP/1.1\r\n\r\n");
    assert_int_equal(r.status, 404);
    assert_string_equal(jstr(&r, "code"), "not_found");
    reply_free(&r);
}

static void
json_bodies_are_checked_for_type_syntax_shape_and_duplicates(void **state)
{
    static const struct {
        const char *ct, *body;
        unsigned status;
        const char *code;
    } cases[] = {
        {"application/json", "{\"a\":1}", 201, NULL},
        {"application/json; charset=utf-8", "{\"a\":[true]}", 201, NULL},
        {"text/plain", "{\"a\":1}", 415, "unsupported_media_type"},
        {NULL, "{\"a\":1}", 415, "unsupported_media_type"},
        {"application/jsonx", "{}", 415, "unsupported_media_type"},
        {"application/json", "{\"a\":", 400, "json_syntax"},
        {"application/json", "", 400, "json_syntax"},
        {"application/json", "[1,2]", 400, "json_type"},
        {"application/json", "{\"a\":1,\"a\":2}", 400, "json_syntax"},
        {"application/json", "{\"a\":\"\\u0000\"}", 400, "json_syntax"},
        {"application/json", "{\"a\":\"\xff\"}", 400, "json_syntax"},
    };
    char raw[512], ct[64];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct reply r;

        snprintf(ct, sizeof(ct), "Content-Type: %s\r\n", cases[i].ct);
        snprintf(raw, sizeof(raw), "POST /things HTTP/1.1\r\n%sContent-Length: %zu\r\n\r\n%s",
                 cases[i].ct != NULL ? ct : "", strlen(cases[i].body), cases[i].body);
        r = send_raw(raw);
        if (r.status != cases[i].status)
            fail_msg("case %zu: %u, expected %u: %s", i, r.status, cases[i].status, r.body);
        if (cases[i].code != NULL) {
            assert_string_equal(jstr(&r, "code"), cases[i].code);
        } else {
            json_t *sent = json_loads(cases[i].body, 0, NULL);

            assert_true(json_equal(r.json, sent));
            json_decref(sent);
        }
        reply_free(&r);
    }
}

static void
bodies_and_headers_over_their_limits_are_refused(void **state)
{
    char raw[40000], pad[32768];
    struct reply r;

    (void)state;
    /* The route allows 64 bytes; the limit is checked before the body is looked at. */
    snprintf(raw, sizeof(raw),
             "POST /things HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 65\r\n"
             "\r\n{\"a\":\"%059d\"}",
             0);
    r = send_raw(raw);
    assert_int_equal(r.status, 413);
    assert_string_equal(jstr(&r, "code"), "body_too_large");
    reply_free(&r);

    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    snprintf(raw, sizeof(raw), "GET /cached HTTP/1.1\r\nX-Pad: %.17000s\r\n\r\n", pad);
    r = send_raw(raw);
    assert_int_equal(r.status, 431);
    assert_string_equal(jstr(&r, "code"), "headers_too_large");
    reply_free(&r);
}

static void
malformed_requests_get_a_400_problem(void **state)
{
    static const char *const cases[] = {
        "",
        "GET /cached\r\n\r\n",
        "GET cached HTTP/1.1\r\n\r\n",
        "GET /cached HTTP/2.0\r\n\r\n",
        "G(T /cached HTTP/1.1\r\n\r\n",
        "GET /cached HTTP/1.1\r\nX-A: 1\r\n",
        "GET /cached HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n",
        "GET /cached HTTP/1.1\r\nNo colon\r\n\r\n",
        "GET /cached HTTP/1.1\r\nBad Name: 1\r\n\r\n",
        "GET /cach%zz HTTP/1.1\r\n\r\n",
        "GET /cach%00 HTTP/1.1\r\n\r\n",
        "GET /cached%2 HTTP/1.1\r\n\r\n",
        "GET /cached?a=%0 HTTP/1.1\r\n\r\n",
        "POST /things HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /things HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
        "POST /things HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        "POST /things HTTP/1.1\r\nContent-Length: 1x\r\n\r\nab",
        "POST /things HTTP/1.1\r\n\r\nbody without length",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct reply r = send_raw(cases[i]);

        if (r.status != 400)
            fail_msg("case %zu: %u: %s", i, r.status, r.body);
        assert_string_equal(jstr(&r, "code"), "bad_request");
        reply_free(&r);
    }
}

static void
a_handler_that_does_not_answer_is_a_500(void **state)
{
    struct reply r = send_raw("GET /silent HTTP/1.1\r\n\r\n");

    (void)state;
    assert_int_equal(r.status, 500);
    assert_string_equal(jstr(&r, "code"), "internal");
    reply_free(&r);
}

static void
head_has_no_body_and_deferred_cleanups_run(void **state)
{
    struct reply r = send_raw("HEAD /cached HTTP/1.1\r\n\r\n");
    char buf[64];

    (void)state;
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "");
    assert_string_equal(header(&r, "Content-Length", buf, sizeof(buf)), "4");
    reply_free(&r);

    deferred_ran = 0;
    r = send_raw("GET /deferring HTTP/1.1\r\n\r\n");
    assert_int_equal(r.status, 204);
    assert_int_equal(deferred_ran, 1);
    reply_free(&r);
}

static void
answered_requests_are_counted_and_none_stays_in_flight(void **state)
{
    struct http_metrics *m = http_service_metrics(svc);
    struct reply r = send_raw("GET /cached HTTP/1.1\r\n\r\n");
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    (void)state;
    reply_free(&r);
    out = open_memstream(&text, &len);
    http_metrics_render(m, out);
    fclose(out);
    assert_non_null(strstr(text, "{route=\"/cached\",method=\"GET\",status=\"200\"}"));
    assert_non_null(strstr(text, "\nbuzon_http_requests_in_flight 0\n"));
    free(text);
}

static int
setup_service(void **state)
{
    struct http_service_options o = {0};
    struct error err = {0};

    (void)state;
    log_set_level(LOG_WARN);
    o.routes = tables;
    o.auth = memauth_hook(tokens, sizeof(tokens) / sizeof(tokens[0]));
    o.max_body_bytes = 1024;
    o.max_header_bytes = 16384;
    o.max_request_ms = 1000;
    svc = http_service_new(&o, &err);
    return svc != NULL ? 0 : -1;
}

static int
teardown_service(void **state)
{
    (void)state;
    http_service_free(svc);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_authenticated_particular_gets_decoded_params_and_query),
        cmocka_unit_test(missing_unknown_or_expired_credentials_get_401),
        cmocka_unit_test(a_failing_session_lookup_is_503_and_the_wrong_kind_is_403),
        cmocka_unit_test(an_optional_auth_route_admits_anonymous_callers_but_not_a_failed_lookup),
        cmocka_unit_test(cookies_are_found_by_exact_name),
        cmocka_unit_test(every_response_carries_the_security_headers_and_request_id),
        cmocka_unit_test(unknown_paths_are_404_and_wrong_methods_405_with_allow),
        cmocka_unit_test(json_bodies_are_checked_for_type_syntax_shape_and_duplicates),
        cmocka_unit_test(bodies_and_headers_over_their_limits_are_refused),
        cmocka_unit_test(malformed_requests_get_a_400_problem),
        cmocka_unit_test(a_handler_that_does_not_answer_is_a_500),
        cmocka_unit_test(head_has_no_body_and_deferred_cleanups_run),
        cmocka_unit_test(answered_requests_are_counted_and_none_stays_in_flight),
    };
    return cmocka_run_group_tests(tests, setup_service, teardown_service);
}

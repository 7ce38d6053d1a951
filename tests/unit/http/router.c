/* Tests of http/router: patterns, parameters, precedence, 404 and 405 with Allow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/router.h"

#include <string.h>

static void
noop(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
}

static const struct http_route routes[] = {
    {"GET", "/", noop, 0, 0, 0},
    {"GET", "/api/v1/notifications", noop, 0, 0, 0},
    {"POST", "/api/v1/notifications", noop, 0, 0, 0},
    {"GET", "/api/v1/notifications/{id}", noop, 0, 0, 0},
    {"GET", "/api/v1/notifications/summary", noop, 0, 0, 0},
    {"DELETE", "/api/v1/notifications/{id}", noop, 0, 0, 0},
    {"GET", "/api/v1/filings/{id}/attachments/{sha256}", noop, 0, 0, 0},
    {"GET", "/static/{file*}", noop, 0, 0, 0},
    {"GET", "/static/index.html", noop, 0, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};
static const struct http_route *const tables[] = {routes, NULL};

struct fixture {
    struct http_router *router;
    struct http_arena arena;
    struct http_request req;
    char allow[64];
};

static int
setup(void **state)
{
    static struct fixture f;
    struct error err = {0};

    memset(&f, 0, sizeof(f));
    f.router = http_router_new(tables, &err);
    assert_non_null(f.router);
    f.req.arena = &f.arena;
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    http_arena_release(&f->arena);
    http_router_free(f->router);
    return 0;
}

static enum http_match
match(struct fixture *f, const char *method, const char *path)
{
    f->req.method = method;
    f->req.path = path;
    return http_router_match(f->router, &f->req, f->allow, sizeof(f->allow));
}

static void
a_literal_path_matches_its_route(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(match(f, "GET", "/api/v1/notifications"), HTTP_MATCH_FOUND);
    assert_string_equal(f->req.route->pattern, "/api/v1/notifications");
    assert_int_equal(f->req.n_params, 0);
    assert_int_equal(match(f, "GET", "/"), HTTP_MATCH_FOUND);
    assert_string_equal(f->req.route->pattern, "/");
}

static void
parameters_are_bound_by_name_in_pattern_order(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(match(f, "GET", "/api/v1/filings/F-17/attachments/abc123"), HTTP_MATCH_FOUND);
    assert_int_equal(f->req.n_params, 2);
    assert_string_equal(http_request_param(&f->req, "id"), "F-17");
    assert_string_equal(http_request_param(&f->req, "sha256"), "abc123");
    assert_null(http_request_param(&f->req, "other"));
}

static void
a_literal_segment_wins_over_a_parameter(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(match(f, "GET", "/api/v1/notifications/summary"), HTTP_MATCH_FOUND);
    assert_string_equal(f->req.route->pattern, "/api/v1/notifications/summary");
    assert_int_equal(match(f, "GET", "/api/v1/notifications/42"), HTTP_MATCH_FOUND);
    assert_string_equal(f->req.route->pattern, "/api/v1/notifications/{id}");
    assert_string_equal(http_request_param(&f->req, "id"), "42");
}

static void
a_rest_parameter_takes_the_remaining_segments(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(match(f, "GET", "/static/css/portal.css"), HTTP_MATCH_FOUND);
    assert_string_equal(f->req.route->pattern, "/static/{file*}");
    assert_string_equal(http_request_param(&f->req, "file"), "css/portal.css");
    assert_int_equal(match(f, "GET", "/static/app.js"), HTTP_MATCH_FOUND);
    assert_string_equal(http_request_param(&f->req, "file"), "app.js");
    assert_int_equal(match(f, "GET", "/static/index.html"), HTTP_MATCH_FOUND);
    assert_string_equal(f->req.route->pattern, "/static/index.html");
    assert_int_equal(match(f, "GET", "/static"), HTTP_MATCH_NO_PATH);
    assert_int_equal(match(f, "GET", "/static/a//b"), HTTP_MATCH_NO_PATH);
}

static void
head_is_answered_by_the_get_route(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(match(f, "HEAD", "/api/v1/notifications/7"), HTTP_MATCH_FOUND);
    assert_string_equal(f->req.route->method, "GET");
}

static void
a_known_path_with_another_method_is_405_with_allow(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(match(f, "PUT", "/api/v1/notifications/7"), HTTP_MATCH_NO_METHOD);
    assert_string_equal(f->allow, "GET, HEAD, DELETE");
    assert_null(f->req.route);
    assert_int_equal(match(f, "DELETE", "/api/v1/notifications"), HTTP_MATCH_NO_METHOD);
    assert_string_equal(f->allow, "GET, HEAD, POST");
}

static void
unknown_or_malformed_paths_are_404(void **state)
{
    struct fixture *f = *state;
    const char *paths[] = {"/api/v1/nope",
                           "/api/v1/notifications/",
                           "/api/v1/notifications//x",
                           "//",
                           "",
                           "api/v1/notifications",
                           "/api/v1/notifications/1/2",
                           "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r"};

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        assert_int_equal(match(f, "GET", paths[i]), HTTP_MATCH_NO_PATH);
}

static void
malformed_or_repeated_patterns_are_refused(void **state)
{
    static const struct http_route bad[][2] = {
        {{"GET", "nope", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
        {{"GET", "/a//b", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
        {{"GET", "/a/{}", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
        {{"GET", "/a/{id", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
        {{"GET", "/a/", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
        {{"GET", "/a/{id}x", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
        {{"GET", "/a/{*}", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
        {{"GET", "/a/{rest*}/b", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}},
    };
    static const struct http_route twice[] = {
        {"GET", "/a", noop, 0, 0, 0}, {"GET", "/a", noop, 0, 0, 0}, {NULL, NULL, NULL, 0, 0, 0}};

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const struct http_route *const t[] = {bad[i], NULL};
        struct error err = {0};

        assert_null(http_router_new(t, &err));
        assert_string_equal(err.code, "http_route_pattern");
    }
    {
        const struct http_route *const t[] = {twice, NULL};
        struct error err = {0};

        assert_null(http_router_new(t, &err));
        assert_non_null(strstr(err.message, "repetida"));
    }
}

static void
routes_are_listed_in_table_order(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(http_router_count(f->router), 9);
    assert_string_equal(http_router_route(f->router, 3)->pattern, "/api/v1/notifications/{id}");
    assert_int_equal(http_router_index(f->router, &routes[4]), 4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_literal_path_matches_its_route, setup, teardown),
        cmocka_unit_test_setup_teardown(parameters_are_bound_by_name_in_pattern_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_literal_segment_wins_over_a_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(a_rest_parameter_takes_the_remaining_segments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(head_is_answered_by_the_get_route, setup, teardown),
        cmocka_unit_test_setup_teardown(a_known_path_with_another_method_is_405_with_allow, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unknown_or_malformed_paths_are_404, setup, teardown),
        cmocka_unit_test(malformed_or_repeated_patterns_are_refused),
        cmocka_unit_test_setup_teardown(routes_are_listed_in_table_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

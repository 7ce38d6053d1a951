/* Tests of http/problem: error codes to statuses, and the RFC 9457 body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/log.h"
#include "http/problem.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
codes_map_to_statuses_by_table_then_suffix(void **state)
{
    static const struct {
        const char *code;
        unsigned status;
    } cases[] = {
        {"not_found", 404},
        {"method_not_allowed", 405},
        {"body_too_large", 413},
        {"headers_too_large", 431},
        {"request_timeout", 408},
        {"json_syntax", 400},
        {"unauthenticated", 401},
        {"session_expired", 401},
        {"forbidden", 403},
        {"not_ready", 503},
        {"notification_not_found", 404},
        {"rfc_invalid", 422},
        {"validation_code_expired", 410},
        {"mailbox_forbidden", 403},
        {"contact_conflict", 409},
        {"login_rate_limited", 429},
        {"store_unavailable", 503},
        {"something_unheard_of", 500},
        {"_not_found", 500},
    };
    const char *title = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (http_problem_status(cases[i].code, &title) != cases[i].status)
            fail_msg("%s: expected %u", cases[i].code, cases[i].status);
        assert_non_null(title);
    }
}

struct fixture {
    struct http_arena arena;
    struct http_request req;
    struct http_response resp;
};

static int
setup(void **state)
{
    static struct fixture f;

    memset(&f, 0, sizeof(f));
    f.req.arena = &f.arena;
    snprintf(f.req.id, sizeof(f.req.id), "req-1");
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    http_arena_release(&f->arena);
    return 0;
}

static json_t *
body(const struct http_response *resp)
{
    json_t *root = json_loadb((const char *)resp->body, resp->body_len, 0, NULL);

    assert_non_null(root);
    assert_string_equal(resp->content_type, "application/problem+json");
    return root;
}

static void
a_client_error_shows_its_code_and_spanish_message(void **state)
{
    struct fixture *f = *state;
    struct error err;
    json_t *root;

    error_set(&err, "rfc_invalid", "el dígito verificador no corresponde");
    http_problem_error(&f->req, &f->resp, &err, NULL, 0);
    assert_int_equal(f->resp.status, 422);

    root = body(&f->resp);
    assert_string_equal(json_string_value(json_object_get(root, "type")),
                        "urn:buzon-imss:problema:rfc_invalid");
    assert_string_equal(json_string_value(json_object_get(root, "title")), "Datos no válidos");
    assert_int_equal(json_integer_value(json_object_get(root, "status")), 422);
    assert_string_equal(json_string_value(json_object_get(root, "code")), "rfc_invalid");
    assert_string_equal(json_string_value(json_object_get(root, "detail")),
                        "el dígito verificador no corresponde");
    assert_string_equal(json_string_value(json_object_get(root, "request_id")), "req-1");
    assert_null(json_object_get(root, "errors"));
    json_decref(root);
}

static void
field_errors_are_listed(void **state)
{
    struct fixture *f = *state;
    const struct http_field_error errs[] = {
        {"emails/0", "email_syntax", "la dirección no tiene @"},
        {"mobile", "mobile_invalid", "el número no es de México"},
    };
    struct error err;
    json_t *root, *list;

    error_set(&err, "validation", "hay datos que corregir");
    http_problem_error(&f->req, &f->resp, &err, errs, 2);
    root = body(&f->resp);
    list = json_object_get(root, "errors");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "field")),
                        "mobile");
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "code")),
                        "email_syntax");
    json_decref(root);
}

static void
a_server_error_hides_its_message_and_logs_it(void **state)
{
    struct fixture *f = *state;
    char logged[2048] = "";
    struct error err;
    int fds[2], old;
    json_t *root;
    ssize_t n;

    assert_int_equal(pipe(fds), 0);
    old = log_set_fd(fds[1]);
    error_set(&err, "something_unheard_of", "tabla interna xyz rota");
    http_problem_error(&f->req, &f->resp, &err, NULL, 0);
    log_set_fd(old);
    close(fds[1]);
    n = read(fds[0], logged, sizeof(logged) - 1);
    close(fds[0]);
    logged[n > 0 ? n : 0] = '\0';

    assert_int_equal(f->resp.status, 500);
    root = body(&f->resp);
    assert_string_equal(json_string_value(json_object_get(root, "code")), "internal");
    assert_null(strstr(json_string_value(json_object_get(root, "detail")), "xyz"));
    assert_non_null(strstr(json_string_value(json_object_get(root, "detail")), "req-1"));
    assert_non_null(strstr(logged, "tabla interna xyz rota"));
    assert_non_null(strstr(logged, "\"request_id\":\"req-1\""));
    json_decref(root);
}

static void
a_formatted_problem_has_the_given_status_and_code(void **state)
{
    struct fixture *f = *state;
    json_t *root;

    http_problem(&f->req, &f->resp, 413, "body_too_large", "excede %d bytes", 1024);
    assert_int_equal(f->resp.status, 413);
    root = body(&f->resp);
    assert_string_equal(json_string_value(json_object_get(root, "detail")), "excede 1024 bytes");
    assert_string_equal(json_string_value(json_object_get(root, "title")),
                        "Cuerpo demasiado grande");
    json_decref(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_map_to_statuses_by_table_then_suffix),
        cmocka_unit_test_setup_teardown(a_client_error_shows_its_code_and_spanish_message, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(field_errors_are_listed, setup, teardown),
        cmocka_unit_test_setup_teardown(a_server_error_hides_its_message_and_logs_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_formatted_problem_has_the_given_status_and_code, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

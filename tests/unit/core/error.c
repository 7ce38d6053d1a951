/* Tests of core/error: errors as values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/error.h"

#include <string.h>

static void
set_fills_code_and_message_and_returns_minus_one(void **state)
{
    struct error err;

    (void)state;
    assert_int_equal(error_set(&err, "rfc_length", "el RFC debe tener %d caracteres", 13), -1);
    assert_string_equal(err.code, "rfc_length");
    assert_string_equal(err.message, "el RFC debe tener 13 caracteres");
    assert_true(error_is_set(&err));
}

static void
set_accepts_null_error(void **state)
{
    (void)state;
    assert_int_equal(error_set(NULL, "x", "y"), -1);
}

static void
long_messages_are_truncated_not_overflowed(void **state)
{
    char big[2000];
    struct error err;

    (void)state;
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    error_set(&err, "x", "%s", big);
    assert_int_equal(strlen(err.message), ERROR_MESSAGE_MAX - 1);
}

static void
prefix_adds_context_before_the_message(void **state)
{
    struct error err;

    (void)state;
    error_set(&err, "config_value", "valor inválido");
    error_prefix(&err, "%s, línea %d: ", "buzon.ini", 3);
    assert_string_equal(err.message, "buzon.ini, línea 3: valor inválido");
    assert_string_equal(err.code, "config_value");
}

static void
clear_resets_to_no_error(void **state)
{
    struct error err;

    (void)state;
    error_set(&err, "x", "y");
    error_detail(&err, "detalle %d", 1);
    assert_string_equal(err.detail, "detalle 1");
    error_clear(&err);
    assert_false(error_is_set(&err));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_fills_code_and_message_and_returns_minus_one),
        cmocka_unit_test(set_accepts_null_error),
        cmocka_unit_test(long_messages_are_truncated_not_overflowed),
        cmocka_unit_test(prefix_adds_context_before_the_message),
        cmocka_unit_test(clear_resets_to_no_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

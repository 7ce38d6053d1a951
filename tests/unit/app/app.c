/*
 * Tests of app/app.h: the clock a context reads, and readiness (/readyz) asking the store,
 * with a store whose operations fail on demand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "store/store.h"

#include <string.h>
#include <time.h>

static int fail_at; /* 0: nothing fails; 1: begin; 2: the read */
static int rolled_back;

static int
fake_begin(struct store *s, enum store_tx_mode mode, struct store_tx **tx, struct error *err)
{
    (void)s;
    (void)mode;
    if (fail_at == 1) {
        error_set(err, "store_io", "no se pudo conectar");
        return STORE_ERROR;
    }
    *tx = (struct store_tx *)&fail_at; /* any non-NULL handle: the fake never reads it */
    return STORE_OK;
}

static void
fake_rollback(struct store_tx *tx)
{
    (void)tx;
    rolled_back++;
}

static int
fake_merkle_size(struct store_tx *tx, int64_t *size, struct error *err)
{
    (void)tx;
    if (fail_at == 2) {
        error_set(err, "store_io", "conexión perdida");
        return STORE_ERROR;
    }
    *size = 0;
    return STORE_OK;
}

static const struct store_ops fake_ops = {
    .name = "fake",
    .begin = fake_begin,
    .rollback = fake_rollback,
    .merkle_size = fake_merkle_size,
};
static struct store fake_store = {&fake_ops};

static int64_t
fixed_now(void *arg)
{
    return *(int64_t *)arg;
}

static void
the_injected_clock_is_the_one_read(void **state)
{
    int64_t t = 1764790000LL * 1000000;
    struct app_options o = {.store = &fake_store, .now = fixed_now, .now_arg = &t};
    struct app *a = app_new(&o);

    (void)state;
    assert_int_equal(app_now(a), t);
    t += 5;
    assert_int_equal(app_now(a), t);
    app_free(a);
}

static void
without_a_clock_the_system_clock_is_read(void **state)
{
    struct app_options o = {.store = &fake_store};
    struct app *a = app_new(&o);
    int64_t now = (int64_t)time(NULL) * 1000000;

    (void)state;
    assert_true(app_now(a) >= now - 2000000 && app_now(a) <= now + 2000000);
    app_free(a);
}

static void
ready_when_the_store_answers(void **state)
{
    struct app_options o = {.store = &fake_store};
    struct app *a = app_new(&o);
    struct error err = {0};

    (void)state;
    fail_at = 0;
    rolled_back = 0;
    assert_int_equal(app_ready(a, &err), 0);
    assert_int_equal(rolled_back, 1);
    app_free(a);
}

static void
not_ready_when_the_store_cannot_begin_or_read(void **state)
{
    struct app_options o = {.store = &fake_store};
    struct app *a = app_new(&o);
    struct error err = {0};

    (void)state;
    for (fail_at = 1; fail_at <= 2; fail_at++) {
        rolled_back = 0;
        error_clear(&err);
        assert_int_equal(app_ready(a, &err), -1);
        assert_string_equal(err.code, "store_unreachable");
        assert_non_null(strstr(err.message, "base de datos"));
        assert_non_null(strstr(err.detail, "store_io"));
        assert_int_equal(rolled_back, fail_at == 2 ? 1 : 0);
    }
    fail_at = 0;
    app_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_injected_clock_is_the_one_read),
        cmocka_unit_test(without_a_clock_the_system_clock_is_read),
        cmocka_unit_test(ready_when_the_store_answers),
        cmocka_unit_test(not_ready_when_the_store_cannot_begin_or_read),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

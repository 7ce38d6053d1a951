/* Tests of deliver/service: the worker assembled from the configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver/outbox_memory.h"
#include "deliver/service.h"
#include "deliver/smtp.h"

#include <string.h>

static void
with_no_urls_both_channels_are_off_and_messages_wait(void **state)
{
    struct config *cfg = config_new();
    struct deliver_memory *mem = deliver_memory_new();
    struct deliver_backend backend;
    struct deliver_service *svc;
    struct deliver_memory_row row;
    struct deliver_message m = {0};
    struct error err;
    bool email = true, sms = true;
    size_t n;

    (void)state;
    deliver_memory_backend(mem, &backend);
    svc = deliver_service_new(cfg, &backend, &err);
    assert_non_null(svc);
    deliver_service_channels(svc, &email, &sms);
    assert_false(email);
    assert_false(sms);

    m.kind = DELIVER_SMS;
    m.key = (char *)"k";
    m.address = (char *)"+525512345678";
    m.body = (char *)"Buzon IMSS";
    assert_int_equal(deliver_memory_add(mem, &m, 0, NULL, &err), 0);
    assert_int_equal(deliver_worker_run_once(deliver_service_worker(svc), &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(deliver_memory_get(mem, "k", &row), 0);
    assert_int_equal(row.state, DELIVER_MEMORY_PENDING);
    assert_int_equal(row.msg.attempts, 0);
    deliver_message_cleanup(&row.msg);

    deliver_service_free(svc);
    deliver_memory_free(mem);
    config_free(cfg);
}

static void
configured_channels_are_on(void **state)
{
    struct config *cfg = config_new();
    struct deliver_backend backend = {0};
    struct deliver_service *svc;
    struct error err;
    bool email = false, sms = false;

    (void)state;
    config_set(cfg, "deliver", "smtp_url", "smtp://127.0.0.1:2525", &err);
    config_set(cfg, "deliver", "smtp_from", "avisos@buzon.example.mx", &err);
    config_set(cfg, "deliver", "sms_url", "http://127.0.0.1:13013/cgi-bin/sendsms", &err);
    svc = deliver_service_new(cfg, &backend, &err);
    assert_non_null(svc);
    deliver_service_channels(svc, &email, &sms);
    assert_true(email);
    assert_true(sms);
    assert_int_equal(deliver_service_worker(svc)->policy.max_attempts, 12);
    deliver_service_free(svc);
    config_free(cfg);
}

static void
configuration_errors_stop_the_service(void **state)
{
    struct config *cfg = config_new();
    struct deliver_backend backend = {0};
    struct error err;

    (void)state;
    config_set(cfg, "deliver", "smtp_url", "smtp://127.0.0.1:2525", &err);
    assert_null(deliver_service_new(cfg, &backend, &err));
    assert_string_equal(err.code, "deliver_smtp_config"); /* no smtp_from */

    config_set(cfg, "deliver", "smtp_url", "", &err);
    config_set(cfg, "deliver", "sms_url", "gopher://x", &err);
    assert_null(deliver_service_new(cfg, &backend, &err));
    assert_string_equal(err.code, "deliver_sms_config");

    config_set(cfg, "deliver", "sms_url", "", &err);
    config_set(cfg, "deliver", "lease_s", "20", &err);
    assert_null(deliver_service_new(cfg, &backend, &err));
    assert_string_equal(err.code, "deliver_policy");
    config_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(with_no_urls_both_channels_are_off_and_messages_wait),
        cmocka_unit_test(configured_channels_are_on),
        cmocka_unit_test(configuration_errors_stop_the_service),
    };
    int rc;

    deliver_global_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    deliver_global_cleanup();
    return rc;
}

/* Tests of deliver/sms: classification of gateway answers and checks of the settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver/sms.h"
#include "deliver/smtp.h"

#include <curl/curl.h>
#include <string.h>

static void
a_2xx_from_the_gateway_is_delivered(void **state)
{
    (void)state;
    assert_int_equal(deliver_sms_classify(CURLE_OK, 202), DELIVER_DELIVERED);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 200), DELIVER_DELIVERED);
}

static void
a_refused_number_or_request_is_permanent(void **state)
{
    (void)state;
    assert_int_equal(deliver_sms_classify(CURLE_OK, 400), DELIVER_PERMANENT);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 404), DELIVER_PERMANENT);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 413), DELIVER_PERMANENT);
}

static void
credentials_throttling_server_errors_and_silence_are_transient(void **state)
{
    (void)state;
    assert_int_equal(deliver_sms_classify(CURLE_OK, 401), DELIVER_TRANSIENT);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 403), DELIVER_TRANSIENT);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 408), DELIVER_TRANSIENT);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 429), DELIVER_TRANSIENT);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 503), DELIVER_TRANSIENT);
    assert_int_equal(deliver_sms_classify(CURLE_COULDNT_CONNECT, 0), DELIVER_TRANSIENT);
    assert_int_equal(deliver_sms_classify(CURLE_OPERATION_TIMEDOUT, 0), DELIVER_TRANSIENT);
    assert_int_equal(deliver_sms_classify(CURLE_OK, 0), DELIVER_TRANSIENT);
}

static void
settings_are_checked(void **state)
{
    struct config *cfg = config_new();
    struct deliver_channel ch;
    struct deliver_sms *s;
    struct error err;

    (void)state;
    assert_null(deliver_sms_new(cfg, &err));
    assert_string_equal(err.code, "deliver_sms_disabled");

    config_set(cfg, "deliver", "sms_url", "ftp://gw.example.mx/sendsms", &err);
    assert_null(deliver_sms_new(cfg, &err));
    assert_string_equal(err.code, "deliver_sms_config");

    config_set(cfg, "deliver", "sms_url", "http://127.0.0.1:13013/cgi-bin/sendsms", &err);
    config_set(cfg, "deliver", "sms_password_file", "/no/existe", &err);
    assert_null(deliver_sms_new(cfg, &err));
    assert_string_equal(err.code, "deliver_secret_file");

    config_set(cfg, "deliver", "sms_password_file", "", &err);
    s = deliver_sms_new(cfg, &err);
    assert_non_null(s);
    deliver_sms_channel(s, &ch);
    assert_string_equal(ch.name, "sms");
    deliver_sms_free(s);
    config_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_2xx_from_the_gateway_is_delivered),
        cmocka_unit_test(a_refused_number_or_request_is_permanent),
        cmocka_unit_test(credentials_throttling_server_errors_and_silence_are_transient),
        cmocka_unit_test(settings_are_checked),
    };
    int rc;

    deliver_global_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    deliver_global_cleanup();
    return rc;
}

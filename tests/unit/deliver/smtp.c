/* Tests of deliver/smtp: classification of SMTP results and checks of the settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver/smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
accepted_after_data_is_delivered(void **state)
{
    (void)state;
    assert_int_equal(deliver_smtp_classify(CURLE_OK, 250), DELIVER_DELIVERED);
    /* libcurl said yes but no 2xx was seen: not proof of delivery. */
    assert_int_equal(deliver_smtp_classify(CURLE_OK, 0), DELIVER_TRANSIENT);
}

static void
a_5xx_about_the_message_is_permanent(void **state)
{
    (void)state;
    assert_int_equal(deliver_smtp_classify(CURLE_SEND_ERROR, 550), DELIVER_PERMANENT);
    assert_int_equal(deliver_smtp_classify(CURLE_SEND_ERROR, 553), DELIVER_PERMANENT);
    assert_int_equal(deliver_smtp_classify(CURLE_WEIRD_SERVER_REPLY, 554), DELIVER_PERMANENT);
    assert_int_equal(deliver_smtp_classify(CURLE_SEND_ERROR, 552), DELIVER_PERMANENT);
}

static void
authentication_and_encryption_refusals_are_transient(void **state)
{
    (void)state;
    assert_int_equal(deliver_smtp_classify(CURLE_LOGIN_DENIED, 535), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_SEND_ERROR, 530), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_LOGIN_DENIED, 534), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_LOGIN_DENIED, 538), DELIVER_TRANSIENT);
}

static void
temporary_replies_and_network_failures_are_transient(void **state)
{
    (void)state;
    assert_int_equal(deliver_smtp_classify(CURLE_SEND_ERROR, 451), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_SEND_ERROR, 421), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_COULDNT_CONNECT, 0), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_OPERATION_TIMEDOUT, 0), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_USE_SSL_FAILED, 0), DELIVER_TRANSIENT);
    assert_int_equal(deliver_smtp_classify(CURLE_PEER_FAILED_VERIFICATION, 0), DELIVER_TRANSIENT);
}

static struct config *
settings(const char *url, const char *tls, const char *from)
{
    struct config *cfg = config_new();
    struct error err;

    assert_int_equal(config_set(cfg, "deliver", "smtp_url", url, &err), 0);
    assert_int_equal(config_set(cfg, "deliver", "smtp_tls", tls, &err), 0);
    assert_int_equal(config_set(cfg, "deliver", "smtp_from", from, &err), 0);
    return cfg;
}

static void
assert_refused(struct config *cfg, const char *code)
{
    struct error err;

    error_clear(&err);
    assert_null(deliver_smtp_new(cfg, &err));
    assert_string_equal(err.code, code);
    assert_true(strlen(err.message) > 10);
    config_free(cfg);
}

static void
consistent_settings_make_a_channel(void **state)
{
    struct config *cfg = settings("smtps://mail.example.mx:465", "implicit", "a@b.mx");
    struct deliver_channel ch;
    struct deliver_smtp *s;
    struct error err;

    (void)state;
    s = deliver_smtp_new(cfg, &err);
    assert_non_null(s);
    deliver_smtp_channel(s, &ch);
    assert_string_equal(ch.name, "smtp");
    assert_ptr_equal(ch.ctx, s);
    deliver_smtp_free(s);
    config_free(cfg);
}

static void
inconsistent_settings_are_refused(void **state)
{
    (void)state;
    assert_refused(config_new(), "deliver_smtp_disabled");
    assert_refused(settings("http://mail.example.mx", "none", "a@b.mx"), "deliver_smtp_config");
    assert_refused(settings("smtp://mail.example.mx", "implicit", "a@b.mx"), "deliver_smtp_config");
    assert_refused(settings("smtps://mail.example.mx", "starttls", "a@b.mx"),
                   "deliver_smtp_config");
    assert_refused(settings("smtp://mail.example.mx", "starttls", ""), "deliver_smtp_config");
    assert_refused(settings("smtp://mail.example.mx", "starttls", "sin dominio"),
                   "deliver_smtp_config");
}

static char *
password_file(const char *text)
{
    static char path[64];
    FILE *f;
    int fd;

    snprintf(path, sizeof(path), "/tmp/buzon-smtp-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void
passwords_need_a_user_and_tls_off_loopback(void **state)
{
    char *path = password_file("secreto\n");
    struct config *cfg;
    struct deliver_smtp *s;
    struct error err;

    (void)state;
    cfg = settings("smtp://mail.example.mx", "starttls", "a@b.mx");
    config_set(cfg, "deliver", "smtp_password_file", path, &err);
    assert_refused(cfg, "deliver_smtp_config");

    cfg = settings("smtp://mail.example.mx", "none", "a@b.mx");
    config_set(cfg, "deliver", "smtp_user", "avisos", &err);
    config_set(cfg, "deliver", "smtp_password_file", path, &err);
    assert_refused(cfg, "deliver_smtp_config");

    /* Names that only start like loopback are other machines. */
    cfg = settings("smtp://localhost.example.mx", "none", "a@b.mx");
    config_set(cfg, "deliver", "smtp_user", "avisos", &err);
    assert_refused(cfg, "deliver_smtp_config");
    cfg = settings("smtp://127.example.mx", "none", "a@b.mx");
    config_set(cfg, "deliver", "smtp_user", "avisos", &err);
    assert_refused(cfg, "deliver_smtp_config");

    /* Credentials in the URL are refused, which also stops "127.0.0.1@otro.mx" tricks. */
    assert_refused(settings("smtp://127.0.0.1@mail.example.mx", "none", "a@b.mx"),
                   "deliver_smtp_config");
    assert_refused(settings("smtp://avisos:secreto@mail.example.mx", "starttls", "a@b.mx"),
                   "deliver_smtp_config");

    /* On loopback the clear-text password never leaves the machine. */
    cfg = settings("smtp://127.0.0.1:2525", "none", "a@b.mx");
    config_set(cfg, "deliver", "smtp_user", "avisos", &err);
    config_set(cfg, "deliver", "smtp_password_file", path, &err);
    s = deliver_smtp_new(cfg, &err);
    assert_non_null(s);
    deliver_smtp_free(s);
    config_free(cfg);

    cfg = settings("smtp://[::1]:2525", "none", "a@b.mx");
    config_set(cfg, "deliver", "smtp_user", "avisos", &err);
    s = deliver_smtp_new(cfg, &err);
    assert_non_null(s);
    deliver_smtp_free(s);
    config_free(cfg);
    unlink(path);
}

static void
an_unreadable_or_empty_password_file_is_refused(void **state)
{
    char *path = password_file("\n");
    struct config *cfg;
    struct error err;

    (void)state;
    cfg = settings("smtps://mail.example.mx", "implicit", "a@b.mx");
    config_set(cfg, "deliver", "smtp_user", "avisos", &err);
    config_set(cfg, "deliver", "smtp_password_file", path, &err);
    assert_refused(cfg, "deliver_secret_file");
    unlink(path);

    cfg = settings("smtps://mail.example.mx", "implicit", "a@b.mx");
    config_set(cfg, "deliver", "smtp_user", "avisos", &err);
    config_set(cfg, "deliver", "smtp_password_file", "/no/existe/clave", &err);
    assert_refused(cfg, "deliver_secret_file");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepted_after_data_is_delivered),
        cmocka_unit_test(a_5xx_about_the_message_is_permanent),
        cmocka_unit_test(authentication_and_encryption_refusals_are_transient),
        cmocka_unit_test(temporary_replies_and_network_failures_are_transient),
        cmocka_unit_test(consistent_settings_make_a_channel),
        cmocka_unit_test(inconsistent_settings_are_refused),
        cmocka_unit_test(passwords_need_a_user_and_tls_off_loopback),
        cmocka_unit_test(an_unreadable_or_empty_password_file_is_refused),
    };
    int rc;

    deliver_global_init();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    deliver_global_cleanup();
    return rc;
}

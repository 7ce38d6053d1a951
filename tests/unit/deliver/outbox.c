/* Tests of deliver/outbox: message checks, backoff and the retry decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver/outbox.h"

#include <string.h>

static struct deliver_message
email(const char *key, const char *to, const char *subject, const char *body)
{
    struct deliver_message m = {0};

    m.kind = DELIVER_EMAIL;
    m.key = (char *)key;
    m.address = (char *)to;
    m.subject = (char *)subject;
    m.body = (char *)body;
    return m;
}

static struct deliver_message
sms(const char *key, const char *to, const char *body)
{
    struct deliver_message m = {0};

    m.kind = DELIVER_SMS;
    m.key = (char *)key;
    m.address = (char *)to;
    m.body = (char *)body;
    return m;
}

static void
assert_check_fails(struct deliver_message m, const char *code)
{
    struct error err;

    error_clear(&err);
    assert_int_equal(deliver_message_check(&m, &err), -1);
    assert_string_equal(err.code, code);
}

static void
well_formed_messages_pass_the_check(void **state)
{
    struct error err;
    struct deliver_message e = email("aviso-1.email-2", "a@b.mx", "Asunto", "Texto");
    struct deliver_message s = sms("aviso_1_sms", "+525512345678", "Buzon IMSS: clave 123");

    (void)state;
    assert_int_equal(deliver_message_check(&e, &err), 0);
    assert_int_equal(deliver_message_check(&s, &err), 0);
}

static void
keys_must_be_safe_for_a_message_id(void **state)
{
    char big[DELIVER_KEY_MAX + 2];

    (void)state;
    assert_check_fails(email("", "a@b.mx", "S", "B"), "deliver_key");
    assert_check_fails(email("con espacio", "a@b.mx", "S", "B"), "deliver_key");
    assert_check_fails(email("a@b", "a@b.mx", "S", "B"), "deliver_key");
    assert_check_fails(email("a>b", "a@b.mx", "S", "B"), "deliver_key");
    assert_check_fails(email(".a", "a@b.mx", "S", "B"), "deliver_key");
    assert_check_fails(email("a..b", "a@b.mx", "S", "B"), "deliver_key");
    assert_check_fails(email("añ", "a@b.mx", "S", "B"), "deliver_key");
    memset(big, 'k', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_check_fails(email(big, "a@b.mx", "S", "B"), "deliver_key");
}

static void
email_messages_need_a_valid_address_subject_and_body(void **state)
{
    (void)state;
    assert_check_fails(email("k", "no es correo", "S", "B"), "email_space");
    assert_check_fails(email("k", NULL, "S", "B"), "email_empty");
    assert_check_fails(email("k", "a@b.mx", "", "B"), "deliver_subject");
    assert_check_fails(email("k", "a@b.mx", NULL, "B"), "deliver_subject");
    assert_check_fails(email("k", "a@b.mx", "Hola\r\nBcc: x@y.mx", "B"), "deliver_subject");
    assert_check_fails(email("k", "a@b.mx", "S", ""), "deliver_body");
}

static void
sms_messages_need_a_normalised_number_and_at_most_three_parts(void **state)
{
    char long_text[600];

    (void)state;
    assert_check_fails(sms("k", "55 1234 5678", "x"), "phone_format");
    assert_check_fails(sms("k", "+15551234567", "x"), "phone_country");
    assert_check_fails(sms("k", NULL, "x"), "phone_empty");
    assert_check_fails(sms("k", "+525512345678", ""), "deliver_body");
    memset(long_text, 'a', 460);
    long_text[460] = '\0';
    assert_check_fails(sms("k", "+525512345678", long_text), "deliver_body");
}

static void
unknown_kind_is_refused(void **state)
{
    struct deliver_message m = sms("k", "+525512345678", "x");

    (void)state;
    m.kind = (enum deliver_kind)7;
    assert_check_fails(m, "deliver_kind");
}

static const struct deliver_policy policy = {
    .max_attempts = 5,
    .base_us = 60000000,
    .max_us = 3600000000,
    .lease_us = 300000000,
    .batch = 10,
};

static void
backoff_doubles_from_the_base_within_equal_jitter(void **state)
{
    (void)state;
    /* rnd = 0 gives the lower bound d/2, rnd = d/2 the upper bound d. */
    assert_int_equal(deliver_backoff_us(&policy, 1, 0), 30000000);
    assert_int_equal(deliver_backoff_us(&policy, 1, 30000000), 60000000);
    assert_int_equal(deliver_backoff_us(&policy, 2, 0), 60000000);
    assert_int_equal(deliver_backoff_us(&policy, 3, 120000000), 240000000);
    assert_int_equal(deliver_backoff_us(&policy, 6, 0), 960000000);
}

static void
backoff_stops_at_the_cap_even_after_many_attempts(void **state)
{
    (void)state;
    assert_int_equal(deliver_backoff_us(&policy, 7, 0), 1800000000);
    assert_int_equal(deliver_backoff_us(&policy, 7, 1800000000), 3600000000);
    assert_int_equal(deliver_backoff_us(&policy, 1000, 0), 1800000000);
    assert_true(deliver_backoff_us(&policy, 2000000000, UINT64_MAX) <= 3600000000);
}

static void
backoff_spreads_over_the_jitter_range(void **state)
{
    int64_t lo = INT64_MAX, hi = 0;

    (void)state;
    for (uint64_t r = 0; r < 2000; r++) {
        int64_t d = deliver_backoff_us(&policy, 3, r * 0x9E3779B97F4A7C15ULL);
        assert_true(d >= 120000000 && d <= 240000000);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    /* Not one fixed value: the range is used. */
    assert_true(hi - lo > 100000000);
}

static void
decision_follows_outcome_and_attempts(void **state)
{
    (void)state;
    assert_int_equal(deliver_decide(&policy, 1, DELIVER_DELIVERED), DELIVER_MARK_DELIVERED);
    assert_int_equal(deliver_decide(&policy, 5, DELIVER_DELIVERED), DELIVER_MARK_DELIVERED);
    assert_int_equal(deliver_decide(&policy, 1, DELIVER_PERMANENT), DELIVER_MARK_FAILED);
    assert_int_equal(deliver_decide(&policy, 1, DELIVER_TRANSIENT), DELIVER_MARK_RETRY);
    assert_int_equal(deliver_decide(&policy, 4, DELIVER_TRANSIENT), DELIVER_MARK_RETRY);
    assert_int_equal(deliver_decide(&policy, 5, DELIVER_TRANSIENT), DELIVER_MARK_FAILED);
}

static void
policy_comes_from_the_configuration_and_is_checked(void **state)
{
    struct config *cfg = config_new();
    struct deliver_policy p;
    struct error err;

    (void)state;
    assert_int_equal(deliver_policy_load(cfg, &p, &err), 0);
    assert_int_equal(p.max_attempts, 12);
    assert_int_equal(p.base_us, 60000000);
    assert_int_equal(p.max_us, 3600000000);
    assert_int_equal(p.lease_us, 300000000);
    assert_int_equal(p.batch, 32);

    /* A lease shorter than an attempt could let two workers send the same message. */
    assert_int_equal(config_set(cfg, "deliver", "smtp_timeout_s", "295", &err), 0);
    assert_int_equal(deliver_policy_load(cfg, &p, &err), -1);
    assert_string_equal(err.code, "deliver_policy");
    assert_int_equal(config_set(cfg, "deliver", "smtp_timeout_s", "30", &err), 0);

    assert_int_equal(config_set(cfg, "deliver", "backoff_max_s", "59", &err), 0);
    assert_int_equal(deliver_policy_load(cfg, &p, &err), -1);
    assert_string_equal(err.code, "deliver_policy");
    config_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(well_formed_messages_pass_the_check),
        cmocka_unit_test(keys_must_be_safe_for_a_message_id),
        cmocka_unit_test(email_messages_need_a_valid_address_subject_and_body),
        cmocka_unit_test(sms_messages_need_a_normalised_number_and_at_most_three_parts),
        cmocka_unit_test(unknown_kind_is_refused),
        cmocka_unit_test(backoff_doubles_from_the_base_within_equal_jitter),
        cmocka_unit_test(backoff_stops_at_the_cap_even_after_many_attempts),
        cmocka_unit_test(backoff_spreads_over_the_jitter_range),
        cmocka_unit_test(decision_follows_outcome_and_attempts),
        cmocka_unit_test(policy_comes_from_the_configuration_and_is_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

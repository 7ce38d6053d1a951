/* Tests of base/clockconf: the [clock] keys reach the policy through the one parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/clockconf.h"

#include <string.h>

static void
configuration_defaults_are_the_policy_defaults(void **state)
{
    struct config *cfg = config_new();
    struct clock_policy from_config, defaults;
    struct error err = {0};
    size_t n = 0;

    (void)state;
    assert_int_equal(clockconf_policy(cfg, &from_config, &err), 0);
    clock_policy_default(&defaults);
    assert_memory_equal(&from_config, &defaults, sizeof(defaults));
    /* Every [clock] key is a key of the policy parser. */
    for (const struct config_key *k = config_schema; k->section != NULL; k++) {
        if (strcmp(k->section, "clock") != 0)
            continue;
        n++;
        assert_int_equal(clock_policy_set(&defaults, k->key, k->def, &err), 0);
    }
    assert_true(n >= 20);
    config_free(cfg);
}

static void
configured_values_change_the_policy(void **state)
{
    struct config *cfg = config_new();
    struct clock_policy p;
    struct error err = {0};

    (void)state;
    assert_int_equal(config_set(cfg, "clock", "transmission_day", "BOTH", &err), 0);
    assert_int_equal(config_set(cfg, "clock", "estrados_days", "15", &err), 0);
    assert_int_equal(clockconf_policy(cfg, &p, &err), 0);
    assert_int_equal(p.transmission_day, CALENDAR_TRANSMISSION_BOTH);
    assert_int_equal(p.estrados_days, 15);
    config_free(cfg);
}

static void
a_bad_value_names_the_key_and_what_is_expected(void **state)
{
    struct config *cfg = config_new();
    struct clock_policy p;
    struct error err = {0};

    (void)state;
    assert_int_equal(config_set(cfg, "clock", "deemed_time", "9.30", &err), 0);
    assert_int_equal(clockconf_policy(cfg, &p, &err), -1);
    assert_string_equal(err.code, "config_value");
    assert_non_null(strstr(err.message, "clock.deemed_time"));
    assert_non_null(strstr(err.message, "HH:MM:SS"));
    /* Keys valid alone but not together. */
    assert_int_equal(config_set(cfg, "clock", "deemed_time", "09:30:00", &err), 0);
    assert_int_equal(config_set(cfg, "clock", "open_window_days", "5", &err), 0);
    assert_int_equal(clockconf_policy(cfg, &p, &err), -1);
    assert_non_null(strstr(err.message, "deemed_on_day"));
    config_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(configuration_defaults_are_the_policy_defaults),
        cmocka_unit_test(configured_values_change_the_policy),
        cmocka_unit_test(a_bad_value_names_the_key_and_what_is_expected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

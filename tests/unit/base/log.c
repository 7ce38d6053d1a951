/* Tests of base/log: one JSON object per line, levels, escaping, hashed RFCs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char captured[8192];

/* Run fn with the log redirected to a pipe and return what it wrote. */
static const char *
capture(void (*fn)(void))
{
    int fds[2];
    ssize_t n;
    int old;

    assert_int_equal(pipe(fds), 0);
    old = log_set_fd(fds[1]);
    fn();
    log_set_fd(old);
    close(fds[1]);
    n = read(fds[0], captured, sizeof(captured) - 1);
    close(fds[0]);
    captured[n > 0 ? n : 0] = '\0';
    return captured;
}

static void
emit_info(void)
{
    log_info("serve_started", LOG_STR("host", "127.0.0.1"), LOG_INT("port", 8080),
             LOG_BOOL("tls", false));
}

static void
emit_escaped(void)
{
    log_warn("odd", LOG_STR("text", "a\"b\\c\nd\x01"), LOG_STR("none", NULL));
}

static void
emit_debug(void)
{
    log_debug("hidden");
}

static void
lines_are_json_with_ts_level_event_and_fields(void **state)
{
    const char *out;

    (void)state;
    log_set_level(LOG_INFO);
    out = capture(emit_info);
    assert_true(strncmp(out, "{\"ts\":\"20", 9) == 0);
    assert_non_null(strstr(out, "Z\",\"level\":\"info\",\"event\":\"serve_started\","
                                "\"host\":\"127.0.0.1\",\"port\":8080,\"tls\":false}\n"));
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
}

static void
strings_are_escaped_so_a_line_stays_one_line(void **state)
{
    const char *out;

    (void)state;
    out = capture(emit_escaped);
    assert_non_null(strstr(out, "\"text\":\"a\\\"b\\\\c\\nd\\u0001\",\"none\":null}"));
}

static void
lines_below_the_level_are_dropped(void **state)
{
    (void)state;
    log_set_level(LOG_INFO);
    assert_string_equal(capture(emit_debug), "");
    log_set_level(LOG_DEBUG);
    assert_non_null(strstr(capture(emit_debug), "\"event\":\"hidden\""));
    log_set_level(LOG_INFO);
}

static void
level_names_parse(void **state)
{
    enum log_level lvl;

    (void)state;
    assert_int_equal(log_level_parse("warn", &lvl), 0);
    assert_int_equal(lvl, LOG_WARN);
    assert_int_equal(log_level_parse("WARN", &lvl), -1);
}

static void
rfc_hash_is_keyed_stable_and_hides_the_rfc(void **state)
{
    char a[17], b[17], c[17];

    (void)state;
    log_set_rfc_key("clave-1");
    log_rfc_hash("AAA010101AAA", a);
    log_rfc_hash("AAA010101AAA", b);
    assert_string_equal(a, b);
    assert_int_equal(strlen(a), 16);
    assert_null(strstr(a, "AAA"));
    log_set_rfc_key("clave-2");
    log_rfc_hash("AAA010101AAA", c);
    assert_string_not_equal(a, c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lines_are_json_with_ts_level_event_and_fields),
        cmocka_unit_test(strings_are_escaped_so_a_line_stays_one_line),
        cmocka_unit_test(lines_below_the_level_are_dropped),
        cmocka_unit_test(level_names_parse),
        cmocka_unit_test(rfc_hash_is_keyed_stable_and_hides_the_rfc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Tests of base/config: defaults, INI file, environment overrides, refusal of bad values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *
write_temp(const char *text)
{
    static char path[64];
    int fd;

    snprintf(path, sizeof(path), "/tmp/buzon-config-XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void
defaults_work_with_no_file(void **state)
{
    struct config *cfg = config_new();

    (void)state;
    assert_string_equal(config_str(cfg, "server", "listen"), "127.0.0.1:8080");
    assert_string_equal(config_str(cfg, "store", "url"), "sqlite:buzon.db");
    assert_string_equal(config_origin(cfg, "server", "listen"), "default");
    config_free(cfg);
}

static void
every_default_passes_its_own_check(void **state)
{
    struct error err;

    (void)state;
    for (size_t i = 0; config_schema[i].section != NULL; i++) {
        if (config_check(&config_schema[i], config_schema[i].def, &err) != 0)
            fail_msg("%s.%s: %s", config_schema[i].section, config_schema[i].key, err.message);
    }
}

static void
file_values_override_defaults(void **state)
{
    struct config *cfg = config_new();
    struct error err;
    char *path = write_temp("; comentario\n[server]\nlisten = 0.0.0.0:9000\n[log]\nlevel=debug\n");

    (void)state;
    assert_int_equal(config_load_file(cfg, path, &err), 0);
    assert_string_equal(config_str(cfg, "server", "listen"), "0.0.0.0:9000");
    assert_string_equal(config_str(cfg, "log", "level"), "debug");
    assert_string_equal(config_origin(cfg, "log", "level"), "file");
    unlink(path);
    config_free(cfg);
}

static void
unknown_key_in_file_is_refused_with_its_line(void **state)
{
    struct config *cfg = config_new();
    struct error err;
    char *path = write_temp("[server]\nlisten = 127.0.0.1:1\nlisen = x\n");

    (void)state;
    assert_int_equal(config_load_file(cfg, path, &err), -1);
    assert_string_equal(err.code, "config_unknown_key");
    assert_non_null(strstr(err.message, "línea 3"));
    assert_non_null(strstr(err.message, "server.lisen"));
    unlink(path);
    config_free(cfg);
}

static void
bad_value_names_key_value_and_reason(void **state)
{
    struct config *cfg = config_new();
    struct error err;

    (void)state;
    assert_int_equal(config_set(cfg, "server", "threads", "muchos", &err), -1);
    assert_string_equal(err.code, "config_value");
    assert_non_null(strstr(err.message, "server.threads"));
    assert_non_null(strstr(err.message, "muchos"));
    assert_non_null(strstr(err.message, "entero"));

    assert_int_equal(config_set(cfg, "server", "threads", "100000", &err), -1);
    assert_non_null(strstr(err.message, "entre 0 y 256"));
    assert_int_equal(config_set(cfg, "server", "listen", "localhost", &err), -1);
    assert_int_equal(config_set(cfg, "log", "level", "verbose", &err), -1);
    assert_int_equal(config_set(cfg, "store", "url", "mysql://x", &err), -1);
    assert_int_equal(config_set(cfg, "store", "migrate_on_start", "quizá", &err), -1);

    /* A refused value changes nothing. */
    assert_int_equal(config_int(cfg, "server", "threads"), 0);
    config_free(cfg);
}

static void
syntax_error_names_the_line(void **state)
{
    struct config *cfg = config_new();
    struct error err;
    char *path = write_temp("[server]\nlisten 127.0.0.1\n");

    (void)state;
    assert_int_equal(config_load_file(cfg, path, &err), -1);
    assert_string_equal(err.code, "config_syntax");
    assert_non_null(strstr(err.message, "línea 2"));
    unlink(path);
    config_free(cfg);
}

static void
environment_overrides_file(void **state)
{
    struct config *cfg = config_new();
    struct error err;

    (void)state;
    setenv("BUZON_SERVER_DATA_DIR", "/tmp/otro", 1);
    setenv("BUZON_STORE_MIGRATE_ON_START", "no", 1);
    assert_int_equal(config_load_env(cfg, &err), 0);
    assert_string_equal(config_str(cfg, "server", "data_dir"), "/tmp/otro");
    assert_false(config_bool(cfg, "store", "migrate_on_start"));
    assert_string_equal(config_origin(cfg, "server", "data_dir"), "env");
    unsetenv("BUZON_SERVER_DATA_DIR");
    unsetenv("BUZON_STORE_MIGRATE_ON_START");

    setenv("BUZON_SERVER_LISTEN", "nada", 1);
    assert_int_equal(config_load_env(cfg, &err), -1);
    assert_non_null(strstr(err.message, "BUZON_SERVER_LISTEN"));
    unsetenv("BUZON_SERVER_LISTEN");

    /* Variables of other programs that share the prefix are ignored. */
    setenv("BUZON_OTRO_PROGRAMA", "x", 1);
    assert_int_equal(config_load_env(cfg, &err), 0);
    unsetenv("BUZON_OTRO_PROGRAMA");

    setenv("BUZON_SERVER_COLOR", "azul", 1);
    assert_int_equal(config_load_env(cfg, &err), -1);
    assert_string_equal(err.code, "config_unknown_key");
    unsetenv("BUZON_SERVER_COLOR");
    config_free(cfg);
}

static void
listen_values_split_into_host_and_port(void **state)
{
    char host[64];
    unsigned port;

    (void)state;
    assert_int_equal(config_split_listen("127.0.0.1:8080", host, sizeof(host), &port), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8080);
    assert_int_equal(config_split_listen("[::1]:0", host, sizeof(host), &port), 0);
    assert_string_equal(host, "::1");
    assert_int_equal(port, 0);
    assert_int_equal(config_split_listen("::1:80", host, sizeof(host), &port), -1);
    assert_int_equal(config_split_listen(":80", host, sizeof(host), &port), -1);
    assert_int_equal(config_split_listen("h:65536", host, sizeof(host), &port), -1);
}

/* docs/configuration.md must document exactly the keys of the schema, as `section.key`. */
static void
documentation_lists_every_key(void **state)
{
    const char *root = getenv("BUZON_SOURCE_ROOT");
    char path[512], line[1024];
    size_t n_doc = 0, n_schema = 0;
    FILE *f;

    (void)state;
    assert_non_null(root);
    snprintf(path, sizeof(path), "%s/docs/configuration.md", root);
    f = fopen(path, "r");
    assert_non_null(f);

    for (size_t i = 0; config_schema[i].section != NULL; i++) {
        char want[160];
        bool found = false;
        snprintf(want, sizeof(want), "| `%s.%s` |", config_schema[i].section, config_schema[i].key);
        rewind(f);
        while (fgets(line, sizeof(line), f) != NULL)
            found = found || strncmp(line, want, strlen(want)) == 0;
        if (!found)
            fail_msg("docs/configuration.md does not document %s.%s", config_schema[i].section,
                     config_schema[i].key);
        n_schema++;
    }

    rewind(f);
    while (fgets(line, sizeof(line), f) != NULL)
        n_doc += strncmp(line, "| `", 3) == 0 && strchr(line + 3, '.') != NULL;
    fclose(f);
    if (n_doc != n_schema)
        fail_msg("docs/configuration.md has %zu keys, the schema %zu", n_doc, n_schema);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_work_with_no_file),
        cmocka_unit_test(every_default_passes_its_own_check),
        cmocka_unit_test(file_values_override_defaults),
        cmocka_unit_test(unknown_key_in_file_is_refused_with_its_line),
        cmocka_unit_test(bad_value_names_key_value_and_reason),
        cmocka_unit_test(syntax_error_names_the_line),
        cmocka_unit_test(environment_overrides_file),
        cmocka_unit_test(listen_values_split_into_host_and_port),
        cmocka_unit_test(documentation_lists_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

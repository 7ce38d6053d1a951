/* cli.c - shared pieces of the `buzon` subcommands (see cli.h). */
#include "cli/cli.h"

#include "base/clockconf.h"
#include "core/mem.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
cli_error(int exit_code, const char *code, const char *fmt, ...)
{
    char message[ERROR_MESSAGE_MAX];
    json_t *obj;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);

    obj = json_pack("{s:s, s:s}", "error", code, "message", message);
    if (obj != NULL) {
        json_dumpf(obj, stderr, JSON_COMPACT);
        fputc('\n', stderr);
        json_decref(obj);
    }
    return exit_code;
}

int
cli_error_from(int exit_code, const struct error *err)
{
    return cli_error(exit_code, err->code, "%s", err->message);
}

struct config *
cli_load_config(const char *path, const char *data_dir, struct error *err)
{
    struct config *cfg = config_new();

    if (path == NULL && access("buzon.ini", R_OK) == 0)
        path = "buzon.ini";
    if (path != NULL && config_load_file(cfg, path, err) != 0)
        goto fail;
    if (config_load_env(cfg, err) != 0)
        goto fail;
    if (data_dir != NULL && config_set(cfg, "server", "data_dir", data_dir, err) != 0)
        goto fail;

    /* Sections with their own parsers are checked here too, so that every command, and
     * `buzon serve` above all, refuses a bad value at start-up rather than when first used. */
    {
        struct clock_policy policy;
        if (clockconf_policy(cfg, &policy, err) != 0)
            goto fail;
    }
    return cfg;

fail:
    config_free(cfg);
    return NULL;
}

int
cli_read_file(const char *path, size_t max, char **out, size_t *len, struct error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 4096;
    size_t n = 0;
    char *buf;

    if (f == NULL)
        return error_set(err, "file_read", "no se pudo abrir %s: %s", path, strerror(errno));

    buf = mem_alloc(cap + 1);
    for (;;) {
        size_t got;
        if (n == cap) {
            cap *= 2;
            buf = mem_realloc(buf, cap + 1);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            if (f != stdin)
                fclose(f);
            free(buf);
            return error_set(err, "file_too_large", "%s excede el tamaño máximo de %zu bytes", path,
                             max);
        }
        if (got == 0)
            break;
    }

    if (ferror(f)) {
        if (f != stdin)
            fclose(f);
        free(buf);
        return error_set(err, "file_read", "error al leer %s", path);
    }
    if (f != stdin)
        fclose(f);
    buf[n] = '\0';
    *out = buf;
    if (len != NULL)
        *len = n;
    return 0;
}

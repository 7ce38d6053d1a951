/* config.c - defaults, INI file and environment overrides, checked against the schema. */
#include "base/config.h"

#include "core/mem.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

enum { STRING_MAX_DEFAULT = 4096 };

struct config_value {
    char *text;
    const char *origin;
};

struct config {
    size_t n_keys;
    struct config_value *values; /* parallel to config_schema */
};

static size_t
schema_len(void)
{
    size_t n = 0;

    while (config_schema[n].section != NULL)
        n++;
    return n;
}

static long
schema_index(const char *section, const char *key)
{
    for (size_t i = 0; config_schema[i].section != NULL; i++) {
        if (strcmp(config_schema[i].section, section) == 0 &&
            strcmp(config_schema[i].key, key) == 0)
            return (long)i;
    }
    return -1;
}

struct config *
config_new(void)
{
    struct config *cfg = mem_calloc(1, sizeof(*cfg));

    cfg->n_keys = schema_len();
    cfg->values = mem_calloc(cfg->n_keys, sizeof(*cfg->values));
    for (size_t i = 0; i < cfg->n_keys; i++) {
        cfg->values[i].text = mem_strdup(config_schema[i].def);
        cfg->values[i].origin = "default";
    }
    return cfg;
}

void
config_free(struct config *cfg)
{
    if (cfg == NULL)
        return;
    for (size_t i = 0; i < cfg->n_keys; i++)
        free(cfg->values[i].text);
    free(cfg->values);
    free(cfg);
}

static int
parse_int(const char *value, long long *out)
{
    char *end = NULL;
    long long v;

    if (*value == '\0' || isspace((unsigned char)*value))
        return -1;
    errno = 0;
    v = strtoll(value, &end, 10);
    if (errno != 0 || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int
parse_bool(const char *value, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static bool
enum_has(const char *choices, const char *value)
{
    size_t len = strlen(value);

    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, value, n) == 0)
            return true;
        if (bar == NULL)
            break;
        p = bar + 1;
    }
    return false;
}

int
config_split_listen(const char *value, char *host, size_t host_len, unsigned *port)
{
    const char *colon;
    const char *h = value;
    size_t hlen;
    long long p;

    /* [v6addr]:port keeps its colons inside the brackets. */
    if (value[0] == '[') {
        const char *close = strchr(value, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        h = value + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(value, ':');
        if (colon == NULL || strchr(value, ':') != colon)
            return -1;
        hlen = (size_t)(colon - value);
    }

    if (hlen == 0 || hlen >= host_len)
        return -1;
    if (parse_int(colon + 1, &p) != 0 || p < 0 || p > 65535)
        return -1;

    memcpy(host, h, hlen);
    host[hlen] = '\0';
    *port = (unsigned)p;
    return 0;
}

static int
check_store_url(const char *value)
{
    if (strncmp(value, "sqlite:", 7) == 0)
        return value[7] != '\0' ? 0 : -1;
    if (strncmp(value, "postgresql://", 13) == 0 || strncmp(value, "postgres://", 11) == 0)
        return 0;
    return -1;
}

int
config_check(const struct config_key *k, const char *value, struct error *err)
{
    long long n;
    bool b;
    char host[256];
    unsigned port;
    size_t max_len;

    switch (k->type) {
    case CONFIG_STRING:
        max_len = k->max > 0 ? (size_t)k->max : STRING_MAX_DEFAULT;
        if (strlen(value) > max_len)
            return error_set(err, "config_value",
                             "%s.%s = «%.40s…»: el valor excede %zu caracteres", k->section, k->key,
                             value, max_len);
        return 0;
    case CONFIG_INT:
        if (parse_int(value, &n) != 0)
            return error_set(err, "config_value", "%s.%s = «%s»: se esperaba un número entero",
                             k->section, k->key, value);
        if (n < k->min || n > k->max)
            return error_set(err, "config_value",
                             "%s.%s = «%s»: el valor debe estar entre %lld y %lld", k->section,
                             k->key, value, k->min, k->max);
        return 0;
    case CONFIG_BOOL:
        if (parse_bool(value, &b) != 0)
            return error_set(err, "config_value",
                             "%s.%s = «%s»: se esperaba true o false (también yes/no, on/off, 1/0)",
                             k->section, k->key, value);
        return 0;
    case CONFIG_ENUM:
        if (!enum_has(k->choices, value))
            return error_set(err, "config_value", "%s.%s = «%s»: valores permitidos: %s",
                             k->section, k->key, value, k->choices);
        return 0;
    case CONFIG_LISTEN:
        if (config_split_listen(value, host, sizeof(host), &port) != 0)
            return error_set(err, "config_value",
                             "%s.%s = «%s»: se esperaba HOST:PUERTO, con puerto de 0 a 65535",
                             k->section, k->key, value);
        return 0;
    case CONFIG_STORE_URL:
        if (check_store_url(value) != 0)
            return error_set(err, "config_value",
                             "%s.%s = «%s»: se esperaba sqlite:RUTA o postgresql://...", k->section,
                             k->key, value);
        return 0;
    }
    return error_set(err, "config_value", "%s.%s: tipo desconocido", k->section, k->key);
}

static int
set_from(struct config *cfg, const char *section, const char *key, const char *value,
         const char *origin, struct error *err)
{
    long i = schema_index(section, key);

    if (i < 0)
        return error_set(err, "config_unknown_key", "clave de configuración desconocida: %s.%s",
                         section, key);
    if (config_check(&config_schema[i], value, err) != 0)
        return -1;

    free(cfg->values[i].text);
    cfg->values[i].text = mem_strdup(value);
    cfg->values[i].origin = origin;
    return 0;
}

int
config_set(struct config *cfg, const char *section, const char *key, const char *value,
           struct error *err)
{
    return set_from(cfg, section, key, value, "option", err);
}

struct file_ctx {
    struct config *cfg;
    struct error *err;
    bool failed;
};

static int
on_ini_line(void *user, const char *section, const char *name, const char *value)
{
    struct file_ctx *ctx = user;

    /* A line without '=' reaches here with no value when inih allows that: a syntax error. */
    if (value == NULL) {
        error_set(ctx->err, "config_syntax", "se esperaba [sección] o clave = valor");
        ctx->failed = true;
        return 0;
    }
    /* A key before any section header is refused: every key lives in a section. */
    if (section[0] == '\0') {
        error_set(ctx->err, "config_unknown_key", "la clave «%s» está fuera de una sección", name);
        ctx->failed = true;
        return 0;
    }
    if (set_from(ctx->cfg, section, name, value, "file", ctx->err) != 0) {
        ctx->failed = true;
        return 0;
    }
    return 1;
}

int
config_load_file(struct config *cfg, const char *path, struct error *err)
{
    struct file_ctx ctx = {cfg, err, false};
    FILE *f = fopen(path, "r");
    int line;

    if (f == NULL)
        return error_set(err, "config_file", "no se pudo abrir el archivo de configuración %s: %s",
                         path, strerror(errno));

    line = ini_parse_file(f, on_ini_line, &ctx);
    fclose(f);

    if (ctx.failed) {
        error_prefix(err, "%s, línea %d: ", path, line);
        return -1;
    }
    if (line != 0)
        return error_set(err, "config_syntax",
                         "%s, línea %d: se esperaba [sección] o clave = valor", path, line);
    return 0;
}

/* True when name (after "BUZON_") starts with a known section followed by '_'. */
static bool
env_names_section(const char *name)
{
    for (size_t i = 0; config_schema[i].section != NULL; i++) {
        const char *sec = config_schema[i].section;
        size_t n = strlen(sec);
        size_t j = 0;

        while (j < n && toupper((unsigned char)sec[j]) == name[j])
            j++;
        if (j == n && name[n] == '_')
            return true;
    }
    return false;
}

int
config_load_env(struct config *cfg, struct error *err)
{
    static const char prefix[] = "BUZON_";

    for (char **e = environ; e != NULL && *e != NULL; e++) {
        const char *eq = strchr(*e, '=');
        bool found = false;

        if (strncmp(*e, prefix, sizeof(prefix) - 1) != 0 || eq == NULL)
            continue;

        /* Match the name against BUZON_<SECTION>_<KEY> for every key: keys contain '_'. */
        for (size_t i = 0; config_schema[i].section != NULL && !found; i++) {
            char name[160];
            snprintf(name, sizeof(name), "BUZON_%s_%s", config_schema[i].section,
                     config_schema[i].key);
            for (char *p = name; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            if (strlen(name) == (size_t)(eq - *e) && strncmp(name, *e, strlen(name)) == 0) {
                if (set_from(cfg, config_schema[i].section, config_schema[i].key, eq + 1, "env",
                             err) != 0) {
                    error_prefix(err, "variable %s: ", name);
                    return -1;
                }
                found = true;
            }
        }
        /* Other programs' BUZON_* variables are left alone; a known section with an unknown
         * key is a typo and is refused. */
        if (!found && env_names_section(*e + sizeof(prefix) - 1))
            return error_set(err, "config_unknown_key",
                             "la variable de entorno %.*s no corresponde a ninguna clave de "
                             "configuración",
                             (int)(eq - *e), *e);
    }
    return 0;
}

static const struct config_value *
lookup(const struct config *cfg, const char *section, const char *key)
{
    long i = schema_index(section, key);

    if (i < 0) {
        fprintf(stderr, "config: clave no declarada en el esquema: %s.%s\n", section, key);
        abort();
    }
    return &cfg->values[i];
}

const char *
config_str(const struct config *cfg, const char *section, const char *key)
{
    return lookup(cfg, section, key)->text;
}

long long
config_int(const struct config *cfg, const char *section, const char *key)
{
    long long v = 0;

    if (parse_int(lookup(cfg, section, key)->text, &v) != 0)
        abort(); /* checked when set */
    return v;
}

bool
config_bool(const struct config *cfg, const char *section, const char *key)
{
    bool v = false;

    if (parse_bool(lookup(cfg, section, key)->text, &v) != 0)
        abort(); /* checked when set */
    return v;
}

const char *
config_origin(const struct config *cfg, const char *section, const char *key)
{
    return lookup(cfg, section, key)->origin;
}

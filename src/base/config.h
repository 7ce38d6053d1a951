/*
 * config.h - the configuration of a buzon process.
 *
 * Values come, later ones overriding earlier ones, from: the built-in defaults (so that no file
 * is needed at all), the INI file (`buzon.ini`, or --config FILE), environment variables named
 * BUZON_<SECTION>_<KEY> in upper case, and finally command-line options. Every key is declared
 * once in config_schema.c with its type, default, limits and documentation; docs/configuration.md
 * lists the same keys and a test keeps the two equal.
 *
 * A value is checked when it is set: a bad one is refused with the key, the value and the reason,
 * and changes nothing. An unknown section or key in a file is refused too (a typo must not pass
 * silently for a legal system).
 *
 * Ownership: struct config is created by config_new and released by config_free. Strings
 * returned by the getters belong to the config and live until it is freed or the key is set
 * again. A loaded config is read-only and may then be shared between threads.
 */
#ifndef BUZON_BASE_CONFIG_H
#define BUZON_BASE_CONFIG_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>

enum config_type {
    CONFIG_STRING,   /* any text, up to max_len bytes (0: 4096) */
    CONFIG_INT,      /* decimal integer in [min, max] */
    CONFIG_BOOL,     /* true/false, yes/no, on/off, 1/0 */
    CONFIG_ENUM,     /* one of the words in choices, separated by '|' */
    CONFIG_LISTEN,   /* HOST:PORT, HOST an IPv4 address, [IPv6] or a name; PORT 0-65535 */
    CONFIG_STORE_URL /* sqlite:PATH or postgresql://... / postgres://... */
};

struct config_key {
    const char *section;
    const char *key;
    enum config_type type;
    const char *def;     /* default, as text; valid for its type */
    long long min, max;  /* CONFIG_INT bounds */
    const char *choices; /* CONFIG_ENUM words, "a|b|c" */
    const char *doc;     /* one sentence, English, for docs/configuration.md */
};

struct config;

/* The schema: every key a buzon process knows, ending with an entry whose section is NULL. */
extern const struct config_key config_schema[];

/* A new config holding every default. Never NULL. Free with config_free. */
struct config *config_new(void);

/* Release cfg (may be NULL) and everything it holds. */
void config_free(struct config *cfg);

/*
 * Read the INI file at path (in) into cfg (in-out). Returns 0, or -1 with err filled
 * ("config_file" when it cannot be read, "config_syntax" with the line number,
 * "config_unknown_key", "config_value"). On failure cfg may hold values set by earlier lines
 * of the file; callers stop the process then.
 */
int config_load_file(struct config *cfg, const char *path, struct error *err);

/*
 * Apply every BUZON_<SECTION>_<KEY> variable of the environment to cfg (in-out). A variable
 * with the prefix that names no key is refused (code "config_unknown_key"). Returns 0 or -1.
 */
int config_load_env(struct config *cfg, struct error *err);

/*
 * Set section.key (in) to value (in, copied) after checking it. Returns 0, or -1 with err
 * ("config_unknown_key", "config_value") and cfg unchanged.
 */
int config_set(struct config *cfg, const char *section, const char *key, const char *value,
               struct error *err);

/*
 * Getters. The key must be in the schema with the matching type: asking for anything else is a
 * programming error and aborts. config_str returns the text of any key.
 */
const char *config_str(const struct config *cfg, const char *section, const char *key);
long long config_int(const struct config *cfg, const char *section, const char *key);
bool config_bool(const struct config *cfg, const char *section, const char *key);

/* Where the value of section.key came from: "default", "file", "env" or "option". */
const char *config_origin(const struct config *cfg, const char *section, const char *key);

/*
 * Check value (in) against the schema entry k (in) without storing it. Returns 0, or -1 with
 * err filled with the key, the value and the reason, in Spanish.
 */
int config_check(const struct config_key *k, const char *value, struct error *err);

/*
 * Split a CONFIG_LISTEN value (in) into host (out, caller's buffer of host_len bytes, without
 * IPv6 brackets) and port (out). Returns 0, or -1 when value is not HOST:PORT.
 */
int config_split_listen(const char *value, char *host, size_t host_len, unsigned *port);

#endif

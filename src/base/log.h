/*
 * log.h - structured logs: one JSON object per line on stderr.
 *
 * Every line has "ts" (UTC, ISO 8601 with milliseconds), "level" and "event", then the fields
 * the caller gives. An error is logged once, where it is handled (http, worker, cli); core,
 * crypto and store return errors instead of logging them.
 *
 * Never log keys, passwords, tokens, document contents or personal data: name a particular by
 * log_rfc_hash(), a certificate or document by a short fingerprint.
 *
 *     log_info("serve_started", LOG_STR("listen", addr), LOG_INT("threads", n));
 *
 * Thread-safety: every function here may be called from any thread; a line is written with a
 * single write(2), so lines from different threads never interleave.
 */
#ifndef BUZON_BASE_LOG_H
#define BUZON_BASE_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_DEBUG = 0,
    LOG_INFO = 1,
    LOG_WARN = 2,
    LOG_ERROR = 3,
};

enum log_field_type {
    LOG_F_END = 0,
    LOG_F_STR,
    LOG_F_INT,
    LOG_F_BOOL,
    LOG_F_DOUBLE,
};

struct log_field {
    enum log_field_type type;
    const char *key;
    union {
        const char *s;
        long long i;
        bool b;
        double d;
    } v;
};

#define LOG_STR(k, val)  ((struct log_field){LOG_F_STR, (k), {.s = (val)}})
#define LOG_INT(k, val)  ((struct log_field){LOG_F_INT, (k), {.i = (long long)(val)}})
#define LOG_BOOL(k, val) ((struct log_field){LOG_F_BOOL, (k), {.b = (val)}})
#define LOG_DBL(k, val)  ((struct log_field){LOG_F_DOUBLE, (k), {.d = (val)}})
#define LOG_END          ((struct log_field){LOG_F_END, NULL, {.s = NULL}})

/*
 * Write one line at level lvl for event (in, a short snake_case name), followed by fields
 * passed as struct log_field values and terminated by LOG_END. Lines below the current level
 * are dropped. Strings are escaped as JSON; a NULL string is written as null.
 */
void log_event(enum log_level lvl, const char *event, ...);

#define log_debug(...) log_event(LOG_DEBUG, __VA_ARGS__, LOG_END)
#define log_info(...)  log_event(LOG_INFO, __VA_ARGS__, LOG_END)
#define log_warn(...)  log_event(LOG_WARN, __VA_ARGS__, LOG_END)
#define log_error(...) log_event(LOG_ERROR, __VA_ARGS__, LOG_END)

/* Set the lowest level written (default LOG_INFO). */
void log_set_level(enum log_level lvl);

/* True when a line at lvl would be written: lets callers skip building costly fields. */
bool log_enabled(enum log_level lvl);

/*
 * Parse "debug", "info", "warn" or "error" (in) into *lvl (out). Returns 0, or -1 for any
 * other text.
 */
int log_level_parse(const char *text, enum log_level *lvl);

/*
 * Write into out (out, 17 bytes) the 16 hex digits of SipHash-2-4 of rfc (in) under the
 * process's log key: the only form in which logs may name a particular (design.md section 8).
 * Keyed, so that the 1.1 million employer RFCs cannot be hashed back by brute force from logs
 * alone; stable while the key ([log] rfc_hash_key) stays the same.
 */
void log_rfc_hash(const char *rfc, char out[17]);

/* Set the key (in, any text; hashed down to 128 bits) used by log_rfc_hash. */
void log_set_rfc_key(const char *key);

/*
 * Redirect lines to fd instead of stderr (tests). Returns the previous descriptor.
 */
int log_set_fd(int fd);

#endif

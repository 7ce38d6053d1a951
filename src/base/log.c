/* log.c - structured JSON-lines logs on stderr (see log.h). */
#include "base/log.h"

#include "core/siphash.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { LINE_MAX_BYTES = 4096 };

static atomic_int current_level = LOG_INFO;
static atomic_int out_fd = STDERR_FILENO;
static uint8_t rfc_key[16];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

/* A bounded line buffer: appends past the end are dropped and the line is marked truncated. */
struct line {
    char buf[LINE_MAX_BYTES];
    size_t len;
    bool truncated;
};

static void
put(struct line *l, const char *s, size_t n)
{
    /* Keep room for the closing brace and newline. */
    if (l->len + n > sizeof(l->buf) - 3) {
        l->truncated = true;
        return;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void putf(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
putf(struct line *l, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        put(l, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Append s as a JSON string; control characters are escaped so a line stays one line. */
static void
put_json_string(struct line *l, const char *s)
{
    if (s == NULL) {
        put(l, "null", 4);
        return;
    }

    put(l, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            put(l, esc, 2);
        } else if (*p == '\n') {
            put(l, "\\n", 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            putf(l, "\\u%04x", *p);
        } else {
            put(l, (const char *)p, 1);
        }
    }
    put(l, "\"", 1);
}

static void
put_timestamp(struct line *l)
{
    struct timespec ts;
    struct tm tm;
    char buf[40];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    put(l, "{\"ts\":\"", 7);
    put(l, buf, strlen(buf));
    putf(l, ".%03ldZ\"", ts.tv_nsec / 1000000L);
}

static void
put_field(struct line *l, const struct log_field *f)
{
    put(l, ",", 1);
    put_json_string(l, f->key);
    put(l, ":", 1);

    switch (f->type) {
    case LOG_F_STR:
        put_json_string(l, f->v.s);
        break;
    case LOG_F_INT:
        putf(l, "%lld", f->v.i);
        break;
    case LOG_F_BOOL:
        put(l, f->v.b ? "true" : "false", f->v.b ? 4 : 5);
        break;
    case LOG_F_DOUBLE:
        putf(l, "%.6g", f->v.d);
        break;
    case LOG_F_END:
        break;
    }
}

void
log_event(enum log_level lvl, const char *event, ...)
{
    struct line l = {.len = 0, .truncated = false};
    va_list ap;

    if (!log_enabled(lvl))
        return;

    put_timestamp(&l);
    put(&l, ",\"level\":", 9);
    put_json_string(&l, level_names[lvl]);
    put(&l, ",\"event\":", 9);
    put_json_string(&l, event);

    va_start(ap, event);
    for (;;) {
        struct log_field f = va_arg(ap, struct log_field);
        if (f.type == LOG_F_END)
            break;
        put_field(&l, &f);
    }
    va_end(ap);

    if (l.truncated) {
        l.truncated = false;
        put(&l, ",\"truncated\":true", 17);
    }
    memcpy(l.buf + l.len, "}\n", 2);
    l.len += 2;

    /* One write per line so that threads never interleave; a short write is retried. */
    for (size_t off = 0; off < l.len;) {
        ssize_t n = write(atomic_load(&out_fd), l.buf + off, l.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
}

void
log_set_level(enum log_level lvl)
{
    atomic_store(&current_level, (int)lvl);
}

bool
log_enabled(enum log_level lvl)
{
    return (int)lvl >= atomic_load(&current_level);
}

int
log_level_parse(const char *text, enum log_level *lvl)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(text, level_names[i]) == 0) {
            *lvl = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void
log_set_rfc_key(const char *key)
{
    static const uint8_t zero[16];
    uint64_t a = siphash24(zero, key, strlen(key));
    uint64_t b = siphash24((const uint8_t *)"buzon-log-rfc-k2", key, strlen(key));

    /* Set at start-up before worker threads exist; later reads need no lock. */
    for (int i = 0; i < 8; i++) {
        rfc_key[i] = (uint8_t)(a >> (8 * i));
        rfc_key[8 + i] = (uint8_t)(b >> (8 * i));
    }
}

void
log_rfc_hash(const char *rfc, char out[17])
{
    uint64_t h = siphash24(rfc_key, rfc, strlen(rfc));

    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int
log_set_fd(int fd)
{
    return atomic_exchange(&out_fd, fd);
}

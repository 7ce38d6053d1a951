/* query.c - query strings, form bodies and the values read from them (see query.h). */
#include "http/query.h"

#include "core/civil.h"

#include <string.h>

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long
http_percent_decode(const char *s, size_t len, bool plus_space, char *out, size_t size)
{
    size_t o = 0;

    if (size == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];

        if (c == '%') {
            int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;

            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        } else if (c == '\0') {
            return -1;
        }
        if (o + 1 >= size)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return (long)o;
}

/* Decode s[0..len) into a new string of arena, or NULL. */
static const char *
decode_in(struct http_arena *arena, const char *s, size_t len)
{
    char *out = http_arena_alloc(arena, len + 1);

    return http_percent_decode(s, len, true, out, len + 1) < 0 ? NULL : out;
}

int
http_query_split(struct http_arena *arena, const char *q, size_t len, size_t max,
                 struct http_kv **pairs, size_t *n)
{
    *pairs = http_arena_alloc(arena, (max > 0 ? max : 1) * sizeof(**pairs));
    *n = 0;
    while (len > 0) {
        const char *amp = memchr(q, '&', len);
        size_t plen = amp != NULL ? (size_t)(amp - q) : len;
        const char *eq = memchr(q, '=', plen);
        size_t klen = eq != NULL ? (size_t)(eq - q) : plen;

        if (plen > 0) {
            struct http_kv *kv = &(*pairs)[*n];

            if (*n == max)
                return -1;
            kv->name = decode_in(arena, q, klen);
            kv->value = eq != NULL ? decode_in(arena, eq + 1, plen - klen - 1) : "";
            if (kv->name == NULL || kv->value == NULL)
                return -1;
            (*n)++;
        }
        q += plen + (amp != NULL ? 1 : 0);
        len -= plen + (amp != NULL ? 1 : 0);
    }
    return 0;
}

int
http_form_value(const char *form, const char *name, char *out, size_t size)
{
    size_t name_len = strlen(name);

    for (const char *p = form; p != NULL && *p != '\0'; p = strchr(p, '&'), p = p ? p + 1 : p) {
        const char *end;

        if (strncmp(p, name, name_len) != 0 || p[name_len] != '=')
            continue;
        p += name_len + 1;
        end = strchr(p, '&');
        return http_percent_decode(p, end != NULL ? (size_t)(end - p) : strlen(p), true, out,
                                   size) < 0
                   ? -1
                   : 0;
    }
    return -1;
}

int
http_parse_decimal(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = 0;

    if (s == NULL)
        return -1;
    for (; s[n] != '\0'; n++) {
        if (s[n] < '0' || s[n] > '9' || n == HTTP_DECIMAL_MAX)
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0)
        return -1;
    *out = v;
    return 0;
}

int64_t
http_parse_id(const char *s)
{
    int64_t v = 0;

    return http_parse_decimal(s, &v) == 0 && v > 0 ? v : 0;
}

/* The 2 digits at s (in) as a number, or -1 when one is not a digit. */
static int
two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int
http_parse_utc(const char *s, int64_t *out)
{
    int32_t date = 0;
    int h, mi, sec;

    if (s == NULL || strlen(s) != 20 || civil_parse_date_n(s, 10, &date, NULL) != 0 ||
        s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return -1;
    h = two_digits(s + 11);
    mi = two_digits(s + 14);
    sec = two_digits(s + 17);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
        return -1;
    *out = ((int64_t)date * CIVIL_SEC_PER_DAY + h * 3600 + mi * 60 + sec) * CIVIL_US_PER_SEC;
    return 0;
}

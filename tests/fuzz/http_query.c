/*
 * Fuzz target: query strings and form bodies as clients write them (http/query.h): splitting
 * and percent-decoding, the form value of the contact confirmation page, and the ids, counts
 * and UTC instants the audit log and the requests for guidance read from them. Whatever is
 * accepted must be what it claims; abort() marks a broken property.
 */
#include "core/civil.h"
#include "http/query.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_PAIRS = 100 };

static void
check(bool ok)
{
    if (!ok)
        abort();
}

/* A value as the handlers read it. */
static void
values(const char *v)
{
    int64_t n = -1, us = -1;
    size_t len = strlen(v);

    if (http_parse_decimal(v, &n) == 0) {
        char again[32];
        size_t zeros = 0;

        /* Digits only, at most 18, and the number they write (leading zeros aside). */
        check(len >= 1 && len <= HTTP_DECIMAL_MAX && strspn(v, "0123456789") == len);
        while (zeros + 1 < len && v[zeros] == '0')
            zeros++;
        snprintf(again, sizeof(again), "%" PRId64, n);
        check(strcmp(again, v + zeros) == 0);
        check(http_parse_id(v) == (n > 0 ? n : 0));
    } else {
        check(http_parse_id(v) == 0);
    }

    /* An accepted instant is a real one, written back exactly as given. */
    if (http_parse_utc(v, &us) == 0) {
        char again[CIVIL_INSTANT_LEN];

        civil_format_utc(us, again);
        check(strcmp(again, v) == 0);
    }
}

/* Percent-encode s (in) so that http_percent_decode with plus_space gives it back. */
static void
encode(const char *s, char *out)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == ' ') {
            *out++ = '+';
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '_' || c == '.' || c == '~') {
            *out++ = (char)c;
        } else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        }
    }
    *out = '\0';
}

static void
round_trip(const char *text, size_t len)
{
    char *once = malloc(len + 1), *enc = malloc(3 * len + 1), *twice = malloc(len + 1);
    long n = http_percent_decode(text, len, true, once, len + 1);

    if (n >= 0) {
        check((size_t)n == strlen(once) && (size_t)n <= len);
        encode(once, enc);
        check(http_percent_decode(enc, strlen(enc), true, twice, len + 1) == n);
        check(strcmp(once, twice) == 0);
    }
    free(once);
    free(enc);
    free(twice);
}

/* The form's value of name must be the value of a pair of that name in the split query. */
static void
form(const char *text, const struct http_kv *kv, size_t n, bool split_ok, const char *name,
     size_t size)
{
    char out[64];
    bool found = false;

    if (http_form_value(text, name, out, size) != 0)
        return;
    check(strlen(out) < size);
    if (!split_ok)
        return;
    for (size_t i = 0; i < n && !found; i++)
        found = strcmp(kv[i].name, name) == 0 && strcmp(kv[i].value, out) == 0;
    check(found);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_arena arena = {0};
    struct http_kv *kv = NULL;
    char *text = malloc(size + 1);
    size_t n = 0;
    bool split_ok;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    /* The raw bytes as a query string (the one-request mode splits the target's query). */
    split_ok = http_query_split(&arena, text, size, MAX_PAIRS, &kv, &n) == 0;
    if (split_ok) {
        check(n <= MAX_PAIRS);
        for (size_t i = 0; i < n; i++) {
            check(strlen(kv[i].name) <= size && strlen(kv[i].value) <= size);
            values(kv[i].name);
            values(kv[i].value);
        }
    }
    values(text);
    round_trip(text, size);

    /* As a form body, which the handler reads as a C string, with its buffers. */
    if (memchr(data, '\0', size) == NULL) {
        form(text, kv, n, split_ok, "contact", 24);
        form(text, kv, n, split_ok, "key", 64);
        form(text, kv, n, split_ok, "key", 1);
    }

    http_arena_release(&arena);
    free(text);
    return 0;
}

/* secret.c - random secrets and their encoding (secret.h). */
#include "app/secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
app_b64url(const uint8_t *in, size_t len, char *out)
{
    uint32_t acc = 0;
    int bits = 0;

    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            *out++ = b64url[(acc >> bits) & 63];
        }
    }
    if (bits > 0)
        *out++ = b64url[(acc << (6 - bits)) & 63];
    *out = '\0';
}

int
app_b64url_char(char c)
{
    return c != '\0' && strchr(b64url, c) != NULL;
}

void
app_random_bytes(uint8_t *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = getrandom(buf + got, len - got, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            abort();
        got += (size_t)n;
    }
}

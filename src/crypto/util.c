/* util.c - small helpers the files of src/crypto/ share (see internal.h). */
#include "core/mem.h"
#include "crypto/internal.h"
#include "crypto/sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
crypto__read_file(const char *path, size_t max, uint8_t **out, size_t *len, struct error *err)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, n = 0;
    uint8_t *buf;

    if (f == NULL)
        return error_set(err, "file_read", "no se pudo abrir %s: %s", path, strerror(errno));

    buf = mem_alloc(cap);
    for (;;) {
        size_t got;

        if (n == cap) {
            cap *= 2;
            buf = mem_realloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max || got == 0)
            break;
    }

    if (ferror(f) || n > max) {
        int too_large = n > max;

        fclose(f);
        mem_wipe(buf, n < cap ? n : cap);
        free(buf);
        if (too_large)
            return error_set(err, "file_read", "%s excede el tamaño máximo de %zu bytes", path,
                             max);
        return error_set(err, "file_read", "error al leer %s", path);
    }
    fclose(f);
    *out = buf;
    *len = n;
    return 0;
}

int
crypto__looks_pem(const uint8_t *data, size_t len)
{
    static const char begin[] = "-----BEGIN ";
    size_t i = 0;

    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return len - i >= sizeof(begin) - 1 && memcmp(data + i, begin, sizeof(begin) - 1) == 0;
}

static int
b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
crypto__b64_decode_into(const char *text, uint8_t *buf, size_t cap, size_t *len)
{
    size_t start = 0, end = strlen(text), n, pad = 0, o = 0;

    while (start < end && is_space(text[start]))
        start++;
    while (end > start && is_space(text[end - 1]))
        end--;
    n = end - start;
    if (n == 0 || n % 4 != 0 || n / 4 * 3 > cap)
        return -1;
    if (text[end - 1] == '=')
        pad = text[end - 2] == '=' ? 2 : 1;

    for (size_t i = start; i < end; i += 4) {
        int v[4];
        int last = i + 4 == end;

        for (int j = 0; j < 4; j++) {
            int is_pad = last && j >= 4 - (int)pad;
            v[j] = is_pad ? 0 : b64_value((unsigned char)text[i + (size_t)j]);
            if (v[j] < 0)
                return -1;
        }
        buf[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
        buf[o++] = (uint8_t)((v[1] & 0xf) << 4 | v[2] >> 2);
        buf[o++] = (uint8_t)((v[2] & 0x3) << 6 | v[3]);
    }

    /* RFC 4648 section 3.5: the bits a padded group leaves unused must be zero. */
    if ((pad == 1 && buf[o - 1] != 0) || (pad == 2 && (buf[o - 2] != 0 || buf[o - 1] != 0)))
        return -1;
    *len = o - pad;
    return 0;
}

int
crypto__b64_decode(const char *text, uint8_t **out, size_t *len)
{
    size_t cap = strlen(text) / 4 * 3 + 3;
    uint8_t *buf = mem_alloc(cap);

    if (crypto__b64_decode_into(text, buf, cap, len) != 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

int
crypto_base64_decode(const char *text, uint8_t **out, size_t *len)
{
    return crypto__b64_decode(text, out, len);
}

char *
crypto__b64_encode(const uint8_t *data, size_t len)
{
    char *out = mem_alloc(4 * ((len + 2) / 3) + 1);

    /* EVP_EncodeBlock writes standard, padded base64 without line breaks, plus the NUL. */
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

int
crypto__asn1_time_to_unix(const ASN1_TIME *t, int64_t *out)
{
    struct tm tm;

    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
        return -1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

/* folio.c - receipt folios with a mod-31 check symbol (see folio.h). */
#include "core/folio.h"

#include <stddef.h>
#include <string.h>

enum { SYMBOLS = 13, BASE = 31, SEQ_SYMBOLS = 8 };

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRTVWXYZ";

/* Value of a typed character, after the lenient reading of folio.h; -1 if none. */
static int
symbol_value(char c)
{
    const char *p;

    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'O')
        c = '0';
    else if (c == 'I' || c == 'L')
        c = '1';
    if (c == '\0')
        return -1;
    p = strchr(alphabet, c);
    return p == NULL ? -1 : (int)(p - alphabet);
}

/* The check value that makes sum(i * v_i) = 0 mod 31, given v_1..v_12. */
static int
check_value(const int v[SYMBOLS - 1])
{
    int sum = 0;

    for (int i = 0; i < SYMBOLS - 1; i++)
        sum = (sum + (i + 1) * v[i]) % BASE;
    /* 13 * 12 = 156 = 1 (mod 31): 12 is the inverse of the check's weight. */
    return ((BASE - sum) * 12) % BASE;
}

/* Lay out the 13 values as "AAAA-SSSS-SSSS-C". */
static void
format(const int v[SYMBOLS], char out[FOLIO_MAX])
{
    size_t o = 0;

    for (int i = 0; i < SYMBOLS; i++) {
        if (i == 4 || i == 8 || i == 12)
            out[o++] = '-';
        out[o++] = alphabet[v[i]];
    }
    out[o] = '\0';
}

int
folio_encode(unsigned year, uint64_t seq, char out[FOLIO_MAX], struct error *err)
{
    int v[SYMBOLS];

    if (year < FOLIO_YEAR_MIN || year > FOLIO_YEAR_MAX || seq > FOLIO_SEQUENCE_MAX)
        return error_set(err, "folio_range", "año o número de folio fuera de rango");
    for (int i = 3; i >= 0; i--) {
        v[i] = (int)(year % 10);
        year /= 10;
    }
    for (int i = 4 + SEQ_SYMBOLS - 1; i >= 4; i--) {
        v[i] = (int)(seq % BASE);
        seq /= BASE;
    }
    v[SYMBOLS - 1] = check_value(v);
    format(v, out);
    return 0;
}

int
folio_parse(const char *text, unsigned *year, uint64_t *seq, char canonical[FOLIO_MAX],
            struct error *err)
{
    int v[SYMBOLS];
    unsigned y = 0;
    uint64_t s = 0;
    int n = 0;

    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        if (n == SYMBOLS)
            return error_set(err, "folio_length", "el folio tiene más de 13 caracteres");
        v[n] = symbol_value(*p);
        if (v[n] < 0)
            return error_set(err, "folio_character", "el folio tiene un carácter no válido");
        n++;
    }
    if (n != SYMBOLS)
        return error_set(err, "folio_length", "el folio debe tener 13 caracteres");

    for (int i = 0; i < 4; i++) {
        if (v[i] > 9)
            return error_set(err, "folio_year", "el folio debe empezar con un año");
        y = y * 10 + (unsigned)v[i];
    }
    if (y < FOLIO_YEAR_MIN)
        return error_set(err, "folio_year", "el folio debe empezar con un año");
    for (int i = 4; i < 4 + SEQ_SYMBOLS; i++)
        s = s * BASE + (uint64_t)v[i];
    if (check_value(v) != v[SYMBOLS - 1])
        return error_set(err, "folio_check", "el dígito verificador del folio no corresponde");

    if (year != NULL)
        *year = y;
    if (seq != NULL)
        *seq = s;
    if (canonical != NULL)
        format(v, canonical);
    return 0;
}

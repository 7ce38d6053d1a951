/* cadena_parse.c - a version 1 cadena original read back into its receipt (see cadena.h). */
#include "core/mem.h"
#include "evidence/cadena.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct fields {
    char **v;
    size_t n;
};

/* Split the text between the "||" marks on unescaped '|', unescaping "\\" and "\|". */
static int
split(const char *cadena, struct fields *f)
{
    size_t len = strlen(cadena), cap = 16, k = 0;
    const char *p, *end;
    char *cur;

    if (len < 4 || strncmp(cadena, "||", 2) != 0 || strcmp(cadena + len - 2, "||") != 0)
        return -1;
    p = cadena + 2;
    end = cadena + len - 2;
    f->v = mem_calloc(cap, sizeof(*f->v));
    cur = mem_calloc(len, 1);
    for (; p <= end; p++) {
        if (p == end || *p == '|') {
            cur[k] = '\0';
            if (f->n == cap) {
                cap *= 2;
                f->v = mem_realloc(f->v, cap * sizeof(*f->v));
            }
            f->v[f->n++] = mem_strdup(cur);
            k = 0;
            continue;
        }
        if (*p == '\\') {
            if (p + 1 >= end || (p[1] != '\\' && p[1] != '|'))
                break;
            p++;
        }
        cur[k++] = *p;
    }
    free(cur);
    return p > end ? 0 : -1;
}

static void
fields_free(struct fields *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    free(f->v);
}

/* A count without leading zeros, at most max. */
static int
count(const char *s, size_t max, size_t *out)
{
    char *end;
    unsigned long long v;

    if (s[0] < '0' || s[0] > '9' || (s[0] == '0' && s[1] != '\0'))
        return -1;
    v = strtoull(s, &end, 10);
    if (*end != '\0' || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int
hex32(const char *s, uint8_t out[32])
{
    static const char digits[] = "0123456789abcdef";

    if (strlen(s) != 64)
        return -1;
    for (size_t i = 0; i < 32; i++) {
        const char *hi = memchr(digits, s[2 * i], 16), *lo = memchr(digits, s[2 * i + 1], 16);

        if (s[2 * i] == '\0' || s[2 * i + 1] == '\0' || hi == NULL || lo == NULL)
            return -1;
        out[i] = (uint8_t)(((hi - digits) << 4) | (lo - digits));
    }
    return 0;
}

/* The count at field *i, advancing *i past it; the pairs it announces must follow. */
static int
take_count(const struct fields *f, size_t *i, size_t *n)
{
    if (*i >= f->n)
        return -1;
    (*i)++;
    return count(f->v[*i - 1], (f->n - *i) / 2, n);
}

/* The lists after the eight fixed fields: references, instants, documents. */
static int
lists(const struct fields *f, struct evidence_receipt *r, struct error *err)
{
    size_t i = 8, n;

    if (take_count(f, &i, &n) != 0)
        return -1;
    for (size_t j = 0; j < n; j++, i += 2)
        evidence_receipt_add_reference(r, f->v[i], f->v[i + 1]);
    if (take_count(f, &i, &n) != 0)
        return -1;
    for (size_t j = 0; j < n; j++, i += 2) {
        int64_t us;

        if (evidence_utc_parse(f->v[i + 1], &us, err) != 0)
            return -1;
        evidence_receipt_add_instant(r, f->v[i], us);
    }
    if (take_count(f, &i, &n) != 0)
        return -1;
    for (size_t j = 0; j < n; j++, i += 2) {
        uint8_t sha[32];

        if (hex32(f->v[i + 1], sha) != 0)
            return -1;
        evidence_receipt_add_document(r, f->v[i], sha);
    }
    return i == f->n ? 0 : -1;
}

int
evidence_cadena_parse(const char *cadena, struct evidence_receipt *r, struct error *err)
{
    struct fields f = {0};
    enum evidence_kind kind;
    char *again = NULL;
    int rc = -1;

    memset(r, 0, sizeof(*r));
    if (split(cadena, &f) != 0 || f.n < 11 || strcmp(f.v[0], "1") != 0 ||
        strlen(f.v[1]) >= FOLIO_MAX || evidence_kind_parse(f.v[2], &kind, err) != 0)
        goto out;
    evidence_receipt_init(r, kind, f.v[3], f.v[5]);
    r->version = EVIDENCE_CADENA_VERSION;
    memcpy(r->folio, f.v[1], strlen(f.v[1]) + 1);
    if (evidence_utc_parse(f.v[4], &r->issued_us, err) != 0)
        goto out;
    if (f.v[6][0] != '\0')
        r->signer_cert_number = mem_strdup(f.v[6]);
    r->seal_cert_number = mem_strdup(f.v[7]);
    if (lists(&f, r, err) != 0)
        goto out;

    /* The text must be exactly what the fields give: one spelling per receipt. */
    if (evidence_cadena_build(r, &again, NULL, err) == 0 && strcmp(again, cadena) == 0)
        rc = 0;

out:
    free(again);
    fields_free(&f);
    if (rc != 0) {
        evidence_receipt_cleanup(r);
        error_set(err, "cadena_format", "la cadena original no tiene el formato de la versión 1");
    }
    return rc;
}

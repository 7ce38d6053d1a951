/* cadena.c - the cadena original, version 1 (docs/receipts.md "Cadena original"). */
#include "evidence/cadena.h"

#include "core/mem.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
    char *data;
    size_t len, cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? 2 * b->cap : 512;
        b->data = mem_realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One field: "|" then the value with whitespace collapsed and trimmed, "\" and "|" escaped. */
static void
field(struct buf *b, const char *value)
{
    bool pending_space = false, started = false;

    put(b, "|", 1);
    for (const char *p = value; *p != '\0'; p++) {
        if (is_space(*p)) {
            pending_space = started;
            continue;
        }
        if (pending_space)
            put(b, " ", 1);
        pending_space = false;
        started = true;
        if (*p == '\\' || *p == '|')
            put(b, "\\", 1);
        put(b, p, 1);
    }
}

static void
field_u64(struct buf *b, uint64_t v)
{
    char text[24];

    snprintf(text, sizeof(text), "%" PRIu64, v);
    field(b, text);
}

static void
field_instant(struct buf *b, int64_t us)
{
    char text[EVIDENCE_UTC_MAX];

    evidence_utc_format(us, text);
    field(b, text);
}

static void
field_sha256(struct buf *b, const uint8_t sha[32])
{
    char hex[65];

    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sha[i]);
    field(b, hex);
}

int
evidence_cadena_build(const struct evidence_receipt *r, char **out, size_t *len, struct error *err)
{
    struct buf b = {0};

    if (evidence_receipt_check(r, 1, err) != 0)
        return -1;

    /* Fields 1-8: the header, in this order (docs/receipts.md). */
    put(&b, "|", 1);
    field_u64(&b, EVIDENCE_CADENA_VERSION);
    field(&b, r->folio);
    field(&b, evidence_kind_spec(r->kind)->code);
    field(&b, r->rfc);
    field_instant(&b, r->issued_us);
    field(&b, r->legal_zone);
    field(&b, r->signer_cert_number ? r->signer_cert_number : "");
    field(&b, r->seal_cert_number);

    /* Then each list, its length first so that the text parses without knowing the kind. */
    field_u64(&b, r->n_references);
    for (size_t i = 0; i < r->n_references; i++) {
        field(&b, r->references[i].name);
        field(&b, r->references[i].value);
    }
    field_u64(&b, r->n_instants);
    for (size_t i = 0; i < r->n_instants; i++) {
        field(&b, r->instants[i].name);
        field_instant(&b, r->instants[i].utc_us);
    }
    field_u64(&b, r->n_documents);
    for (size_t i = 0; i < r->n_documents; i++) {
        field(&b, r->documents[i].name);
        field_sha256(&b, r->documents[i].sha256);
    }
    put(&b, "||", 2);

    *out = b.data;
    if (len != NULL)
        *len = b.len;
    return 0;
}

/*
 * Fuzz target for core/ident: every parser on arbitrary bytes. Besides the sanitizers, it
 * checks the contract of ident.h: a verdict is consistent with its return value, a parsed
 * value's normalised form is a fixed point (parsing it again gives the same verdict), and the
 * classifier agrees with the parser of the kind it chose.
 */
#include "core/ident.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int (*parse_fn)(const char *, size_t, struct ident *, struct error *);

static void
check(bool cond)
{
    if (!cond)
        abort();
}

static parse_fn
parser_for(enum ident_kind kind)
{
    switch (kind) {
    case IDENT_RFC_COMPANY:
    case IDENT_RFC_PERSON:
        return ident_parse_rfc;
    case IDENT_CURP:
        return ident_parse_curp;
    case IDENT_NSS:
        return ident_parse_nss;
    case IDENT_REGISTRO_PATRONAL:
        return ident_parse_registro_patronal;
    case IDENT_UNKNOWN:
        break;
    }
    return NULL;
}

static void
check_verdict(parse_fn fn, const char *s, size_t len)
{
    struct ident id, again;
    struct error err, err_again;
    int rc = fn(s, len, &id, &err);

    check((rc == 0) == id.valid);
    check((rc == 0) == !error_is_set(&err));
    check(strlen(id.normalized) < sizeof(id.normalized));
    check(id.parsed == (id.normalized[0] != '\0'));
    check(id.warning_code == NULL || id.valid);
    if (!id.parsed)
        return;

    /* The normalised form is a fixed point with the same verdict. */
    rc = fn(id.normalized, strlen(id.normalized), &again, &err_again);
    check((rc == 0) == id.valid);
    check(again.parsed && strcmp(again.normalized, id.normalized) == 0);
    check(again.check_digit == id.check_digit && again.kind == id.kind);
    check(strcmp(err.code, err_again.code) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct ident id, direct;
    struct error err, err_direct;
    parse_fn fn;
    int rc;

    check_verdict(ident_parse_rfc, s, size);
    check_verdict(ident_parse_curp, s, size);
    check_verdict(ident_parse_nss, s, size);
    check_verdict(ident_parse_registro_patronal, s, size);
    check_verdict(ident_classify, s, size);

    /* The classifier's verdict is that of the parser of the kind it recognised. */
    rc = ident_classify(s, size, &id, &err);
    fn = parser_for(id.kind);
    if (fn != NULL) {
        check(fn(s, size, &direct, &err_direct) == rc);
        check(strcmp(err.code, err_direct.code) == 0);
    }
    return 0;
}

/*
 * Tests of evidence/receipt and evidence/cadena: the cadena original of a known receipt byte
 * for byte (docs/receipts.md), escaping and whitespace, what a receipt must carry for its
 * kind, and UTC instants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "evidence/cadena.h"
#include "evidence/receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sha256("abc"), FIPS 180-2 appendix B.1. */
static const uint8_t abc_sha[32] = {
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

/* A filing receipt with values that need normalising and escaping. */
static void
filing(struct evidence_receipt *r)
{
    evidence_receipt_init(r, EVIDENCE_FILING_RECEIVED, "PEÑA800101AB1", "America/Tijuana");
    folio_encode(2026, 972, r->folio, NULL);
    r->issued_us = INT64_C(1796299200123456); /* 2026-12-03T12:00:00.123456Z */
    r->seal_cert_number = strdup("30001000000500003416");
    evidence_receipt_set_signer(r, "30001000000300023685");
    evidence_receipt_add_reference(r, "servicio", "  Devolución   de\tcuotas | pago\\2026 \n");
    evidence_receipt_add_reference(r, "promocion", "P-77");
    evidence_receipt_add_reference(r, "regla", "R12");
    evidence_receipt_add_instant(r, "recepcion", INT64_C(1796299200123456));
    evidence_receipt_add_instant(r, "recepcion_legal", INT64_C(1796364000000000));
    evidence_receipt_add_document(r, "escrito.pdf", abc_sha);
}

static void
the_cadena_of_a_known_receipt_is_exactly_as_specified(void **state)
{
    struct evidence_receipt r;
    struct error err = {0};
    char *cadena = NULL;
    size_t len = 0;

    (void)state;
    filing(&r);
    assert_int_equal(evidence_cadena_build(&r, &cadena, &len, &err), 0);
    assert_string_equal(cadena,
                        "||1|2026-0000-010B-M|promocion_recibida|PEÑA800101AB1|"
                        "2026-12-03T12:00:00.123456Z|America/Tijuana|30001000000300023685|"
                        "30001000000500003416|"
                        "3|servicio|Devolución de cuotas \\| pago\\\\2026|"
                        "promocion|P-77|regla|R12|"
                        "2|recepcion|2026-12-03T12:00:00.123456Z|"
                        "recepcion_legal|2026-12-04T06:00:00.000000Z|"
                        "1|escrito.pdf|"
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad||");
    assert_int_equal(len, strlen(cadena));
    free(cadena);
    evidence_receipt_cleanup(&r);
}

/* s with the first from replaced by to, heap. */
static char *
replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    size_t len = strlen(s) + strlen(to) + 1;
    char *out = malloc(len);

    assert_non_null(at);
    snprintf(out, len, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

static void
a_cadena_reads_back_into_the_fields_that_build_it(void **state)
{
    static const char *bad[] = {
        "",
        "||||",
        "|1|x||",
        "||2|2026-0000-010B-M||",
        "||1|2026-0000-010B-M|no_existe||",
        "||1|2026-0000-010B-M|promocion_recibida|A\\||",
        NULL,
    };
    struct evidence_receipt r, back;
    struct error err = {0};
    char *cadena = NULL, *again = NULL;

    (void)state;
    filing(&r);
    assert_int_equal(evidence_cadena_build(&r, &cadena, NULL, &err), 0);
    assert_int_equal(evidence_cadena_parse(cadena, &back, &err), 0);
    assert_string_equal(back.folio, r.folio);
    assert_string_equal(back.rfc, r.rfc);
    assert_string_equal(back.references[0].value, "Devolución de cuotas | pago\\2026");
    assert_int_equal(back.instants[1].utc_us, r.instants[1].utc_us);
    assert_memory_equal(back.documents[0].sha256, abc_sha, 32);
    assert_int_equal(evidence_cadena_build(&back, &again, NULL, &err), 0);
    assert_string_equal(again, cadena);
    evidence_receipt_cleanup(&back);

    for (int i = 0; bad[i] != NULL; i++) {
        assert_int_equal(evidence_cadena_parse(bad[i], &back, &err), -1);
        assert_string_equal(err.code, "cadena_format");
    }
    /* A count past the fields, an unescaped pipe, an unnormalised space: each refused. */
    for (int i = 0; i < 3; i++) {
        static const char *from[] = {"|1|escrito.pdf|", "\\|", "P-77"};
        static const char *to[] = {"|2|escrito.pdf|", "|", "P  77"};
        char *changed = replace(cadena, from[i], to[i]);

        assert_int_equal(evidence_cadena_parse(changed, &back, &err), -1);
        assert_string_equal(err.code, "cadena_format");
        free(changed);
    }
    free(again);
    free(cadena);
    evidence_receipt_cleanup(&r);
}

static void
an_absent_signer_is_an_empty_field(void **state)
{
    struct evidence_receipt r;
    struct error err = {0};
    char *cadena = NULL;

    (void)state;
    evidence_receipt_init(&r, EVIDENCE_CONTACT_VALIDATION, "AAA010101AAA", "America/Mexico_City");
    folio_encode(2026, 1, r.folio, NULL);
    r.seal_cert_number = strdup("30001000000500003416");
    evidence_receipt_add_reference(&r, "medio", "correo");
    evidence_receipt_add_instant(&r, "validacion", 0);
    assert_int_equal(evidence_cadena_build(&r, &cadena, NULL, &err), 0);
    assert_non_null(strstr(cadena, "|America/Mexico_City||30001000000500003416|1|medio|correo|"
                                   "1|validacion|1970-01-01T00:00:00.000000Z|0||"));
    free(cadena);
    evidence_receipt_cleanup(&r);
}

static void
a_receipt_missing_what_its_kind_requires_is_refused(void **state)
{
    struct evidence_receipt r;
    struct error err = {0};
    char *cadena = NULL;

    (void)state;
    evidence_receipt_init(&r, EVIDENCE_AVISO_SENT, "AAA010101AAA", "America/Cancun");
    folio_encode(2026, 2, r.folio, NULL);
    r.seal_cert_number = strdup("30001000000500003416");
    evidence_receipt_add_reference(&r, "notificacion", "N-1");
    evidence_receipt_add_reference(&r, "destino", "a@b.mx");
    evidence_receipt_add_instant(&r, "deposito", 10);
    evidence_receipt_add_instant(&r, "envio", 20);
    evidence_receipt_add_document(&r, "oficio.pdf", abc_sha);
    assert_int_equal(evidence_cadena_build(&r, &cadena, NULL, &err), -1);
    assert_string_equal(err.code, "receipt_invalid");
    assert_string_equal(err.message, "al acuse le falta la referencia «plazo_dias_habiles»");
    assert_null(cadena);
    evidence_receipt_add_reference(&r, "plazo_dias_habiles", "3");
    assert_int_equal(evidence_cadena_build(&r, &cadena, NULL, &err), 0);
    free(cadena);
    evidence_receipt_cleanup(&r);
}

static void
bad_fields_are_refused_with_a_spanish_reason(void **state)
{
    struct evidence_receipt r;
    struct error err = {0};

    (void)state;
    filing(&r);
    assert_int_equal(evidence_receipt_check(&r, 1, &err), 0);

    r.folio[15] = r.folio[15] == 'M' ? 'N' : 'M'; /* wrong check symbol */
    assert_int_equal(evidence_receipt_check(&r, 1, &err), -1);
    assert_string_equal(err.message, "el acuse no es válido: el folio no es válido");
    assert_int_equal(evidence_receipt_check(&r, 0, &err), 0);
    folio_encode(2026, 972, r.folio, NULL);

    free(r.rfc);
    r.rfc = strdup("PEÑA80010");
    assert_int_equal(evidence_receipt_check(&r, 1, &err), -1);
    assert_string_equal(err.message, "el acuse no es válido: el RFC no es válido");
    free(r.rfc);
    r.rfc = strdup("PEÑA800101AB1");

    free(r.references[1].value);
    r.references[1].value = strdup("P\x01"
                                   "77");
    assert_int_equal(evidence_receipt_check(&r, 1, &err), -1);
    free(r.references[1].value);
    r.references[1].value = strdup("\xc3\x28"); /* not UTF-8 */
    assert_int_equal(evidence_receipt_check(&r, 1, &err), -1);
    free(r.references[1].value);
    r.references[1].value = strdup(" \t\n");
    assert_int_equal(evidence_receipt_check(&r, 1, &err), -1);
    free(r.references[1].value);
    r.references[1].value = strdup("P-77");

    free(r.legal_zone);
    r.legal_zone = strdup("../etc/passwd");
    assert_int_equal(evidence_receipt_check(&r, 1, &err), -1);
    assert_string_equal(err.message,
                        "el acuse no es válido: la zona horaria legal no es un nombre IANA");
    free(r.legal_zone);
    r.legal_zone = strdup("America/Tijuana");

    evidence_receipt_set_signer(&r, NULL);
    assert_int_equal(evidence_receipt_check(&r, 1, &err), -1);
    assert_string_equal(err.message,
                        "el acuse no es válido: falta el número de certificado de quien firmó");
    evidence_receipt_cleanup(&r);
}

static void
every_kind_has_a_code_that_reads_back(void **state)
{
    struct error err = {0};
    enum evidence_kind k;

    (void)state;
    for (int i = 0; i < EVIDENCE_KIND_COUNT; i++) {
        const struct evidence_kind_spec *spec = evidence_kind_spec((enum evidence_kind)i);

        assert_non_null(spec);
        assert_int_equal(evidence_kind_parse(spec->code, &k, &err), 0);
        assert_int_equal(k, i);
        assert_true(strncmp(spec->title, "Acuse ", 6) == 0 ||
                    strncmp(spec->title, "Constancia ", 11) == 0);
    }
    assert_null(evidence_kind_spec(EVIDENCE_KIND_COUNT));
    assert_int_equal(evidence_kind_parse("acuse_inventado", &k, &err), -1);
    assert_string_equal(err.code, "receipt_kind");
}

static void
utc_instants_round_trip_and_bad_ones_are_refused(void **state)
{
    static const int64_t samples[] = {0, INT64_C(1709251199999999), INT64_C(1796299200123456),
                                      INT64_C(253402300799999999)};
    char text[EVIDENCE_UTC_MAX];
    struct error err = {0};
    int64_t back;

    (void)state;
    evidence_utc_format(INT64_C(1709251199999999), text);
    assert_string_equal(text, "2024-02-29T23:59:59.999999Z");
    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        evidence_utc_format(samples[i], text);
        assert_int_equal(evidence_utc_parse(text, &back, &err), 0);
        assert_true(back == samples[i]);
    }
    assert_int_equal(evidence_utc_parse("2025-02-29T00:00:00.000000Z", &back, &err), -1);
    assert_string_equal(err.code, "instant_format");
    assert_int_equal(evidence_utc_parse("2026-12-03T12:00:00Z", &back, &err), -1);
    assert_int_equal(evidence_utc_parse("2026-12-03 12:00:00.000000Z", &back, &err), -1);
    assert_int_equal(evidence_utc_parse("2026-12-03T24:00:00.000000Z", &back, &err), -1);
    assert_int_equal(evidence_utc_parse("2026-12-03T12:00:00.000000+00:00", &back, &err), -1);
}

static void
local_time_follows_each_zone_rules(void **state)
{
    char buf[128];

    (void)state;
    /* Centro: UTC-6 since daylight saving time ended in Mexico (LHHEUM, October 2022)... */
    evidence__format_local(INT64_C(1796320800000000), "America/Mexico_City", buf, sizeof(buf));
    assert_string_equal(buf, "03/12/2026 12:00:00 (UTC-06:00)");
    /* ...and UTC-5 in July 2021, when it still had it. */
    evidence__format_local(INT64_C(1625158800000000), "America/Mexico_City", buf, sizeof(buf));
    assert_string_equal(buf, "01/07/2021 12:00:00 (UTC-05:00)");
    /* The northern border keeps the United States' daylight saving time. */
    evidence__format_local(INT64_C(1782932400000000), "America/Tijuana", buf, sizeof(buf));
    assert_string_equal(buf, "01/07/2026 12:00:00 (UTC-07:00)");
    evidence__format_local(INT64_C(1796328000000000), "America/Tijuana", buf, sizeof(buf));
    assert_string_equal(buf, "03/12/2026 12:00:00 (UTC-08:00)");
    evidence__format_local(INT64_C(1796317200000000), "America/Cancun", buf, sizeof(buf));
    assert_string_equal(buf, "03/12/2026 12:00:00 (UTC-05:00)");
    evidence__format_local(INT64_C(1796299200123456), "Marte/Olimpo", buf, sizeof(buf));
    assert_string_equal(buf, "2026-12-03 12:00:00 UTC (sin reglas de la zona Marte/Olimpo)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_cadena_of_a_known_receipt_is_exactly_as_specified),
        cmocka_unit_test(an_absent_signer_is_an_empty_field),
        cmocka_unit_test(a_cadena_reads_back_into_the_fields_that_build_it),
        cmocka_unit_test(a_receipt_missing_what_its_kind_requires_is_refused),
        cmocka_unit_test(bad_fields_are_refused_with_a_spanish_reason),
        cmocka_unit_test(every_kind_has_a_code_that_reads_back),
        cmocka_unit_test(utc_instants_round_trip_and_bad_ones_are_refused),
        cmocka_unit_test(local_time_follows_each_zone_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

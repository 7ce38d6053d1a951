/*
 * Tests of evidence/seal, evidence/bundle and evidence/verify with SAT's public test CSD (a
 * seal certificate and its encrypted DER PKCS#8 key, fixtures/sat): sealing, tree heads,
 * bundles verified in memory, and failures that must leave no receipt behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "evidence/bundle.h"
#include "evidence/seal.h"
#include "evidence/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
    char cert[512], key[512], password[512], fiel_key[512];
    struct merkle_store *store;
    struct evidence_sealer *sealer;
};

/* 2019-06-01T12:00:00Z, inside the test CSD's validity (2017-05-18 to 2021-05-18). */
static const int64_t when = INT64_C(1559390400000000);

static int
setup(void **state)
{
    const char *shared = getenv("BUZON_TEST_DATA");
    struct fixture *f = calloc(1, sizeof(*f));
    struct error err = {0};

    snprintf(f->cert, sizeof(f->cert), "%s/fixtures/sat/CSD01_AAA010101AAA/certificate.cer",
             shared);
    snprintf(f->key, sizeof(f->key), "%s/fixtures/sat/CSD01_AAA010101AAA/private_key.key", shared);
    snprintf(f->password, sizeof(f->password), "%s/fixtures/sat/CSD01_AAA010101AAA/password.txt",
             shared);
    snprintf(f->fiel_key, sizeof(f->fiel_key), "%s/fixtures/sat/FIEL_AAA010101AAA/private_key.key",
             shared);
    f->store = merkle_memstore_new();
    if (evidence_sealer_new(f->cert, f->key, f->password, f->store, 0, &f->sealer, &err) != 0) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    evidence_sealer_free(f->sealer);
    merkle_memstore_free(f->store);
    free(f);
    return 0;
}

static void
contact_receipt(struct evidence_receipt *r, uint64_t seq)
{
    evidence_receipt_init(r, EVIDENCE_CONTACT_REGISTRATION, "AAA010101AAA", "America/Tijuana");
    folio_encode(2019, seq, r->folio, NULL);
    evidence_receipt_set_signer(r, "30001000000300023685");
    evidence_receipt_add_reference(r, "medio", "correo: contacto@ejemplo.mx");
    evidence_receipt_add_instant(r, "registro", when - 1000);
}

static void
a_sealed_receipt_carries_the_seal_number_and_a_verifiable_sello(void **state)
{
    struct fixture *f = *state;
    const struct crypto_cert *cert = evidence_sealer_cert(f->sealer);
    struct evidence_receipt r;
    struct evidence_sealed sealed = {0};
    struct error err = {0};

    contact_receipt(&r, 1);
    assert_int_equal(evidence_seal(f->sealer, &r, when, &sealed, &err), 0);
    assert_string_equal(crypto_cert_number(cert), "30001000000300023708");
    assert_string_equal(r.seal_cert_number, "30001000000300023708");
    assert_non_null(strstr(sealed.cadena, "|30001000000300023685|30001000000300023708|"));
    assert_int_equal(sealed.leaf_index, merkle_log_size(evidence_sealer_log(f->sealer)) - 1);
    assert_int_equal(crypto_verify(cert, sealed.cadena, sealed.cadena_len, sealed.sello, &err), 0);
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
}

static void
a_failed_log_write_returns_no_receipt_and_changes_nothing(void **state)
{
    struct fixture *f = *state;
    uint64_t before = merkle_log_size(evidence_sealer_log(f->sealer));
    struct evidence_sealed sealed = {0}, none = {0};
    struct evidence_receipt r;
    struct error err = {0};

    contact_receipt(&r, 2);
    merkle_memstore_fail_after(f->store, 0);
    assert_int_equal(evidence_seal(f->sealer, &r, when, &sealed, &err), -1);
    assert_string_equal(err.code, "store_write");
    assert_memory_equal(&sealed, &none, sizeof(sealed));
    assert_int_equal(merkle_log_size(evidence_sealer_log(f->sealer)), before);

    /* Once the store works again the same receipt takes the same place in the log. */
    merkle_memstore_fail_after(f->store, -1);
    assert_int_equal(evidence_seal(f->sealer, &r, when, &sealed, &err), 0);
    assert_int_equal(sealed.leaf_index, before);
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
}

static void
a_rolled_back_seal_is_forgotten_by_resetting_the_log(void **state)
{
    struct fixture *f = *state;
    const struct merkle_log *log = evidence_sealer_log(f->sealer);
    uint64_t committed = merkle_log_size(log);
    uint8_t before[MERKLE_HASH_LEN], after[MERKLE_HASH_LEN];
    struct evidence_sealed sealed = {0};
    struct evidence_receipt r;
    struct error err = {0};

    assert_int_equal(merkle_log_root(log, committed, before, &err), 0);
    contact_receipt(&r, 5);
    assert_int_equal(evidence_seal(f->sealer, &r, when, &sealed, &err), 0);
    evidence_sealed_cleanup(&sealed);

    /* The transaction holding that receipt rolled back. */
    assert_int_equal(evidence_sealer_reset_log(f->sealer, committed, &err), 0);
    log = evidence_sealer_log(f->sealer);
    assert_int_equal(merkle_log_size(log), committed);
    assert_int_equal(merkle_log_root(log, committed, after, &err), 0);
    assert_memory_equal(before, after, MERKLE_HASH_LEN);
    assert_int_equal(evidence_seal(f->sealer, &r, when, &sealed, &err), 0);
    assert_int_equal(sealed.leaf_index, committed);
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
}

static void
an_incomplete_receipt_is_not_sealed(void **state)
{
    struct fixture *f = *state;
    uint64_t before = merkle_log_size(evidence_sealer_log(f->sealer));
    struct evidence_sealed sealed = {0};
    struct evidence_receipt r;
    struct error err = {0};

    evidence_receipt_init(&r, EVIDENCE_FILING_RECEIVED, "AAA010101AAA", "America/Tijuana");
    folio_encode(2019, 3, r.folio, NULL);
    assert_int_equal(evidence_seal(f->sealer, &r, when, &sealed, &err), -1);
    assert_string_equal(err.code, "receipt_invalid");
    assert_null(sealed.cadena);
    assert_int_equal(merkle_log_size(evidence_sealer_log(f->sealer)), before);
    evidence_receipt_cleanup(&r);
}

static void
a_bundle_verifies_up_to_the_chain_which_needs_trust_anchors(void **state)
{
    struct fixture *f = *state;
    struct merkle_tree_head sth;
    struct evidence_sealed sealed = {0};
    struct evidence_verdict v;
    struct evidence_receipt r;
    struct error err = {0};
    char *json = NULL;

    contact_receipt(&r, 4);
    assert_int_equal(evidence_seal(f->sealer, &r, when, &sealed, &err), 0);
    assert_int_equal(evidence_sealer_tree_head(f->sealer, when + 1, &sth, &err), 0);
    assert_int_equal(merkle_tree_head_verify(&sth, evidence_sealer_cert(f->sealer), &err), 0);
    assert_int_equal(evidence_bundle_make(f->sealer, &r, &sealed, &sth, &json, &err), 0);

    assert_int_equal(evidence_verify_bundle(json, strlen(json), NULL, &v), -1);
    assert_false(v.valid);
    assert_string_equal(v.checks[v.n_passed], "certificate_chain");
    assert_string_equal(v.err.code, "trust_missing");
    assert_string_equal(v.folio, r.folio);

    /* The CSD's own certificate is not an authority: the chain fails, not the seal. */
    assert_int_equal(evidence_verify_bundle(json, strlen(json), f->cert, &v), -1);
    assert_string_equal(v.checks[v.n_passed], "certificate_chain");
    free(json);
    merkle_tree_head_cleanup(&sth);
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
}

static void
wrong_keys_and_passwords_are_refused(void **state)
{
    struct fixture *f = *state;
    struct evidence_sealer *s = NULL;
    struct error err = {0};
    char bad[] = "/tmp/buzon-test-password-XXXXXX";
    FILE *pw;
    int fd = mkstemp(bad);

    pw = fdopen(fd, "w");
    fputs("no es la contraseña\n", pw);
    fclose(pw);
    assert_int_equal(evidence_sealer_new(f->cert, f->key, bad, f->store, 0, &s, &err), -1);
    assert_string_equal(err.code, "key_password");
    remove(bad);

    assert_int_equal(evidence_sealer_new(f->cert, f->fiel_key, f->password, f->store, 0, &s, &err),
                     -1);
    assert_string_equal(err.code, "key_mismatch");
    assert_int_equal(
        evidence_sealer_new("/nonexistent", f->key, f->password, f->store, 0, &s, &err), -1);
    assert_string_equal(err.code, "file_read");
    assert_null(s);
}

static void
the_verification_url_ends_with_the_url_safe_tail_of_the_sello(void **state)
{
    char url[256];

    (void)state;
    evidence_verification_url("https://b.mx/verificar", "2026-0000-0000-K", "AAAAab+/cd+/==", url,
                              sizeof(url));
    assert_string_equal(url, "https://b.mx/verificar/2026-0000-0000-K?fe=ab-_cd-_");
}

static void
a_tree_head_is_due_when_the_log_grew_and_the_interval_passed(void **state)
{
    struct merkle_tree_head last = {.size = 10, .timestamp_us = when};

    (void)state;
    assert_false(evidence_tree_head_due(&last, 10, when + INT64_C(3600000000), 300));
    assert_false(evidence_tree_head_due(&last, 11, when + INT64_C(299999999), 300));
    assert_true(evidence_tree_head_due(&last, 11, when + INT64_C(300000000), 300));
}

static void
the_seal_and_the_verification_base_come_from_the_configuration(void **state)
{
    struct fixture *f = *state;
    struct config *cfg = config_new();
    struct evidence_sealer *s = NULL;
    struct error err = {0};
    char base[256];

    (void)state;
    assert_int_equal(evidence_sealer_from_config(cfg, f->store, 0, &s, &err), -1);
    assert_string_equal(err.code, "seal_missing");
    assert_int_equal(config_set(cfg, "evidence", "seal_cert", f->cert, &err), 0);
    assert_int_equal(config_set(cfg, "evidence", "seal_key", f->key, &err), 0);
    assert_int_equal(evidence_sealer_from_config(cfg, f->store, 0, &s, &err), -1);
    assert_string_equal(err.code, "key_password");
    assert_int_equal(config_set(cfg, "evidence", "seal_key_password_file", f->password, &err), 0);
    assert_int_equal(evidence_sealer_from_config(cfg, f->store, 0, &s, &err), 0);
    evidence_sealer_free(s);

    evidence_verification_base(cfg, base, sizeof(base));
    assert_string_equal(base, "http://127.0.0.1:8080/verificar");
    assert_int_equal(config_set(cfg, "server", "public_url", "https://buzon.imss.gob.mx/", &err),
                     0);
    evidence_verification_base(cfg, base, sizeof(base));
    assert_string_equal(base, "https://buzon.imss.gob.mx/verificar");
    assert_int_equal(config_set(cfg, "evidence", "public_url", "https://v.imss.gob.mx/a", &err), 0);
    evidence_verification_base(cfg, base, sizeof(base));
    assert_string_equal(base, "https://v.imss.gob.mx/a");
    config_free(cfg);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_sealed_receipt_carries_the_seal_number_and_a_verifiable_sello),
        cmocka_unit_test(a_failed_log_write_returns_no_receipt_and_changes_nothing),
        cmocka_unit_test(a_rolled_back_seal_is_forgotten_by_resetting_the_log),
        cmocka_unit_test(an_incomplete_receipt_is_not_sealed),
        cmocka_unit_test(a_bundle_verifies_up_to_the_chain_which_needs_trust_anchors),
        cmocka_unit_test(wrong_keys_and_passwords_are_refused),
        cmocka_unit_test(the_verification_url_ends_with_the_url_safe_tail_of_the_sello),
        cmocka_unit_test(a_tree_head_is_due_when_the_log_grew_and_the_interval_passed),
        cmocka_unit_test(the_seal_and_the_verification_base_come_from_the_configuration),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

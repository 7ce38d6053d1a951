/*
 * Tests of crypto/sign.h and crypto/cert.h on SAT's published test e.firma and CSD
 * (tests/fixtures/sat, whose README lists the facts checked here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/cert.h"
#include "crypto/sign.h"

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const cadena = "||1.0|BUZON|AAA010101AAA|2019-06-01T12:00:00|promocion||";

static const char *
fixture(const char *folder, const char *file)
{
    static char path[4][512];
    static int next;
    const char *shared = getenv("BUZON_TEST_DATA");
    char *p = path[next++ % 4];

    assert_non_null(shared);
    snprintf(p, sizeof(path[0]), "%s/fixtures/sat/%s/%s", shared, folder, file);
    return p;
}

static struct crypto_cert *
load_cert(const char *folder)
{
    struct crypto_cert *cert = NULL;
    struct error err = {0};

    if (crypto_cert_load(fixture(folder, "certificate.cer"), &cert, &err) != 0)
        fail_msg("%s: %s", err.code, err.message);
    return cert;
}

static struct crypto_key *
load_key(const char *folder)
{
    struct crypto_key *key = NULL;
    struct error err = {0};

    if (crypto_key_load(fixture(folder, "private_key.key"), "12345678a", &key, &err) != 0)
        fail_msg("%s: %s", err.code, err.message);
    return key;
}

static uint8_t *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(65536);

    assert_non_null(f);
    *len = fread(buf, 1, 65536, f);
    fclose(f);
    return buf;
}

static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};

    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm);
}

static void
efirma_fixture_reads_every_fact_of_its_readme(void **state)
{
    struct crypto_cert *cert = load_cert("FIEL_AAA010101AAA");
    const struct crypto_cert_info *info = crypto_cert_info(cert);

    (void)state;
    assert_string_equal(crypto_cert_number(cert), "30001000000300023685");
    assert_int_equal(info->kind, CRYPTO_CERT_EFIRMA);
    assert_string_equal(crypto_cert_kind_name(info->kind), "efirma");
    assert_string_equal(info->name, "ACCEM SERVICIOS EMPRESARIALES SC");
    assert_string_equal(info->rfc, "AAA010101AAA");
    assert_string_equal(info->representative_rfc, "HEGT7610034S2");
    assert_string_equal(info->curp, "");
    assert_string_equal(info->representative_curp, "HEGT761003MDFRNN09");
    assert_true(info->is_company);
    assert_string_equal(info->branch, "");
    assert_string_equal(info->issuer_cn, "A.C. 2 de pruebas(4096)");
    assert_non_null(strstr(info->issuer, "O=Servicio de Administración Tributaria"));
    assert_true(info->not_before == utc(2017, 5, 16, 23, 29, 17));
    assert_true(info->not_after == utc(2021, 5, 15, 23, 29, 17));
    assert_int_equal(info->key_usage, CRYPTO_KU_DIGITAL_SIGNATURE | CRYPTO_KU_NON_REPUDIATION |
                                          CRYPTO_KU_DATA_ENCIPHERMENT | CRYPTO_KU_KEY_AGREEMENT);
    assert_int_equal(strlen(info->fingerprint), 64);
    crypto_cert_free(cert);
}

static void
csd_fixture_reads_as_a_csd_with_its_branch(void **state)
{
    struct crypto_cert *cert = load_cert("CSD01_AAA010101AAA");
    const struct crypto_cert_info *info = crypto_cert_info(cert);

    (void)state;
    assert_string_equal(crypto_cert_number(cert), "30001000000300023708");
    assert_int_equal(info->kind, CRYPTO_CERT_CSD);
    assert_string_equal(info->branch, "CSD01_AAA010101AAA");
    assert_string_equal(info->rfc, "AAA010101AAA");
    assert_string_equal(info->representative_rfc, "HEGT7610034S2");
    assert_string_equal(info->representative_curp, "HEGT761003MDFRNN09");
    assert_int_equal(info->key_usage, CRYPTO_KU_DIGITAL_SIGNATURE | CRYPTO_KU_NON_REPUDIATION);
    assert_true(info->not_after == utc(2021, 5, 18, 3, 54, 56));
    crypto_cert_free(cert);
}

static void
csd_is_refused_for_the_buzon_saying_it_is_a_csd_and_an_efirma_is_needed(void **state)
{
    struct crypto_cert *csd = load_cert("CSD01_AAA010101AAA");
    struct crypto_cert *fiel = load_cert("FIEL_AAA010101AAA");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_cert_require_efirma(csd, &err), -1);
    assert_string_equal(err.code, "cert_is_csd");
    assert_non_null(strstr(err.message, "CSD"));
    assert_non_null(strstr(err.message, "e.firma"));
    assert_int_equal(crypto_cert_require_efirma(fiel, &err), 0);
    crypto_cert_free(csd);
    crypto_cert_free(fiel);
}

static void
pem_certificate_reads_like_its_der(void **state)
{
    struct crypto_cert *der = load_cert("FIEL_AAA010101AAA");
    struct crypto_cert *pem = NULL;
    struct error err = {0};
    const uint8_t *d, *d2;
    size_t n, n2;
    BIO *bio = BIO_new(BIO_s_mem());
    char *text;
    long len;

    (void)state;
    crypto_cert_der(der, &d, &n);
    {
        const unsigned char *p = d;
        X509 *x = d2i_X509(NULL, &p, (long)n);
        PEM_write_bio_X509(bio, x);
        X509_free(x);
    }
    len = BIO_get_mem_data(bio, &text);
    assert_int_equal(crypto_cert_parse((const uint8_t *)text, (size_t)len, &pem, &err), 0);
    crypto_cert_der(pem, &d2, &n2);
    assert_int_equal(n, n2);
    assert_memory_equal(d, d2, n);
    assert_string_equal(crypto_cert_number(pem), "30001000000300023685");
    BIO_free(bio);
    crypto_cert_free(pem);
    crypto_cert_free(der);
}

static void
garbage_and_cut_certificates_are_refused(void **state)
{
    struct crypto_cert *cert = NULL;
    struct error err = {0};
    size_t len;
    uint8_t *data = read_all(fixture("FIEL_AAA010101AAA", "certificate.cer"), &len);

    (void)state;
    assert_int_equal(crypto_cert_parse(data, len - 10, &cert, &err), -1);
    assert_string_equal(err.code, "cert_malformed");
    assert_int_equal(crypto_cert_parse((const uint8_t *)"hola", 4, &cert, &err), -1);
    assert_string_equal(err.code, "cert_malformed");
    assert_int_equal(crypto_cert_load("/nonexistent/x.cer", &cert, &err), -1);
    assert_string_equal(err.code, "file_read");
    assert_null(cert);
    free(data);
}

static void
fixture_key_opens_with_its_password_and_belongs_to_its_certificate(void **state)
{
    struct crypto_cert *cert = load_cert("FIEL_AAA010101AAA");
    struct crypto_key *key = load_key("FIEL_AAA010101AAA");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_key_matches(key, cert, &err), 0);
    crypto_key_free(key);
    crypto_cert_free(cert);
}

static void
wrong_password_has_its_own_code_and_message(void **state)
{
    struct crypto_key *key = NULL;
    struct error err = {0};

    (void)state;
    assert_int_equal(
        crypto_key_load(fixture("FIEL_AAA010101AAA", "private_key.key"), "12345678b", &key, &err),
        -1);
    assert_string_equal(err.code, "key_password");
    assert_non_null(strstr(err.message, "contraseña"));
    assert_non_null(strstr(err.message, "incorrecta"));
    assert_int_equal(
        crypto_key_load(fixture("FIEL_AAA010101AAA", "private_key.key"), NULL, &key, &err), -1);
    assert_string_equal(err.code, "key_password");
    assert_null(key);
}

static void
truncated_key_file_is_reported_as_truncated(void **state)
{
    struct crypto_key *key = NULL;
    struct error err = {0};
    size_t len;
    uint8_t *data = read_all(fixture("FIEL_AAA010101AAA", "private_key.key"), &len);

    (void)state;
    assert_int_equal(crypto_key_parse(data, len / 2, "12345678a", &key, &err), -1);
    assert_string_equal(err.code, "key_malformed");
    assert_non_null(strstr(err.message, "truncado"));
    assert_int_equal(crypto_key_parse((const uint8_t *)"no soy llave", 12, "x", &key, &err), -1);
    assert_string_equal(err.code, "key_malformed");
    assert_null(strstr(err.message, "truncado"));
    assert_null(key);
    free(data);
}

static void
key_of_another_certificate_is_refused(void **state)
{
    struct crypto_cert *csd = load_cert("CSD01_AAA010101AAA");
    struct crypto_key *fiel_key = load_key("FIEL_AAA010101AAA");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_key_matches(fiel_key, csd, &err), -1);
    assert_string_equal(err.code, "key_mismatch");
    assert_non_null(strstr(err.message, "otro certificado"));
    crypto_key_free(fiel_key);
    crypto_cert_free(csd);
}

/* Write key as PEM (encrypted when password is not NULL) and read it back. */
static struct crypto_key *
pem_round_trip(int traditional, const char *password, const char *read_pw, struct error *err)
{
    struct crypto_key *out = NULL;
    size_t len;
    uint8_t *der = read_all(fixture("FIEL_AAA010101AAA", "private_key.key"), &len);
    const unsigned char *p = der;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
    PKCS8_PRIV_KEY_INFO *p8 = PKCS8_decrypt(sig, "12345678a", 9);
    EVP_PKEY *pkey = EVP_PKCS82PKEY(p8);
    BIO *bio = BIO_new(BIO_s_mem());
    char *text;
    long n;

    if (traditional)
        PEM_write_bio_PrivateKey_traditional(bio, pkey, EVP_des_ede3_cbc(),
                                             (unsigned char *)password, (int)strlen(password), NULL,
                                             NULL);
    else if (password != NULL)
        PEM_write_bio_PKCS8PrivateKey(bio, pkey, EVP_aes_256_cbc(), password, (int)strlen(password),
                                      NULL, NULL);
    else
        PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
    n = BIO_get_mem_data(bio, &text);
    crypto_key_parse((const uint8_t *)text, (size_t)n, read_pw, &out, err);
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    PKCS8_PRIV_KEY_INFO_free(p8);
    X509_SIG_free(sig);
    free(der);
    return out;
}

static void
pem_keys_encrypted_or_not_are_read(void **state)
{
    struct crypto_cert *cert = load_cert("FIEL_AAA010101AAA");
    struct crypto_key *key;
    struct error err = {0};

    (void)state;
    key = pem_round_trip(0, NULL, NULL, &err);
    assert_non_null(key);
    assert_int_equal(crypto_key_matches(key, cert, &err), 0);
    crypto_key_free(key);

    key = pem_round_trip(0, "otra clave", "otra clave", &err);
    assert_non_null(key);
    assert_int_equal(crypto_key_matches(key, cert, &err), 0);
    crypto_key_free(key);

    key = pem_round_trip(0, "otra clave", "mala", &err);
    assert_null(key);
    assert_string_equal(err.code, "key_password");

    /* Traditional "RSA PRIVATE KEY" with Proc-Type encryption (OpenSSL's legacy PEM). */
    key = pem_round_trip(1, "otra clave", "otra clave", &err);
    assert_non_null(key);
    assert_int_equal(crypto_key_matches(key, cert, &err), 0);
    crypto_key_free(key);
    key = pem_round_trip(1, "otra clave", "mala", &err);
    assert_null(key);
    assert_string_equal(err.code, "key_password");
    crypto_cert_free(cert);
}

static void
signature_made_with_the_fixture_key_verifies_with_its_certificate(void **state)
{
    struct crypto_cert *cert = load_cert("FIEL_AAA010101AAA");
    struct crypto_key *key = load_key("FIEL_AAA010101AAA");
    struct error err = {0};
    char *b64 = NULL;

    (void)state;
    assert_int_equal(crypto_sign(key, cadena, strlen(cadena), &b64, &err), 0);
    /* RSA-2048: 256 bytes, 344 base64 characters, no line breaks. */
    assert_int_equal(strlen(b64), 344);
    assert_null(strchr(b64, '\n'));
    assert_int_equal(crypto_verify(cert, cadena, strlen(cadena), b64, &err), 0);
    free(b64);
    crypto_key_free(key);
    crypto_cert_free(cert);
}

static void
tampered_signature_and_tampered_cadena_are_refused(void **state)
{
    struct crypto_cert *cert = load_cert("FIEL_AAA010101AAA");
    struct crypto_key *key = load_key("FIEL_AAA010101AAA");
    struct error err = {0};
    char *b64 = NULL;
    char *other = strdup(cadena);

    (void)state;
    assert_int_equal(crypto_sign(key, cadena, strlen(cadena), &b64, &err), 0);
    other[10] = 'X';
    assert_int_equal(crypto_verify(cert, other, strlen(other), b64, &err), -1);
    assert_string_equal(err.code, "signature_invalid");

    b64[20] = b64[20] == 'A' ? 'B' : 'A';
    assert_int_equal(crypto_verify(cert, cadena, strlen(cadena), b64, &err), -1);
    assert_string_equal(err.code, "signature_invalid");

    assert_int_equal(crypto_verify(cert, cadena, strlen(cadena), "no es base64!", &err), -1);
    assert_string_equal(err.code, "signature_encoding");
    free(other);
    free(b64);
    crypto_key_free(key);
    crypto_cert_free(cert);
}

static void
signature_of_another_certificate_is_refused(void **state)
{
    struct crypto_cert *csd = load_cert("CSD01_AAA010101AAA");
    struct crypto_key *key = load_key("FIEL_AAA010101AAA");
    struct error err = {0};
    char *b64 = NULL;

    (void)state;
    assert_int_equal(crypto_sign(key, cadena, strlen(cadena), &b64, &err), 0);
    assert_int_equal(crypto_verify(csd, cadena, strlen(cadena), b64, &err), -1);
    assert_string_equal(err.code, "signature_invalid");
    free(b64);
    crypto_key_free(key);
    crypto_cert_free(csd);
}

struct shared {
    struct crypto_cert *cert;
    const char *good, *bad;
    int failures;
};

static void *
verify_many(void *arg)
{
    struct shared *sh = arg;
    struct error err;

    for (int i = 0; i < 200; i++) {
        /* Alternate good and bad signatures so pooled contexts see both outcomes. */
        int rc_good = crypto_verify(sh->cert, cadena, strlen(cadena), sh->good, &err);
        int rc_bad = crypto_verify(sh->cert, cadena, strlen(cadena), sh->bad, &err);

        if (rc_good != 0 || rc_bad != -1)
            __atomic_add_fetch(&sh->failures, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void
one_certificate_verifies_from_several_threads_at_once(void **state)
{
    struct crypto_key *key = load_key("FIEL_AAA010101AAA");
    struct shared sh = {.cert = load_cert("FIEL_AAA010101AAA")};
    struct error err = {0};
    char *good = NULL, *bad;
    pthread_t threads[4];

    (void)state;
    assert_int_equal(crypto_sign(key, cadena, strlen(cadena), &good, &err), 0);
    bad = strdup(good);
    bad[5] = bad[5] == 'A' ? 'B' : 'A';
    sh.good = good;
    sh.bad = bad;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, verify_many, &sh), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    assert_int_equal(sh.failures, 0);
    free(good);
    free(bad);
    crypto_key_free(key);
    crypto_cert_free(sh.cert);
}

static void
expired_fixture_is_refused_now_and_accepted_inside_its_validity(void **state)
{
    struct crypto_cert *cert = load_cert("FIEL_AAA010101AAA");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_cert_check_validity(cert, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "cert_expired");
    assert_non_null(strstr(err.message, "2021-05-15T23:29:17Z"));
    assert_int_equal(crypto_cert_check_validity(cert, utc(2019, 6, 1, 12, 0, 0), &err), 0);
    assert_int_equal(crypto_cert_check_validity(cert, utc(2017, 5, 16, 23, 29, 16), &err), -1);
    assert_string_equal(err.code, "cert_not_yet_valid");
    crypto_cert_free(cert);
}

static void
sha256_matches_the_fips_180_vector(void **state)
{
    char hex[65];

    (void)state;
    crypto_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
identifiers_are_checked_for_shape(void **state)
{
    (void)state;
    assert_true(crypto_rfc_plausible("AAA010101AAA"));
    assert_true(crypto_rfc_plausible("HEGT7610034S2"));
    assert_true(crypto_rfc_plausible("PEÑA800101AB1"));
    assert_false(crypto_rfc_plausible("AAA011301AAA"));
    assert_false(crypto_rfc_plausible("AA0101011AAA"));
    assert_false(crypto_rfc_plausible("AAA010101AAAA"));
    assert_true(crypto_curp_plausible("HEGT761003MDFRNN09"));
    assert_false(crypto_curp_plausible("HEGT761003ZDFRNN09"));
    assert_false(crypto_curp_plausible("HEGT761003MDFRNN0"));
}

/*
 * Identifiers in certificates are checked by core/ident, except that a CURP whose check digit
 * does not follow RENAPO's rule is read as SAT issued it: the fixture's representative CURP,
 * HEGT761003MDFRNN09, would have check digit 7. Structure, date, sex and state still count.
 */
static void
certificate_identifiers_are_checked_but_sat_check_digits_are_trusted(void **state)
{
    (void)state;
    assert_true(crypto_curp_plausible("HEGT761003MDFRNN09"));
    assert_true(crypto_curp_plausible("HEGT761003MDFRNN07"));
    assert_false(crypto_curp_plausible("HEGT761003MDFRNN0"));  /* length */
    assert_false(crypto_curp_plausible("HEGT761303MDFRNN09")); /* month 13 */
    assert_false(crypto_curp_plausible("HEGT761003MZZRNN09")); /* no state ZZ */
    assert_true(crypto_rfc_plausible("AAA010101AAA"));         /* check char only warned */
    assert_true(crypto_rfc_plausible("HEGT7610034S2"));
    assert_false(crypto_rfc_plausible("HEGT7613034S2")); /* month 13 */
    assert_false(crypto_rfc_plausible("HEGT761003-4S2"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(efirma_fixture_reads_every_fact_of_its_readme),
        cmocka_unit_test(certificate_identifiers_are_checked_but_sat_check_digits_are_trusted),
        cmocka_unit_test(csd_fixture_reads_as_a_csd_with_its_branch),
        cmocka_unit_test(csd_is_refused_for_the_buzon_saying_it_is_a_csd_and_an_efirma_is_needed),
        cmocka_unit_test(pem_certificate_reads_like_its_der),
        cmocka_unit_test(garbage_and_cut_certificates_are_refused),
        cmocka_unit_test(fixture_key_opens_with_its_password_and_belongs_to_its_certificate),
        cmocka_unit_test(wrong_password_has_its_own_code_and_message),
        cmocka_unit_test(truncated_key_file_is_reported_as_truncated),
        cmocka_unit_test(key_of_another_certificate_is_refused),
        cmocka_unit_test(pem_keys_encrypted_or_not_are_read),
        cmocka_unit_test(signature_made_with_the_fixture_key_verifies_with_its_certificate),
        cmocka_unit_test(tampered_signature_and_tampered_cadena_are_refused),
        cmocka_unit_test(signature_of_another_certificate_is_refused),
        cmocka_unit_test(one_certificate_verifies_from_several_threads_at_once),
        cmocka_unit_test(expired_fixture_is_refused_now_and_accepted_inside_its_validity),
        cmocka_unit_test(sha256_matches_the_fips_180_vector),
        cmocka_unit_test(identifiers_are_checked_for_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

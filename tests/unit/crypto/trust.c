/*
 * Tests of crypto/trust.h, crypto/testpki.h and crypto/cms.h: a test authority issues
 * certificates in SAT's profile; chains are checked at chosen instants, in the test and the
 * production profiles; revocation through CRLs and the unreachable-responder policy. OCSP
 * against a real `openssl ocsp` responder is exercised in tests/cli/efirma.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/cert.h"
#include "crypto/cms.h"
#include "crypto/sign.h"
#include "crypto/testpki.h"
#include "crypto/trust.h"

#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[64];       /* the test CA */
static char other_dir[96]; /* a second CA nobody trusts */
static char trust_dir[96];
static char crl_dir[96];
static char prod_dir[96]; /* a production trust dir with one non-test authority */
static char prod_fp[65];  /* SHA-256 of that authority's certificate, hex */
static const char *const password = "Clave de prueba 1";

static int64_t
utc(int y, int mo, int d)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};

    return (int64_t)timegm(&tm);
}

static const char *
path_of(const char *name, const char *ext)
{
    static char path[8][256];
    static int next;
    char *p = path[next++ % 8];

    snprintf(p, sizeof(path[0]), "%s/%s%s", dir, name, ext);
    return p;
}

static char last_number[48]; /* number of the certificate issue() issued last */

static void
issue(const char *ca, const char *name, struct crypto_testpki_subject s)
{
    char prefix[256], number[48];
    struct error err = {0};

    snprintf(prefix, sizeof(prefix), "%s/%s", dir, name);
    s.password = password;
    if (crypto_testpki_issue(ca, &s, prefix, number, &err) != 0)
        fail_msg("%s: %s", err.code, err.message);
    memcpy(last_number, number, sizeof(last_number));
}

static struct crypto_testpki_subject
person(void)
{
    return (struct crypto_testpki_subject){
        .kind = CRYPTO_CERT_EFIRMA,
        .name = "JOSÉ PEÑA NIETO",
        .rfc = "PEÑJ800101AB1",
        .curp = "PENJ800101HDFXTS09",
        .email = "jose@example.mx",
    };
}

/* A self-signed authority with a production-looking name, for the production profile. */
static void
make_production_dir(void)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    char path[160];
    FILE *f;

    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"AC DEL SAT", -1,
                               -1, 0);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, name);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_sign(x, key, EVP_sha256());
    {
        unsigned char md[32];
        unsigned int n = sizeof(md);

        X509_digest(x, EVP_sha256(), md, &n);
        for (unsigned int i = 0; i < n; i++)
            snprintf(prod_fp + 2 * i, sizeof(prod_fp) - 2 * i, "%02X", md[i]);
    }
    snprintf(prod_dir, sizeof(prod_dir), "%s/prodtrust", dir);
    mkdir(prod_dir, 0755);
    snprintf(path, sizeof(path), "%s/production", prod_dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/production/ac-sat.pem", prod_dir);
    f = fopen(path, "w");
    PEM_write_X509(f, x);
    fclose(f);
    X509_NAME_free(name);
    X509_free(x);
    EVP_PKEY_free(key);
}

static int
setup(void **state)
{
    struct error err = {0};
    struct crypto_testpki_subject s;
    int64_t now = (int64_t)time(NULL);

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/buzon-trust-XXXXXX");
    if (mkdtemp(dir) == NULL || crypto_testpki_create_ca(dir, &err) != 0)
        return -1;
    snprintf(other_dir, sizeof(other_dir), "%s/other", dir);
    snprintf(trust_dir, sizeof(trust_dir), "%s/trust", dir);
    snprintf(crl_dir, sizeof(crl_dir), "%s/crl", dir);
    if (crypto_testpki_create_ca(other_dir, &err) != 0)
        return -1;

    issue(dir, "person", person());
    s = (struct crypto_testpki_subject){.kind = CRYPTO_CERT_EFIRMA,
                                        .name = "ACME DE MÉXICO SA DE CV",
                                        .rfc = "AME010101AB1",
                                        .representative_rfc = "HEGT7610034S2",
                                        .representative_curp = "HEGT761003MDFRNN09"};
    issue(dir, "company", s);
    s.kind = CRYPTO_CERT_CSD;
    s.branch = "SUCURSAL NORTE";
    issue(dir, "csd", s);
    s = person();
    s.not_before = utc(2015, 1, 1);
    s.not_after = utc(2016, 1, 1);
    issue(dir, "expired", s);
    s.not_before = utc(2035, 1, 1);
    s.not_after = utc(2039, 1, 1);
    issue(dir, "future", s);
    s = person();
    s.revoked = true;
    s.revoked_at = now - 3600;
    issue(dir, "revoked", s);
    issue(other_dir, "stranger", person());
    make_production_dir();
    return 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct crypto_cert *
cert_of(const char *name)
{
    struct crypto_cert *cert = NULL;
    struct error err = {0};

    if (crypto_cert_load(path_of(name, ".cer"), &cert, &err) != 0)
        fail_msg("%s: %s", err.code, err.message);
    return cert;
}

static struct crypto_trust *
trust_with(enum crypto_trust_profile profile, const char *crls, const char *ocsp,
           enum crypto_unreachable_policy policy)
{
    struct crypto_trust_options o = {.dir = trust_dir,
                                     .profile = profile,
                                     .crl_dir = crls,
                                     .ocsp_url = ocsp,
                                     .ocsp_timeout_s = 2,
                                     .revocation_cache_s = 60,
                                     .unreachable = policy};
    struct crypto_trust *trust = NULL;
    struct error err = {0};

    if (crypto_trust_new(&o, &trust, &err) != 0)
        fail_msg("%s: %s", err.code, err.message);
    return trust;
}

static void
issued_efirma_follows_sats_profile(void **state)
{
    struct crypto_cert *cert = cert_of("person");
    struct crypto_cert *fixture = NULL;
    const struct crypto_cert_info *info = crypto_cert_info(cert);
    struct error err = {0};
    char path[512];

    (void)state;
    snprintf(path, sizeof(path), "%s/fixtures/sat/FIEL_AAA010101AAA/certificate.cer",
             getenv("BUZON_TEST_DATA"));
    assert_int_equal(crypto_cert_load(path, &fixture, &err), 0);
    assert_int_equal(info->kind, CRYPTO_CERT_EFIRMA);
    assert_string_equal(info->name, "JOSÉ PEÑA NIETO");
    assert_string_equal(info->rfc, "PEÑJ800101AB1");
    assert_string_equal(info->curp, "PENJ800101HDFXTS09");
    assert_false(info->is_company);
    assert_int_equal(strlen(crypto_cert_number(cert)), 20);
    assert_int_equal(strspn(crypto_cert_number(cert), "0123456789"), 20);
    assert_int_equal(info->key_usage, crypto_cert_info(fixture)->key_usage);
    assert_string_equal(info->issuer_cn, "A.C. de pruebas del Buzón IMSS");
    crypto_cert_free(fixture);
    crypto_cert_free(cert);
}

static void
issued_company_and_csd_carry_the_representative(void **state)
{
    struct crypto_cert *company = cert_of("company");
    struct crypto_cert *csd = cert_of("csd");
    const struct crypto_cert_info *c = crypto_cert_info(company), *d = crypto_cert_info(csd);

    (void)state;
    assert_int_equal(c->kind, CRYPTO_CERT_EFIRMA);
    assert_true(c->is_company);
    assert_string_equal(c->rfc, "AME010101AB1");
    assert_string_equal(c->representative_rfc, "HEGT7610034S2");
    assert_string_equal(c->curp, "");
    assert_string_equal(c->representative_curp, "HEGT761003MDFRNN09");
    assert_int_equal(d->kind, CRYPTO_CERT_CSD);
    assert_string_equal(d->branch, "SUCURSAL NORTE");
    assert_int_equal(d->key_usage, CRYPTO_KU_DIGITAL_SIGNATURE | CRYPTO_KU_NON_REPUDIATION);
    crypto_cert_free(company);
    crypto_cert_free(csd);
}

static void
issued_key_is_written_as_sat_writes_it(void **state)
{
    struct crypto_cert *cert = cert_of("person");
    struct crypto_key *key = NULL;
    struct error err = {0};
    FILE *f = fopen(path_of("person", ".key"), "rb");
    X509_SIG *sig = d2i_PKCS8_fp(f, NULL);
    const X509_ALGOR *alg = NULL;
    const ASN1_OCTET_STRING *digest = NULL;
    PBE2PARAM *pbe2;

    (void)state;
    fclose(f);
    assert_non_null(sig);
    X509_SIG_get0(sig, &alg, &digest);
    assert_int_equal(OBJ_obj2nid(alg->algorithm), NID_pbes2);
    pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
    assert_non_null(pbe2);
    assert_int_equal(OBJ_obj2nid(pbe2->keyfunc->algorithm), NID_id_pbkdf2);
    assert_int_equal(OBJ_obj2nid(pbe2->encryption->algorithm), NID_des_ede3_cbc);
    PBE2PARAM_free(pbe2);
    X509_SIG_free(sig);

    assert_int_equal(crypto_key_load(path_of("person", ".key"), password, &key, &err), 0);
    assert_int_equal(crypto_key_matches(key, cert, &err), 0);
    crypto_key_free(key);
    crypto_cert_free(cert);
}

static void
issued_certificate_chains_to_the_test_authority(void **state)
{
    struct crypto_trust *trust = trust_with(CRYPTO_TRUST_TEST, NULL, NULL, 0);
    struct crypto_cert *cert = cert_of("person");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_trust_check_chain(trust, cert, (int64_t)time(NULL), &err), 0);
    /* Again, now from the cache, and at another instant inside the window. */
    assert_int_equal(crypto_trust_check_chain(trust, cert, (int64_t)time(NULL) + 60, &err), 0);
    crypto_cert_free(cert);
    crypto_trust_free(trust);
}

static void
expired_certificate_is_refused_now_and_accepted_inside_its_validity(void **state)
{
    struct crypto_trust *trust = trust_with(CRYPTO_TRUST_TEST, NULL, NULL, 0);
    struct crypto_cert *cert = cert_of("expired");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_cert_check_validity(cert, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "cert_expired");
    assert_int_equal(crypto_trust_check_chain(trust, cert, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "cert_expired");
    assert_int_equal(crypto_cert_check_validity(cert, utc(2015, 6, 1), &err), 0);
    assert_int_equal(crypto_trust_check_chain(trust, cert, utc(2015, 6, 1), &err), 0);
    /* The cached window must not let the current time through. */
    assert_int_equal(crypto_trust_check_chain(trust, cert, (int64_t)time(NULL), &err), -1);
    crypto_cert_free(cert);
    crypto_trust_free(trust);
}

static void
not_yet_valid_certificate_is_refused(void **state)
{
    struct crypto_trust *trust = trust_with(CRYPTO_TRUST_TEST, NULL, NULL, 0);
    struct crypto_cert *cert = cert_of("future");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_cert_check_validity(cert, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "cert_not_yet_valid");
    assert_int_equal(crypto_trust_check_chain(trust, cert, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "cert_not_yet_valid");
    crypto_cert_free(cert);
    crypto_trust_free(trust);
}

static void
certificate_of_an_unknown_issuer_is_refused(void **state)
{
    struct crypto_trust *trust = trust_with(CRYPTO_TRUST_TEST, NULL, NULL, 0);
    struct crypto_cert *stranger = NULL, *sat = NULL;
    struct error err = {0};
    char path[512];

    (void)state;
    snprintf(path, sizeof(path), "%s/stranger.cer", dir);
    assert_int_equal(crypto_cert_load(path, &stranger, &err), 0);
    assert_int_equal(crypto_trust_check_chain(trust, stranger, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "chain_unknown_issuer");
    assert_non_null(strstr(err.message, "no es una autoridad de confianza"));

    snprintf(path, sizeof(path), "%s/fixtures/sat/FIEL_AAA010101AAA/certificate.cer",
             getenv("BUZON_TEST_DATA"));
    assert_int_equal(crypto_cert_load(path, &sat, &err), 0);
    assert_int_equal(crypto_trust_check_chain(trust, sat, utc(2019, 6, 1), &err), -1);
    assert_string_equal(err.code, "chain_unknown_issuer");
    crypto_cert_free(stranger);
    crypto_cert_free(sat);
    crypto_trust_free(trust);
}

static void
an_authority_of_the_store_is_not_a_signers_chain(void **state)
{
    struct crypto_trust *trust = trust_with(CRYPTO_TRUST_TEST, NULL, NULL, 0);
    struct crypto_cert *ac = cert_of("ac");
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_trust_check_chain(trust, ac, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "chain_invalid");
    assert_int_equal(crypto_cert_info(ac)->kind, CRYPTO_CERT_UNKNOWN);
    crypto_cert_free(ac);
    crypto_trust_free(trust);
}

static void
test_issuer_is_refused_in_production(void **state)
{
    struct crypto_trust_options o = {.dir = prod_dir, .profile = CRYPTO_TRUST_PRODUCTION};
    struct crypto_trust *trust = NULL;
    struct crypto_cert *sat = NULL, *ours = cert_of("person");
    struct error err = {0};
    char path[512];

    (void)state;
    assert_int_equal(crypto_trust_new(&o, &trust, &err), 0);
    snprintf(path, sizeof(path), "%s/fixtures/sat/FIEL_AAA010101AAA/certificate.cer",
             getenv("BUZON_TEST_DATA"));
    assert_int_equal(crypto_cert_load(path, &sat, &err), 0);
    assert_int_equal(crypto_trust_check_chain(trust, sat, utc(2019, 6, 1), &err), -1);
    assert_string_equal(err.code, "chain_test_issuer");
    assert_non_null(strstr(err.message, "A.C. 2 de pruebas(4096)"));
    assert_int_equal(crypto_trust_check_chain(trust, ours, (int64_t)time(NULL), &err), -1);
    assert_string_equal(err.code, "chain_test_issuer");
    crypto_trust_free(trust);

    /* The test authority copied into production/ stops the store from loading at all. */
    snprintf(path, sizeof(path), "cp '%s/trust/test/ac.pem' '%s/production/'", dir, prod_dir);
    assert_int_equal(system(path), 0);
    assert_int_equal(crypto_trust_new(&o, &trust, &err), -1);
    assert_string_equal(err.code, "trust_test_ca");
    snprintf(path, sizeof(path), "%s/production/ac.pem", prod_dir);
    unlink(path);
    crypto_cert_free(sat);
    crypto_cert_free(ours);
}

static void
denylisted_authority_stops_the_production_store(void **state)
{
    struct crypto_trust_options o = {.dir = prod_dir, .profile = CRYPTO_TRUST_PRODUCTION};
    struct crypto_trust *trust = NULL;
    struct error err = {0};
    char path[160];
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "%s/denylist", prod_dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "# retirada\n%s\n", prod_fp);
    fclose(f);
    assert_int_equal(crypto_trust_new(&o, &trust, &err), -1);
    assert_string_equal(err.code, "trust_test_ca");
    unlink(path);
    assert_int_equal(crypto_trust_new(&o, &trust, &err), 0);
    crypto_trust_free(trust);
}

static void
crl_revocation_is_found_and_judged_at_the_instant(void **state)
{
    struct crypto_trust *trust = trust_with(CRYPTO_TRUST_TEST, crl_dir, NULL, 0);
    struct crypto_cert *revoked = cert_of("revoked"), *good = cert_of("person");
    struct crypto_revocation res;
    struct error err = {0};
    int64_t now = (int64_t)time(NULL);

    (void)state;
    assert_int_equal(crypto_trust_check_revocation(trust, revoked, now, &res, &err), -1);
    assert_string_equal(err.code, "cert_revoked");
    assert_int_equal(res.status, CRYPTO_REVOCATION_REVOKED);
    assert_string_equal(res.source, "crl");

    /* Two hours ago it had not been revoked yet: what it signed then stands. */
    assert_int_equal(crypto_trust_check_revocation(trust, revoked, now - 7200, &res, &err), 0);
    assert_int_equal(res.status, CRYPTO_REVOCATION_GOOD);
    assert_true(res.revoked_later);

    assert_int_equal(crypto_trust_check_revocation(trust, good, now, &res, &err), 0);
    assert_int_equal(res.status, CRYPTO_REVOCATION_GOOD);
    assert_string_equal(res.source, "crl");
    crypto_cert_free(revoked);
    crypto_cert_free(good);
    crypto_trust_free(trust);
}

/* A server runs for months: a CRL rewritten in crl_dir must count without a restart. */
static void
a_crl_rewritten_while_running_is_read_again(void **state)
{
    struct crypto_trust_options o = {.dir = trust_dir,
                                     .profile = CRYPTO_TRUST_TEST,
                                     .crl_dir = crl_dir,
                                     .revocation_cache_s = 0};
    struct crypto_trust *trust = NULL;
    struct crypto_cert *cert;
    struct crypto_revocation res;
    struct error err = {0};
    int64_t now = (int64_t)time(NULL);
    char number[48];

    (void)state;
    issue(dir, "revoked-later", person());
    memcpy(number, last_number, sizeof(number));
    cert = cert_of("revoked-later");
    assert_int_equal(crypto_trust_new(&o, &trust, &err), 0);
    assert_int_equal(crypto_trust_check_revocation(trust, cert, now, &res, &err), 0);
    assert_int_equal(res.status, CRYPTO_REVOCATION_GOOD);

    assert_int_equal(crypto_testpki_revoke(dir, number, now - 60, &err), 0);
    assert_int_equal(crypto_trust_check_revocation(trust, cert, now, &res, &err), -1);
    assert_string_equal(err.code, "cert_revoked");
    assert_string_equal(res.source, "crl");

    /* A CRL file that no longer parses does not throw away the list already read. */
    {
        char bad[160];
        FILE *f;

        snprintf(bad, sizeof(bad), "%s/zz-broken.crl", crl_dir);
        f = fopen(bad, "w");
        assert_non_null(f);
        fputs("not a CRL", f);
        fclose(f);
        error_clear(&err);
        assert_int_equal(crypto_trust_check_revocation(trust, cert, now, &res, &err), -1);
        assert_string_equal(err.code, "cert_revoked");
        unlink(bad);
    }
    crypto_cert_free(cert);
    crypto_trust_free(trust);
}

static void
unreachable_responder_is_refused_or_accepted_as_configured(void **state)
{
    struct crypto_trust *refuse =
        trust_with(CRYPTO_TRUST_TEST, NULL, "http://127.0.0.1:1/ocsp", CRYPTO_UNREACHABLE_REFUSE);
    struct crypto_trust *accept =
        trust_with(CRYPTO_TRUST_TEST, NULL, "http://127.0.0.1:1/ocsp", CRYPTO_UNREACHABLE_ACCEPT);
    struct crypto_cert *cert = cert_of("person");
    struct crypto_revocation res;
    struct error err = {0};
    int64_t now = (int64_t)time(NULL);

    (void)state;
    assert_int_equal(crypto_trust_check_revocation(refuse, cert, now, &res, &err), -1);
    assert_string_equal(err.code, "revocation_unreachable");
    assert_int_equal(crypto_trust_check_revocation(accept, cert, now, &res, &err), 0);
    assert_int_equal(res.status, CRYPTO_REVOCATION_UNCHECKED);
    assert_true(res.reason[0] != '\0');
    crypto_cert_free(cert);
    crypto_trust_free(refuse);
    crypto_trust_free(accept);
}

static void
no_revocation_source_follows_the_policy_too(void **state)
{
    struct crypto_trust *refuse = trust_with(CRYPTO_TRUST_TEST, NULL, NULL, 0);
    struct crypto_cert *cert = cert_of("person");
    struct crypto_revocation res;
    struct error err = {0};

    (void)state;
    assert_int_equal(crypto_trust_check_revocation(refuse, cert, (int64_t)time(NULL), &res, &err),
                     -1);
    assert_string_equal(err.code, "revocation_unreachable");
    assert_non_null(strstr(err.message, "efirma.ocsp_url"));
    crypto_cert_free(cert);
    crypto_trust_free(refuse);
}

struct shared_trust {
    struct crypto_trust *trust;
    struct crypto_cert *good, *revoked, *expired;
    int failures;
};

static void *
check_many(void *arg)
{
    struct shared_trust *sh = arg;
    struct crypto_revocation res;
    struct error err;
    int64_t now = (int64_t)time(NULL);

    for (int i = 0; i < 100; i++) {
        int ok = crypto_trust_check_chain(sh->trust, sh->good, now, &err) == 0 &&
                 crypto_trust_check_chain(sh->trust, sh->expired, now, &err) == -1 &&
                 crypto_trust_check_chain(sh->trust, sh->expired, utc(2015, 6, 1), &err) == 0 &&
                 crypto_trust_check_revocation(sh->trust, sh->good, now, &res, &err) == 0 &&
                 crypto_trust_check_revocation(sh->trust, sh->revoked, now, &res, &err) == -1;

        if (!ok)
            __atomic_add_fetch(&sh->failures, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void
one_trust_store_serves_several_threads_at_once(void **state)
{
    struct shared_trust sh = {.trust = trust_with(CRYPTO_TRUST_TEST, crl_dir, NULL, 0),
                              .good = cert_of("person"),
                              .revoked = cert_of("revoked"),
                              .expired = cert_of("expired")};
    pthread_t threads[4];

    (void)state;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, check_many, &sh), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    assert_int_equal(sh.failures, 0);
    crypto_cert_free(sh.good);
    crypto_cert_free(sh.revoked);
    crypto_cert_free(sh.expired);
    crypto_trust_free(sh.trust);
}

/* A free loopback port: bind to port 0 and let the kernel choose. */
static int
free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* Start `openssl ocsp` on port answering for dir's index, as the authority in signer_dir;
 * returns its pid once it listens. */
static pid_t
start_responder(int port, const char *signer_dir)
{
    char index[160], ca[160], signer[160], key[160], port_text[16], line[256];
    int fds[2];
    pid_t pid;
    FILE *f;

    snprintf(index, sizeof(index), "%s/index.txt", dir);
    snprintf(ca, sizeof(ca), "%s/ac.pem", signer_dir);
    snprintf(signer, sizeof(signer), "%s/ocsp.pem", signer_dir);
    snprintf(key, sizeof(key), "%s/ocsp.key.pem", signer_dir);
    snprintf(port_text, sizeof(port_text), "%d", port);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);

        dup2(devnull, 1);
        dup2(fds[1], 2);
        close(fds[0]);
        execlp("openssl", "openssl", "ocsp", "-index", index, "-CA", ca, "-rsigner", signer,
               "-rkey", key, "-port", port_text, "-ignore_err", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    /* Its banner says it accepts connections; a probe connection would hold it busy. */
    f = fdopen(fds[0], "r");
    while (fgets(line, sizeof(line), f) != NULL && strstr(line, "waiting for OCSP") == NULL)
        ;
    fclose(f);
    return pid;
}

static void
stop_responder(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

static void
ocsp_answers_come_from_the_responder_then_from_the_cache(void **state)
{
    int port = free_port();
    char url[64];
    pid_t pid;
    struct crypto_trust *cached, *uncached;
    struct crypto_cert *good = cert_of("person"), *revoked = cert_of("revoked");
    struct crypto_revocation res;
    struct error err = {0};
    int64_t now = (int64_t)time(NULL);

    (void)state;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
    cached = trust_with(CRYPTO_TRUST_TEST, NULL, url, CRYPTO_UNREACHABLE_REFUSE);
    {
        struct crypto_trust_options o = {
            .dir = trust_dir, .profile = CRYPTO_TRUST_TEST, .ocsp_url = url, .ocsp_timeout_s = 2};

        assert_int_equal(crypto_trust_new(&o, &uncached, &err), 0);
    }
    pid = start_responder(port, dir);

    assert_int_equal(crypto_trust_check_revocation(cached, good, now, &res, &err), 0);
    assert_string_equal(res.source, "ocsp");
    assert_false(res.from_cache);
    assert_int_equal(crypto_trust_check_revocation(cached, revoked, now, &res, &err), -1);
    assert_string_equal(err.code, "cert_revoked");
    assert_int_equal(crypto_trust_check_revocation(uncached, good, now, &res, &err), 0);
    assert_int_equal(crypto_trust_check_revocation(cached, good, now, &res, &err), 0);
    assert_true(res.from_cache);
    stop_responder(pid);

    /* The responder is gone: the cached answer still serves; without a cache, refused. */
    assert_int_equal(crypto_trust_check_revocation(cached, good, now, &res, &err), 0);
    assert_true(res.from_cache);
    assert_int_equal(crypto_trust_check_revocation(cached, revoked, now, &res, &err), -1);
    assert_string_equal(err.code, "cert_revoked");
    assert_int_equal(crypto_trust_check_revocation(uncached, good, now, &res, &err), -1);
    assert_string_equal(err.code, "revocation_unreachable");
    crypto_cert_free(good);
    crypto_cert_free(revoked);
    crypto_trust_free(cached);
    crypto_trust_free(uncached);
}

static void
ocsp_response_signed_by_a_stranger_is_refused(void **state)
{
    int port = free_port();
    char url[64];
    pid_t pid = start_responder(port, other_dir);
    struct crypto_trust *trust;
    struct crypto_cert *good = cert_of("person");
    struct crypto_revocation res;
    struct error err = {0};

    (void)state;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
    trust = trust_with(CRYPTO_TRUST_TEST, NULL, url, CRYPTO_UNREACHABLE_ACCEPT);
    /* Even with the accept policy: a forged answer is not an unreachable responder. */
    assert_int_equal(crypto_trust_check_revocation(trust, good, (int64_t)time(NULL), &res, &err),
                     -1);
    assert_string_equal(err.code, "revocation_response_invalid");
    stop_responder(pid);
    crypto_cert_free(good);
    crypto_trust_free(trust);
}

/* Sign document with the issued "person" key and certificate as a detached CMS, DER. */
static BIO *
cms_sign(const char *document, const EVP_MD *md)
{
    FILE *f = fopen(path_of("person", ".key"), "rb");
    X509_SIG *sig = d2i_PKCS8_fp(f, NULL);
    PKCS8_PRIV_KEY_INFO *p8 = PKCS8_decrypt(sig, password, (int)strlen(password));
    EVP_PKEY *key = EVP_PKCS82PKEY(p8);
    X509 *x;
    BIO *in = BIO_new_mem_buf(document, -1), *out = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms;

    fclose(f);
    f = fopen(path_of("person", ".cer"), "rb");
    x = d2i_X509_fp(f, NULL);
    fclose(f);
    cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_DETACHED | CMS_BINARY | CMS_PARTIAL);
    CMS_add1_signer(cms, x, key, md, CMS_BINARY);
    CMS_final(cms, in, NULL, CMS_DETACHED | CMS_BINARY);
    i2d_CMS_bio(out, cms);
    CMS_ContentInfo_free(cms);
    X509_free(x);
    EVP_PKEY_free(key);
    PKCS8_PRIV_KEY_INFO_free(p8);
    X509_SIG_free(sig);
    BIO_free(in);
    return out;
}

static void
detached_cms_verifies_and_returns_its_signer(void **state)
{
    const char *doc = "Resolución 123/2026: se notifica el crédito fiscal.";
    BIO *bio = cms_sign(doc, EVP_sha256());
    struct crypto_cert *signer = NULL, *expected = cert_of("person");
    struct error err = {0};
    char *der;
    long len = BIO_get_mem_data(bio, &der);

    (void)state;
    assert_int_equal(
        crypto_cms_verify_detached((uint8_t *)der, (size_t)len, doc, strlen(doc), &signer, &err),
        0);
    assert_string_equal(crypto_cert_number(signer), crypto_cert_number(expected));
    crypto_cert_free(signer);
    signer = NULL;
    assert_int_equal(
        crypto_cms_verify_detached((uint8_t *)der, (size_t)len, "otro", 4, &signer, &err), -1);
    assert_string_equal(err.code, "signature_invalid");
    assert_int_equal(
        crypto_cms_verify_detached((uint8_t *)doc, strlen(doc), doc, strlen(doc), &signer, &err),
        -1);
    assert_string_equal(err.code, "cms_malformed");
    assert_null(signer);
    crypto_cert_free(expected);
    BIO_free(bio);

    /* SHA-1 is refused even when the signature itself is good. */
    bio = cms_sign(doc, EVP_sha1());
    len = BIO_get_mem_data(bio, &der);
    assert_int_equal(
        crypto_cms_verify_detached((uint8_t *)der, (size_t)len, doc, strlen(doc), &signer, &err),
        -1);
    assert_string_equal(err.code, "cms_digest");
    BIO_free(bio);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(issued_efirma_follows_sats_profile),
        cmocka_unit_test(issued_company_and_csd_carry_the_representative),
        cmocka_unit_test(issued_key_is_written_as_sat_writes_it),
        cmocka_unit_test(issued_certificate_chains_to_the_test_authority),
        cmocka_unit_test(expired_certificate_is_refused_now_and_accepted_inside_its_validity),
        cmocka_unit_test(not_yet_valid_certificate_is_refused),
        cmocka_unit_test(certificate_of_an_unknown_issuer_is_refused),
        cmocka_unit_test(an_authority_of_the_store_is_not_a_signers_chain),
        cmocka_unit_test(test_issuer_is_refused_in_production),
        cmocka_unit_test(denylisted_authority_stops_the_production_store),
        cmocka_unit_test(crl_revocation_is_found_and_judged_at_the_instant),
        cmocka_unit_test(a_crl_rewritten_while_running_is_read_again),
        cmocka_unit_test(unreachable_responder_is_refused_or_accepted_as_configured),
        cmocka_unit_test(no_revocation_source_follows_the_policy_too),
        cmocka_unit_test(one_trust_store_serves_several_threads_at_once),
        cmocka_unit_test(ocsp_answers_come_from_the_responder_then_from_the_cache),
        cmocka_unit_test(ocsp_response_signed_by_a_stranger_is_refused),
        cmocka_unit_test(detached_cms_verifies_and_returns_its_signer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

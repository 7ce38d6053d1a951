/*
 * Tests of app/login.h: e.firma login against a SQLite store in a temporary directory and a
 * test authority made here (crypto/testpki.h), with an injected clock so that nonces,
 * sessions and rate-limit windows expire without sleeping. Each refusal of
 * docs/authentication.md is provoked and must come back with its own code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/limiter.h"
#include "app/login.h"
#include "app/session_cache.h"
#include "app/staff.h"
#include "core/sha256.h"
#include "crypto/sign.h"
#include "crypto/testpki.h"
#include "crypto/trust.h"
#include "store/store.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PERSON  "PELM800101AB1"
#define OTHER   "GOMA750505XY2"
#define COMPANY "EMP010101AB1"
#define US      1000000LL

static const char *const password = "Clave de prueba 1";
static char dir[64], ca[96], other_ca[96];
static struct store *store;
static struct crypto_trust *trust;
static int64_t fake_now; /* the injected clock, microseconds */

static int64_t
test_now(void *arg)
{
    (void)arg;
    return fake_now;
}

static const char *
path(const char *name, const char *ext)
{
    static char p[8][192];
    static int next;
    char *out = p[next++ % 8];

    snprintf(out, sizeof(p[0]), "%s/%s%s", dir, name, ext);
    return out;
}

static void
issue(const char *from, const char *name, struct crypto_testpki_subject s)
{
    struct error err = {0};
    char number[48];

    s.password = password;
    if (s.name == NULL)
        s.name = "PERSONA DE PRUEBA";
    if (crypto_testpki_issue(from, &s, path(name, ""), number, &err) != 0)
        fail_msg("%s: %s: %s", name, err.code, err.message);
}

/* The certificates every test uses, issued once. */
static void
issue_all(int64_t now_s)
{
    issue(ca, "person",
          (struct crypto_testpki_subject){
              .kind = CRYPTO_CERT_EFIRMA, .rfc = PERSON, .curp = "PELM800101MDFXPR09"});
    issue(ca, "other",
          (struct crypto_testpki_subject){
              .kind = CRYPTO_CERT_EFIRMA, .rfc = OTHER, .curp = "GOMA750505HDFXMN01"});
    issue(ca, "csd", (struct crypto_testpki_subject){.kind = CRYPTO_CERT_CSD, .rfc = PERSON});
    issue(ca, "revoked",
          (struct crypto_testpki_subject){.kind = CRYPTO_CERT_EFIRMA,
                                          .rfc = PERSON,
                                          .curp = "PELM800101MDFXPR09",
                                          .revoked = true,
                                          .revoked_at = now_s - 3600});
    issue(ca, "expired",
          (struct crypto_testpki_subject){.kind = CRYPTO_CERT_EFIRMA,
                                          .rfc = PERSON,
                                          .curp = "PELM800101MDFXPR09",
                                          .not_before = now_s - 86400 * 800,
                                          .not_after = now_s - 86400});
    issue(ca, "company",
          (struct crypto_testpki_subject){.kind = CRYPTO_CERT_EFIRMA,
                                          .name = "EMPRESA DE PRUEBA",
                                          .rfc = COMPANY,
                                          .representative_rfc = PERSON,
                                          .representative_curp = "PELM800101MDFXPR09"});
    issue(other_ca, "stranger",
          (struct crypto_testpki_subject){
              .kind = CRYPTO_CERT_EFIRMA, .rfc = PERSON, .curp = "PELM800101MDFXPR09"});
}

static int
setup_group(void **state)
{
    struct crypto_trust_options to = {0};
    struct store_options so = {0};
    struct error err = {0};
    char url[160], trust_dir[160], crl_dir[160];

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/buzon-app-login-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(ca, sizeof(ca), "%s/ca", dir);
    snprintf(other_ca, sizeof(other_ca), "%s/other-ca", dir);
    if (crypto_testpki_create_ca(ca, &err) != 0 || crypto_testpki_create_ca(other_ca, &err) != 0)
        return -1;
    issue_all((int64_t)time(NULL));
    /* After the certificates' not-before, which is when they were issued. */
    fake_now = ((int64_t)time(NULL) + 2) * US;

    snprintf(trust_dir, sizeof(trust_dir), "%s/trust", ca);
    snprintf(crl_dir, sizeof(crl_dir), "%s/crl", ca);
    to = (struct crypto_trust_options){
        .dir = trust_dir, .profile = CRYPTO_TRUST_TEST, .crl_dir = crl_dir};
    snprintf(url, sizeof(url), "sqlite:%s/buzon.db", dir);
    so = (struct store_options){.url = url, .data_dir = dir, .migrate = true};
    if (crypto_trust_new(&to, &trust, &err) != 0 || store_open(&so, &store, NULL, &err) != 0) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        return -1;
    }
    return 0;
}

static int
teardown_group(void **state)
{
    char cmd[128];

    (void)state;
    store_close(store);
    crypto_trust_free(trust);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct app *
new_app(unsigned max_failures)
{
    struct app_options o = {.store = store, .trust = trust, .now = test_now};

    o.policy = (struct app_policy){.challenge_ttl_s = 120,
                                   .session_idle_s = 900,
                                   .session_max_s = 8 * 3600,
                                   .max_failures = max_failures,
                                   .failure_window_s = 900};
    return app_new(&o);
}

static int
setup(void **state)
{
    *state = new_app(APP_LIMITER_MAX_HITS);
    return 0;
}

static int
teardown(void **state)
{
    app_free(*state);
    return 0;
}

/* A login request as a client builds it; the strings are owned here. */
struct login {
    char cert[8192];
    char *signature;
    char rfc[16];
    char instant[24];
    char nonce[APP_NONCE_MAX + 1];
    struct app_login_request rq;
};

static void
read_cert_b64(const char *name, char *out, size_t cap)
{
    unsigned char der[4096];
    FILE *f = fopen(path(name, ".cer"), "rb");
    size_t n;

    assert_non_null(f);
    n = fread(der, 1, sizeof(der), f);
    fclose(f);
    assert_true(4 * ((n + 2) / 3) < cap);
    EVP_EncodeBlock((unsigned char *)out, der, (int)n);
}

static char *
sign_with(const char *name, const char *text)
{
    struct crypto_key *key = NULL;
    struct error err = {0};
    char *b64 = NULL;

    if (crypto_key_load(path(name, ".key"), password, &key, &err) != 0 ||
        crypto_sign(key, text, strlen(text), &b64, &err) != 0)
        fail_msg("%s: %s", err.code, err.message);
    crypto_key_free(key);
    return b64;
}

/*
 * Fill l for certificate cert claiming rfc, signed by signer's key over the canonical string
 * with signed_rfc (NULL: rfc), on a fresh nonce from a.
 */
static struct app_login_request *
build(struct app *a, struct login *l, const char *cert, const char *rfc, const char *signer,
      const char *peer)
{
    struct app_challenge ch;
    struct error err = {0};
    time_t t = (time_t)(fake_now / US);
    char canonical[256];

    assert_int_equal(app_login_challenge(a, "127.0.0.1", &ch, &err), 0);
    memset(l, 0, sizeof(*l));
    read_cert_b64(cert, l->cert, sizeof(l->cert));
    snprintf(l->rfc, sizeof(l->rfc), "%s", rfc);
    snprintf(l->nonce, sizeof(l->nonce), "%s", ch.nonce);
    strftime(l->instant, sizeof(l->instant), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    snprintf(canonical, sizeof(canonical), APP_LOGIN_CANONICAL, l->nonce, l->rfc, l->instant);
    l->signature = sign_with(signer, canonical);
    l->rq =
        (struct app_login_request){l->cert,        l->signature, l->rfc,
                                   l->instant,     l->nonce,     peer != NULL ? peer : "192.0.2.1",
                                   "test-request", false};
    return &l->rq;
}

static void
done(struct login *l)
{
    free(l->signature);
    l->signature = NULL;
}

/* Run the login of l and expect the refusal code. */
static void
expect_refusal(struct app *a, struct login *l, const char *code)
{
    struct app_session s;
    struct error err = {0};

    assert_int_not_equal(app_login_complete(a, &l->rq, &s, &err), 0);
    assert_string_equal(err.code, code);
    assert_true(strlen(err.message) > 10);
    assert_string_equal(s.token, "");
    done(l);
}

static void
login_ok(struct app *a, struct login *l, struct app_session *s)
{
    struct error err = {0};

    if (app_login_complete(a, &l->rq, s, &err) != 0)
        fail_msg("%s: %s (%s)", err.code, err.message, err.detail);
    done(l);
}

static void
a_signed_nonce_opens_a_session_that_authenticates(void **state)
{
    struct app *a = *state;
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    assert_int_equal(strlen(s.token), APP_TOKEN_LEN);
    assert_string_equal(s.rfc, PERSON);
    assert_int_equal(s.expires_at, fake_now + 900 * US);
    assert_int_equal(s.max_expires_at, fake_now + 8 * 3600 * US);

    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_string_equal(seen.rfc, PERSON);
    assert_string_equal(seen.session_id, s.session_id);
    assert_string_equal(seen.token, "");
}

static void
two_logins_get_different_tokens(void **state)
{
    struct app *a = *state;
    struct app_session s1, s2;
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s1);
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s2);
    assert_string_not_equal(s1.token, s2.token);
    assert_string_not_equal(s1.session_id, s2.session_id);
}

static void
a_replayed_nonce_is_refused(void **state)
{
    struct app *a = *state;
    struct app_session s;
    struct error err = {0};
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    assert_int_equal(app_login_complete(a, &l.rq, &s, &err), 0);
    assert_int_not_equal(app_login_complete(a, &l.rq, &s, &err), 0);
    assert_string_equal(err.code, "login_nonce_replayed");
    done(&l);
}

static void
a_nonce_not_issued_here_is_refused_as_replayed(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    /* Same shape, other random part: the signature is over it, only the store can tell. */
    l.nonce[strlen(l.nonce) - 1] = l.nonce[strlen(l.nonce) - 1] == 'A' ? 'B' : 'A';
    free(l.signature);
    {
        char canonical[256];

        snprintf(canonical, sizeof(canonical), APP_LOGIN_CANONICAL, l.nonce, l.rfc, l.instant);
        l.signature = sign_with("person", canonical);
        l.rq.signature = l.signature;
    }
    expect_refusal(a, &l, "login_nonce_replayed");
}

static void
an_expired_nonce_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    fake_now += 121 * US;
    expect_refusal(a, &l, "login_nonce_expired");
}

static void
a_nonce_used_just_before_its_end_is_accepted(void **state)
{
    struct app *a = *state;
    struct app_session s;
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    fake_now += 119 * US;
    login_ok(a, &l, &s);
}

static void
a_signature_by_another_key_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "person", PERSON, "other", NULL);
    expect_refusal(a, &l, "login_signature_invalid");
}

static void
a_signature_over_other_fields_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    l.instant[18] = l.instant[18] == '0' ? '1' : '0'; /* one second off what was signed */
    expect_refusal(a, &l, "login_signature_invalid");
}

static void
a_csd_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "csd", PERSON, "csd", NULL);
    expect_refusal(a, &l, "login_certificate_csd");
}

static void
a_revoked_efirma_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "revoked", PERSON, "revoked", NULL);
    expect_refusal(a, &l, "login_certificate_revoked");
}

static void
an_efirma_of_an_untrusted_authority_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "stranger", PERSON, "stranger", NULL);
    expect_refusal(a, &l, "login_certificate_untrusted");
}

static void
an_expired_efirma_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "expired", PERSON, "expired", NULL);
    expect_refusal(a, &l, "login_certificate_expired");
}

static void
an_rfc_other_than_the_certificates_is_refused(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "person", OTHER, "person", NULL);
    expect_refusal(a, &l, "login_rfc_mismatch");
}

static void
a_company_logs_in_with_its_rfc_and_its_representative_is_recorded(void **state)
{
    struct app *a = *state;
    struct app_session s;
    struct login l;

    build(a, &l, "company", COMPANY, "company", NULL);
    login_ok(a, &l, &s);
    assert_string_equal(s.rfc, COMPANY);
    assert_string_equal(s.representative_rfc, PERSON);
    assert_string_equal(s.representative_curp, "PELM800101MDFXPR09");

    /* Later requests of the session still know who signed for the company. */
    {
        struct app_session seen;
        struct error err = {0};

        assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
        assert_int_equal(seen.kind, APP_ACTOR_PARTICULAR);
        assert_string_equal(seen.representative_rfc, PERSON);
        assert_string_equal(seen.representative_curp, "PELM800101MDFXPR09");
    }

    /* The representative's own RFC is not the company's login. */
    build(a, &l, "company", PERSON, "company", NULL);
    expect_refusal(a, &l, "login_rfc_mismatch");
}

static void
malformed_requests_are_refused_with_their_codes(void **state)
{
    struct app *a = *state;
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    l.rq.nonce = NULL;
    expect_refusal(a, &l, "login_request_invalid");

    build(a, &l, "person", "pelm800101ab1", "person", NULL);
    expect_refusal(a, &l, "login_request_invalid");

    build(a, &l, "person", PERSON, "person", NULL);
    l.rq.instant = "2026-13-01T00:00:00Z";
    expect_refusal(a, &l, "login_instant_invalid");

    build(a, &l, "person", PERSON, "person", NULL);
    l.rq.instant = "2020-01-01T00:00:00Z";
    expect_refusal(a, &l, "login_instant_invalid");

    build(a, &l, "person", PERSON, "person", NULL);
    l.rq.certificate = "no es base64!";
    expect_refusal(a, &l, "login_certificate_invalid");

    build(a, &l, "person", PERSON, "person", NULL);
    l.rq.certificate = "AAAA";
    expect_refusal(a, &l, "login_certificate_invalid");
}

static void
a_refused_login_leaves_its_nonce_unused(void **state)
{
    struct app *a = *state;
    struct app_session s;
    struct error err = {0};
    struct login l;
    char *bad;

    build(a, &l, "person", PERSON, "person", NULL);
    bad = sign_with("other", "otra cosa");
    l.rq.signature = bad;
    assert_int_not_equal(app_login_complete(a, &l.rq, &s, &err), 0);
    assert_string_equal(err.code, "login_signature_invalid");
    free(bad);

    l.rq.signature = l.signature;
    login_ok(a, &l, &s);
}

static void
a_session_ends_when_idle(void **state)
{
    struct app *a = *state;
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    fake_now += 899 * US;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    fake_now += 899 * US; /* the use above extended it */
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    fake_now += 900 * US;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    assert_false(error_is_set(&err));
}

static void
a_session_in_use_ends_at_its_absolute_expiry(void **state)
{
    struct app *a = *state;
    struct app_session s, seen;
    struct error err = {0};
    struct login l;
    int64_t end;

    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    end = s.max_expires_at;
    while (fake_now + 600 * US < end) {
        fake_now += 600 * US;
        assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
        assert_true(seen.expires_at <= end);
    }
    fake_now = end;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
}

static void
logout_ends_the_session_once(void **state)
{
    struct app *a = *state;
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    assert_int_equal(app_logout(a, s.token, "r1", &err), 0);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    assert_int_equal(app_logout(a, s.token, "r2", &err), 0);
}

static void
unknown_and_malformed_tokens_do_not_authenticate(void **state)
{
    struct app *a = *state;
    struct app_session seen;
    struct error err = {0};

    assert_int_equal(app_session_check(a, "", &seen, &err), APP_SESSION_ABSENT);
    assert_int_equal(app_session_check(a, "corto", &seen, &err), APP_SESSION_ABSENT);
    assert_int_equal(
        app_session_check(a, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &seen, &err),
        APP_SESSION_ABSENT);
}

static void
failures_per_rfc_are_limited_until_the_window_passes(void **state)
{
    struct app *a = new_app(3);
    struct app_session s;
    struct login l;
    char peer[32];

    (void)state;
    for (int i = 0; i < 3; i++) {
        snprintf(peer, sizeof(peer), "198.51.100.%d", i);
        build(a, &l, "person", PERSON, "other", peer);
        expect_refusal(a, &l, "login_signature_invalid");
    }
    build(a, &l, "person", PERSON, "person", "198.51.100.200");
    expect_refusal(a, &l, "login_rate_limited");

    build(a, &l, "other", OTHER, "other", "198.51.100.201");
    login_ok(a, &l, &s); /* another RFC from another address is not held back */

    fake_now += 901 * US;
    build(a, &l, "person", PERSON, "person", "198.51.100.200");
    login_ok(a, &l, &s);
    app_free(a);
}

static void
failures_per_address_are_limited(void **state)
{
    struct app *a = new_app(3);
    struct login l;

    (void)state;
    build(a, &l, "person", OTHER, "person", "203.0.113.9");
    expect_refusal(a, &l, "login_rfc_mismatch");
    build(a, &l, "csd", PERSON, "csd", "203.0.113.9");
    expect_refusal(a, &l, "login_certificate_csd");
    build(a, &l, "revoked", PERSON, "revoked", "203.0.113.9");
    expect_refusal(a, &l, "login_certificate_revoked");
    build(a, &l, "other", OTHER, "other", "203.0.113.9");
    expect_refusal(a, &l, "login_rate_limited");
    app_free(a);
}

static void
readiness_asks_the_store(void **state)
{
    struct error err = {0};

    assert_int_equal(app_ready(*state, &err), 0);
}

static void
the_limiter_forgets_the_oldest_key_when_full(void **state)
{
    struct app_limiter *l = app_limiter_new();
    char key[32];

    (void)state;
    app_limiter_fail(l, "primera", 1);
    for (int i = 0; i < APP_LIMITER_KEYS; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        app_limiter_fail(l, key, 2 + i);
    }
    assert_false(app_limiter_blocked(l, "primera", 1, 1000000, 100, NULL));
    assert_true(app_limiter_blocked(l, "k5", 1, 1000000, 100, NULL));
    app_limiter_reset(l, "k5");
    assert_false(app_limiter_blocked(l, "k5", 1, 1000000, 100, NULL));
    app_limiter_free(l);
}

static void
an_official_logs_in_as_staff_only_while_registered_and_active(void **state)
{
    struct app *a = *state;
    struct app_staff in = {.roles = APP_ROLE_AUDITOR | APP_ROLE_HANDLER}, added;
    struct app_session s, seen;
    struct store_staff st;
    struct store_tx *tx = NULL;
    struct error err = {0};
    struct login l;

    /* Not (yet) an official: refused with its own code, and the nonce survives. */
    build(a, &l, "other", OTHER, "other", NULL);
    l.rq.as_staff = true;
    expect_refusal(a, &l, "login_not_staff");

    snprintf(in.rfc, sizeof(in.rfc), "%s", OTHER);
    snprintf(in.name, sizeof(in.name), "Ana Gómez");
    snprintf(in.unit, sizeof(in.unit), "15");
    assert_int_equal(app_staff_add(a, NULL, &in, "req-1", &added, &err), 0);
    assert_true(added.id > 0 && added.active);
    assert_int_not_equal(app_staff_add(a, NULL, &in, "req-2", NULL, &err), 0);
    assert_string_equal(err.code, "staff_duplicate");

    build(a, &l, "other", OTHER, "other", NULL);
    l.rq.as_staff = true;
    login_ok(a, &l, &s);
    assert_int_equal(s.kind, APP_ACTOR_STAFF);
    assert_int_equal(s.roles, APP_ROLE_AUDITOR | APP_ROLE_HANDLER);
    assert_string_equal(s.unit, "15");
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(seen.kind, APP_ACTOR_STAFF);
    assert_int_equal(seen.subject_id, added.id);
    assert_int_equal(seen.roles, APP_ROLE_AUDITOR | APP_ROLE_HANDLER);
    assert_string_equal(seen.name, "Ana Gómez");

    /* The same e.firma without "as staff" is the person's own mailbox. */
    build(a, &l, "other", OTHER, "other", NULL);
    login_ok(a, &l, &seen);
    assert_int_equal(seen.kind, APP_ACTOR_PARTICULAR);

    /* Deactivated: the open session stops authenticating at once. */
    assert_int_equal(store->ops->begin(store, STORE_TX_WRITE, &tx, &err), STORE_OK);
    assert_int_equal(store->ops->staff_get(tx, added.id, &st, &err), STORE_OK);
    st.active = false;
    assert_int_equal(store->ops->staff_update(tx, &st, &err), STORE_OK);
    assert_int_equal(store->ops->commit(tx, &err), STORE_OK);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    build(a, &l, "other", OTHER, "other", NULL);
    l.rq.as_staff = true;
    expect_refusal(a, &l, "login_not_staff");
}

static void
challenges_per_address_are_limited(void **state)
{
    struct app_options o = {.store = store, .trust = trust, .now = test_now};
    struct app_challenge ch;
    struct error err = {0};
    struct app *a;

    (void)state;
    o.policy = (struct app_policy){.challenge_ttl_s = 120,
                                   .session_idle_s = 900,
                                   .session_max_s = 3600,
                                   .max_failures = 8,
                                   .failure_window_s = 900,
                                   .max_challenges = 3,
                                   .challenge_window_s = 60};
    a = app_new(&o);
    for (int i = 0; i < 3; i++)
        assert_int_equal(app_login_challenge(a, "198.51.100.7", &ch, &err), 0);
    assert_int_not_equal(app_login_challenge(a, "198.51.100.7", &ch, &err), 0);
    assert_string_equal(err.code, "challenge_rate_limited");
    assert_int_equal(app_login_challenge(a, "198.51.100.8", &ch, &err), 0);
    fake_now += 61 * US;
    assert_int_equal(app_login_challenge(a, "198.51.100.7", &ch, &err), 0);
    app_free(a);
}

static void
api_tokens_authenticate_systems_until_revoked_or_expired(void **state)
{
    struct app *a = *state;
    struct app_actor who = {.kind = APP_ACTOR_PARTICULAR, .rfc = PERSON}, sys;
    struct app_token t, t2, *list = NULL;
    struct error err = {0};
    uint32_t scopes = 0;
    size_t n = 0;

    /* Only an administrator (or the command line) issues tokens. */
    assert_int_equal(app_scopes_parse("notify,read", &scopes, &err), 0);
    assert_int_equal(scopes, APP_SCOPE_NOTIFY | APP_SCOPE_READ);
    assert_int_not_equal(app_scopes_parse("notify,notify", &scopes, &err), 0);
    assert_int_not_equal(app_scopes_parse("root", &scopes, &err), 0);
    assert_int_not_equal(app_token_issue(a, &who, "emisión", APP_SCOPE_NOTIFY, 1, NULL, &t, &err),
                         0);
    assert_string_equal(err.code, "forbidden");
    who = (struct app_actor){.kind = APP_ACTOR_STAFF, .id = 1, .roles = APP_ROLE_ADMINISTRATOR};
    assert_int_not_equal(app_token_issue(a, &who, "", APP_SCOPE_NOTIFY, 1, NULL, &t, &err), 0);
    assert_string_equal(err.code, "token_invalid");

    assert_int_equal(
        app_token_issue(a, &who, "emisión", APP_SCOPE_NOTIFY | APP_SCOPE_READ, 2, "req", &t, &err),
        0);
    assert_int_equal(strlen(t.token), APP_API_TOKEN_LEN);
    assert_memory_equal(t.token, "bzt_", 4);
    assert_int_equal(t.expires_at, fake_now + 2 * 86400 * US);
    assert_int_equal(app_token_check(a, t.token, &sys, &err), APP_TOKEN_OK);
    assert_int_equal(sys.kind, APP_ACTOR_SYSTEM);
    assert_int_equal(sys.id, t.id);
    assert_int_equal(sys.scopes, APP_SCOPE_NOTIFY | APP_SCOPE_READ);
    assert_string_equal(sys.name, "emisión");

    /* A changed character, a cut token: not a system. */
    {
        char changed[APP_API_TOKEN_LEN + 1];

        memcpy(changed, t.token, sizeof(changed));
        changed[10] = changed[10] == 'A' ? 'B' : 'A';
        assert_int_equal(app_token_check(a, changed, &sys, &err), APP_TOKEN_ABSENT);
        changed[10] = '+';
        assert_int_equal(app_token_check(a, changed, &sys, &err), APP_TOKEN_ABSENT);
    }
    assert_int_equal(app_token_check(a, "bzt_", &sys, &err), APP_TOKEN_ABSENT);

    assert_int_equal(
        app_token_issue(a, NULL, "documentos", APP_SCOPE_DOCUMENTS, 0, NULL, &t2, &err), 0);
    assert_int_equal(app_token_revoke(a, &who, t2.id, "req", &err), 0);
    assert_int_equal(app_token_check(a, t2.token, &sys, &err), APP_TOKEN_ABSENT);
    assert_int_not_equal(app_token_revoke(a, &who, t2.id, "req", &err), 0);
    assert_string_equal(err.code, "token_not_found");

    assert_int_equal(app_token_list(a, NULL, &list, &n, &err), 0);
    assert_true(n >= 2);
    assert_true(list[n - 1].revoked_at != 0);
    assert_string_equal(list[n - 1].token, "");
    free(list);

    /* Two days later the first has expired. */
    fake_now += 2 * 86400 * US - 1;
    assert_int_equal(app_token_check(a, t.token, &sys, &err), APP_TOKEN_OK);
    fake_now += 1;
    assert_int_equal(app_token_check(a, t.token, &sys, &err), APP_TOKEN_ABSENT);
}

/* ---------------------------------------------------------------------------------------- */
/* Sessions checked from memory (auth.session_cache_ms)                                     */

/* The store seen through a counter of transactions begun, which can also be made to fail:
 * what is answered while it fails, or without a transaction counted, came from memory. */
static struct store_ops counting_ops;
static struct store counting = {&counting_ops};
static int begins;
static bool store_down;

static int
counting_begin(struct store *s, enum store_tx_mode mode, struct store_tx **tx, struct error *err)
{
    (void)s;
    begins++;
    if (store_down) {
        error_set(err, "store_unreachable", "la base de datos no responde");
        return STORE_ERROR;
    }
    return store->ops->begin(store, mode, tx, err);
}

static struct app *
new_cached_app(int64_t idle_s, int64_t cache_ms)
{
    struct app_options o = {.store = &counting, .trust = trust, .now = test_now};

    counting_ops = *store->ops;
    counting_ops.begin = counting_begin;
    begins = 0;
    store_down = false;
    o.policy = (struct app_policy){.challenge_ttl_s = 120,
                                   .session_idle_s = idle_s,
                                   .session_max_s = 8 * 3600,
                                   .max_failures = APP_LIMITER_MAX_HITS,
                                   .failure_window_s = 900,
                                   .session_cache_ms = cache_ms};
    return app_new(&o);
}

/* The default of auth.session_cache_ms, for the tests above run again with it. */
static int
setup_cached(void **state)
{
    *state = new_cached_app(900, 1000);
    return 0;
}

/* The idle expiry of token's session as the store has it. */
static int64_t
stored_expiry(const char *token)
{
    uint8_t h[SHA256_LEN];
    struct store_session row;
    struct store_tx *tx = NULL;
    struct error err = {0};

    sha256(token, strlen(token), h);
    assert_int_equal(store->ops->begin(store, STORE_TX_READ, &tx, &err), STORE_OK);
    assert_int_equal(store->ops->session_get(tx, h, fake_now, &row, &err), STORE_OK);
    store->ops->rollback(tx);
    return row.expires_at;
}

static void
a_checked_session_answers_from_memory_for_its_lifetime(void **state)
{
    struct app *a = new_cached_app(900, 1000);
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    (void)state;
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);

    begins = 0;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(begins, 1);

    /* With the store down, the same answer, all of it, until the lifetime ends. */
    store_down = true;
    for (int i = 0; i < 3; i++) {
        struct app_session again;

        fake_now += 333 * 1000;
        assert_int_equal(app_session_check(a, s.token, &again, &err), APP_SESSION_OK);
        assert_memory_equal(&again, &seen, sizeof(seen));
    }
    assert_int_equal(begins, 1);
    assert_string_equal(seen.rfc, PERSON);
    assert_string_equal(seen.session_id, s.session_id);
    assert_int_equal(seen.kind, APP_ACTOR_PARTICULAR);
    assert_int_equal(seen.max_expires_at, s.max_expires_at);

    /* 1 ms later the entry is stale: the store is asked (and fails). */
    fake_now += 2 * 1000;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_FAILED);
    assert_string_equal(err.code, "store_unreachable");
    assert_int_equal(begins, 2);

    store_down = false;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(begins, 3);

    /* Another token is not answered by this one's entry. */
    s.token[0] = s.token[0] == 'A' ? 'B' : 'A';
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    assert_int_equal(begins, 4);
    app_free(a);
}

static void
without_the_cache_every_check_reads_the_store(void **state)
{
    struct app *a = new_cached_app(900, 0);
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    (void)state;
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    begins = 0;
    for (int i = 0; i < 3; i++)
        assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(begins, 3);
    app_free(a);
}

static void
logout_on_this_node_ends_a_cached_session_at_once(void **state)
{
    struct app *a = new_cached_app(900, 60000);
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    (void)state;
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(app_logout(a, s.token, "r1", &err), 0);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    assert_false(error_is_set(&err));
    app_free(a);
}

static void
logout_on_another_node_ends_the_session_here_within_the_lifetime(void **state)
{
    struct app *a = new_cached_app(900, 1000), *other = new_app(APP_LIMITER_MAX_HITS);
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    (void)state;
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(app_logout(other, s.token, "r1", &err), 0);

    /* As documented: this node still answers from memory until the entry's lifetime ends. */
    fake_now += 999 * 1000;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    fake_now += 1000;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    app_free(other);
    app_free(a);
}

static void
a_cached_session_still_ends_when_idle(void **state)
{
    /* An entry that would outlive the idle time: the session's own expiry still decides. */
    struct app *a = new_cached_app(60, 600000);
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    (void)state;
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    fake_now += 60 * US;
    store_down = true;
    assert_int_not_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    store_down = false;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    app_free(a);
}

static void
a_cached_session_still_writes_its_idle_extension(void **state)
{
    struct app *a = new_cached_app(900, 600000);
    struct app_session s, seen;
    struct error err = {0};
    struct login l;
    int64_t login_at = fake_now;

    (void)state;
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(stored_expiry(s.token), login_at + 900 * US);

    /* Within a tenth of the idle time nothing is due: memory answers. */
    begins = 0;
    fake_now += 90 * US;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(begins, 0);

    /* Past it the extension is written, as without the cache, and memory answers again. */
    fake_now += 1 * US;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_true(begins >= 2);
    assert_int_equal(stored_expiry(s.token), fake_now + 900 * US);
    assert_int_equal(seen.expires_at, fake_now + 900 * US);
    begins = 0;
    fake_now += 1 * US;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(begins, 0);
    assert_int_equal(seen.expires_at, fake_now - 1 * US + 900 * US);
    app_free(a);
}

static void
a_cached_session_ends_at_its_absolute_expiry(void **state)
{
    struct app *a = new_cached_app(900, 600000);
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    (void)state;
    build(a, &l, "person", PERSON, "person", NULL);
    login_ok(a, &l, &s);
    while (fake_now + 60 * US < s.max_expires_at) {
        fake_now += 60 * US;
        assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    }
    fake_now = s.max_expires_at;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    app_free(a);
}

static void
staff_sessions_are_read_from_the_store_at_every_request(void **state)
{
    struct app *a = new_cached_app(900, 60000);
    struct app_staff in = {.roles = APP_ROLE_HANDLER}, added, change;
    struct app_session s, seen;
    struct error err = {0};
    struct login l;

    (void)state;
    /* Registered here, or by an earlier test: either way active, handler, unit 09. */
    snprintf(in.rfc, sizeof(in.rfc), "%s", OTHER);
    snprintf(in.name, sizeof(in.name), "Ana Gómez");
    snprintf(in.unit, sizeof(in.unit), "09");
    if (app_staff_add(a, NULL, &in, "req-1", &added, &err) != 0)
        assert_string_equal(err.code, "staff_duplicate");
    assert_int_equal(app_staff_update(a, NULL, &in, 1, "req-1", &added, &err), 0);
    build(a, &l, "other", OTHER, "other", NULL);
    l.rq.as_staff = true;
    login_ok(a, &l, &s);

    begins = 0;
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(begins, 2);
    assert_int_equal(seen.roles, APP_ROLE_HANDLER);

    /* A change of roles and unit, then a deactivation: each applies at the next request. */
    change = added;
    change.roles = APP_ROLE_AUDITOR;
    snprintf(change.unit, sizeof(change.unit), "15");
    assert_int_equal(app_staff_update(a, NULL, &change, -1, "req-2", &added, &err), 0);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_OK);
    assert_int_equal(seen.roles, APP_ROLE_AUDITOR);
    assert_string_equal(seen.unit, "15");
    assert_int_equal(app_staff_update(a, NULL, &change, 0, "req-3", &added, &err), 0);
    assert_int_equal(app_session_check(a, s.token, &seen, &err), APP_SESSION_ABSENT);
    app_free(a);
}

static void
the_session_cache_is_bounded_and_a_drop_beats_a_read_in_flight(void **state)
{
    struct app_session_cache *c = app_session_cache_new(1000);
    struct store_session row = {0}, got;
    uint64_t epoch = 0, stale = 0;

    (void)state;
    assert_null(app_session_cache_new(0));
    assert_false(app_session_cache_get(NULL, row.token_hash, 1, &got, &epoch));

    /* A read that began before a drop is not kept; one after it is. */
    row.token_hash[0] = 7;
    row.subject_id = 42;
    assert_false(app_session_cache_get(c, row.token_hash, 10, &got, &stale));
    app_session_cache_drop(c, row.token_hash);
    app_session_cache_put(c, &row, 10, stale);
    assert_false(app_session_cache_get(c, row.token_hash, 10, &got, &epoch));
    app_session_cache_put(c, &row, 10, epoch);
    assert_true(app_session_cache_get(c, row.token_hash, 1009, &got, &epoch));
    assert_int_equal(got.subject_id, 42);
    assert_false(app_session_cache_get(c, row.token_hash, 1010, &got, &epoch));

    /* More sessions than a bucket holds: the one going stale first makes room, the rest stay. */
    for (int i = 0; i <= APP_SESSION_CACHE_WAYS; i++) {
        row.token_hash[31] = (uint8_t)i;
        row.subject_id = i;
        (void)app_session_cache_get(c, row.token_hash, 2000 + i, &got, &epoch);
        app_session_cache_put(c, &row, 2000 + i, epoch);
    }
    row.token_hash[31] = 0;
    assert_false(app_session_cache_get(c, row.token_hash, 2100, &got, &epoch));
    for (int i = 1; i <= APP_SESSION_CACHE_WAYS; i++) {
        row.token_hash[31] = (uint8_t)i;
        assert_true(app_session_cache_get(c, row.token_hash, 2100, &got, &epoch));
        assert_int_equal(got.subject_id, i);
    }
    app_session_cache_free(c);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_signed_nonce_opens_a_session_that_authenticates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(two_logins_get_different_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(a_replayed_nonce_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_nonce_not_issued_here_is_refused_as_replayed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_expired_nonce_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_nonce_used_just_before_its_end_is_accepted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_signature_by_another_key_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_signature_over_other_fields_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_csd_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_revoked_efirma_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(an_efirma_of_an_untrusted_authority_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(an_expired_efirma_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(an_rfc_other_than_the_certificates_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            a_company_logs_in_with_its_rfc_and_its_representative_is_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_requests_are_refused_with_their_codes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_refused_login_leaves_its_nonce_unused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_session_ends_when_idle, setup, teardown),
        cmocka_unit_test_setup_teardown(a_session_in_use_ends_at_its_absolute_expiry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(logout_ends_the_session_once, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_and_malformed_tokens_do_not_authenticate, setup,
                                        teardown),
        cmocka_unit_test(failures_per_rfc_are_limited_until_the_window_passes),
        cmocka_unit_test(failures_per_address_are_limited),
        cmocka_unit_test_setup_teardown(readiness_asks_the_store, setup, teardown),
        cmocka_unit_test(the_limiter_forgets_the_oldest_key_when_full),
        cmocka_unit_test_setup_teardown(
            an_official_logs_in_as_staff_only_while_registered_and_active, setup, teardown),
        cmocka_unit_test(challenges_per_address_are_limited),
        cmocka_unit_test_setup_teardown(api_tokens_authenticate_systems_until_revoked_or_expired,
                                        setup, teardown),
        cmocka_unit_test(a_checked_session_answers_from_memory_for_its_lifetime),
        cmocka_unit_test(without_the_cache_every_check_reads_the_store),
        cmocka_unit_test(logout_on_this_node_ends_a_cached_session_at_once),
        cmocka_unit_test(logout_on_another_node_ends_the_session_here_within_the_lifetime),
        cmocka_unit_test(a_cached_session_still_ends_when_idle),
        cmocka_unit_test(a_cached_session_still_writes_its_idle_extension),
        cmocka_unit_test(a_cached_session_ends_at_its_absolute_expiry),
        cmocka_unit_test(staff_sessions_are_read_from_the_store_at_every_request),
        cmocka_unit_test(the_session_cache_is_bounded_and_a_drop_beats_a_read_in_flight),
        /* The session tests above again, with the cache at its default. */
        cmocka_unit_test_setup_teardown(a_session_ends_when_idle, setup_cached, teardown),
        cmocka_unit_test_setup_teardown(a_session_in_use_ends_at_its_absolute_expiry, setup_cached,
                                        teardown),
        cmocka_unit_test_setup_teardown(logout_ends_the_session_once, setup_cached, teardown),
    };

    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}

/*
 * Tests of enabling a mailbox: the summary (app/mailbox.h), the terms and conditions signed
 * with e.firma (app/terms.h), the import of mailboxes enabled in 2020 and requests for
 * guidance (app/clarifications.h). Each test gets a fresh SQLite store and receipt ledger in a
 * temporary directory; a test authority made here (crypto/testpki.h) issues the e.firmas and
 * the seal; the clock is injected. Every refusal is provoked and must leave the store as it
 * was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/clarifications.h"
#include "app/mailbox.h"
#include "app/terms.h"
#include "core/civil.h"
#include "core/tz.h"
#include "crypto/sign.h"
#include "crypto/testpki.h"
#include "crypto/trust.h"
#include "evidence/ledger.h"
#include "store/store.h"

#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PERSON  "PELM800101AB1"
#define OTHER   "GOMA750505XY2"
#define COMPANY "EKU9003173C9"
#define US      1000000LL

static const char *const password = "Clave de prueba 1";
static char dir[64], ca[96], other_ca[96], seal_pw[128];
static struct crypto_trust *trust;
static int64_t fake_now; /* the injected clock, microseconds */
static int serial;

struct fx {
    char sub[160];
    struct store *store;
    struct evidence_ledger *ledger;
    struct app *app;
};

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

static int
setup_group(void **state)
{
    struct crypto_trust_options to = {0};
    struct error err = {0};
    char trust_dir[160], crl_dir[160];
    int64_t now_s = (int64_t)time(NULL);
    FILE *f;

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/buzon-app-enable-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(ca, sizeof(ca), "%s/ca", dir);
    snprintf(other_ca, sizeof(other_ca), "%s/other-ca", dir);
    if (crypto_testpki_create_ca(ca, &err) != 0 || crypto_testpki_create_ca(other_ca, &err) != 0)
        return -1;
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
    issue(other_ca, "stranger",
          (struct crypto_testpki_subject){
              .kind = CRYPTO_CERT_EFIRMA, .rfc = PERSON, .curp = "PELM800101MDFXPR09"});
    issue(ca, "seal",
          (struct crypto_testpki_subject){.kind = CRYPTO_CERT_CSD,
                                          .name = "INSTITUTO MEXICANO DEL SEGURO SOCIAL",
                                          .rfc = "IMS421231I45",
                                          .not_before = now_s - 86400});
    snprintf(seal_pw, sizeof(seal_pw), "%s/seal.pass", dir);
    f = fopen(seal_pw, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "%s\n", password);
    fclose(f);
    fake_now = ((int64_t)time(NULL) + 2) * US; /* after every certificate's not-before */

    snprintf(trust_dir, sizeof(trust_dir), "%s/trust", ca);
    snprintf(crl_dir, sizeof(crl_dir), "%s/crl", ca);
    to = (struct crypto_trust_options){
        .dir = trust_dir, .profile = CRYPTO_TRUST_TEST, .crl_dir = crl_dir};
    if (crypto_trust_new(&to, &trust, &err) != 0) {
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
    crypto_trust_free(trust);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct app *
new_app_in(struct fx *f, struct evidence_ledger *ledger, int32_t transitional_end,
           const struct tz_zone *centro)
{
    struct app_options o = {.store = f->store, .trust = trust, .now = test_now, .centro = centro};

    o.policy = (struct app_policy){.challenge_ttl_s = 120,
                                   .session_idle_s = 900,
                                   .session_max_s = 8 * 3600,
                                   .max_failures = 5,
                                   .failure_window_s = 900};
    o.ledger = ledger;
    o.transitional_end = transitional_end;
    return app_new(&o);
}

static struct app *
new_app(struct fx *f, struct evidence_ledger *ledger, int32_t transitional_end)
{
    return new_app_in(f, ledger, transitional_end, NULL);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct store_options so = {0};
    struct error err = {0};
    char url[200];

    snprintf(f->sub, sizeof(f->sub), "%s/t%d", dir, ++serial);
    if (mkdir(f->sub, 0700) != 0)
        return -1;
    snprintf(url, sizeof(url), "sqlite:%s/buzon.db", f->sub);
    so = (struct store_options){.url = url, .data_dir = f->sub, .migrate = true};
    if (store_open(&so, &f->store, NULL, &err) != 0 ||
        evidence_ledger_open(f->store, path("seal", ".cer"), path("seal", ".key"), seal_pw,
                             &f->ledger, &err) != 0) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        return -1;
    }
    f->app = new_app(f, f->ledger, 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    app_free(f->app);
    evidence_ledger_free(f->ledger);
    store_close(f->store);
    free(f);
    return 0;
}

#define OK(call)                                                                          \
    do {                                                                                  \
        struct error e_ = {0};                                                            \
        int rc_ = (call);                                                                 \
        if (rc_ != 0)                                                                     \
            fail_msg("%s = %d: %s: %s (%s)", #call, rc_, e_.code, e_.message, e_.detail); \
    } while (0)
#define ERR(e_) (&e_)

static struct app_actor
particular(const char *rfc)
{
    struct app_actor a = {.kind = APP_ACTOR_PARTICULAR};

    snprintf(a.rfc, sizeof(a.rfc), "%s", rfc);
    snprintf(a.ref, sizeof(a.ref), "sesion-de-prueba");
    return a;
}

static struct app_actor
staff(unsigned roles, const char *unit, int64_t id)
{
    struct app_actor a = {.kind = APP_ACTOR_STAFF, .roles = roles, .id = id};

    snprintf(a.rfc, sizeof(a.rfc), "SSSS010101SS1");
    snprintf(a.unit, sizeof(a.unit), "%s", unit);
    snprintf(a.ref, sizeof(a.ref), "sesion-de-funcionario");
    return a;
}

/* How many rows of the SQLite store match sql (a SELECT count(*)), through the sqlite3 tool. */
static long
count_rows(const struct fx *f, const char *sql)
{
    char cmd[512], line[64] = "";
    FILE *p;

    snprintf(cmd, sizeof(cmd), "sqlite3 '%s/buzon.db' \"%s\"", f->sub, sql);
    p = popen(cmd, "r");
    assert_non_null(p);
    if (fgets(line, sizeof(line), p) == NULL)
        line[0] = '\0';
    pclose(p);
    return strtol(line, NULL, 10);
}

struct set_ctx {
    struct app *a;
    const char *rfc;
    enum store_mailbox_state st;
    int64_t id;
};

static int
set_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct set_ctx *c = arg;
    struct store_particular p;
    int rc = app_particular_ensure(c->a, tx, c->rfc, NULL, fake_now, &p, err);

    c->id = p.id;
    if (rc != STORE_OK)
        return rc;
    return store_tx_store(tx)->ops->particular_set_mailbox(
        tx, p.id, c->st,
        c->st == STORE_MAILBOX_ENABLED || c->st == STORE_MAILBOX_ENABLED_2020 ? fake_now : 0,
        fake_now, err);
}

/* Put the mailbox of rfc in state st (created if absent); returns the particular's id. */
static int64_t
set_state(struct fx *f, const char *rfc, enum store_mailbox_state st)
{
    struct set_ctx c = {f->app, rfc, st, 0};
    struct error err = {0};

    if (store_run(f->store, STORE_TX_WRITE, set_tx, &c, &err) != STORE_OK)
        fail_msg("set_state: %s %s", err.code, err.message);
    return c.id;
}

static enum store_mailbox_state
state_of(struct fx *f, const char *rfc)
{
    struct app_mailbox_summary s;
    struct app_actor who = particular(rfc);

    OK(app_mailbox_summary(f->app, &who, rfc, "t", &s, ERR(e_)));
    return s.state;
}

/* ---------------------------------------------------------------------------------------- */
/* Terms and conditions                                                                      */

struct signing {
    char cert[8192];
    char *signature;
    char version[24];
    char sha[72];
    char instant[24];
    struct app_terms_request rq;
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

/* A signature of the current terms by signer for rfc with certificate cert, at now + skew_s. */
static struct app_terms_request *
build(struct fx *f, struct signing *s, const char *cert, const char *rfc, const char *signer,
      int64_t skew_s)
{
    const struct app_terms *t = app_terms_current(f->app);
    time_t when = (time_t)(fake_now / US + skew_s);
    char canonical[256];

    memset(s, 0, sizeof(*s));
    read_cert_b64(cert, s->cert, sizeof(s->cert));
    snprintf(s->version, sizeof(s->version), "%s", t->version);
    snprintf(s->sha, sizeof(s->sha), "%s", t->sha256);
    strftime(s->instant, sizeof(s->instant), "%Y-%m-%dT%H:%M:%SZ", gmtime(&when));
    snprintf(canonical, sizeof(canonical), APP_TERMS_CANONICAL, s->version, s->sha, rfc,
             s->instant);
    s->signature = sign_with(signer, canonical);
    s->rq = (struct app_terms_request){s->version, s->sha,       s->instant,
                                       s->cert,    s->signature, "test-request"};
    return &s->rq;
}

static void
expect_refusal(struct fx *f, const struct app_actor *who, struct signing *s, const char *code)
{
    struct app_receipt_ref r;
    struct error err = {0};
    enum store_mailbox_state before = state_of(f, who->rfc);

    assert_int_not_equal(app_terms_sign(f->app, who, &s->rq, &r, &err), 0);
    assert_string_equal(err.code, code);
    assert_true(strlen(err.message) > 10);
    assert_string_equal(r.folio, "");
    /* Nothing changed: the same state, no acceptance, no receipt. */
    assert_int_equal(state_of(f, who->rfc), before);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM terms_acceptances"), 0);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM receipts"), 0);
    free(s->signature);
    s->signature = NULL;
}

static void
the_terms_are_the_embedded_text_with_its_hash(void **state)
{
    struct fx *f = *state;
    const struct app_terms *t = app_terms_current(f->app);

    assert_string_equal(t->version, "2024-1");
    assert_int_equal(strlen(t->sha256), 64);
    assert_true(t->len > 1000);
    assert_non_null(strstr(t->text, "no es el texto oficial"));
    assert_non_null(strstr(t->text, "180 días naturales"));
}

static void
signing_enables_the_mailbox_and_issues_the_receipt(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct app_mailbox_summary sum;
    struct store_receipt row = {0};
    struct store_tx *tx = NULL;
    struct app_receipt_ref r;
    struct signing s;
    struct error err = {0};

    set_state(f, PERSON, STORE_MAILBOX_CONTACTS_CONFIRMED);
    build(f, &s, "person", PERSON, "person", -30);
    OK(app_terms_sign(f->app, &who, &s.rq, &r, ERR(e_)));
    assert_string_equal(r.kind, "firma_terminos");
    assert_int_equal(strlen(r.folio), FOLIO_MAX - 1);

    OK(app_mailbox_summary(f->app, &who, PERSON, "t", &sum, ERR(e_)));
    assert_int_equal(sum.state, STORE_MAILBOX_ENABLED);
    assert_int_equal(sum.enabled_at, fake_now);
    assert_int_equal(sum.terms_signed_at, fake_now);
    assert_string_equal(sum.terms_version, "2024-1");

    /* The stored receipt covers the text's SHA-256 and names the signer's certificate. */
    assert_int_equal(f->store->ops->begin(f->store, STORE_TX_READ, &tx, &err), STORE_OK);
    assert_int_equal(f->store->ops->receipt_get(tx, r.folio, &row, &err), STORE_OK);
    f->store->ops->rollback(tx);
    assert_int_equal(row.kind, STORE_RECEIPT_TERMS);
    assert_non_null(strstr(row.cadena, app_terms_current(f->app)->sha256));
    assert_non_null(strstr(row.cadena, "|terminos_version|2024-1|"));
    store_receipt_cleanup(&row);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM receipt_pending"), 0);
    free(s.signature);

    /* Once is enough. */
    build(f, &s, "person", PERSON, "person", 0);
    assert_int_not_equal(app_terms_sign(f->app, &who, &s.rq, &r, &err), 0);
    assert_string_equal(err.code, "terms_already_signed");
    free(s.signature);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM terms_acceptances"), 1);
}

/* Sealing fails after the signature committed: the signature stands, its receipt stays pending
 * and is sealed once by the next evidence_complete_pending. */
static void
a_receipt_that_fails_to_seal_stays_pending_and_is_sealed_later(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct app_receipt_ref r;
    struct signing s;
    struct error err = {0};
    size_t done = 0;

    set_state(f, PERSON, STORE_MAILBOX_CONTACTS_CONFIRMED);
    build(f, &s, "person", PERSON, "person", 0);
    evidence__ledger_fail_after(f->ledger, 0);
    assert_int_not_equal(app_terms_sign(f->app, &who, &s.rq, &r, &err), 0);
    free(s.signature);
    assert_string_equal(r.folio, "");
    assert_int_equal(state_of(f, PERSON), STORE_MAILBOX_ENABLED);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM receipt_pending"), 1);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM receipts"), 0);

    evidence__ledger_fail_after(f->ledger, -1);
    OK(evidence_complete_pending(f->ledger, fake_now + US, &done, ERR(e_)));
    assert_int_equal(done, 1);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM receipt_pending"), 0);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM receipts WHERE kind = 3"), 1);
    OK(evidence_complete_pending(f->ledger, fake_now + 2 * US, &done, ERR(e_)));
    assert_int_equal(done, 0);
}

static void
terms_wait_for_confirmed_contacts_and_2020_mailboxes_need_none(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct signing s;

    build(f, &s, "person", PERSON, "person", 0);
    expect_refusal(f, &who, &s, "terms_contacts_pending"); /* no record at all */
    set_state(f, PERSON, STORE_MAILBOX_CONTACTS_REGISTERED);
    build(f, &s, "person", PERSON, "person", 0);
    expect_refusal(f, &who, &s, "terms_contacts_pending");
    set_state(f, PERSON, STORE_MAILBOX_ENABLED_2020);
    build(f, &s, "person", PERSON, "person", 0);
    expect_refusal(f, &who, &s, "terms_already_signed");
}

static void
a_stale_version_or_hash_or_a_bad_instant_is_refused(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct signing s;

    set_state(f, PERSON, STORE_MAILBOX_CONTACTS_CONFIRMED);
    build(f, &s, "person", PERSON, "person", 0);
    s.rq.version = "2023-9";
    expect_refusal(f, &who, &s, "terms_version_stale");
    build(f, &s, "person", PERSON, "person", 0);
    s.sha[0] = s.sha[0] == '0' ? '1' : '0';
    expect_refusal(f, &who, &s, "terms_version_stale");
    build(f, &s, "person", PERSON, "person", 0);
    s.rq.instant = "2026-13-01T00:00:00Z";
    expect_refusal(f, &who, &s, "terms_instant_invalid");
    build(f, &s, "person", PERSON, "person", -3600);
    expect_refusal(f, &who, &s, "terms_instant_invalid");
    build(f, &s, "person", PERSON, "person", 0);
    s.rq.signature = NULL;
    expect_refusal(f, &who, &s, "terms_request_invalid");
}

static void
each_certificate_refusal_has_its_own_code(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct signing s;

    set_state(f, PERSON, STORE_MAILBOX_CONTACTS_CONFIRMED);
    build(f, &s, "csd", PERSON, "csd", 0);
    expect_refusal(f, &who, &s, "terms_certificate_csd");
    build(f, &s, "expired", PERSON, "expired", 0);
    expect_refusal(f, &who, &s, "terms_certificate_expired");
    build(f, &s, "stranger", PERSON, "stranger", 0);
    expect_refusal(f, &who, &s, "terms_certificate_untrusted");
    build(f, &s, "revoked", PERSON, "revoked", 0);
    expect_refusal(f, &who, &s, "terms_certificate_revoked");
    build(f, &s, "other", PERSON, "other", 0);
    expect_refusal(f, &who, &s, "terms_certificate_rfc_mismatch");
    build(f, &s, "person", PERSON, "other", 0); /* signed with another key */
    expect_refusal(f, &who, &s, "terms_signature_invalid");
    build(f, &s, "person", OTHER, "person", 0); /* a cadena for another RFC */
    expect_refusal(f, &who, &s, "terms_signature_invalid");
    build(f, &s, "person", PERSON, "person", 0);
    s.cert[10] = '*';
    expect_refusal(f, &who, &s, "terms_certificate_invalid");
}

static void
only_a_particular_signs_and_only_with_receipts(void **state)
{
    struct fx *f = *state;
    struct app_actor official = staff(APP_ROLE_ADMINISTRATOR | APP_ROLE_HANDLER, "00", 1);
    struct app_actor who = particular(PERSON);
    struct app *no_ledger = new_app(f, NULL, 0);
    struct app_receipt_ref r;
    struct signing s;
    struct error err = {0};

    set_state(f, PERSON, STORE_MAILBOX_CONTACTS_CONFIRMED);
    build(f, &s, "person", PERSON, "person", 0);
    snprintf(official.rfc, sizeof(official.rfc), "%s", PERSON);
    assert_int_not_equal(app_terms_sign(f->app, &official, &s.rq, &r, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_not_equal(app_terms_sign(no_ledger, &who, &s.rq, &r, &err), 0);
    assert_string_equal(err.code, "receipts_unavailable");
    assert_int_equal(state_of(f, PERSON), STORE_MAILBOX_CONTACTS_CONFIRMED);
    free(s.signature);
    app_free(no_ledger);
}

/* ---------------------------------------------------------------------------------------- */
/* Summary                                                                                   */

struct contact_ctx {
    int64_t pid;
};

static int
contacts_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct contact_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    static const struct {
        enum store_contact_kind kind;
        const char *address;
        enum store_contact_state state;
        int64_t deadline_h;
    } rows[] = {
        {STORE_CONTACT_EMAIL, "uno@ejemplo.mx", STORE_CONTACT_PENDING, 70},
        {STORE_CONTACT_EMAIL, "dos@ejemplo.mx", STORE_CONTACT_PENDING, 50},
        {STORE_CONTACT_EMAIL, "viejo@ejemplo.mx", STORE_CONTACT_CANCELLED, 10},
        {STORE_CONTACT_MOBILE, "+525512345678", STORE_CONTACT_CONFIRMED, 72},
    };

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct store_contact k = {.particular_id = c->pid, .kind = rows[i].kind};
        int rc;

        snprintf(k.address, sizeof(k.address), "%s", rows[i].address);
        k.state = rows[i].state;
        k.registered_at = fake_now;
        k.deadline = fake_now + rows[i].deadline_h * 3600 * US;
        k.confirmed_at = k.state == STORE_CONTACT_CONFIRMED ? fake_now : 0;
        rc = ops->contact_insert(tx, &k, err);
        if (rc != STORE_OK)
            return rc;
    }
    return STORE_OK;
}

static void
the_summary_counts_contacts_and_the_deadline(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct contact_ctx c = {set_state(f, PERSON, STORE_MAILBOX_CONTACTS_REGISTERED)};
    struct app_mailbox_summary s;
    struct error err = {0};
    char date[CIVIL_DATE_LEN];

    assert_int_equal(store_run(f->store, STORE_TX_WRITE, contacts_tx, &c, &err), STORE_OK);
    OK(app_mailbox_summary(f->app, &who, PERSON, "t", &s, ERR(e_)));
    assert_string_equal(s.rfc, PERSON);
    assert_int_equal(s.state, STORE_MAILBOX_CONTACTS_REGISTERED);
    assert_int_equal(s.emails, 2);
    assert_true(s.mobile);
    assert_int_equal(s.pending, 2);
    assert_int_equal(s.confirmed, 1);
    assert_int_equal(s.validation_deadline, fake_now + 50 * 3600 * US);
    assert_int_equal(s.enabled_at, 0);
    assert_int_equal(s.terms_signed_at, 0);

    /* R30: the 180 days ended on 1 February 2025; by now none are left. */
    civil_format_date(s.enable_deadline, date);
    assert_string_equal(date, "2025-02-01");
    assert_false(s.in_transitional);
    assert_int_equal(s.days_left, 0);
}

static void
the_deadline_follows_the_configured_end_and_counts_natural_days(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(OTHER);
    int32_t today = app__date_centro(f->app, fake_now);
    struct app *a = new_app(f, f->ledger, today + 10);
    struct app_mailbox_summary s;

    /* An RFC without a record reads as not enabled, and nothing is written. */
    OK(app_mailbox_summary(a, &who, OTHER, "t", &s, ERR(e_)));
    assert_int_equal(s.state, STORE_MAILBOX_NOT_ENABLED);
    assert_int_equal(s.enable_deadline, today + 10);
    assert_true(s.in_transitional);
    assert_int_equal(s.days_left, 10);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM particulars"), 0);

    /* The record created later keeps that deadline. */
    app_free(a);
    a = new_app(f, f->ledger, today);
    {
        struct app *keep = f->app;

        f->app = a;
        set_state(f, OTHER, STORE_MAILBOX_NOT_ENABLED);
        f->app = keep;
    }
    OK(app_mailbox_summary(a, &who, OTHER, "t", &s, ERR(e_)));
    assert_int_equal(s.enable_deadline, today);
    assert_true(s.in_transitional);
    assert_int_equal(s.days_left, 0);
    app_free(a);
}

static void
staff_and_system_reads_are_audited_and_others_refused(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(OTHER);
    struct app_actor issuer = staff(APP_ROLE_ISSUER, "05", 7);
    struct app_actor auditor = staff(APP_ROLE_AUDITOR, "00", 8);
    struct app_actor sys = {.kind = APP_ACTOR_SYSTEM, .scopes = APP_SCOPE_READ, .id = 3};
    struct app_actor docs = {.kind = APP_ACTOR_SYSTEM, .scopes = APP_SCOPE_DOCUMENTS, .id = 4};
    struct app_mailbox_summary s;
    struct error err = {0};

    set_state(f, PERSON, STORE_MAILBOX_ENABLED);
    assert_int_not_equal(app_mailbox_summary(f->app, &who, PERSON, "t", &s, &err), 0);
    assert_string_equal(err.code, "not_own_mailbox");
    assert_int_not_equal(app_mailbox_summary(f->app, &auditor, PERSON, "t", &s, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_not_equal(app_mailbox_summary(f->app, &docs, PERSON, "t", &s, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events"), 0);

    /* A particular's own read is not an access by others: not recorded. */
    who = particular(PERSON);
    OK(app_mailbox_summary(f->app, &who, PERSON, "t", &s, ERR(e_)));
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events"), 0);

    /* Staff type the RFC: checked and normalised first. */
    assert_int_not_equal(app_mailbox_summary(f->app, &issuer, "PELM-800101", "t", &s, &err), 0);
    assert_string_equal(err.code, "mailbox_rfc_invalid");
    assert_int_not_equal(app_mailbox_summary(f->app, &issuer, NULL, "t", &s, &err), 0);
    assert_string_equal(err.code, "mailbox_rfc_invalid");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events"), 0);
    OK(app_mailbox_summary(f->app, &issuer, " pelm800101ab1 ", "t", &s, ERR(e_)));
    assert_string_equal(s.rfc, PERSON);
    assert_int_equal(s.state, STORE_MAILBOX_ENABLED);
    OK(app_mailbox_summary(f->app, &sys, PERSON, "t", &s, ERR(e_)));
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events WHERE action = "
                                   "'mailbox.read' AND actor_kind = 2 AND actor_id = 7"),
                     1);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events WHERE action = "
                                   "'mailbox.read' AND actor_kind = 3 AND actor_id = 3"),
                     1);
}

/* ---------------------------------------------------------------------------------------- */
/* Import of 2020 mailboxes                                                                  */

static FILE *
text_file(const char *text)
{
    FILE *f = tmpfile();

    assert_non_null(f);
    fputs(text, f);
    rewind(f);
    return f;
}

static int
parse_text(struct fx *f, const char *text, struct app_import_row **rows, size_t *n,
           struct error *err)
{
    FILE *in = text_file(text);
    int rc = app_import_2020_parse(f->app, in, rows, n, NULL, err);

    fclose(in);
    return rc;
}

static void
import_sets_enabled_2020_with_the_original_date_and_runs_again_harmlessly(void **state)
{
    struct fx *f = *state;
    struct app_actor admin = staff(APP_ROLE_ADMINISTRATOR, "00", 0);
    struct app_actor who = particular(COMPANY);
    struct app_import_row *rows = NULL;
    struct app_import_result res;
    struct app_mailbox_summary s;
    size_t n = 0;

    set_state(f, OTHER, STORE_MAILBOX_ENABLED);
    OK(parse_text(f,
                  "\xEF\xBB\xBFrfc,enabled_date,name\n"
                  "eku9003173c9 , 2021-03-04 , Empresa de Prueba\r\n"
                  "\n" PERSON ",2024-08-06\n" OTHER ",2022-01-01\n",
                  &rows, &n, ERR(e_)));
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].rfc, COMPANY);
    assert_string_equal(rows[0].name, "Empresa de Prueba");
    assert_int_equal(rows[1].line, 4);

    OK(app_import_2020_apply(f->app, &admin, rows, n, NULL, &res, ERR(e_)));
    assert_int_equal(res.rows, 3);
    assert_int_equal(res.imported, 2);
    assert_int_equal(res.enabled, 1); /* enabled under the current rules: kept */
    OK(app_mailbox_summary(f->app, &who, COMPANY, "t", &s, ERR(e_)));
    assert_int_equal(s.state, STORE_MAILBOX_ENABLED_2020);
    /* 4 March 2021, 00:00 Centro (UTC-6). */
    assert_int_equal(s.enabled_at, (civil_from_ymd(2021, 3, 4) * 86400LL + 6 * 3600) * US);
    assert_int_equal(state_of(f, OTHER), STORE_MAILBOX_ENABLED);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM particulars WHERE name = "
                                   "'Empresa de Prueba'"),
                     1);

    OK(app_import_2020_apply(f->app, &admin, rows, n, NULL, &res, ERR(e_)));
    assert_int_equal(res.imported, 0);
    assert_int_equal(res.unchanged, 2);
    assert_int_equal(res.enabled, 1);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM particulars"), 3);
    free(rows);
}

/* With the tz database, Centro's midnight follows its DST of those years (5.7). */
static void
import_dates_begin_at_midnight_in_centro_time_with_its_dst(void **state)
{
    struct fx *f = *state;
    struct app_actor admin = staff(APP_ROLE_ADMINISTRATOR, "00", 0);
    struct app_actor who = particular(PERSON);
    struct error err = {0};
    struct tz_db *db = tz_db_open(NULL, "", &err);
    const struct tz_zone *centro = db != NULL ? tz_db_zone(db, "America/Mexico_City", &err) : NULL;
    struct app *a;
    struct app_import_row row = {.rfc = PERSON, .line = 1};
    struct app_import_result res;
    struct app_mailbox_summary s;

    if (centro == NULL)
        fail_msg("tz: %s %s", err.code, err.message);
    a = new_app_in(f, f->ledger, 0, centro);
    row.enabled_date = civil_from_ymd(2021, 7, 1); /* CDT, UTC-05:00 */
    OK(app_import_2020_apply(a, &admin, &row, 1, NULL, &res, ERR(e_)));
    OK(app_mailbox_summary(a, &who, PERSON, "t", &s, ERR(e_)));
    assert_int_equal(s.enabled_at, (civil_from_ymd(2021, 7, 1) * 86400LL + 5 * 3600) * US);
    /* 2 December 2026, 23:30 Centro is still the 2nd there, the 3rd in UTC. */
    assert_int_equal(
        app__date_centro(a, (civil_from_ymd(2026, 12, 3) * 86400LL + 5 * 3600 + 1800) * US),
        civil_from_ymd(2026, 12, 2));
    app_free(a);
    tz_db_free(db);
}

static void
a_bad_row_names_its_line_and_nothing_is_imported(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *text;
        const char *line;
    } bad[] = {
        {PERSON ",2021-01-01\nABC-123,2021-01-01\n", "línea 2"},
        {PERSON ",2021-02-30\n", "línea 1"},
        {PERSON ",2019-12-31\n", "línea 1"},                   /* before the 2020 rules */
        {PERSON ",2024-08-07\n", "línea 1"},                   /* after the entry into force */
        {"rfc,fecha\n" PERSON ",2021-01-01,a,b\n", "línea 2"}, /* too many fields */
        {PERSON "\n", "línea 1"},
        {"XAXX010101000,2021-01-01\n", "línea 1"}, /* generic RFC */
        {PERSON ",2021-01-01\n" OTHER ",2021-01-01\n" PERSON ",2021-01-02\n", "línea 3"},
    };
    struct app_import_row *rows = NULL;
    struct error err = {0};
    size_t n = 0;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_not_equal(parse_text(f, bad[i].text, &rows, &n, &err), 0);
        assert_string_equal(err.code, "import_row_invalid");
        if (strstr(err.message, bad[i].line) == NULL)
            fail_msg("case %zu: %s", i, err.message);
        assert_non_null(strstr(err.message, "no se importó nada"));
        assert_null(rows);
        assert_int_equal(n, 0);
    }
    assert_int_equal(count_rows(f, "SELECT count(*) FROM particulars"), 0);
}

static void
only_an_administrator_imports(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct app_actor handler = staff(APP_ROLE_HANDLER, "00", 2);
    struct app_import_row row = {.rfc = PERSON, .enabled_date = 0, .line = 1};
    struct app_import_result res;
    struct error err = {0};

    row.enabled_date = civil_from_ymd(2021, 1, 1);
    assert_int_not_equal(app_import_2020_apply(f->app, &who, &row, 1, NULL, &res, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_not_equal(app_import_2020_apply(f->app, &handler, &row, 1, NULL, &res, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM particulars"), 0);
}

/* ---------------------------------------------------------------------------------------- */
/* Requests for guidance (5.9)                                                               */

static int64_t
add_staff(struct fx *f, const char *rfc, const char *unit)
{
    struct store_staff st = {.roles = STORE_ROLE_HANDLER, .active = true};
    struct store_tx *tx = NULL;
    struct error err = {0};

    snprintf(st.rfc, sizeof(st.rfc), "%s", rfc);
    snprintf(st.name, sizeof(st.name), "Funcionario de orientación");
    snprintf(st.unit, sizeof(st.unit), "%s", unit);
    st.created_at = fake_now;
    assert_int_equal(f->store->ops->begin(f->store, STORE_TX_WRITE, &tx, &err), STORE_OK);
    assert_int_equal(f->store->ops->staff_insert(tx, &st, &err), STORE_OK);
    assert_int_equal(f->store->ops->commit(tx, &err), STORE_OK);
    return st.id;
}

static void
a_particular_files_with_its_session_and_gets_a_receipt(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct store_clarification c;
    struct app_receipt_ref r;
    struct store_receipt row = {0};
    struct store_tx *tx = NULL;
    struct error err = {0};

    OK(app_clarification_file(f->app, &who, "contacts",
                              "El código de validación nunca llegó a mi teléfono.", "t", &c, &r,
                              ERR(e_)));
    assert_true(c.id > 0);
    assert_string_equal(c.unit, "00");
    assert_string_equal(c.rfc, PERSON);
    assert_int_equal(c.filed_at, fake_now);
    assert_string_equal(r.kind, "solicitud_aclaracion");
    assert_int_equal(f->store->ops->begin(f->store, STORE_TX_READ, &tx, &err), STORE_OK);
    assert_int_equal(f->store->ops->receipt_get(tx, r.folio, &row, &err), STORE_OK);
    f->store->ops->rollback(tx);
    assert_non_null(strstr(row.cadena, "|solicitud_aclaracion|" PERSON "|"));
    assert_non_null(strstr(row.cadena, "|tema|contacts|"));
    store_receipt_cleanup(&row);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM receipt_pending"), 0);
    store_clarification_cleanup(&c);
    /* The record was created on first use, not enabled. */
    assert_int_equal(state_of(f, PERSON), STORE_MAILBOX_NOT_ENABLED);
}

static void
a_bad_request_for_guidance_is_refused_and_stores_nothing(void **state)
{
    struct fx *f = *state;
    struct app_actor who = particular(PERSON);
    struct app_actor official = staff(APP_ROLE_HANDLER, "00", 1);
    struct app *no_ledger = new_app(f, NULL, 0);
    struct store_clarification c;
    struct app_receipt_ref r;
    struct error err = {0};
    char *huge = malloc(STORE_CLARIFICATION_TEXT_MAX + 2);
    static const struct {
        const char *topic, *text;
    } bad[] = {
        {"otro", "Texto"},         {NULL, "Texto"},     {"rfc", ""},   {"rfc", "   \n\t "},
        {"rfc", "con\001control"}, {"rfc", "\xC3\x28"}, {"rfc", NULL},
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_not_equal(
            app_clarification_file(f->app, &who, bad[i].topic, bad[i].text, "t", &c, &r, &err), 0);
        if (strcmp(err.code, "clarification_invalid") != 0)
            fail_msg("case %zu: %s", i, err.code);
    }
    memset(huge, 'a', STORE_CLARIFICATION_TEXT_MAX + 1);
    huge[STORE_CLARIFICATION_TEXT_MAX + 1] = '\0';
    assert_int_not_equal(app_clarification_file(f->app, &who, "rfc", huge, "t", &c, &r, &err), 0);
    assert_string_equal(err.code, "clarification_invalid");
    free(huge);
    assert_int_not_equal(
        app_clarification_file(f->app, &official, "rfc", "Texto", "t", &c, &r, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_not_equal(app_clarification_file(no_ledger, &who, "rfc", "Texto", "t", &c, &r, &err),
                         0);
    assert_string_equal(err.code, "receipts_unavailable");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM clarifications"), 0);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM particulars"), 0);
    app_free(no_ledger);
}

static void
handlers_of_the_unit_list_and_answer_once_and_are_audited(void **state)
{
    struct fx *f = *state;
    struct app_actor person = particular(PERSON), other = particular(OTHER);
    int64_t sid = add_staff(f, "SSSS010101SS1", "00");
    struct app_actor handler = staff(APP_ROLE_HANDLER, "00", sid);
    struct app_actor far = staff(APP_ROLE_HANDLER, "05", add_staff(f, "SSSS010101SS2", "05"));
    struct app_actor issuer = staff(APP_ROLE_ISSUER, "00", sid);
    struct store_clarification c, *items = NULL;
    struct app_receipt_ref r;
    struct error err = {0};
    int64_t first;
    size_t n = 0;

    OK(app_clarification_file(f->app, &person, "rfc", "Mi RFC aparece con otro nombre.", "t", &c,
                              &r, ERR(e_)));
    first = c.id;
    store_clarification_cleanup(&c);
    OK(app_clarification_file(f->app, &other, "regpat", "Falta un registro patronal.", "t", &c, &r,
                              ERR(e_)));
    store_clarification_cleanup(&c);

    /* A particular sees its own only, and that read is not recorded. */
    OK(app_clarification_list(f->app, &person, 0, 10, "t", &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, first);
    store_clarification_list_free(items, n);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events"), 0);

    /* The central unit's handler sees both, each read recorded; another unit's sees none. */
    OK(app_clarification_list(f->app, &handler, 0, 10, "t", &items, &n, ERR(e_)));
    assert_int_equal(n, 2);
    store_clarification_list_free(items, n);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events WHERE action = "
                                   "'clarification.read'"),
                     2);
    OK(app_clarification_list(f->app, &far, 0, 10, "t", &items, &n, ERR(e_)));
    assert_int_equal(n, 0);
    assert_int_not_equal(app_clarification_list(f->app, &issuer, 0, 10, "t", &items, &n, &err), 0);
    assert_string_equal(err.code, "forbidden");

    /* Answers: not by a particular, not by another unit, once, not empty. */
    assert_int_not_equal(app_clarification_answer(f->app, &person, first, "Sí", "t", &c, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_not_equal(app_clarification_answer(f->app, &far, first, "Sí", "t", &c, &err), 0);
    assert_string_equal(err.code, "clarification_not_found");
    assert_int_not_equal(app_clarification_answer(f->app, &handler, first, " ", "t", &c, &err), 0);
    assert_string_equal(err.code, "clarification_invalid");
    assert_int_not_equal(
        app_clarification_answer(f->app, &handler, first + 100, "Sí", "t", &c, &err), 0);
    assert_string_equal(err.code, "clarification_not_found");
    assert_int_equal(count_rows(f, "SELECT count(*) FROM clarifications WHERE answer IS NOT NULL"),
                     0);

    OK(app_clarification_answer(f->app, &handler, first,
                                "El RFC se corrige en el SAT; después vuelva a intentarlo.", "t",
                                &c, ERR(e_)));
    assert_int_equal(c.answered_at, fake_now);
    assert_int_equal(c.answered_by, sid);
    assert_non_null(strstr(c.answer, "SAT"));
    store_clarification_cleanup(&c);
    assert_int_not_equal(app_clarification_answer(f->app, &handler, first, "Otra", "t", &c, &err),
                         0);
    assert_string_equal(err.code, "clarification_already_answered");

    /* The particular reads the answer. */
    OK(app_clarification_list(f->app, &person, 0, 10, "t", &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_non_null(items[0].answer);
    store_clarification_list_free(items, n);
    assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_events WHERE action = "
                                   "'clarification.answer'"),
                     1);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(the_terms_are_the_embedded_text_with_its_hash),
        T(signing_enables_the_mailbox_and_issues_the_receipt),
        T(a_receipt_that_fails_to_seal_stays_pending_and_is_sealed_later),
        T(terms_wait_for_confirmed_contacts_and_2020_mailboxes_need_none),
        T(a_stale_version_or_hash_or_a_bad_instant_is_refused),
        T(each_certificate_refusal_has_its_own_code),
        T(only_a_particular_signs_and_only_with_receipts),
        T(the_summary_counts_contacts_and_the_deadline),
        T(the_deadline_follows_the_configured_end_and_counts_natural_days),
        T(staff_and_system_reads_are_audited_and_others_refused),
        T(import_sets_enabled_2020_with_the_original_date_and_runs_again_harmlessly),
        T(import_dates_begin_at_midnight_in_centro_time_with_its_dst),
        T(a_bad_row_names_its_line_and_nothing_is_imported),
        T(only_an_administrator_imports),
        T(a_particular_files_with_its_session_and_gets_a_receipt),
        T(a_bad_request_for_guidance_is_refused_and_stores_nothing),
        T(handlers_of_the_unit_list_and_answer_once_and_are_audited),
    };
#undef T
    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}

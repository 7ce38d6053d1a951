/*
 * Tests of app/audit.h and app/receipts.h against a SQLite store in a temporary directory and
 * a seal issued by a test authority (crypto/testpki.h): who may read a receipt, that reads by
 * officials and systems are recorded in the same transaction and shown to the particular,
 * that the particular is shown neither refs nor its own reads, and that an auditor's reading
 * of the log is itself recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/audit.h"
#include "app/receipts.h"
#include "crypto/testpki.h"
#include "evidence/ledger.h"
#include "evidence/receipt.h"
#include "store/store.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PERSON "PELM800101AB1"
#define OTHER  "GOMA750505XY2"

/* fontconfig keeps its configuration for the life of the process (allocated once when pango
 * first loads fonts for a PDF): not a leak of ours (as tests/cli/lsan.supp says). */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static char dir[64], seal_cert[128], seal_key[128], seal_pass[128], folio[64];
static struct store *store;
static struct evidence_ledger *ledger;
static int64_t now_us;

static int64_t
test_now(void *arg)
{
    (void)arg;
    return now_us;
}

static struct app *
new_app(struct evidence_ledger *l)
{
    struct app_options o = {.store = store, .ledger = l, .now = test_now};

    o.verification_base = "https://buzon.imss.gob.mx/verificar";
    return app_new(&o);
}

static int
setup_group(void **state)
{
    struct crypto_testpki_subject subj = {.kind = CRYPTO_CERT_CSD,
                                          .name = "INSTITUTO MEXICANO DEL SEGURO SOCIAL",
                                          .rfc = "IMS421231I45",
                                          .password = "sello de pruebas"};
    struct store_options opts = {.url = "sqlite:buzon.db", .migrate = true};
    struct evidence_receipt r = {0};
    struct evidence_sealed sealed = {0};
    struct error err = {0};
    struct timespec ts;
    char number[48];
    FILE *f;

    (void)state;
    clock_gettime(CLOCK_REALTIME, &ts);
    now_us = (int64_t)ts.tv_sec * 1000000;
    snprintf(dir, sizeof(dir), "/tmp/buzon-app-audit-%d", (int)getpid());
    snprintf(seal_cert, sizeof(seal_cert), "%s/pki/sello.cer", dir);
    snprintf(seal_key, sizeof(seal_key), "%s/pki/sello.key", dir);
    snprintf(seal_pass, sizeof(seal_pass), "%s/pki/sello.pass", dir);
    if (mkdir(dir, 0700) != 0)
        return -1;
    subj.not_before = ts.tv_sec - 86400;
    subj.not_after = ts.tv_sec + 4 * 365 * 86400LL;
    {
        char pki[96], prefix[112];

        snprintf(pki, sizeof(pki), "%s/pki", dir);
        snprintf(prefix, sizeof(prefix), "%s/sello", pki);
        if (crypto_testpki_create_ca(pki, &err) != 0 ||
            crypto_testpki_issue(pki, &subj, prefix, number, &err) != 0)
            goto fail;
    }
    f = fopen(seal_pass, "w");
    if (f == NULL)
        return -1;
    fputs("sello de pruebas\n", f);
    fclose(f);

    opts.data_dir = dir;
    if (store_open(&opts, &store, NULL, &err) != STORE_OK ||
        evidence_ledger_open(store, seal_cert, seal_key, seal_pass, &ledger, &err) != 0)
        goto fail;

    /* One receipt of PERSON's. */
    evidence_receipt_init(&r, EVIDENCE_CONTACT_VALIDATION, PERSON, "America/Mexico_City");
    evidence_receipt_add_reference(&r, "medio", "correo electrónico");
    evidence_receipt_add_instant(&r, "validacion", now_us);
    if (evidence_issue(ledger, &r, 1, now_us, now_us, &sealed, &err) != 0)
        goto fail;
    snprintf(folio, sizeof(folio), "%s", r.folio);
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
    return 0;

fail:
    fprintf(stderr, "setup: %s: %s (%s)\n", err.code, err.message, err.detail);
    return -1;
}

static int
teardown_group(void **state)
{
    char cmd[128];

    (void)state;
    evidence_ledger_free(ledger);
    store_close(store);
    /* Release the font caches the PDFs filled, so the leak checker sees only ours. */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct app_actor
particular(const char *rfc)
{
    struct app_actor a = {.kind = APP_ACTOR_PARTICULAR, .id = 1};

    snprintf(a.rfc, sizeof(a.rfc), "%s", rfc);
    snprintf(a.ref, sizeof(a.ref), "session:00aa");
    return a;
}

static struct app_actor
official(unsigned roles, const char *name)
{
    struct app_actor a = {.kind = APP_ACTOR_STAFF, .id = 7, .roles = roles};

    snprintf(a.rfc, sizeof(a.rfc), "AUDI700101AB1");
    snprintf(a.unit, sizeof(a.unit), "00");
    snprintf(a.name, sizeof(a.name), "%s", name);
    snprintf(a.ref, sizeof(a.ref), "session:0123456789abcdef");
    return a;
}

static size_t
own_accesses(struct app *a, const char *rfc, struct app_audit_entry **items)
{
    struct app_actor who = particular(rfc);
    struct error err = {0};
    size_t n = 0;

    if (app_audit_own(a, &who, NULL, items, &n, &err) != 0)
        fail_msg("app_audit_own: %s %s", err.code, err.message);
    return n;
}

static void
a_particular_reads_only_its_own_receipts_and_learns_nothing_of_others(void **state)
{
    struct app *a = new_app(ledger);
    struct app_actor own = particular(PERSON), other = particular(OTHER);
    struct app_audit_entry *items = NULL;
    struct error err = {0};
    unsigned char *pdf = NULL;
    char *json = NULL;
    size_t len = 0;

    (void)state;
    assert_int_equal(app_receipt_bundle(a, &own, folio, "r1", &json, &err), 0);
    assert_non_null(strstr(json, folio));
    free(json);
    assert_int_equal(app_receipt_pdf(a, &own, folio, "r2", &pdf, &len, &err), 0);
    assert_true(len > 1000 && memcmp(pdf, "%PDF", 4) == 0);
    free(pdf);

    assert_int_not_equal(app_receipt_bundle(a, &other, folio, "r3", &json, &err), 0);
    assert_string_equal(err.code, "not_own_mailbox");
    assert_null(json);
    assert_int_not_equal(app_receipt_bundle(a, &other, "BZN-0000-000000", "r4", &json, &err), 0);
    assert_string_equal(err.code, "not_own_mailbox");
    assert_int_not_equal(app_receipt_pdf(a, &other, folio, "r5", &pdf, &len, &err), 0);
    assert_string_equal(err.code, "not_own_mailbox");

    /* None of that is an access by an official or a system. */
    assert_int_equal(own_accesses(a, PERSON, &items), 0);
    app_audit_list_free(items);
    app_free(a);
}

static void
reads_by_officials_and_systems_are_recorded_and_shown_to_the_particular(void **state)
{
    struct app *a = new_app(ledger);
    struct app_actor aud = official(APP_ROLE_AUDITOR, "Aurora Auditora");
    struct app_actor admin = official(APP_ROLE_ADMINISTRATOR, "Adriana Administradora");
    struct app_actor sys = {.kind = APP_ACTOR_SYSTEM, .id = 3, .scopes = APP_SCOPE_READ};
    struct app_audit_entry *items = NULL;
    struct error err = {0};
    char *json = NULL;
    size_t n;

    (void)state;
    snprintf(sys.name, sizeof(sys.name), "Sistema de cobranza");
    snprintf(sys.ref, sizeof(sys.ref), "token:3");

    /* Without the role: refused, and nothing recorded. */
    assert_int_not_equal(app_receipt_bundle(a, &admin, folio, "r1", &json, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_not_equal(app_receipt_bundle(a, &aud, "BZN-0000-000000", "r2", &json, &err), 0);
    assert_string_equal(err.code, "receipt_not_found");
    assert_int_equal(own_accesses(a, PERSON, &items), 0);
    app_audit_list_free(items);

    assert_int_equal(app_receipt_bundle(a, &aud, folio, "req-aud", &json, &err), 0);
    free(json);
    now_us += 1000000;
    assert_int_equal(app_receipt_bundle(a, &sys, folio, "req-sys", &json, &err), 0);
    free(json);

    n = own_accesses(a, PERSON, &items);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].kind, APP_ACTOR_SYSTEM);
    assert_int_equal(items[0].actor_id, 3);
    assert_string_equal(items[0].actor_name, "Sistema de cobranza");
    assert_int_equal(items[1].kind, APP_ACTOR_STAFF);
    assert_string_equal(items[1].actor_name, "Aurora Auditora");
    assert_string_equal(items[1].action, "receipt.read");
    assert_non_null(strstr(items[1].subject, folio));
    /* The particular sees who and when, not session or token ids nor request ids. */
    assert_string_equal(items[1].actor_ref, "");
    assert_string_equal(items[1].request_id, "");
    app_audit_list_free(items);

    /* Another particular's audit shows none of it. */
    assert_int_equal(own_accesses(a, OTHER, &items), 0);
    app_audit_list_free(items);
    app_free(a);
}

static void
an_auditor_reads_the_log_and_that_read_is_recorded(void **state)
{
    struct app *a = new_app(ledger);
    struct app_actor aud = official(APP_ROLE_AUDITOR, "Aurora Auditora");
    struct app_actor handler = official(APP_ROLE_HANDLER, "Héctor");
    struct app_actor own = particular(PERSON);
    struct app_audit_page page = {.limit = 1};
    struct app_audit_entry *items = NULL;
    struct error err = {0};
    char *json = NULL;
    size_t n = 0, before;

    (void)state;
    assert_int_equal(app_receipt_bundle(a, &aud, folio, "req-1", &json, &err), 0);
    free(json);
    before = own_accesses(a, PERSON, &items);
    app_audit_list_free(items);

    assert_int_not_equal(app_audit_of(a, &handler, PERSON, NULL, "r", &items, &n, &err), 0);
    assert_string_equal(err.code, "forbidden");
    assert_int_not_equal(app_audit_of(a, &aud, "X", NULL, "r", &items, &n, &err), 0);
    assert_string_equal(err.code, "audit_query_invalid");
    page.limit = 101;
    assert_int_not_equal(app_audit_of(a, &aud, PERSON, &page, "r", &items, &n, &err), 0);
    assert_string_equal(err.code, "audit_query_invalid");
    page = (struct app_audit_page){.from = now_us, .to = now_us - 1};
    assert_int_not_equal(app_audit_of(a, &aud, PERSON, &page, "r", &items, &n, &err), 0);
    assert_string_equal(err.code, "audit_query_invalid");
    /* A particular may not consult another's log, nor through the auditor's door. */
    assert_int_not_equal(app_audit_of(a, &own, OTHER, NULL, "r", &items, &n, &err), 0);
    assert_string_equal(err.code, "not_own_mailbox");
    assert_int_equal(own_accesses(a, PERSON, &items), before);
    app_audit_list_free(items);

    /* The auditor sees refs and request ids; one page at a time. */
    page = (struct app_audit_page){.limit = 1};
    assert_int_equal(app_audit_of(a, &aud, PERSON, &page, "req-2", &items, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].actor_ref, "session:0123456789abcdef");
    assert_string_equal(items[0].request_id, "req-1");
    page.before_id = items[0].id;
    app_audit_list_free(items);
    assert_int_equal(app_audit_of(a, &aud, PERSON, &page, "req-3", &items, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_true(items[0].id < page.before_id);
    app_audit_list_free(items);

    /* Each consultation of the log is an access the particular sees. */
    n = own_accesses(a, PERSON, &items);
    assert_int_equal(n, before + 2);
    assert_string_equal(items[0].action, "audit.read");
    app_audit_list_free(items);
    app_free(a);
}

static void
without_a_seal_receipts_are_unavailable(void **state)
{
    struct app *a = new_app(NULL);
    struct app_actor own = particular(PERSON);
    struct error err = {0};
    char *json = NULL;

    (void)state;
    assert_int_not_equal(app_receipt_bundle(a, &own, folio, "r", &json, &err), 0);
    assert_string_equal(err.code, "receipts_unavailable");
    app_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_particular_reads_only_its_own_receipts_and_learns_nothing_of_others),
        cmocka_unit_test(reads_by_officials_and_systems_are_recorded_and_shown_to_the_particular),
        cmocka_unit_test(an_auditor_reads_the_log_and_that_read_is_recorded),
        cmocka_unit_test(without_a_seal_receipts_are_unavailable),
    };

    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}

/*
 * contract.c - the store contract: the same tests, unchanged, against every backend.
 *
 * Usage: test_store_contract sqlite|postgresql. Each test gets a fresh database. What a
 * backend may do differently (how it waits for a lock) is outside the contract; what it
 * stores, returns and refuses is inside.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "harness.h"
#include "store/store.h"

static const char *backend;
static char empty_json[] = "{}";
static char filing_json[] = "{\"asunto\":\"Aclaración de cédula\"}";
static char comm_body[] = "Texto del comunicado.";
static char cadena[] = "||1.0|BZN|QQQ010101QQQ||";
static char payload[] = "{\"plantilla\":\"aviso\"}";

struct fixture {
    char url[512], dir[256];
    struct store *s;
    const struct store_ops *ops;
    int64_t now;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct store_options opts = {0};
    struct error err = {0};
    int applied = 0;

    if (harness_fresh(backend, "contract", f->url, sizeof(f->url), f->dir, sizeof(f->dir)) != 0)
        return -1;
    opts.url = f->url;
    opts.data_dir = f->dir;
    opts.migrate = true;
    opts.pool_size = 3;
    if (store_open(&opts, &f->s, &applied, &err) != STORE_OK) {
        fprintf(stderr, "store_open: %s: %s (%s)\n", err.code, err.message, err.detail);
        return -1;
    }
    f->ops = f->s->ops;
    f->now = 1720000000000000; /* 2024-07-03 */
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->s);
    harness_cleanup(f->dir);
    free(f);
    return 0;
}

static struct store_tx *
begin(struct fixture *f, enum store_tx_mode mode)
{
    struct store_tx *tx = NULL;
    struct error err = {0};

    assert_int_equal(f->ops->begin(f->s, mode, &tx, &err), STORE_OK);
    return tx;
}

static void
commit(struct fixture *f, struct store_tx *tx)
{
    struct error err = {0};
    int rc = f->ops->commit(tx, &err);

    if (rc != STORE_OK)
        fail_msg("commit: %s %s", err.message, err.detail);
}

#define OK(call)                                                                          \
    do {                                                                                  \
        struct error e_ = {0};                                                            \
        int rc_ = (call);                                                                 \
        if (rc_ != STORE_OK)                                                              \
            fail_msg("%s = %d: %s: %s (%s)", #call, rc_, e_.code, e_.message, e_.detail); \
    } while (0)
#define ERR(e_) (&e_)

static int64_t
add_particular(struct fixture *f, struct store_tx *tx, const char *rfc)
{
    struct store_particular p = {0};
    struct error err = {0};

    snprintf(p.rfc, sizeof(p.rfc), "%s", rfc);
    snprintf(p.name, sizeof(p.name), "Patrón de prueba %s", rfc);
    p.kind = strlen(rfc) == 12 ? STORE_PERSON_LEGAL : STORE_PERSON_NATURAL;
    snprintf(p.legal_zone, sizeof(p.legal_zone), "America/Mexico_City");
    p.created_at = p.updated_at = f->now;
    if (f->ops->particular_insert(tx, &p, &err) != STORE_OK)
        fail_msg("particular_insert: %s %s", err.message, err.detail);
    return p.id;
}

static void
put_blob(struct fixture *f, struct store_tx *tx, const char *text, uint8_t sha[32])
{
    struct error err = {0};

    if (f->ops->blob_put(tx, text, strlen(text), "application/pdf", sha, &err) != STORE_OK)
        fail_msg("blob_put: %s %s", err.message, err.detail);
}

/* -------------------------------------------------------------------------------------- */

static void
opening_again_applies_no_migration_and_reports_the_version(void **state)
{
    struct fixture *f = *state;
    struct store_options opts = {.url = f->url, .data_dir = f->dir, .migrate = true};
    struct store *again = NULL;
    struct error err = {0};
    int applied = -1, dbv = 0, progv = 0;

    assert_int_equal(store_open(&opts, &again, &applied, &err), STORE_OK);
    assert_int_equal(applied, 0);
    assert_int_equal(store_schema_version(again, &dbv, &progv, &err), STORE_OK);
    assert_true(progv >= 1);
    assert_int_equal(dbv, progv);
    store_close(again);
}

static void
a_database_newer_than_the_program_is_refused(void **state)
{
    struct fixture *f = *state;
    struct store_options opts = {.url = f->url, .data_dir = f->dir, .migrate = true};
    struct store *again = NULL;
    struct error err = {0};

    assert_int_equal(harness_sql(f->url, "INSERT INTO schema_migrations VALUES (999, "
                                         "'0999-future', 0)"),
                     0);
    assert_int_not_equal(store_open(&opts, &again, NULL, &err), STORE_OK);
    assert_null(again);
    assert_string_equal(err.code, "store_schema_too_new");
    assert_non_null(strstr(err.message, "más nuevo"));
}

/* A migration the database lacks below its newest version (its change merged later) is
 * applied when the store opens; without migrate the database is refused as old. */
static void
a_missing_lower_migration_is_applied_later(void **state)
{
    struct fixture *f = *state;
    struct store_options opts = {.url = f->url, .data_dir = f->dir, .migrate = false};
    struct store *again = NULL;
    struct error err = {0};
    int applied = -1;

    /* As if 0005 had been applied by a program that did not know 0002 yet. */
    assert_int_equal(harness_sql(f->url, "DROP TABLE receipt_pending"), 0);
    assert_int_equal(harness_sql(f->url, "DROP TABLE folio_sequences"), 0);
    assert_int_equal(harness_sql(f->url, "DROP TABLE merkle_nodes"), 0);
    assert_int_equal(harness_sql(f->url, "DELETE FROM schema_migrations WHERE version = 2"), 0);

    assert_int_not_equal(store_open(&opts, &again, NULL, &err), STORE_OK);
    assert_string_equal(err.code, "store_schema_old");
    opts.migrate = true;
    assert_int_equal(store_open(&opts, &again, &applied, &err), STORE_OK);
    assert_int_equal(applied, 1);
    store_close(again);
    assert_int_equal(store_open(&opts, &again, &applied, &err), STORE_OK);
    assert_int_equal(applied, 0);
    store_close(again);
}

static void
a_particular_round_trips_and_its_rfc_is_unique(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_particular got;
    struct error err = {0};
    int64_t id = add_particular(f, tx, "AAA010101AAA");

    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->particular_get_by_rfc(tx, "AAA010101AAA", &got, ERR(e_)));
    assert_int_equal(got.id, id);
    assert_string_equal(got.name, "Patrón de prueba AAA010101AAA");
    assert_string_equal(got.legal_zone, "America/Mexico_City");
    assert_int_equal(got.kind, STORE_PERSON_LEGAL);
    assert_int_equal(got.enabled_at, 0);
    assert_int_equal(f->ops->particular_get_by_rfc(tx, "ZZZ010101ZZZ", &got, &err),
                     STORE_NOT_FOUND);
    /* NOT_FOUND leaves the transaction usable. */
    OK(f->ops->particular_get(tx, id, &got, ERR(e_)));
    f->ops->rollback(tx);

    /* An RFC with four "Ñ" is 13 characters in 17 bytes: the longest there is. */
    tx = begin(f, STORE_TX_WRITE);
    {
        int64_t enye = add_particular(f, tx, "ÑÑÑÑ800101AB1");
        struct store_particular back;

        OK(f->ops->particular_get(tx, enye, &back, ERR(e_)));
        assert_string_equal(back.rfc, "ÑÑÑÑ800101AB1");
        assert_int_equal(back.kind, STORE_PERSON_NATURAL);
    }
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_WRITE);
    {
        struct store_particular dup = got;
        assert_int_equal(f->ops->particular_insert(tx, &dup, &err), STORE_DUPLICATE);
        assert_string_equal(err.code, "store_duplicate");
    }
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_WRITE);
    OK(f->ops->particular_set_mailbox(tx, id, STORE_MAILBOX_ENABLED, f->now + 5, f->now + 5,
                                      ERR(e_)));
    assert_int_equal(
        f->ops->particular_set_mailbox(tx, id + 100, STORE_MAILBOX_ENABLED, 1, 1, &err),
        STORE_NOT_FOUND);
    commit(f, tx);
    tx = begin(f, STORE_TX_READ);
    OK(f->ops->particular_get(tx, id, &got, ERR(e_)));
    assert_int_equal(got.mailbox_state, STORE_MAILBOX_ENABLED);
    assert_true(got.enabled_at == f->now + 5);
    f->ops->rollback(tx);
}

static void
over_long_and_malformed_fields_are_refused_and_change_nothing(void **state)
{
    struct fixture *f = *state;
    struct store_particular p = {0};
    struct store_tx *tx;
    struct error err = {0};
    size_t n = 0;

    /* A fixed field filled to its end without a NUL. */
    tx = begin(f, STORE_TX_WRITE);
    memset(p.rfc, 'A', sizeof(p.rfc));
    snprintf(p.name, sizeof(p.name), "x");
    snprintf(p.legal_zone, sizeof(p.legal_zone), "UTC");
    p.kind = STORE_PERSON_LEGAL;
    assert_int_equal(f->ops->particular_insert(tx, &p, &err), STORE_INVALID);
    assert_string_equal(err.code, "store_too_long");
    f->ops->rollback(tx);

    /* An RFC too short for the schema's check. */
    tx = begin(f, STORE_TX_WRITE);
    snprintf(p.rfc, sizeof(p.rfc), "SHORT");
    assert_int_equal(f->ops->particular_insert(tx, &p, &err), STORE_INVALID);
    f->ops->rollback(tx);

    /* Text that is not UTF-8. */
    tx = begin(f, STORE_TX_WRITE);
    snprintf(p.rfc, sizeof(p.rfc), "BBB010101BBB");
    snprintf(p.name, sizeof(p.name), "Mu\xf1oz");
    assert_int_equal(f->ops->particular_insert(tx, &p, &err), STORE_INVALID);
    assert_string_equal(err.code, "store_encoding");
    f->ops->rollback(tx);

    /* A heap field over the limit. */
    tx = begin(f, STORE_TX_WRITE);
    {
        int64_t pid = add_particular(f, tx, "CCC010101CCC");
        struct store_filing fl = {.particular_id = pid};
        char *big = malloc(STORE_TEXT_MAX + 2);
        memset(big, 'x', STORE_TEXT_MAX + 1);
        big[STORE_TEXT_MAX + 1] = '\0';
        snprintf(fl.service_code, sizeof(fl.service_code), "6.1");
        snprintf(fl.signature, sizeof(fl.signature), "c2ln");
        snprintf(fl.cert_number, sizeof(fl.cert_number), "30001000000500003416");
        fl.fields_json = big;
        assert_int_equal(f->ops->filing_insert(tx, &fl, NULL, 0, &err), STORE_INVALID);
        free(big);
    }
    f->ops->rollback(tx);

    /* Nothing of the above was stored. */
    tx = begin(f, STORE_TX_READ);
    assert_int_equal(f->ops->particular_get_by_rfc(tx, "BBB010101BBB", &p, &err), STORE_NOT_FOUND);
    assert_int_equal(f->ops->particular_get_by_rfc(tx, "CCC010101CCC", &p, &err), STORE_NOT_FOUND);
    OK(f->ops->calendar_list(tx, 0, 99991231, (struct store_calendar_day **)&p.id, &n, ERR(e_)));
    assert_int_equal(n, 0);
    f->ops->rollback(tx);
}

static void
references_to_nothing_are_refused(void **state)
{
    struct fixture *f = *state;
    struct store_filing fl = {.particular_id = 424242};
    struct store_tx *tx;
    struct error err = {0};

    snprintf(fl.service_code, sizeof(fl.service_code), "6.1");
    snprintf(fl.signature, sizeof(fl.signature), "c2ln");
    snprintf(fl.cert_number, sizeof(fl.cert_number), "30001000000500003416");
    fl.fields_json = empty_json;

    tx = begin(f, STORE_TX_WRITE);
    assert_int_equal(f->ops->filing_insert(tx, &fl, NULL, 0, &err), STORE_INVALID);
    assert_string_equal(err.code, "store_foreign_key");
    f->ops->rollback(tx);

    /* An attachment whose content was never stored. */
    tx = begin(f, STORE_TX_WRITE);
    {
        struct store_attachment a = {.ordinal = 0, .size = 3};
        fl.particular_id = add_particular(f, tx, "DDD010101DDD");
        snprintf(a.name, sizeof(a.name), "anexo.pdf");
        snprintf(a.media_type, sizeof(a.media_type), "application/pdf");
        memset(a.sha256, 0xab, sizeof(a.sha256));
        assert_int_equal(f->ops->filing_insert(tx, &fl, &a, 1, &err), STORE_INVALID);
        assert_string_equal(err.code, "store_foreign_key");
    }
    f->ops->rollback(tx);
}

static void
a_failed_transaction_refuses_more_work_and_commit_rolls_it_back(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_particular p;
    struct error err = {0};

    add_particular(f, tx, "EEE010101EEE");
    p = (struct store_particular){.kind = STORE_PERSON_LEGAL};
    snprintf(p.rfc, sizeof(p.rfc), "EEE010101EEE");
    snprintf(p.name, sizeof(p.name), "duplicado");
    snprintf(p.legal_zone, sizeof(p.legal_zone), "UTC");
    assert_int_equal(f->ops->particular_insert(tx, &p, &err), STORE_DUPLICATE);
    assert_int_equal(f->ops->particular_get_by_rfc(tx, "EEE010101EEE", &p, &err), STORE_ERROR);
    assert_string_equal(err.code, "store_tx_failed");
    assert_int_not_equal(f->ops->commit(tx, &err), STORE_OK);

    tx = begin(f, STORE_TX_READ);
    assert_int_equal(f->ops->particular_get_by_rfc(tx, "EEE010101EEE", &p, &err), STORE_NOT_FOUND);
    f->ops->rollback(tx);
}

static int conflicts_left;
static const char *runner_rfc;

static int
conflict_then_insert(struct store_tx *tx, void *arg, struct error *err)
{
    struct fixture *f = arg;

    add_particular(f, tx, runner_rfc);
    if (conflicts_left-- > 0)
        return error_set(err, "store_conflict", "simulado"), STORE_CONFLICT;
    return STORE_OK;
}

static void
the_runner_retries_a_conflict_and_commits_once(void **state)
{
    struct fixture *f = *state;
    struct store_particular p;
    struct store_tx *tx;
    struct error err = {0};

    conflicts_left = 2;
    runner_rfc = "FFF010101FFF";
    assert_int_equal(store_run(f->s, STORE_TX_WRITE, conflict_then_insert, f, &err), STORE_OK);
    assert_int_equal(conflicts_left, -1);

    conflicts_left = 100;
    runner_rfc = "FFG010101FFG";
    assert_int_equal(store_run(f->s, STORE_TX_WRITE, conflict_then_insert, f, &err),
                     STORE_CONFLICT);
    assert_int_equal(conflicts_left, 100 - STORE_RUN_ATTEMPTS);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->particular_get_by_rfc(tx, "FFF010101FFF", &p, ERR(e_)));
    assert_int_equal(f->ops->particular_get_by_rfc(tx, "FFG010101FFG", &p, &err), STORE_NOT_FOUND);
    f->ops->rollback(tx);
}

static void
contacts_allow_five_emails_and_one_mobile_and_expire(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    int64_t pid = add_particular(f, tx, "GGG010101GGG");
    struct store_contact c = {.particular_id = pid, .kind = STORE_CONTACT_EMAIL};
    struct store_contact *items = NULL;
    struct error err = {0};
    size_t n = 0;

    c.registered_at = f->now;
    c.deadline = f->now + 72LL * 3600 * 1000000; /* Lineamientos 5.2 */
    for (int i = 0; i < STORE_MAX_EMAILS; i++) {
        snprintf(c.address, sizeof(c.address), "contacto%d@example.com", i);
        OK(f->ops->contact_insert(tx, &c, ERR(e_)));
    }
    snprintf(c.address, sizeof(c.address), "sexto@example.com");
    assert_int_equal(f->ops->contact_insert(tx, &c, &err), STORE_INVALID);
    assert_string_equal(err.code, "store_limit");
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_WRITE);
    pid = add_particular(f, tx, "GGG010101GGG");
    c.particular_id = pid;
    c.kind = STORE_CONTACT_MOBILE;
    snprintf(c.address, sizeof(c.address), "+525512345678");
    OK(f->ops->contact_insert(tx, &c, ERR(e_)));
    c.kind = STORE_CONTACT_EMAIL;
    snprintf(c.address, sizeof(c.address), "uno@example.com");
    c.code_hash[0] = 7;
    c.code_salt[31] = 8;
    c.link_hash[0] = 9;
    OK(f->ops->contact_insert(tx, &c, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_WRITE);
    c.kind = STORE_CONTACT_MOBILE;
    snprintf(c.address, sizeof(c.address), "+525587654321");
    assert_int_equal(f->ops->contact_insert(tx, &c, &err), STORE_INVALID);
    f->ops->rollback(tx);

    /* The worker's sweep finds the particulars whose 72 hours ran out, and cancels. */
    tx = begin(f, STORE_TX_WRITE);
    {
        int64_t *ids = NULL;

        OK(f->ops->contact_due_particulars(tx, c.deadline - 1, 10, &ids, &n, ERR(e_)));
        assert_int_equal(n, 0);
        OK(f->ops->contact_due_particulars(tx, c.deadline, 10, &ids, &n, ERR(e_)));
        assert_int_equal(n, 1);
        assert_true(ids[0] == pid);
        free(ids);
    }
    OK(f->ops->contact_cancel_expired(tx, c.deadline - 1, &n, ERR(e_)));
    assert_int_equal(n, 0);
    OK(f->ops->contact_cancel_expired(tx, c.deadline, &n, ERR(e_)));
    assert_int_equal(n, 2);
    OK(f->ops->contact_list(tx, pid, &items, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].state, STORE_CONTACT_CANCELLED);
    assert_int_equal(items[1].code_hash[0], 7);
    assert_int_equal(items[1].code_salt[31], 8);
    assert_int_equal(items[1].link_hash[0], 9);
    assert_string_equal(items[1].address, "uno@example.com");

    /* Confirming wipes what checked the code and the link. */
    items[1].state = STORE_CONTACT_CONFIRMED;
    items[1].confirmed_at = f->now + 1;
    items[1].deadline += 5;
    memset(items[1].code_salt, 0, sizeof(items[1].code_salt));
    memset(items[1].link_hash, 0, sizeof(items[1].link_hash));
    OK(f->ops->contact_update(tx, &items[1], ERR(e_)));
    free(items);
    OK(f->ops->contact_list(tx, pid, &items, &n, ERR(e_)));
    assert_int_equal(items[1].state, STORE_CONTACT_CONFIRMED);
    assert_int_equal(items[1].code_salt[31], 0);
    {
        struct store_contact one;

        OK(f->ops->contact_get(tx, items[1].id, &one, ERR(e_)));
        assert_true(one.particular_id == pid && one.confirmed_at == f->now + 1);
        assert_true(one.deadline == c.deadline + 5);
        assert_string_equal(one.address, "uno@example.com");
        assert_int_equal(f->ops->contact_get(tx, items[1].id + 1000, &one, &err), STORE_NOT_FOUND);
    }
    assert_int_equal(items[1].link_hash[0], 0);
    free(items);
    commit(f, tx);
}

static void
terms_regpats_and_the_latest_acceptance(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    int64_t pid = add_particular(f, tx, "HHH010101HHH");
    struct store_terms t = {.particular_id = pid}, got;
    struct store_regpat r = {.particular_id = pid}, *rs = NULL;
    struct error err = {0};
    size_t n = 0;

    snprintf(t.version, sizeof(t.version), "2024-1");
    snprintf(t.cert_number, sizeof(t.cert_number), "30001000000500003416");
    snprintf(t.signature, sizeof(t.signature), "ZmlybWE=");
    for (int i = 0; i < 2; i++) {
        t.signed_at = f->now + i;
        OK(f->ops->terms_insert(tx, &t, ERR(e_)));
    }
    snprintf(r.regpat, sizeof(r.regpat), "Y5412345101");
    OK(f->ops->regpat_insert(tx, &r, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->terms_latest(tx, pid, &got, ERR(e_)));
    assert_int_equal(got.id, t.id);
    assert_string_equal(got.signature, "ZmlybWE=");
    assert_int_equal(f->ops->terms_latest(tx, pid + 1000, &got, &err), STORE_NOT_FOUND);
    OK(f->ops->regpat_list(tx, pid, &rs, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_string_equal(rs[0].regpat, "Y5412345101");
    free(rs);
    f->ops->rollback(tx);
}

static void
blobs_are_named_by_content_and_read_back_whole(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    uint8_t sha[32], again[32], want[32], unknown[32] = {1};
    struct error err = {0};
    void *data = NULL;
    size_t len = 0;

    put_blob(f, tx, "%PDF-1.7 resolución", sha);
    put_blob(f, tx, "%PDF-1.7 resolución", again);
    sha256("%PDF-1.7 resolución", strlen("%PDF-1.7 resolución"), want);
    assert_memory_equal(sha, want, 32);
    assert_memory_equal(again, want, 32);
    OK(f->ops->blob_put(tx, "", 0, "text/plain", again, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->blob_get(tx, sha, &data, &len, ERR(e_)));
    assert_int_equal(len, strlen("%PDF-1.7 resolución"));
    assert_memory_equal(data, "%PDF-1.7 resolución", len);
    free(data);
    OK(f->ops->blob_get(tx, again, &data, &len, ERR(e_)));
    assert_int_equal(len, 0);
    free(data);
    assert_int_equal(f->ops->blob_get(tx, unknown, &data, &len, &err), STORE_NOT_FOUND);
    assert_null(data);
    f->ops->rollback(tx);
}

static void
a_filing_and_its_attachments_round_trip(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_filing fl = {0}, got;
    struct store_attachment a[2] = {{0}}, *atts = NULL;
    struct error err = {0};
    size_t n = 0;

    fl.particular_id = add_particular(f, tx, "III010101III");
    snprintf(fl.service_code, sizeof(fl.service_code), "6.1");
    fl.fields_json = filing_json;
    snprintf(fl.signature, sizeof(fl.signature), "c2lnbmF0dXJl");
    snprintf(fl.cert_number, sizeof(fl.cert_number), "30001000000500003416");
    fl.received_at = f->now;
    fl.legal_received_at = f->now + 3600;
    for (int i = 0; i < 2; i++) {
        a[i].ordinal = i;
        snprintf(a[i].name, sizeof(a[i].name), "anexo-%d.pdf", i);
        snprintf(a[i].media_type, sizeof(a[i].media_type), "application/pdf");
        a[i].size = 9;
        put_blob(f, tx, i == 0 ? "contenido" : "contenid2", a[i].sha256);
    }
    OK(f->ops->filing_insert(tx, &fl, a, 2, ERR(e_)));
    assert_true(fl.id > 0);
    OK(f->ops->filing_set_state(tx, fl.id, STORE_FILING_IN_REVIEW, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->filing_get(tx, fl.id, &got, &atts, &n, ERR(e_)));
    assert_string_equal(got.fields_json, fl.fields_json);
    assert_int_equal(got.state, STORE_FILING_IN_REVIEW);
    assert_true(got.legal_received_at == f->now + 3600);
    assert_int_equal(n, 2);
    assert_string_equal(atts[1].name, "anexo-1.pdf");
    assert_memory_equal(atts[1].sha256, a[1].sha256, 32);
    store_filing_cleanup(&got);
    free(atts);
    assert_int_equal(f->ops->filing_get(tx, fl.id + 1, &got, &atts, &n, &err), STORE_NOT_FOUND);
    f->ops->rollback(tx);
}

/* Insert count notifications for pid, created one second apart from base. */
static void
add_notifications(struct fixture *f, struct store_tx *tx, int64_t pid, int count, int64_t base,
                  const uint8_t doc[32], int64_t *ids)
{
    for (int i = 0; i < count; i++) {
        struct store_notification n = {.particular_id = pid};
        n.created_at = base + (int64_t)i * 1000000;
        snprintf(n.type_code, sizeof(n.type_code), "7.6");
        snprintf(n.subject, sizeof(n.subject), "Oficio %d", i);
        memcpy(n.document_sha256, doc, 32);
        n.state = STORE_NOTIFICATION_CREATED;
        OK(f->ops->notification_insert(tx, &n, ERR(e_)));
        if (ids != NULL)
            ids[i] = n.id;
    }
}

static void
the_mailbox_page_is_newest_first_and_follows_its_cursor(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_notification *page = NULL;
    int64_t pid = add_particular(f, tx, "JJJ010101JJJ");
    int64_t other = add_particular(f, tx, "KKK010101KKK");
    int64_t ids[45];
    uint8_t doc[32];
    size_t n = 0, seen = 0;
    int64_t cur_at = 0, cur_id = 0;

    put_blob(f, tx, "oficio", doc);
    add_notifications(f, tx, pid, 45, f->now, doc, ids);
    add_notifications(f, tx, other, 5, f->now, doc, NULL);
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    for (int round = 0; round < 3; round++) {
        OK(f->ops->notification_page(tx, pid, cur_at, cur_id, 20, &page, &n, ERR(e_)));
        assert_int_equal(n, round < 2 ? 20 : 5);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(page[i].id, ids[44 - seen]);
            assert_int_equal(page[i].particular_id, pid);
            seen++;
        }
        cur_at = page[n - 1].created_at;
        cur_id = page[n - 1].id;
        free(page);
    }
    OK(f->ops->notification_page(tx, pid, cur_at, cur_id, 20, &page, &n, ERR(e_)));
    assert_int_equal(n, 0);
    assert_null(page);
    f->ops->rollback(tx);
}

static void
due_notifications_are_claimed_by_one_worker_at_a_time(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_notification *due = NULL, got;
    int64_t pid = add_particular(f, tx, "LLL010101LLL");
    int64_t ids[6];
    uint8_t doc[32];
    size_t n = 0;

    put_blob(f, tx, "oficio", doc);
    add_notifications(f, tx, pid, 6, f->now, doc, ids);
    for (int i = 0; i < 6; i++) {
        OK(f->ops->notification_get(tx, ids[i], &got, ERR(e_)));
        got.state = STORE_NOTIFICATION_AVISO_SENT;
        got.aviso_sent_at = f->now;
        got.window_ends_at = f->now + (i < 5 ? 1000 : 999999999); /* the sixth is not due */
        OK(f->ops->notification_update(tx, &got, ERR(e_)));
    }
    commit(f, tx);

    /* A worker takes three, seals them deemed (7.5) and commits. */
    tx = begin(f, STORE_TX_QUEUE);
    OK(f->ops->notification_claim_due(tx, f->now + 5000, 3, &due, &n, ERR(e_)));
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++) {
        due[i].state = STORE_NOTIFICATION_DEEMED;
        due[i].deemed_at = due[i].notified_at = f->now + 5000;
        due[i].effective_date = 20240705;
        OK(f->ops->notification_update(tx, &due[i], ERR(e_)));
    }
    free(due);
    commit(f, tx);

    /* The next one gets the remaining two only. */
    tx = begin(f, STORE_TX_QUEUE);
    OK(f->ops->notification_claim_due(tx, f->now + 5000, 10, &due, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_int_equal(due[0].state, STORE_NOTIFICATION_AVISO_SENT);
    free(due);
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->notification_get(tx, ids[0], &got, ERR(e_)));
    assert_int_equal(got.state, STORE_NOTIFICATION_DEEMED);
    assert_int_equal(got.effective_date, 20240705);
    f->ops->rollback(tx);
}

static void
while_one_worker_holds_due_rows_another_takes_the_rest(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE), *a, *b;
    struct store_notification *da = NULL, *db = NULL, got;
    int64_t pid = add_particular(f, tx, "MMM010101MMM");
    int64_t ids[4];
    uint8_t doc[32];
    size_t na = 0, nb = 0;
    struct error err = {0};

    put_blob(f, tx, "oficio", doc);
    add_notifications(f, tx, pid, 4, f->now, doc, ids);
    for (int i = 0; i < 4; i++) {
        OK(f->ops->notification_get(tx, ids[i], &got, ERR(e_)));
        got.state = STORE_NOTIFICATION_AVISO_SENT;
        got.window_ends_at = f->now + 1;
        OK(f->ops->notification_update(tx, &got, ERR(e_)));
    }
    commit(f, tx);

    /* SQLite has one writer: the second worker waits for the first (busy timeout) and then
     * finds nothing left only if the first consumed it; PostgreSQL's SKIP LOCKED lets both
     * run at once on different rows. Either way no row goes to both. */
    a = begin(f, STORE_TX_QUEUE);
    OK(f->ops->notification_claim_due(a, f->now + 10, 2, &da, &na, ERR(e_)));
    assert_int_equal(na, 2);
    if (strcmp(f->ops->name, "postgresql") == 0) {
        b = begin(f, STORE_TX_QUEUE);
        OK(f->ops->notification_claim_due(b, f->now + 10, 10, &db, &nb, ERR(e_)));
        assert_int_equal(nb, 2);
        for (size_t i = 0; i < na; i++) {
            for (size_t j = 0; j < nb; j++)
                assert_int_not_equal(da[i].id, db[j].id);
        }
        free(db);
        f->ops->rollback(b);
    } else {
        /* A second writer cannot start while the first holds the lock. */
        struct store_options opts = {.url = f->url, .data_dir = f->dir, .busy_timeout_ms = 50};
        struct store *s2 = NULL;
        assert_int_equal(store_open(&opts, &s2, NULL, &err), STORE_CONFLICT);
        (void)db;
        (void)nb;
    }
    free(da);
    f->ops->rollback(a);
}

static void
avisos_and_estrados_belong_to_their_notification(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    int64_t pid = add_particular(f, tx, "NNN010101NNN");
    struct store_contact c = {.particular_id = pid, .kind = STORE_CONTACT_EMAIL};
    struct store_notification note = {0};
    struct store_aviso av = {0}, *avs = NULL;
    struct store_estrados es = {0}, *ess = NULL;
    struct error err = {0};
    int64_t id;
    uint8_t doc[32];
    size_t n = 0;

    put_blob(f, tx, "oficio", doc);
    add_notifications(f, tx, pid, 1, f->now, doc, &id);
    OK(f->ops->notification_get(tx, id, &note, ERR(e_)));
    snprintf(c.address, sizeof(c.address), "aviso@example.com");
    c.registered_at = c.deadline = f->now;
    OK(f->ops->contact_insert(tx, &c, ERR(e_)));

    av.notification_id = id;
    av.notification_created_at = note.created_at;
    av.contact_id = c.id;
    av.created_at = f->now;
    OK(f->ops->aviso_insert(tx, &av, ERR(e_)));
    OK(f->ops->aviso_mark_sent(tx, av.id, f->now + 7, "250 2.0.0 Ok: queued", ERR(e_)));

    es.notification_id = id;
    es.notification_created_at = note.created_at;
    snprintf(es.reason, sizeof(es.reason), "Buzón no habilitado (7.8)");
    es.published_at = f->now;
    OK(f->ops->estrados_insert(tx, &es, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->aviso_list(tx, id, &avs, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_string_equal(avs[0].provider_reply, "250 2.0.0 Ok: queued");
    assert_true(avs[0].sent_at == f->now + 7);
    free(avs);
    OK(f->ops->estrados_list_active(tx, f->now + 1, 10, &ess, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_string_equal(ess[0].reason, "Buzón no habilitado (7.8)");
    free(ess);
    f->ops->rollback(tx);

    /* An aviso for a notification that does not exist. */
    tx = begin(f, STORE_TX_WRITE);
    av.notification_id = id + 1000;
    assert_int_equal(f->ops->aviso_insert(tx, &av, &err), STORE_INVALID);
    f->ops->rollback(tx);
}

static void
communications_documents_and_authorizations(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    int64_t pid = add_particular(f, tx, "OOO010101OOO");
    int64_t other = add_particular(f, tx, "PPP010101PPP");
    struct store_communication c = {0}, *cs = NULL, got;
    struct store_document d = {.particular_id = pid}, *ds = NULL;
    struct store_authorization a = {.particular_id = pid}, *as = NULL;
    struct error err = {0};
    size_t n = 0;

    c.audience = STORE_AUDIENCE_ALL;
    snprintf(c.title, sizeof(c.title), "Facilidades para empresas");
    c.body = comm_body;
    c.published_at = f->now;
    OK(f->ops->communication_insert(tx, &c, ERR(e_)));
    c.audience = STORE_AUDIENCE_RFC;
    c.particular_id = other;
    c.published_at = f->now + 1;
    OK(f->ops->communication_insert(tx, &c, ERR(e_)));
    OK(f->ops->communication_mark_read(tx, c.id - 1, pid, f->now + 2, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_WRITE);
    assert_int_equal(f->ops->communication_mark_read(tx, c.id - 1, pid, f->now + 3, &err),
                     STORE_DUPLICATE);
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_WRITE);
    OK(f->ops->communication_list(tx, pid, NULL, 20, &cs, &n, ERR(e_)));
    assert_int_equal(n, 1); /* the one to another RFC is not listed */
    assert_true(cs[0].read_at == f->now + 2);
    assert_null(cs[0].body);
    free(cs);
    OK(f->ops->communication_get(tx, c.id, &got, ERR(e_)));
    assert_string_equal(got.body, "Texto del comunicado.");
    store_communication_cleanup(&got);

    snprintf(d.catalogue_code, sizeof(d.catalogue_code), "4.2");
    snprintf(d.title, sizeof(d.title), "Constancia de semanas cotizadas");
    snprintf(d.media_type, sizeof(d.media_type), "application/pdf");
    put_blob(f, tx, "constancia", d.sha256);
    d.published_at = f->now;
    OK(f->ops->document_insert(tx, &d, ERR(e_)));
    OK(f->ops->document_list(tx, pid, 10, &ds, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_memory_equal(ds[0].sha256, d.sha256, 32);
    free(ds);

    a.kind = STORE_AUTH_THIRD_PARTY_OPINION;
    snprintf(a.grantee_rfc, sizeof(a.grantee_rfc), "PPP010101PPP");
    a.granted_at = f->now;
    OK(f->ops->authorization_insert(tx, &a, ERR(e_)));
    OK(f->ops->authorization_revoke(tx, a.id, f->now + 9, ERR(e_)));
    assert_int_equal(f->ops->authorization_revoke(tx, a.id, f->now + 10, &err), STORE_NOT_FOUND);
    OK(f->ops->authorization_list(tx, pid, &as, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_true(as[0].revoked_at == f->now + 9);
    free(as);
    commit(f, tx);
}

static void
receipts_enter_the_merkle_log_with_dense_indexes(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_receipt r = {0}, got;
    struct store_tree_head h = {0}, hl;
    uint8_t leaves[5][32];
    struct error err = {0};
    int64_t idx = -1, size = 0;
    size_t n = 0;

    for (int i = 0; i < 3; i++) {
        uint8_t leaf[32];
        snprintf(r.folio, sizeof(r.folio), "BZN-2024-%06d", i);
        r.kind = STORE_RECEIPT_FILING;
        snprintf(r.rfc, sizeof(r.rfc), "QQQ010101QQQ");
        r.subject_id = i + 1;
        r.issued_at = r.legal_at = f->now;
        r.cadena = cadena;
        snprintf(r.sello, sizeof(r.sello), "c2VsbG8=");
        snprintf(r.cert_number, sizeof(r.cert_number), "00001000000500000001");
        r.leaf_index = -1;
        OK(f->ops->receipt_insert(tx, &r, ERR(e_)));
        memset(leaf, i + 1, sizeof(leaf));
        OK(f->ops->merkle_append(tx, leaf, r.id, &idx, ERR(e_)));
        assert_int_equal(idx, i);
    }
    h.tree_size = 3;
    memset(h.root_hash, 9, 32);
    h.signed_at = f->now;
    snprintf(h.signature, sizeof(h.signature), "c3Ro");
    snprintf(h.cert_number, sizeof(h.cert_number), "00001000000500000001");
    OK(f->ops->tree_head_insert(tx, &h, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_WRITE);
    assert_int_equal(f->ops->receipt_insert(tx, &r, &err), STORE_DUPLICATE);
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->merkle_size(tx, &size, ERR(e_)));
    assert_int_equal(size, 3);
    OK(f->ops->merkle_leaves(tx, 1, 5, leaves, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_int_equal(leaves[0][0], 2);
    assert_int_equal(leaves[1][31], 3);
    OK(f->ops->receipt_get(tx, "BZN-2024-000001", &got, ERR(e_)));
    assert_int_equal(got.leaf_index, 1);
    assert_string_equal(got.cadena, "||1.0|BZN|QQQ010101QQQ||");
    store_receipt_cleanup(&got);
    OK(f->ops->tree_head_latest(tx, &hl, ERR(e_)));
    assert_int_equal(hl.tree_size, 3);
    assert_memory_equal(hl.root_hash, h.root_hash, 32);
    f->ops->rollback(tx);
}

static void
every_receipt_kind_round_trips_as_itself_and_no_other_is_stored(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_receipt r = {0}, got;
    struct store_receipt_pending p = {.kind = STORE_RECEIPT_CLARIFICATION, .subject_id = 5};
    struct store_receipt_pending *items = NULL;
    char request[] = "{\"kind\":\"solicitud_aclaracion\"}", folio[32];
    struct error err = {0};
    size_t n = 0;

    snprintf(r.rfc, sizeof(r.rfc), "QQQ010101QQQ");
    r.issued_at = r.legal_at = f->now;
    r.cadena = cadena;
    snprintf(r.sello, sizeof(r.sello), "c2VsbG8=");
    snprintf(r.cert_number, sizeof(r.cert_number), "00001000000500000001");
    r.leaf_index = -1;
    for (int k = STORE_RECEIPT_CONTACTS; k <= STORE_RECEIPT_CLARIFICATION; k++) {
        snprintf(r.folio, sizeof(r.folio), "KIND-%02d", k);
        r.kind = (enum store_receipt_kind)k;
        r.subject_id = 100 + k;
        OK(f->ops->receipt_insert(tx, &r, ERR(e_)));
    }
    p.legal_at = p.created_at = f->now;
    p.request_json = request;
    OK(f->ops->receipt_pending_insert(tx, &p, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    for (int k = STORE_RECEIPT_CONTACTS; k <= STORE_RECEIPT_CLARIFICATION; k++) {
        snprintf(folio, sizeof(folio), "KIND-%02d", k);
        OK(f->ops->receipt_get(tx, folio, &got, ERR(e_)));
        assert_int_equal(got.kind, k);
        assert_int_equal(got.subject_id, 100 + k);
        store_receipt_cleanup(&got);
    }
    OK(f->ops->receipt_pending_list(tx, 0, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].kind, STORE_RECEIPT_CLARIFICATION);
    store_receipt_pending_list_free(items, n);
    f->ops->rollback(tx);

    /* A kind the database does not know is refused, in a receipt and in a pending mark. */
    for (int k = 0; k <= STORE_RECEIPT_CLARIFICATION + 1; k += STORE_RECEIPT_CLARIFICATION + 1) {
        tx = begin(f, STORE_TX_WRITE);
        snprintf(r.folio, sizeof(r.folio), "KIND-X%d", k);
        r.kind = (enum store_receipt_kind)k;
        assert_int_equal(f->ops->receipt_insert(tx, &r, &err), STORE_INVALID);
        f->ops->rollback(tx);
        tx = begin(f, STORE_TX_WRITE);
        p.kind = (enum store_receipt_kind)k;
        assert_int_equal(f->ops->receipt_pending_insert(tx, &p, &err), STORE_INVALID);
        f->ops->rollback(tx);
    }
    tx = begin(f, STORE_TX_READ);
    assert_int_equal(f->ops->receipt_get(tx, "KIND-X0", &got, &err), STORE_NOT_FOUND);
    f->ops->rollback(tx);
}

static void
log_nodes_folios_and_pending_receipts_round_trip(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_receipt_pending p = {.kind = STORE_RECEIPT_FILING, .subject_id = 7};
    struct store_receipt_pending *items = NULL;
    char request[] = "{\"tipo\":\"promocion_recibida\"}";
    uint8_t h[32], got[32];
    struct error err = {0};
    int64_t seq = -1, first_id;
    size_t n = 0;

    memset(h, 0xab, sizeof(h));
    OK(f->ops->merkle_node_put(tx, 3, 5, h, ERR(e_)));
    OK(f->ops->merkle_node_get(tx, 3, 5, got, ERR(e_)));
    assert_memory_equal(got, h, 32);
    assert_int_equal(f->ops->merkle_node_get(tx, 3, 6, got, &err), STORE_NOT_FOUND);
    OK(f->ops->folio_next(tx, 2026, &seq, ERR(e_)));
    assert_int_equal(seq, 0);
    OK(f->ops->folio_next(tx, 2026, &seq, ERR(e_)));
    assert_int_equal(seq, 1);
    OK(f->ops->folio_next(tx, 2027, &seq, ERR(e_)));
    assert_int_equal(seq, 0);
    p.legal_at = p.created_at = f->now;
    p.request_json = request;
    OK(f->ops->receipt_pending_insert(tx, &p, ERR(e_)));
    first_id = p.id;
    p.subject_id = 8;
    OK(f->ops->receipt_pending_insert(tx, &p, ERR(e_)));
    commit(f, tx);

    /* A node is written once; a rolled-back folio number is handed out again. */
    tx = begin(f, STORE_TX_WRITE);
    assert_int_equal(f->ops->merkle_node_put(tx, 3, 5, h, &err), STORE_DUPLICATE);
    f->ops->rollback(tx);
    tx = begin(f, STORE_TX_WRITE);
    assert_int_equal(f->ops->merkle_node_put(tx, 0, 5, h, &err), STORE_INVALID);
    f->ops->rollback(tx);
    tx = begin(f, STORE_TX_WRITE);
    OK(f->ops->folio_next(tx, 2026, &seq, ERR(e_)));
    assert_int_equal(seq, 2);
    f->ops->rollback(tx);
    tx = begin(f, STORE_TX_WRITE);
    OK(f->ops->folio_next(tx, 2026, &seq, ERR(e_)));
    assert_int_equal(seq, 2);
    assert_int_equal(f->ops->folio_next(tx, 1999, &seq, &err), STORE_INVALID);
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_WRITE);
    OK(f->ops->receipt_pending_list(tx, 0, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, first_id);
    assert_int_equal(items[0].subject_id, 7);
    assert_int_equal(items[1].subject_id, 8);
    assert_string_equal(items[1].request_json, request);
    store_receipt_pending_list_free(items, n);
    OK(f->ops->receipt_pending_list(tx, first_id, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    store_receipt_pending_list_free(items, n);
    OK(f->ops->receipt_pending_delete(tx, first_id, ERR(e_)));
    assert_int_equal(f->ops->receipt_pending_delete(tx, first_id, &err), STORE_NOT_FOUND);
    commit(f, tx);
}

static void
the_outbox_sends_once_per_key_and_leases_its_claims(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_outbox o = {0}, *got = NULL;
    struct error err = {0};
    bool created = false;
    size_t n = 0;

    snprintf(o.idempotency_key, sizeof(o.idempotency_key), "aviso:1:contacto:1");
    o.channel = STORE_CHANNEL_EMAIL;
    snprintf(o.address, sizeof(o.address), "aviso@example.com");
    o.payload = payload;
    o.next_attempt_at = o.created_at = f->now;
    OK(f->ops->outbox_enqueue(tx, &o, &created, ERR(e_)));
    assert_true(created);
    OK(f->ops->outbox_enqueue(tx, &o, &created, ERR(e_)));
    assert_false(created);
    commit(f, tx);

    tx = begin(f, STORE_TX_QUEUE);
    /* Only the channels asked for: an e-mail waits for a worker that can send e-mail. */
    OK(f->ops->outbox_claim(tx, f->now, f->now + 60000000, 1u << STORE_CHANNEL_SMS, 10, &got, &n,
                            ERR(e_)));
    assert_int_equal(n, 0);
    OK(f->ops->outbox_claim(tx, f->now, f->now + 60000000, 1u << STORE_CHANNEL_EMAIL, 10, &got, &n,
                            ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(got[0].attempts, 1);
    assert_int_equal(got[0].state, STORE_OUTBOX_SENDING);
    assert_false(got[0].in_doubt);
    assert_true(got[0].next_attempt_at == f->now); /* the due time before the claim */
    assert_string_equal(got[0].payload, "{\"plantilla\":\"aviso\"}");
    store_outbox_list_free(got, n);
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    {
        int64_t pending = 0, oldest = 0;

        OK(f->ops->outbox_stats(tx, f->now + 1000, &pending, &oldest, ERR(e_)));
        assert_true(pending == 1 && oldest == 0); /* claimed: pending, but not due */
    }
    f->ops->rollback(tx);

    /* Leased: nobody else takes it until the lease runs out (a crashed worker). */
    tx = begin(f, STORE_TX_QUEUE);
    OK(f->ops->outbox_claim(tx, f->now + 1000, f->now + 60000000, 6, 10, &got, &n, ERR(e_)));
    assert_int_equal(n, 0);
    OK(f->ops->outbox_claim(tx, f->now + 60000000, f->now + 120000000, 6, 10, &got, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(got[0].attempts, 2);
    assert_true(got[0].in_doubt); /* the first attempt was never recorded */
    {
        struct store_outbox_outcome late = {.state = STORE_OUTBOX_SENT, .sent_at = f->now + 2};
        struct store_outbox_outcome sent = {.state = STORE_OUTBOX_SENT,
                                            .sent_at = f->now + 60000001,
                                            .reply_code = 250,
                                            .reply = "250 2.0.0 Ok: queued as 4F1",
                                            .transcript = "220 listo\n250 Ok\n",
                                            .reference = "<aviso.1@buzon.imss.gob.mx>"};

        /* The first worker, whose lease ran out, can no longer record anything. */
        assert_int_equal(f->ops->outbox_finish(tx, got[0].id, 1, &late, &err), STORE_NOT_FOUND);
        OK(f->ops->outbox_finish(tx, got[0].id, 2, &sent, ERR(e_)));
        assert_int_equal(f->ops->outbox_finish(tx, got[0].id, 2, &sent, &err), STORE_NOT_FOUND);
    }
    store_outbox_list_free(got, n);
    commit(f, tx);

    tx = begin(f, STORE_TX_QUEUE);
    OK(f->ops->outbox_claim(tx, INT64_MAX / 2, INT64_MAX / 2, 6, 10, &got, &n, ERR(e_)));
    assert_int_equal(n, 0);
    {
        struct store_outbox row;

        OK(f->ops->outbox_get(tx, "aviso:1:contacto:1", &row, ERR(e_)));
        assert_int_equal(row.state, STORE_OUTBOX_SENT);
        assert_int_equal(row.reply_code, 250);
        assert_false(row.in_doubt);
        assert_string_equal(row.provider_reply, "250 2.0.0 Ok: queued as 4F1");
        assert_string_equal(row.transcript, "220 listo\n250 Ok\n");
        assert_string_equal(row.reference, "<aviso.1@buzon.imss.gob.mx>");
        store_outbox_cleanup(&row);
        assert_int_equal(f->ops->outbox_get(tx, "no-existe", &row, &err), STORE_NOT_FOUND);
    }
    f->ops->rollback(tx);
}

static void
challenges_are_single_use_and_sessions_expire(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_challenge c = {0};
    struct store_session s = {0}, got;
    struct error err = {0};
    size_t n = 0;

    memset(c.nonce_hash, 0x11, 32);
    c.created_at = f->now;
    c.expires_at = f->now + 300000000;
    OK(f->ops->challenge_insert(tx, &c, ERR(e_)));
    memset(c.nonce_hash, 0x22, 32);
    c.expires_at = f->now + 1;
    OK(f->ops->challenge_insert(tx, &c, ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_WRITE);
    memset(c.nonce_hash, 0x11, 32);
    OK(f->ops->challenge_consume(tx, c.nonce_hash, f->now + 10, ERR(e_)));
    assert_int_equal(f->ops->challenge_consume(tx, c.nonce_hash, f->now + 11, &err),
                     STORE_NOT_FOUND);
    assert_string_equal(err.code, "store_challenge_used");
    memset(c.nonce_hash, 0x22, 32);
    assert_int_equal(f->ops->challenge_consume(tx, c.nonce_hash, f->now + 10, &err),
                     STORE_NOT_FOUND);

    memset(s.token_hash, 0x33, 32);
    s.subject_kind = STORE_SUBJECT_PARTICULAR;
    s.subject_id = 1;
    snprintf(s.rfc, sizeof(s.rfc), "RRR010101RRR");
    snprintf(s.representative_rfc, sizeof(s.representative_rfc), "PELM800101AB1");
    snprintf(s.representative_curp, sizeof(s.representative_curp), "PELM800101MDFXPR09");
    s.created_at = f->now;
    s.expires_at = f->now + 100;
    OK(f->ops->session_insert(tx, &s, ERR(e_)));
    OK(f->ops->session_get(tx, s.token_hash, f->now + 99, &got, ERR(e_)));
    assert_string_equal(got.rfc, "RRR010101RRR");
    assert_string_equal(got.representative_rfc, "PELM800101AB1");
    assert_string_equal(got.representative_curp, "PELM800101MDFXPR09");
    assert_int_equal(f->ops->session_get(tx, s.token_hash, f->now + 100, &got, &err),
                     STORE_NOT_FOUND);
    OK(f->ops->session_purge(tx, f->now + 400000000, &n, ERR(e_)));
    assert_int_equal(n, 3); /* one session, two challenges */
    assert_int_equal(f->ops->session_delete(tx, s.token_hash, &err), STORE_NOT_FOUND);
    commit(f, tx);
}

static void
staff_tokens_and_the_calendar(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_staff st = {.roles = STORE_ROLE_ISSUER | STORE_ROLE_AUDITOR}, sg, *staff = NULL;
    struct store_api_token t = {.scopes = STORE_SCOPE_NOTIFY}, tg, *tokens = NULL;
    struct store_calendar_day d = {0}, *days = NULL;
    struct error err = {0};
    size_t n = 0;

    snprintf(st.rfc, sizeof(st.rfc), "SSSS010101SS1");
    snprintf(st.name, sizeof(st.name), "Funcionaria notificadora");
    snprintf(st.unit, sizeof(st.unit), "Subdelegación Centro");
    st.active = true;
    st.created_at = f->now;
    OK(f->ops->staff_insert(tx, &st, ERR(e_)));
    OK(f->ops->staff_get_by_rfc(tx, "SSSS010101SS1", &sg, ERR(e_)));
    assert_int_equal(sg.roles, STORE_ROLE_ISSUER | STORE_ROLE_AUDITOR);
    assert_true(sg.active);
    OK(f->ops->staff_get(tx, st.id, &sg, ERR(e_)));
    assert_string_equal(sg.rfc, "SSSS010101SS1");
    assert_int_equal(f->ops->staff_get(tx, st.id + 1000, &sg, &err), STORE_NOT_FOUND);

    /* Roles, unit and activity change; the RFC does not. */
    OK(f->ops->staff_get(tx, st.id, &sg, ERR(e_)));
    sg.roles = STORE_ROLE_ADMINISTRATOR;
    sg.active = false;
    snprintf(sg.unit, sizeof(sg.unit), "00");
    OK(f->ops->staff_update(tx, &sg, ERR(e_)));
    sg.id = st.id + 1000;
    assert_int_equal(f->ops->staff_update(tx, &sg, &err), STORE_NOT_FOUND);
    OK(f->ops->staff_list(tx, &staff, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(staff[0].id, st.id);
    assert_int_equal(staff[0].roles, STORE_ROLE_ADMINISTRATOR);
    assert_string_equal(staff[0].unit, "00");
    assert_false(staff[0].active);
    free(staff);

    memset(t.token_hash, 0x44, 32);
    snprintf(t.name, sizeof(t.name), "sistema de emisión");
    t.staff_id = st.id;
    t.created_at = f->now;
    OK(f->ops->api_token_insert(tx, &t, ERR(e_)));
    OK(f->ops->api_token_get(tx, t.token_hash, f->now, &tg, ERR(e_)));
    assert_int_equal(tg.scopes, STORE_SCOPE_NOTIFY);
    OK(f->ops->api_token_revoke(tx, t.id, f->now + 1, ERR(e_)));
    assert_int_equal(f->ops->api_token_get(tx, t.token_hash, f->now + 2, &tg, &err),
                     STORE_NOT_FOUND);
    assert_int_equal(f->ops->api_token_revoke(tx, t.id, f->now + 3, &err), STORE_NOT_FOUND);
    memset(t.token_hash, 0x45, 32);
    t.expires_at = f->now + 10;
    OK(f->ops->api_token_insert(tx, &t, ERR(e_)));
    OK(f->ops->api_token_get(tx, t.token_hash, f->now + 9, &tg, ERR(e_)));
    assert_int_equal(f->ops->api_token_get(tx, t.token_hash, f->now + 10, &tg, &err),
                     STORE_NOT_FOUND);
    OK(f->ops->api_token_list(tx, &tokens, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_int_equal(tokens[0].revoked_at, f->now + 1);
    assert_int_equal(tokens[1].revoked_at, 0);
    assert_int_equal(tokens[1].expires_at, f->now + 10);
    assert_string_equal(tokens[1].name, "sistema de emisión");
    free(tokens);

    d.date = 20241225;
    snprintf(d.reason, sizeof(d.reason), "Navidad");
    d.declared_at = f->now;
    d.declared_by = st.id;
    OK(f->ops->calendar_put(tx, &d, ERR(e_)));
    snprintf(d.reason, sizeof(d.reason), "Navidad (CFF 12)");
    OK(f->ops->calendar_put(tx, &d, ERR(e_)));
    d.date = 20250101;
    OK(f->ops->calendar_put(tx, &d, ERR(e_)));
    OK(f->ops->calendar_list(tx, 20241201, 20241231, &days, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_string_equal(days[0].reason, "Navidad (CFF 12)");
    free(days);
    OK(f->ops->calendar_delete(tx, 20250101, ERR(e_)));
    assert_int_equal(f->ops->calendar_delete(tx, 20250101, &err), STORE_NOT_FOUND);
    commit(f, tx);
}

static void
add_audit(struct fixture *f, struct store_tx *tx, int64_t at, enum store_actor_kind kind,
          const char *rfc_hash, const char *action)
{
    struct store_audit_event e = {.at = at, .actor_kind = kind, .actor_id = 7};

    snprintf(e.action, sizeof(e.action), "%s", action);
    snprintf(e.subject, sizeof(e.subject), "receipt:BZN-1");
    snprintf(e.rfc_hash, sizeof(e.rfc_hash), "%s", rfc_hash);
    snprintf(e.actor_name, sizeof(e.actor_name), "Funcionaria auditora");
    snprintf(e.actor_ref, sizeof(e.actor_ref), "session:0011223344556677");
    e.detail_json = (char *)"{\"x\":1}";
    OK(f->ops->audit_insert(tx, &e, ERR(e_)));
}

static void
the_audit_log_lists_by_particular_time_and_kind(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_audit_query q = {.rfc_hash = "aaaaaaaaaaaaaaaa"};
    struct store_audit_event *ev = NULL;
    size_t n = 0;

    add_audit(f, tx, f->now + 1, STORE_ACTOR_PARTICULAR, "aaaaaaaaaaaaaaaa", "login");
    add_audit(f, tx, f->now + 2, STORE_ACTOR_STAFF, "aaaaaaaaaaaaaaaa", "receipt.read");
    add_audit(f, tx, f->now + 3, STORE_ACTOR_API_TOKEN, "aaaaaaaaaaaaaaaa", "mailbox.read");
    add_audit(f, tx, f->now + 4, STORE_ACTOR_STAFF, "bbbbbbbbbbbbbbbb", "receipt.read");
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->audit_list(tx, &q, &ev, &n, ERR(e_)));
    assert_int_equal(n, 3);
    assert_string_equal(ev[0].action, "mailbox.read"); /* newest first */
    assert_int_equal(ev[0].actor_kind, STORE_ACTOR_API_TOKEN);
    assert_string_equal(ev[1].actor_name, "Funcionaria auditora");
    assert_string_equal(ev[1].actor_ref, "session:0011223344556677");
    assert_string_equal(ev[1].detail_json, "{\"x\":1}");
    assert_int_equal(ev[2].at, f->now + 1);
    store_audit_event_list_free(ev, n);

    /* Only officials and systems: what a particular is shown. */
    q.actor_kinds = 1u << STORE_ACTOR_STAFF | 1u << STORE_ACTOR_API_TOKEN;
    OK(f->ops->audit_list(tx, &q, &ev, &n, ERR(e_)));
    assert_int_equal(n, 2);
    store_audit_event_list_free(ev, n);

    /* A window of time, a page, another particular, everyone. */
    q = (struct store_audit_query){
        .rfc_hash = "aaaaaaaaaaaaaaaa", .from = f->now + 2, .to = f->now + 3};
    OK(f->ops->audit_list(tx, &q, &ev, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].action, "receipt.read");
    q = (struct store_audit_query){.rfc_hash = "aaaaaaaaaaaaaaaa", .before_id = ev[0].id};
    store_audit_event_list_free(ev, n);
    OK(f->ops->audit_list(tx, &q, &ev, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].action, "login");
    store_audit_event_list_free(ev, n);
    q = (struct store_audit_query){.rfc_hash = "bbbbbbbbbbbbbbbb"};
    OK(f->ops->audit_list(tx, &q, &ev, &n, ERR(e_)));
    assert_int_equal(n, 1);
    store_audit_event_list_free(ev, n);
    q = (struct store_audit_query){.limit = 2};
    OK(f->ops->audit_list(tx, &q, &ev, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_string_equal(ev[0].rfc_hash, "bbbbbbbbbbbbbbbb");
    store_audit_event_list_free(ev, n);
    f->ops->rollback(tx);
}

static void
rollback_discards_everything_the_transaction_did(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_particular p;
    struct error err = {0};
    int64_t size = -1;
    uint8_t leaf[32] = {0};

    add_particular(f, tx, "TTT010101TTT");
    OK(f->ops->merkle_append(tx, leaf, 0, &size, ERR(e_)));
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_READ);
    assert_int_equal(f->ops->particular_get_by_rfc(tx, "TTT010101TTT", &p, &err), STORE_NOT_FOUND);
    OK(f->ops->merkle_size(tx, &size, ERR(e_)));
    assert_int_equal(size, 0);
    f->ops->rollback(tx);
}

static void
maintenance_makes_room_for_new_months_and_can_run_again(void **state)
{
    struct fixture *f = *state;
    struct store_notification got;
    struct store_tx *tx;
    struct error err = {0};
    int64_t later = f->now + 400LL * 86400 * 1000000, id = 0;
    uint8_t doc[32];

    OK(store_maintain(f->s, later, ERR(e_)));
    OK(store_maintain(f->s, later, ERR(e_)));
    tx = begin(f, STORE_TX_WRITE);
    put_blob(f, tx, "oficio", doc);
    add_notifications(f, tx, add_particular(f, tx, "UUU010101UUU"), 1, later, doc, &id);
    commit(f, tx);
    tx = begin(f, STORE_TX_READ);
    OK(f->ops->notification_get(tx, id, &got, ERR(e_)));
    assert_true(got.created_at == later);
    f->ops->rollback(tx);
    (void)err;
}

enum { N_THREADS = 4, N_APPENDS = 15 };

struct appender {
    struct fixture *f;
    int thread, done;
};

static int
append_one(struct store_tx *tx, void *arg, struct error *err)
{
    struct appender *a = arg;
    uint8_t leaf[32] = {0};
    int64_t idx = 0;

    leaf[0] = (uint8_t)a->thread;
    leaf[1] = (uint8_t)a->done;
    return store_tx_store(tx)->ops->merkle_append(tx, leaf, 0, &idx, err);
}

static void *
appender_main(void *arg)
{
    struct appender *a = arg;

    while (a->done < N_APPENDS) {
        struct error err = {0};
        int rc = store_run(a->f->s, STORE_TX_WRITE, append_one, a, &err);
        if (rc == STORE_OK)
            a->done++;
        else if (rc != STORE_CONFLICT)
            return NULL; /* the main thread sees done < N_APPENDS */
    }
    return NULL;
}

static void
concurrent_appends_to_the_log_get_dense_distinct_indexes(void **state)
{
    struct fixture *f = *state;
    struct appender a[N_THREADS];
    pthread_t th[N_THREADS];
    uint8_t leaves[N_THREADS * N_APPENDS][32];
    bool seen[N_THREADS][N_APPENDS] = {{false}};
    struct store_tx *tx;
    int64_t size = 0;
    size_t n = 0;

    for (int i = 0; i < N_THREADS; i++) {
        a[i] = (struct appender){f, i, 0};
        assert_int_equal(pthread_create(&th[i], NULL, appender_main, &a[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(a[i].done, N_APPENDS);
    }

    /* Every append is there exactly once, at indexes 0..N-1 with no gap. */
    tx = begin(f, STORE_TX_READ);
    OK(f->ops->merkle_size(tx, &size, ERR(e_)));
    assert_int_equal(size, N_THREADS * N_APPENDS);
    OK(f->ops->merkle_leaves(tx, 0, N_THREADS * N_APPENDS, leaves, &n, ERR(e_)));
    assert_int_equal(n, N_THREADS * N_APPENDS);
    for (size_t i = 0; i < n; i++) {
        assert_false(seen[leaves[i][0]][leaves[i][1]]);
        seen[leaves[i][0]][leaves[i][1]] = true;
    }
    f->ops->rollback(tx);
}

/* Lineamientos 5.9: requests for guidance by particular and by unit, answered once. */
static void
requests_for_guidance_are_listed_by_particular_and_unit_and_answered_once(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    struct store_clarification c = {0}, got = {0}, *items = NULL;
    struct store_staff st = {.roles = STORE_ROLE_HANDLER, .active = true};
    struct error err = {0};
    char text[] = "No puedo registrar mi teléfono móvil: el sistema dice que ya existe.";
    char answer[] = "Su número quedó liberado; regístrelo de nuevo.";
    char huge[STORE_CLARIFICATION_TEXT_MAX + 2];
    int64_t a = add_particular(f, tx, "JJJ010101JJJ"), b = add_particular(f, tx, "KKK010101KKK");
    int64_t first;
    size_t n = 0;

    snprintf(st.rfc, sizeof(st.rfc), "SSSS010101SS2");
    snprintf(st.name, sizeof(st.name), "Funcionario de orientación");
    snprintf(st.unit, sizeof(st.unit), "05");
    st.created_at = f->now;
    OK(f->ops->staff_insert(tx, &st, ERR(e_)));

    c.particular_id = a;
    snprintf(c.topic, sizeof(c.topic), "contacts");
    c.text = text;
    c.filed_at = f->now;
    snprintf(c.unit, sizeof(c.unit), "05");
    OK(f->ops->clarification_insert(tx, &c, ERR(e_)));
    first = c.id;
    c.particular_id = b;
    snprintf(c.topic, sizeof(c.topic), "rfc");
    snprintf(c.unit, sizeof(c.unit), "00");
    c.filed_at = f->now + 1;
    OK(f->ops->clarification_insert(tx, &c, ERR(e_)));
    assert_true(c.id > first);
    commit(f, tx);

    /* An unknown topic and an empty or over-long text are refused. */
    tx = begin(f, STORE_TX_WRITE);
    snprintf(c.topic, sizeof(c.topic), "otro");
    assert_int_not_equal(f->ops->clarification_insert(tx, &c, &err), STORE_OK);
    f->ops->rollback(tx);
    tx = begin(f, STORE_TX_WRITE);
    snprintf(c.topic, sizeof(c.topic), "rfc");
    memset(huge, 'x', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    c.text = huge;
    assert_int_equal(f->ops->clarification_insert(tx, &c, &err), STORE_INVALID);
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->clarification_list(tx, 0, NULL, 0, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_string_equal(items[0].rfc, "KKK010101KKK"); /* newest first */
    assert_string_equal(items[1].text, text);
    assert_null(items[1].answer);
    store_clarification_list_free(items, n);
    OK(f->ops->clarification_list(tx, a, NULL, 0, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, first);
    store_clarification_list_free(items, n);
    OK(f->ops->clarification_list(tx, 0, "00", 0, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_string_equal(items[0].topic, "rfc");
    store_clarification_list_free(items, n);
    OK(f->ops->clarification_list(tx, 0, NULL, c.id, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, first);
    store_clarification_list_free(items, n);
    f->ops->rollback(tx);

    tx = begin(f, STORE_TX_WRITE);
    OK(f->ops->clarification_answer(tx, first, answer, f->now + 60, st.id, ERR(e_)));
    assert_int_equal(f->ops->clarification_answer(tx, first, answer, f->now + 61, st.id, &err),
                     STORE_NOT_FOUND);
    assert_int_equal(f->ops->clarification_answer(tx, first + 1000, answer, f->now, st.id, &err),
                     STORE_NOT_FOUND);
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->clarification_get(tx, first, &got, ERR(e_)));
    assert_string_equal(got.answer, answer);
    assert_int_equal(got.answered_at, f->now + 60);
    assert_int_equal(got.answered_by, st.id);
    assert_string_equal(got.unit, "05");
    store_clarification_cleanup(&got);
    assert_int_equal(f->ops->clarification_get(tx, first + 1000, &got, &err), STORE_NOT_FOUND);
    f->ops->rollback(tx);
}

/* The mailbox summary: one statement over the particular, its contacts and its terms. */
static void
the_mailbox_summary_counts_contacts_and_reads_the_latest_terms(void **state)
{
    struct fixture *f = *state;
    struct store_tx *tx = begin(f, STORE_TX_WRITE);
    int64_t pid = add_particular(f, tx, "LLL010101LLL");
    struct store_regpat rp = {.particular_id = pid, .added_at = 1};
    struct store_terms t = {.particular_id = pid};
    struct store_mailbox_summary m;
    struct error err = {0};
    static const struct {
        const char *regpat, *address;
        enum store_contact_kind kind;
        enum store_contact_state state;
        int64_t deadline;
    } rows[] = {
        {"", "a@ejemplo.mx", STORE_CONTACT_EMAIL, STORE_CONTACT_PENDING, 500},
        {"", "b@ejemplo.mx", STORE_CONTACT_EMAIL, STORE_CONTACT_CONFIRMED, 100},
        {"", "c@ejemplo.mx", STORE_CONTACT_EMAIL, STORE_CONTACT_CANCELLED, 50},
        {"", "+525512345678", STORE_CONTACT_MOBILE, STORE_CONTACT_PENDING, 300},
        {"Y5412345101", "d@ejemplo.mx", STORE_CONTACT_EMAIL, STORE_CONTACT_PENDING, 200},
    };

    OK(f->ops->mailbox_summary(tx, "LLL010101LLL", &m, ERR(e_)));
    assert_int_equal(m.particular_id, pid);
    assert_int_equal(m.emails + m.mobiles + m.pending + m.confirmed, 0);
    assert_int_equal(m.validation_deadline, 0);
    assert_int_equal(m.terms_signed_at, 0);
    assert_int_equal(f->ops->mailbox_summary(tx, "ZZZ010101ZZZ", &m, &err), STORE_NOT_FOUND);

    snprintf(rp.regpat, sizeof(rp.regpat), "Y5412345101");
    OK(f->ops->regpat_insert(tx, &rp, ERR(e_)));
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct store_contact c = {.particular_id = pid, .kind = rows[i].kind};

        snprintf(c.regpat, sizeof(c.regpat), "%s", rows[i].regpat);
        snprintf(c.address, sizeof(c.address), "%s", rows[i].address);
        c.state = rows[i].state;
        c.registered_at = f->now;
        c.deadline = f->now + rows[i].deadline;
        OK(f->ops->contact_insert(tx, &c, ERR(e_)));
    }
    snprintf(t.version, sizeof(t.version), "2024-1");
    snprintf(t.cert_number, sizeof(t.cert_number), "30001000000500003416");
    snprintf(t.signature, sizeof(t.signature), "ZmlybWE=");
    t.signed_at = f->now + 7;
    OK(f->ops->terms_insert(tx, &t, ERR(e_)));
    OK(f->ops->particular_set_mailbox(tx, pid, STORE_MAILBOX_ENABLED, f->now + 7, f->now + 7,
                                      ERR(e_)));
    commit(f, tx);

    tx = begin(f, STORE_TX_READ);
    OK(f->ops->mailbox_summary(tx, "LLL010101LLL", &m, ERR(e_)));
    f->ops->rollback(tx);
    assert_int_equal(m.mailbox_state, STORE_MAILBOX_ENABLED);
    assert_int_equal(m.enabled_at, f->now + 7);
    assert_int_equal(m.emails, 2); /* the RFC's own, not cancelled */
    assert_int_equal(m.mobiles, 1);
    assert_int_equal(m.pending, 3); /* the registro patronal's included */
    assert_int_equal(m.confirmed, 1);
    assert_int_equal(m.validation_deadline, f->now + 200);
    assert_int_equal(m.terms_signed_at, f->now + 7);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(opening_again_applies_no_migration_and_reports_the_version),
        T(a_database_newer_than_the_program_is_refused),
        T(a_missing_lower_migration_is_applied_later),
        T(a_particular_round_trips_and_its_rfc_is_unique),
        T(over_long_and_malformed_fields_are_refused_and_change_nothing),
        T(references_to_nothing_are_refused),
        T(a_failed_transaction_refuses_more_work_and_commit_rolls_it_back),
        T(the_runner_retries_a_conflict_and_commits_once),
        T(contacts_allow_five_emails_and_one_mobile_and_expire),
        T(terms_regpats_and_the_latest_acceptance),
        T(blobs_are_named_by_content_and_read_back_whole),
        T(a_filing_and_its_attachments_round_trip),
        T(the_mailbox_page_is_newest_first_and_follows_its_cursor),
        T(due_notifications_are_claimed_by_one_worker_at_a_time),
        T(while_one_worker_holds_due_rows_another_takes_the_rest),
        T(avisos_and_estrados_belong_to_their_notification),
        T(communications_documents_and_authorizations),
        T(receipts_enter_the_merkle_log_with_dense_indexes),
        T(every_receipt_kind_round_trips_as_itself_and_no_other_is_stored),
        T(log_nodes_folios_and_pending_receipts_round_trip),
        T(the_outbox_sends_once_per_key_and_leases_its_claims),
        T(challenges_are_single_use_and_sessions_expire),
        T(staff_tokens_and_the_calendar),
        T(the_audit_log_lists_by_particular_time_and_kind),
        T(rollback_discards_everything_the_transaction_did),
        T(maintenance_makes_room_for_new_months_and_can_run_again),
        T(concurrent_appends_to_the_log_get_dense_distinct_indexes),
        T(requests_for_guidance_are_listed_by_particular_and_unit_and_answered_once),
        T(the_mailbox_summary_counts_contacts_and_reads_the_latest_terms),
#undef T
    };
    char url[512], dir[256];

    if (argc < 2) {
        fprintf(stderr, "uso: %s sqlite|postgresql\n", argv[0]);
        return 2;
    }
    backend = argv[1];
    if (harness_fresh(backend, "probe", url, sizeof(url), dir, sizeof(dir)) != 0) {
        fprintf(stderr, "%s: no disponible (¿BUZON_TEST_PG_URL?); prueba omitida\n", backend);
        return HARNESS_SKIP;
    }
    harness_cleanup(dir);
    cmocka_set_message_output(CM_OUTPUT_STDOUT);
    return cmocka_run_group_tests_name(backend, tests, NULL, NULL);
}

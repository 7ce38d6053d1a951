/*
 * ledger.c - receipts issued through the store (evidence/ledger.h), against each backend.
 *
 * Usage: test_store_ledger sqlite|postgresql. A test authority (crypto/testpki.h) issues the
 * seal certificate once; each test gets a fresh database. Covered: one transaction per
 * receipt with dense folios and leaves; a failure between storing and sealing leaves no
 * receipt, and the act's pending receipt is sealed after a restart; a sealer killed with
 * SIGKILL at random instants leaves every committed filing with exactly one receipt once the
 * recovery ran; tree heads on an interval and on demand; the bundle of a stored receipt
 * passes `buzon verify`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto/testpki.h"
#include "evidence/ledger.h"
#include "harness.h"

static const char *backend;
static char pki[256], seal_prefix[300], cert[320], key[320], password[320];

/* The wall clock at start: the seal certificate is valid from a day before. */
static int64_t now_us;

struct fixture {
    char url[512], dir[256];
    struct store *s;
    const struct store_ops *ops;
    struct evidence_ledger *l;
    int64_t particular_id;
};

#define OK(call)                                                                          \
    do {                                                                                  \
        struct error e_ = {0};                                                            \
        int rc_ = (call);                                                                 \
        if (rc_ != 0)                                                                     \
            fail_msg("%s = %d: %s: %s (%s)", #call, rc_, e_.code, e_.message, e_.detail); \
    } while (0)
#define ERR(e_) (&e_)

static struct store *
open_store(const struct fixture *f)
{
    struct store_options opts = {.url = f->url, .data_dir = f->dir, .migrate = true};
    struct store *s = NULL;
    struct error err = {0};

    if (store_open(&opts, &s, NULL, &err) != STORE_OK)
        fail_msg("store_open: %s %s", err.message, err.detail);
    return s;
}

static struct evidence_ledger *
open_ledger(struct store *s)
{
    struct evidence_ledger *l = NULL;
    struct error err = {0};

    if (evidence_ledger_open(s, cert, key, password, &l, &err) != 0)
        fail_msg("evidence_ledger_open: %s %s", err.code, err.message);
    return l;
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct store_particular p = {.kind = STORE_PERSON_LEGAL};
    struct store_tx *tx = NULL;
    struct error err = {0};

    if (harness_fresh(backend, "ledger", f->url, sizeof(f->url), f->dir, sizeof(f->dir)) != 0)
        return -1;
    f->s = open_store(f);
    f->ops = f->s->ops;
    f->l = open_ledger(f->s);
    snprintf(p.rfc, sizeof(p.rfc), "CRA010101AAA");
    snprintf(p.name, sizeof(p.name), "Comercializadora de prueba");
    snprintf(p.legal_zone, sizeof(p.legal_zone), "America/Tijuana");
    p.created_at = p.updated_at = now_us;
    if (f->ops->begin(f->s, STORE_TX_WRITE, &tx, &err) != STORE_OK ||
        f->ops->particular_insert(tx, &p, &err) != STORE_OK || f->ops->commit(tx, &err) != 0)
        return -1;
    f->particular_id = p.id;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    evidence_ledger_free(f->l);
    store_close(f->s);
    harness_cleanup(f->dir);
    free(f);
    return 0;
}

/* The receipt of a filing by rfc received at us. */
static void
filing_receipt_of(struct evidence_receipt *r, const char *rfc, int64_t filing_id, int64_t us)
{
    uint8_t sha[32];
    char ref[32];

    memset(sha, (int)(filing_id & 0xff), sizeof(sha));
    snprintf(ref, sizeof(ref), "P-%lld", (long long)filing_id);
    evidence_receipt_init(r, EVIDENCE_FILING_RECEIVED, rfc, "America/Tijuana");
    evidence_receipt_add_reference(r, "servicio", "Aclaración de cédula de determinación");
    evidence_receipt_add_reference(r, "promocion", ref);
    evidence_receipt_add_instant(r, "recepcion", us);
    evidence_receipt_add_instant(r, "recepcion_legal", us);
    evidence_receipt_add_document(r, "escrito.pdf", sha);
    evidence_receipt_set_signer(r, "30001000000500003416");
}

static void
filing_receipt(struct evidence_receipt *r, int64_t filing_id, int64_t us)
{
    filing_receipt_of(r, "CRA010101AAA", filing_id, us);
}

/* A filing and its pending receipt, committed together. Returns the filing's id; *mark (out,
 * may be NULL) the pending receipt's. */
static int64_t
file_with_mark(struct store *s, int64_t particular_id, int64_t us, int64_t *mark, struct error *err)
{
    const struct store_ops *ops = s->ops;
    struct store_filing fl = {.particular_id = particular_id};
    struct evidence_receipt r;
    struct store_tx *tx = NULL;
    char fields[] = "{\"asunto\":\"Aclaración\"}";
    int rc = ops->begin(s, STORE_TX_WRITE, &tx, err);

    if (rc != STORE_OK)
        return rc;
    snprintf(fl.service_code, sizeof(fl.service_code), "6.1");
    fl.fields_json = fields;
    snprintf(fl.signature, sizeof(fl.signature), "c2ln");
    snprintf(fl.cert_number, sizeof(fl.cert_number), "30001000000500003416");
    fl.received_at = fl.legal_received_at = us;
    rc = ops->filing_insert(tx, &fl, NULL, 0, err);
    if (rc == STORE_OK) {
        filing_receipt(&r, fl.id, us);
        rc = evidence_pending_add(tx, &r, fl.id, us, us, mark, err);
        evidence_receipt_cleanup(&r);
    }
    if (rc != STORE_OK) {
        ops->rollback(tx);
        return rc;
    }
    rc = ops->commit(tx, err);
    return rc == STORE_OK ? fl.id : rc;
}

static int64_t
file_with_pending(struct store *s, int64_t particular_id, int64_t us, struct error *err)
{
    return file_with_mark(s, particular_id, us, NULL, err);
}

/* The folio of the year's seq-th receipt. */
static void
folio_of(int64_t seq, char folio[FOLIO_MAX])
{
    struct error err = {0};

    assert_int_equal(
        folio_encode((unsigned)evidence__issue_year(now_us), (uint64_t)seq, folio, &err), 0);
}

/* Counts in one snapshot: leaves in the log and receipts pending. */
static void
counts(struct store *s, int64_t *leaves, size_t *pending)
{
    struct store_receipt_pending *items = NULL;
    struct store_tx *tx = NULL;

    OK(s->ops->begin(s, STORE_TX_READ, &tx, ERR(e_)));
    OK(s->ops->merkle_size(tx, leaves, ERR(e_)));
    OK(s->ops->receipt_pending_list(tx, 0, STORE_PAGE_MAX, &items, pending, ERR(e_)));
    store_receipt_pending_list_free(items, *pending);
    s->ops->rollback(tx);
}

/* Write json to a file and run `buzon verify --trust` on it; its exit status. */
static int
buzon_verify(const struct fixture *f, const char *json, const char *extra)
{
    char path[400], cmd[1400];
    FILE *out;

    snprintf(path, sizeof(path), "%s/acuse.json", f->dir);
    out = fopen(path, "w");
    assert_non_null(out);
    fputs(json, out);
    fclose(out);
    snprintf(cmd, sizeof(cmd), "'%s' verify --trust '%s/trust/test' %s '%s' >/dev/null",
             getenv("BUZON_BIN"), pki, extra, path);
    return WEXITSTATUS(system(cmd));
}

/* -------------------------------------------------------------------------------------- */

static void
receipts_get_dense_folios_and_leaves_and_a_stored_bundle_verifies(void **state)
{
    struct fixture *f = *state;
    struct evidence_sealed sealed[3];
    struct store_receipt row;
    struct store_tx *tx = NULL;
    char folio[FOLIO_MAX], *json = NULL;

    for (int i = 0; i < 3; i++) {
        struct evidence_receipt r;

        /* The last one's RFC has the most bytes an RFC can have. */
        filing_receipt_of(&r, i == 2 ? "ÑÑÑÑ800101AB1" : "CRA010101AAA", 100 + i, now_us);
        OK(evidence_issue(f->l, &r, 100 + i, now_us, now_us + i, &sealed[i], ERR(e_)));
        folio_of(i, folio);
        assert_string_equal(r.folio, folio);
        assert_int_equal(sealed[i].leaf_index, i);
        evidence_receipt_cleanup(&r);
    }

    OK(f->ops->begin(f->s, STORE_TX_READ, &tx, ERR(e_)));
    folio_of(1, folio);
    OK(f->ops->receipt_get(tx, folio, &row, ERR(e_)));
    assert_int_equal(row.subject_id, 101);
    assert_int_equal(row.leaf_index, 1);
    assert_int_equal(row.kind, STORE_RECEIPT_FILING);
    assert_string_equal(row.cadena, sealed[1].cadena);
    assert_string_equal(row.sello, sealed[1].sello);
    store_receipt_cleanup(&row);
    folio_of(2, folio);
    OK(f->ops->receipt_get(tx, folio, &row, ERR(e_)));
    assert_string_equal(row.rfc, "ÑÑÑÑ800101AB1");
    store_receipt_cleanup(&row);
    folio_of(1, folio);
    f->ops->rollback(tx);

    /* No head yet: the bundle signs one on demand, stores it, and the result verifies. */
    OK(evidence_ledger_bundle(f->l, folio, now_us + 10, &json, ERR(e_)));
    assert_int_equal(buzon_verify(f, json, ""), 0);
    assert_non_null(strstr(json, "\"tree_size\": 3"));
    free(json);
    for (int i = 0; i < 3; i++)
        evidence_sealed_cleanup(&sealed[i]);

    /* A tampered stored cadena cannot come back as a bundle. */
    assert_int_equal(harness_sql(f->url, "UPDATE receipts SET cadena = '||2|x||' WHERE "
                                         "leaf_index = 0"),
                     0);
    folio_of(0, folio);
    assert_true(evidence_ledger_bundle(f->l, folio, now_us + 11, &json, NULL) != 0);
    assert_true(evidence_ledger_bundle(f->l, "2026-ZZZZ-ZZZZ-Z", now_us, &json, NULL) ==
                STORE_NOT_FOUND);
}

static void
tree_heads_are_signed_when_due_and_on_demand(void **state)
{
    struct fixture *f = *state;
    struct merkle_tree_head sth;
    struct evidence_receipt r;
    struct evidence_sealed sealed;
    struct error err = {0};
    bool fresh = true;

    assert_int_equal(evidence_ledger_tree_head(f->l, now_us, 60, &sth, &fresh, &err),
                     STORE_NOT_FOUND);
    assert_string_equal(err.code, "tree_head_none");
    assert_false(fresh);

    filing_receipt(&r, 1, now_us);
    OK(evidence_issue(f->l, &r, 1, now_us, now_us, &sealed, ERR(e_)));
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
    OK(evidence_ledger_tree_head(f->l, now_us + 1, 60, &sth, &fresh, ERR(e_)));
    assert_true(fresh);
    assert_int_equal(sth.size, 1);
    merkle_tree_head_cleanup(&sth);

    /* Grown, but the interval has not passed: the same head. */
    filing_receipt(&r, 2, now_us);
    OK(evidence_issue(f->l, &r, 2, now_us, now_us + 2, &sealed, ERR(e_)));
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
    OK(evidence_ledger_tree_head(f->l, now_us + 30 * 1000000LL, 60, &sth, &fresh, ERR(e_)));
    assert_false(fresh);
    assert_int_equal(sth.size, 1);
    merkle_tree_head_cleanup(&sth);

    /* After the interval, a new head; on demand, none while the log has not grown. */
    OK(evidence_ledger_tree_head(f->l, now_us + 61 * 1000000LL, 60, &sth, &fresh, ERR(e_)));
    assert_true(fresh);
    assert_int_equal(sth.size, 2);
    assert_int_equal(sth.timestamp_us, now_us + 61 * 1000000LL);
    merkle_tree_head_cleanup(&sth);
    OK(evidence_ledger_tree_head(f->l, now_us + 62 * 1000000LL, -1, &sth, &fresh, ERR(e_)));
    assert_false(fresh);
    assert_int_equal(sth.size, 2);
    merkle_tree_head_cleanup(&sth);
}

/* The act's own request seals its pending receipt at once; the worker then finds nothing,
 * and a second attempt issues nothing twice. */
static void
a_pending_receipt_sealed_at_once_is_not_sealed_again(void **state)
{
    struct fixture *f = *state;
    struct evidence_receipt r;
    struct evidence_sealed sealed;
    struct error err = {0};
    int64_t mark = 0, leaves = -1, filing_id;
    size_t pending = 9, done = 9;

    filing_id = file_with_mark(f->s, f->particular_id, now_us, &mark, NULL);
    assert_true(filing_id > 0 && mark > 0);
    filing_receipt(&r, filing_id, now_us);
    OK(evidence_issue_pending(f->l, mark, &r, filing_id, now_us, now_us, &sealed, ERR(e_)));
    assert_int_equal(strlen(r.folio), FOLIO_MAX - 1);
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
    counts(f->s, &leaves, &pending);
    assert_int_equal(leaves, 1);
    assert_int_equal(pending, 0);
    OK(evidence_complete_pending(f->l, now_us + 1, &done, ERR(e_)));
    assert_int_equal(done, 0);

    filing_receipt(&r, filing_id, now_us);
    assert_int_equal(
        evidence_issue_pending(f->l, mark, &r, filing_id, now_us, now_us + 2, &sealed, &err),
        STORE_NOT_FOUND);
    assert_string_equal(err.code, "receipt_pending_gone");
    assert_string_equal(r.folio, "");
    evidence_receipt_cleanup(&r);
    counts(f->s, &leaves, &pending);
    assert_int_equal(leaves, 1);
}

static void
a_request_for_guidance_is_stored_as_one_pending_and_sealed(void **state)
{
    struct fixture *f = *state;
    struct store_receipt_pending *items = NULL;
    struct store_receipt row;
    struct evidence_receipt r;
    struct store_tx *tx = NULL;
    uint8_t sha[32];
    char folio[FOLIO_MAX], *json = NULL;
    size_t n = 0, done = 0;

    memset(sha, 0x5a, sizeof(sha));
    evidence_receipt_init(&r, EVIDENCE_CLARIFICATION_FILED, "CRA010101AAA", "America/Tijuana");
    evidence_receipt_add_reference(&r, "solicitud", "77");
    evidence_receipt_add_reference(&r, "tema", "contacts");
    evidence_receipt_add_instant(&r, "presentacion", now_us);
    evidence_receipt_add_document(&r, "solicitud.txt", sha);
    OK(f->ops->begin(f->s, STORE_TX_WRITE, &tx, ERR(e_)));
    OK(evidence_pending_add(tx, &r, 77, now_us, now_us, NULL, ERR(e_)));
    OK(f->ops->commit(tx, ERR(e_)));
    evidence_receipt_cleanup(&r);

    OK(f->ops->begin(f->s, STORE_TX_READ, &tx, ERR(e_)));
    OK(f->ops->receipt_pending_list(tx, 0, 10, &items, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_int_equal(items[0].kind, STORE_RECEIPT_CLARIFICATION);
    store_receipt_pending_list_free(items, n);
    f->ops->rollback(tx);

    OK(evidence_complete_pending(f->l, now_us + 1, &done, ERR(e_)));
    assert_int_equal(done, 1);
    folio_of(0, folio);
    OK(f->ops->begin(f->s, STORE_TX_READ, &tx, ERR(e_)));
    OK(f->ops->receipt_get(tx, folio, &row, ERR(e_)));
    assert_int_equal(row.kind, STORE_RECEIPT_CLARIFICATION);
    assert_int_equal(row.subject_id, 77);
    assert_non_null(strstr(row.cadena, "|solicitud_aclaracion|"));
    store_receipt_cleanup(&row);
    f->ops->rollback(tx);

    OK(evidence_ledger_bundle(f->l, folio, now_us + 2, &json, ERR(e_)));
    assert_int_equal(buzon_verify(f, json, ""), 0);
    free(json);
}

static void
a_failure_between_storing_and_sealing_leaves_no_receipt_and_restart_seals_the_act(void **state)
{
    struct fixture *f = *state;
    struct evidence_receipt r;
    struct evidence_sealed sealed;
    struct store_receipt row;
    struct store_tx *tx = NULL;
    char folio[FOLIO_MAX], *json = NULL;
    int64_t filing_id, leaves = -1;
    size_t pending = 0, done = 9;

    /* Issued directly: a failing log write rolls back folio, leaf and row together. */
    filing_receipt(&r, 7, now_us);
    evidence__ledger_fail_after(f->l, 0);
    assert_true(evidence_issue(f->l, &r, 7, now_us, now_us, &sealed, NULL) != 0);
    assert_string_equal(r.folio, "");
    evidence_receipt_cleanup(&r);
    counts(f->s, &leaves, &pending);
    assert_int_equal(leaves, 0);

    /* The act commits with its mark; sealing then fails half-way through the log's nodes. */
    filing_id = file_with_pending(f->s, f->particular_id, now_us, NULL);
    assert_true(filing_id > 0);
    filing_receipt(&r, 1, now_us);
    evidence__ledger_fail_after(f->l, -1);
    OK(evidence_issue(f->l, &r, 1, now_us, now_us, &sealed, ERR(e_)));
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
    evidence__ledger_fail_after(f->l, 1); /* the leaf is written, its parent node is not */
    assert_int_equal(evidence_complete_pending(f->l, now_us, &done, NULL), -1);
    assert_int_equal(done, 0);
    counts(f->s, &leaves, &pending);
    assert_int_equal(leaves, 1);
    assert_int_equal(pending, 1);
    OK(f->ops->begin(f->s, STORE_TX_READ, &tx, ERR(e_)));
    folio_of(1, folio);
    assert_int_equal(f->ops->receipt_get(tx, folio, &row, NULL), STORE_NOT_FOUND);
    f->ops->rollback(tx);

    /* Restart: a new ledger on a new store seals what was pending. */
    evidence_ledger_free(f->l);
    store_close(f->s);
    f->s = open_store(f);
    f->ops = f->s->ops;
    f->l = open_ledger(f->s);
    OK(evidence_complete_pending(f->l, now_us + 5, &done, ERR(e_)));
    assert_int_equal(done, 1);
    counts(f->s, &leaves, &pending);
    assert_int_equal(leaves, 2);
    assert_int_equal(pending, 0);
    OK(f->ops->begin(f->s, STORE_TX_READ, &tx, ERR(e_)));
    OK(f->ops->receipt_get(tx, folio, &row, ERR(e_)));
    assert_int_equal(row.subject_id, filing_id);
    assert_int_equal(row.leaf_index, 1);
    store_receipt_cleanup(&row);
    f->ops->rollback(tx);
    OK(evidence_complete_pending(f->l, now_us + 6, &done, ERR(e_)));
    assert_int_equal(done, 0);

    /* The log's nodes written around the failure still prove the receipt. */
    OK(evidence_ledger_bundle(f->l, folio, now_us + 7, &json, ERR(e_)));
    assert_int_equal(buzon_verify(f, json, ""), 0);
    free(json);
}

/* The killed sealer: files with a pending mark, then completes it, forever. */
static void
sealer_child(struct fixture *f, int fd)
{
    struct store *s = open_store(f);
    struct evidence_ledger *l = open_ledger(s);

    for (int i = 0;; i++) {
        struct error err = {0};
        int64_t id = file_with_pending(s, f->particular_id, now_us + i, &err);
        char line[32];
        int n;

        if (id == STORE_CONFLICT)
            continue;
        if (id <= 0)
            _exit(3);
        n = snprintf(line, sizeof(line), "%lld\n", (long long)id);
        if (write(fd, line, (size_t)n) != n)
            _exit(4);
        if (evidence_complete_pending(l, now_us + i, NULL, &err) != 0)
            _exit(5);
    }
}

static void
a_killed_sealer_leaves_no_committed_filing_without_its_receipt(void **state)
{
    struct fixture *f = *state;
    int64_t committed = 0, leaves = 0, max_id = 0, *subjects;
    struct store_tx *tx = NULL;
    struct store_attachment *atts = NULL;
    size_t pending = 0, n_atts = 0;

    srand((unsigned)time(NULL));
    for (int round = 0; round < 6; round++) {
        int fds[2], status = 0;
        pid_t pid;
        char buf[8192];
        ssize_t n;
        struct timespec ts = {0, (long)(50 + rand() % 250) * 1000000L};

        assert_int_equal(pipe(fds), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            sealer_child(f, fds[1]);
        }
        close(fds[1]);
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
        while ((n = read(fds[0], buf, sizeof(buf))) > 0)
            for (ssize_t i = 0; i < n; i++)
                committed += buf[i] == '\n';
        close(fds[0]);
    }

    assert_true(committed > 0); /* the sealer got to work before it was killed */

    /* Restart: every act committed has its receipt, one each, and no receipt lacks its act. */
    OK(evidence_complete_pending(f->l, now_us, NULL, ERR(e_)));
    counts(f->s, &leaves, &pending);
    assert_int_equal(pending, 0);
    assert_true(leaves >= committed);
    subjects = calloc((size_t)leaves + 1, sizeof(*subjects));
    OK(f->ops->begin(f->s, STORE_TX_READ, &tx, ERR(e_)));
    for (int64_t seq = 0; seq < leaves; seq++) {
        struct store_filing fl;
        struct store_receipt row;
        char folio[FOLIO_MAX];

        folio_of(seq, folio);
        OK(f->ops->receipt_get(tx, folio, &row, ERR(e_)));
        assert_int_equal(row.leaf_index, seq);
        OK(f->ops->filing_get(tx, row.subject_id, &fl, &atts, &n_atts, ERR(e_)));
        free(atts);
        for (int64_t k = 0; k < seq; k++)
            assert_true(subjects[k] != row.subject_id);
        subjects[seq] = row.subject_id;
        max_id = row.subject_id > max_id ? row.subject_id : max_id;
        store_filing_cleanup(&fl);
        store_receipt_cleanup(&row);
    }
    /* Every filing there is, up to well past the last one sealed, is among them. */
    for (int64_t id = 1; id <= max_id + 64; id++) {
        struct store_filing fl;
        bool found = false;

        if (f->ops->filing_get(tx, id, &fl, &atts, &n_atts, NULL) != STORE_OK)
            continue;
        free(atts);
        store_filing_cleanup(&fl);
        for (int64_t k = 0; k < leaves && !found; k++)
            found = subjects[k] == id;
        assert_true(found);
    }
    f->ops->rollback(tx);
    free(subjects);
}

static int
make_seal(void)
{
    struct crypto_testpki_subject subj = {.kind = CRYPTO_CERT_CSD,
                                          .name = "INSTITUTO MEXICANO DEL SEGURO SOCIAL",
                                          .rfc = "IMS421231I45",
                                          .password = "sello de pruebas"};
    struct error err = {0};
    char number[48];
    FILE *out;

    snprintf(pki, sizeof(pki), "/tmp/buzon-ledger-pki-%d", (int)getpid());
    snprintf(seal_prefix, sizeof(seal_prefix), "%s/sello", pki);
    snprintf(cert, sizeof(cert), "%s.cer", seal_prefix);
    snprintf(key, sizeof(key), "%s.key", seal_prefix);
    snprintf(password, sizeof(password), "%s.pass", seal_prefix);
    /* Valid from a day before the receipts, whose instants come from the same clock. */
    subj.not_before = now_us / 1000000 - 86400;
    subj.not_after = now_us / 1000000 + 4 * 365 * 86400LL;
    if (crypto_testpki_create_ca(pki, &err) != 0 ||
        crypto_testpki_issue(pki, &subj, seal_prefix, number, &err) != 0) {
        fprintf(stderr, "testpki: %s %s\n", err.code, err.message);
        return -1;
    }
    out = fopen(password, "w");
    if (out == NULL)
        return -1;
    fputs("sello de pruebas\n", out);
    fclose(out);
    return 0;
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(receipts_get_dense_folios_and_leaves_and_a_stored_bundle_verifies),
        T(tree_heads_are_signed_when_due_and_on_demand),
        T(a_failure_between_storing_and_sealing_leaves_no_receipt_and_restart_seals_the_act),
        T(a_killed_sealer_leaves_no_committed_filing_without_its_receipt),
        T(a_pending_receipt_sealed_at_once_is_not_sealed_again),
        T(a_request_for_guidance_is_stored_as_one_pending_and_sealed),
#undef T
    };
    char url[512], dir[256];
    int rc;

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
    now_us = harness_now();
    if (make_seal() != 0)
        return 1;
    rc = cmocka_run_group_tests_name(backend, tests, NULL, NULL);
    harness_cleanup(pki);
    return rc;
}

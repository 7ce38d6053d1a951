/* ledger.c - receipts issued through the store (see ledger.h). */
#include "evidence/ledger.h"

#include "core/mem.h"
#include "evidence/bundle.h"
#include "evidence/cadena.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct evidence_ledger {
    struct store *st;
    struct evidence_sealer *sealer;
    pthread_mutex_t mu;  /* one issue, head or bundle at a time: the log is not thread-safe */
    struct store_tx *tx; /* the transaction the log's nodes are read and written in */
    int store_rc;        /* status of the last failed node access, for the runner's retries */
    bool dirty;          /* the in-memory right edge may be ahead of what was committed */
    long fail_after;
};

/* ---- the log's nodes through the store (struct merkle_store) ---- */

static int
node_fail(struct evidence_ledger *l, int rc)
{
    l->store_rc = rc;
    return -1;
}

static int
node_get(void *ctx, unsigned level, uint64_t index, uint8_t hash[MERKLE_HASH_LEN],
         struct error *err)
{
    struct evidence_ledger *l = ctx;
    const struct store_ops *ops = l->st->ops;
    uint8_t leaf[1][STORE_HASH_LEN];
    size_t n = 0;
    int rc;

    if (l->tx == NULL)
        return error_set(err, "store_no_tx", "el registro se leyó fuera de una transacción");
    if (level > 0)
        rc = ops->merkle_node_get(l->tx, level, (int64_t)index, hash, err);
    else if ((rc = ops->merkle_leaves(l->tx, (int64_t)index, 1, leaf, &n, err)) == STORE_OK) {
        if (n != 1)
            rc = STORE_NOT_FOUND;
        else
            memcpy(hash, leaf[0], MERKLE_HASH_LEN);
    }
    if (rc == STORE_NOT_FOUND)
        error_set(err, "merkle_missing", "falta un nodo del registro de transparencia");
    return rc == STORE_OK ? 0 : node_fail(l, rc == STORE_NOT_FOUND ? STORE_ERROR : rc);
}

/* Level 0 is the leaf: merkle_append gives it its dense index, which must be the one the
 * in-memory log expects, or the two disagree about the log and nothing may be stored. */
static int
node_put(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH_LEN],
         struct error *err)
{
    struct evidence_ledger *l = ctx;
    const struct store_ops *ops = l->st->ops;
    int64_t got = -1;
    int rc;

    if (l->tx == NULL)
        return error_set(err, "store_no_tx", "el registro se escribió fuera de una transacción");
    if (l->fail_after == 0) {
        error_set(err, "store_write", "no se pudo escribir el registro de transparencia");
        return node_fail(l, STORE_ERROR);
    }
    if (l->fail_after > 0)
        l->fail_after--;
    if (level > 0)
        rc = ops->merkle_node_put(l->tx, level, (int64_t)index, hash, err);
    else if ((rc = ops->merkle_append(l->tx, hash, 0, &got, err)) == STORE_OK &&
             got != (int64_t)index) {
        error_set(err, "merkle_desync", "el registro de transparencia cambió durante la emisión");
        rc = STORE_CONFLICT;
    }
    return rc == STORE_OK ? 0 : node_fail(l, rc);
}

/* Bring the in-memory right edge in line with the store as tx sees it: after a rollback
 * (dirty) or when another process appended. */
static int
sync_log(struct evidence_ledger *l, struct store_tx *tx, struct error *err)
{
    int64_t size = 0;
    int rc = l->st->ops->merkle_size(tx, &size, err);

    if (rc != STORE_OK)
        return rc;
    l->tx = tx;
    if (!l->dirty && (uint64_t)size == merkle_log_size(evidence_sealer_log(l->sealer)))
        return STORE_OK;
    l->store_rc = STORE_ERROR;
    if (evidence_sealer_reset_log(l->sealer, (uint64_t)size, err) != 0)
        return l->store_rc;
    l->dirty = false;
    return STORE_OK;
}

/* ---- opening ---- */

static int
open_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct evidence_ledger *l = arg;
    l->dirty = true;
    return sync_log(l, tx, err);
}

int
evidence_ledger_open(struct store *st, const char *cert_path, const char *key_path,
                     const char *password_file, struct evidence_ledger **out, struct error *err)
{
    struct evidence_ledger *l = mem_calloc(1, sizeof(*l));
    struct merkle_store ms = {.ctx = l, .get = node_get, .put = node_put};

    l->st = st;
    l->fail_after = -1;
    pthread_mutex_init(&l->mu, NULL);
    /* The sealer opens an empty log; its edge is then read from the store. */
    if (evidence_sealer_new(cert_path, key_path, password_file, &ms, 0, &l->sealer, err) != 0 ||
        store_run(st, STORE_TX_READ, open_fn, l, err) != STORE_OK) {
        evidence_ledger_free(l);
        return -1;
    }
    l->tx = NULL;
    *out = l;
    return 0;
}

int
evidence_ledger_from_config(const struct config *cfg, struct store *st,
                            struct evidence_ledger **out, struct error *err)
{
    const char *cert = config_str(cfg, "evidence", "seal_cert");
    const char *key = config_str(cfg, "evidence", "seal_key");

    if (cert[0] == '\0' || key[0] == '\0')
        return error_set(err, "seal_missing",
                         "faltan el certificado y la llave de sello (evidence.seal_cert, "
                         "evidence.seal_key)");
    return evidence_ledger_open(st, cert, key,
                                config_str(cfg, "evidence", "seal_key_password_file"), out, err);
}

void
evidence_ledger_free(struct evidence_ledger *l)
{
    if (l == NULL)
        return;
    evidence_sealer_free(l->sealer);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

struct evidence_sealer *
evidence_ledger_sealer(struct evidence_ledger *l)
{
    return l->sealer;
}

void
evidence__ledger_fail_after(struct evidence_ledger *l, long puts)
{
    l->fail_after = puts;
}

/* ---- issuing ---- */

/* Receipt kinds of the evidence layer as the store records them. */
static enum store_receipt_kind
store_kind(enum evidence_kind k)
{
    static const enum store_receipt_kind map[EVIDENCE_KIND_COUNT] = {
        [EVIDENCE_CONTACT_REGISTRATION] = STORE_RECEIPT_CONTACTS,
        [EVIDENCE_CONTACT_VALIDATION] = STORE_RECEIPT_VALIDATION,
        [EVIDENCE_TERMS_SIGNED] = STORE_RECEIPT_TERMS,
        [EVIDENCE_FILING_RECEIVED] = STORE_RECEIPT_FILING,
        [EVIDENCE_AVISO_SENT] = STORE_RECEIPT_AVISO,
        [EVIDENCE_NOTIFICATION_OPENED] = STORE_RECEIPT_OPENED,
        [EVIDENCE_DEEMED_NOTIFICATION] = STORE_RECEIPT_DEEMED,
        [EVIDENCE_ESTRADOS_PUBLICATION] = STORE_RECEIPT_ESTRADOS,
        [EVIDENCE_AUTHORIZATION_GRANTED] = STORE_RECEIPT_AUTHORIZATION,
        [EVIDENCE_AUTHORIZATION_REVOKED] = STORE_RECEIPT_AUTHORIZATION,
        [EVIDENCE_CLARIFICATION_FILED] = STORE_RECEIPT_CLARIFICATION,
    };

    /* Out of range (evidence_receipt_check refuses it first): 0, a kind the store refuses. */
    return (unsigned)k < EVIDENCE_KIND_COUNT ? map[k] : (enum store_receipt_kind)0;
}

struct issue_job {
    struct evidence_ledger *l;
    struct evidence_receipt *r;
    int64_t subject_id, legal_at, now_us;
    int64_t pending_id; /* 0: none */
    struct evidence_sealed sealed;
};

static int
insert_row(struct store_tx *tx, struct issue_job *j, struct error *err)
{
    const struct store_ops *ops = j->l->st->ops;
    struct store_receipt row = {.kind = store_kind(j->r->kind),
                                .subject_id = j->subject_id,
                                .issued_at = j->r->issued_us,
                                .legal_at = j->legal_at,
                                .cadena = j->sealed.cadena,
                                .leaf_index = (int64_t)j->sealed.leaf_index};
    int rc;

    if (strlen(j->r->rfc) > STORE_RFC_MAX || strlen(j->sealed.sello) > STORE_SIGNATURE_MAX ||
        strlen(j->r->seal_cert_number) > STORE_CERT_NUMBER_MAX) {
        error_set(err, "store_too_long", "un campo del acuse excede lo que guarda el almacén");
        return STORE_INVALID;
    }
    memcpy(row.folio, j->r->folio, strlen(j->r->folio) + 1);
    memcpy(row.rfc, j->r->rfc, strlen(j->r->rfc) + 1);
    memcpy(row.sello, j->sealed.sello, strlen(j->sealed.sello) + 1);
    memcpy(row.cert_number, j->r->seal_cert_number, strlen(j->r->seal_cert_number) + 1);
    rc = ops->receipt_insert(tx, &row, err);
    if (rc == STORE_OK && j->pending_id != 0)
        rc = ops->receipt_pending_delete(tx, j->pending_id, err);
    return rc;
}

/* The steps of design.md section 7 inside tx: folio, cadena and sello, leaf and nodes, row. */
static int
seal_in(struct store_tx *tx, struct issue_job *j, struct error *err)
{
    struct evidence_ledger *l = j->l;
    int year = evidence__issue_year(j->now_us);
    int64_t seq = 0;
    int rc;

    evidence_sealed_cleanup(&j->sealed); /* from an attempt the runner is repeating */
    rc = sync_log(l, tx, err);
    if (rc == STORE_OK)
        rc = l->st->ops->folio_next(tx, year, &seq, err);
    if (rc != STORE_OK)
        return rc;
    if (folio_encode((unsigned)year, (uint64_t)seq, j->r->folio, err) != 0)
        return STORE_INVALID;

    l->dirty = true; /* until the commit returns, the log in memory may be ahead */
    l->store_rc = 0;
    if (evidence_seal(l->sealer, j->r, j->now_us, &j->sealed, err) != 0)
        return l->store_rc < 0 ? l->store_rc : STORE_INVALID;
    return insert_row(tx, j, err);
}

static int
issue_fn(struct store_tx *tx, void *arg, struct error *err)
{
    return seal_in(tx, arg, err);
}

/* Run job in its own transaction; on success the log is committed as it is in memory. */
static int
issue_run(struct issue_job *j, int (*fn)(struct store_tx *, void *, struct error *), void *arg,
          struct error *err)
{
    struct evidence_ledger *l = j->l;
    int rc = store_run(l->st, STORE_TX_WRITE, fn, arg, err);

    l->tx = NULL;
    if (rc == STORE_OK) {
        l->dirty = false;
        return STORE_OK;
    }
    l->dirty = true;
    evidence_sealed_cleanup(&j->sealed);
    if (j->r != NULL)
        j->r->folio[0] = '\0';
    return rc;
}

int
evidence_issue(struct evidence_ledger *l, struct evidence_receipt *r, int64_t subject_id,
               int64_t legal_at, int64_t now_us, struct evidence_sealed *out, struct error *err)
{
    struct issue_job j = {
        .l = l, .r = r, .subject_id = subject_id, .legal_at = legal_at, .now_us = now_us};
    int rc;

    pthread_mutex_lock(&l->mu);
    rc = issue_run(&j, issue_fn, &j, err);
    pthread_mutex_unlock(&l->mu);
    if (rc == STORE_OK)
        *out = j.sealed;
    return rc;
}

int
evidence_issue_pending(struct evidence_ledger *l, int64_t pending_id, struct evidence_receipt *r,
                       int64_t subject_id, int64_t legal_at, int64_t now_us,
                       struct evidence_sealed *out, struct error *err)
{
    struct issue_job j = {.l = l,
                          .r = r,
                          .subject_id = subject_id,
                          .legal_at = legal_at,
                          .now_us = now_us,
                          .pending_id = pending_id};
    int rc;

    if (pending_id <= 0)
        return error_set(err, "receipt_invalid", "falta la marca del acuse pendiente");
    pthread_mutex_lock(&l->mu);
    rc = issue_run(&j, issue_fn, &j, err);
    pthread_mutex_unlock(&l->mu);
    if (rc == STORE_NOT_FOUND)
        error_set(err, "receipt_pending_gone", "otro proceso ya selló el acuse pendiente");
    if (rc == STORE_OK)
        *out = j.sealed;
    return rc;
}

/* ---- pending receipts ---- */

int
evidence_pending_add(struct store_tx *tx, const struct evidence_receipt *r, int64_t subject_id,
                     int64_t legal_at, int64_t now_us, int64_t *pending_id, struct error *err)
{
    struct store_receipt_pending p = {.kind = store_kind(r->kind),
                                      .subject_id = subject_id,
                                      .legal_at = legal_at,
                                      .created_at = now_us};
    int rc;

    if (evidence_receipt_check(r, 0, err) != 0 ||
        evidence__receipt_json(r, &p.request_json, err) != 0)
        return -1;
    rc = store_tx_store(tx)->ops->receipt_pending_insert(tx, &p, err);
    free(p.request_json);
    if (rc != STORE_OK)
        return rc;
    if (pending_id != NULL)
        *pending_id = p.id;
    return 0;
}

struct pending_job {
    struct issue_job base;
    struct evidence_receipt receipt;
    int64_t after_id, id;
    bool malformed;
};

/* Take the oldest pending mark after after_id and seal it, deleting the mark. */
static int
pending_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct pending_job *j = arg;
    struct store_receipt_pending *items = NULL;
    size_t n = 0;
    int rc;

    j->id = 0;
    j->malformed = false;
    evidence_receipt_cleanup(&j->receipt);
    rc = store_tx_store(tx)->ops->receipt_pending_list(tx, j->after_id, 1, &items, &n, err);
    if (rc != STORE_OK || n == 0)
        goto out;
    j->id = items[0].id;
    if (evidence__receipt_parse(items[0].request_json, &j->receipt, err) != 0) {
        j->malformed = true;
        rc = STORE_INVALID;
        goto out;
    }
    j->base.r = &j->receipt;
    j->base.subject_id = items[0].subject_id;
    j->base.legal_at = items[0].legal_at;
    j->base.pending_id = items[0].id;
    rc = seal_in(tx, &j->base, err);

out:
    store_receipt_pending_list_free(items, n);
    return rc;
}

int
evidence_complete_pending(struct evidence_ledger *l, int64_t now_us, size_t *sealed,
                          struct error *err)
{
    struct pending_job j = {.base = {.l = l, .now_us = now_us}};
    struct error first = {0};
    size_t done = 0;
    int rc, failed = 0;

    pthread_mutex_lock(&l->mu);
    for (;;) {
        struct error e = {0};

        rc = issue_run(&j.base, pending_fn, &j, &e);
        evidence_sealed_cleanup(&j.base.sealed);
        if (rc == STORE_OK && j.id == 0)
            break;
        if (rc == STORE_OK)
            done++;
        else if (j.id == 0) { /* the list itself failed */
            first = e;
            failed = 1;
            break;
        } else if (rc != STORE_NOT_FOUND && !failed) { /* NOT_FOUND: another worker sealed it */
            first = e;
            failed = 1;
        }
        j.after_id = j.id;
    }
    evidence_receipt_cleanup(&j.receipt);
    pthread_mutex_unlock(&l->mu);
    if (sealed != NULL)
        *sealed = done;
    if (failed && err != NULL)
        *err = first;
    return failed ? -1 : 0;
}

/* ---- signed tree heads ---- */

struct head_job {
    struct evidence_ledger *l;
    int64_t now_us;
    long long interval_s;
    struct store_tree_head row;
    bool have, fresh;
};

static int
sign_head(struct store_tx *tx, struct head_job *j, struct error *err)
{
    struct evidence_sealer *s = j->l->sealer;
    struct merkle_tree_head sth;
    const char *number = crypto_cert_number(evidence_sealer_cert(s));
    int rc = STORE_INVALID;

    if (evidence_sealer_tree_head(s, j->now_us, &sth, err) != 0)
        return j->l->store_rc < 0 ? j->l->store_rc : STORE_ERROR;
    if (strlen(sth.signature) <= STORE_SIGNATURE_MAX && strlen(number) <= STORE_CERT_NUMBER_MAX) {
        memset(&j->row, 0, sizeof(j->row));
        j->row.tree_size = (int64_t)sth.size;
        memcpy(j->row.root_hash, sth.root, MERKLE_HASH_LEN);
        j->row.signed_at = sth.timestamp_us;
        memcpy(j->row.signature, sth.signature, strlen(sth.signature) + 1);
        memcpy(j->row.cert_number, number, strlen(number) + 1);
        rc = j->l->st->ops->tree_head_insert(tx, &j->row, err);
        /* Another node signed this size first: run again, and its head is the latest. */
        if (rc == STORE_DUPLICATE)
            rc = STORE_CONFLICT;
    } else
        error_set(err, "store_too_long", "la firma de la cabeza del árbol excede el almacén");
    merkle_tree_head_cleanup(&sth);
    return rc;
}

static int
head_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct head_job *j = arg;
    struct merkle_tree_head last = {0};
    uint64_t size;
    int rc = sync_log(j->l, tx, err);

    j->fresh = false;
    if (rc == STORE_OK)
        rc = j->l->st->ops->tree_head_latest(tx, &j->row, err);
    j->have = rc == STORE_OK;
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        rc = STORE_OK;
    }
    if (rc != STORE_OK)
        return rc;

    size = merkle_log_size(evidence_sealer_log(j->l->sealer));
    last.size = j->have ? (uint64_t)j->row.tree_size : 0;
    last.timestamp_us = j->have ? j->row.signed_at : 0;
    if (size <= last.size || (j->have && j->interval_s >= 0 &&
                              !evidence_tree_head_due(&last, size, j->now_us, j->interval_s)))
        return STORE_OK;
    rc = sign_head(tx, j, err);
    j->have = j->fresh = rc == STORE_OK;
    return rc;
}

static int
tree_head_locked(struct evidence_ledger *l, int64_t now_us, long long interval_s,
                 struct merkle_tree_head *sth, bool *fresh, struct error *err)
{
    struct head_job j = {.l = l, .now_us = now_us, .interval_s = interval_s};
    int rc = store_run(l->st, STORE_TX_WRITE, head_fn, &j, err);

    l->tx = NULL;
    memset(sth, 0, sizeof(*sth));
    if (fresh != NULL)
        *fresh = rc == STORE_OK && j.fresh;
    if (rc != STORE_OK) {
        l->dirty = true;
        return rc;
    }
    if (!j.have) {
        error_set(err, "tree_head_none", "el registro de transparencia aún no tiene acuses");
        return STORE_NOT_FOUND;
    }
    sth->size = (uint64_t)j.row.tree_size;
    sth->timestamp_us = j.row.signed_at;
    memcpy(sth->root, j.row.root_hash, MERKLE_HASH_LEN);
    sth->signature = mem_strdup(j.row.signature);
    return STORE_OK;
}

int
evidence_ledger_tree_head(struct evidence_ledger *l, int64_t now_us, long long interval_s,
                          struct merkle_tree_head *sth, bool *fresh, struct error *err)
{
    int rc;

    pthread_mutex_lock(&l->mu);
    rc = tree_head_locked(l, now_us, interval_s, sth, fresh, err);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

/* ---- bundles of stored receipts ---- */

struct bundle_job {
    struct evidence_ledger *l;
    const char *folio;
    struct store_receipt row;
    struct store_tree_head head;
    bool need_head;
    char *json;
};

static int
bundle_from_rows(struct bundle_job *j, struct error *err)
{
    struct evidence_receipt r;
    struct evidence_sealed sealed = {.cadena = j->row.cadena,
                                     .cadena_len = strlen(j->row.cadena),
                                     .sello = j->row.sello,
                                     .leaf_index = (uint64_t)j->row.leaf_index};
    struct merkle_tree_head sth = {.size = (uint64_t)j->head.tree_size,
                                   .timestamp_us = j->head.signed_at,
                                   .signature = j->head.signature};
    int rc;

    memcpy(sth.root, j->head.root_hash, MERKLE_HASH_LEN);
    if (evidence_cadena_parse(j->row.cadena, &r, err) != 0)
        return STORE_ERROR;
    j->l->store_rc = 0;
    rc = evidence_bundle_make(j->l->sealer, &r, &sealed, &sth, &j->json, err);
    evidence_receipt_cleanup(&r);
    if (rc != 0)
        return j->l->store_rc < 0 ? j->l->store_rc : STORE_ERROR;
    return STORE_OK;
}

static int
bundle_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct bundle_job *j = arg;
    const struct store_ops *ops = j->l->st->ops;
    int rc = sync_log(j->l, tx, err);

    store_receipt_cleanup(&j->row);
    free(j->json);
    j->json = NULL;
    j->need_head = false;
    if (rc == STORE_OK)
        rc = ops->receipt_get(tx, j->folio, &j->row, err);
    if (rc == STORE_NOT_FOUND)
        error_set(err, "receipt_not_found", "no existe un acuse con el folio %s", j->folio);
    if (rc == STORE_OK && j->row.leaf_index < 0) {
        error_set(err, "receipt_unlogged", "el acuse %s no está en el registro", j->folio);
        rc = STORE_ERROR;
    }
    if (rc != STORE_OK)
        return rc;

    rc = ops->tree_head_latest(tx, &j->head, err);
    if (rc == STORE_NOT_FOUND || (rc == STORE_OK && j->head.tree_size <= j->row.leaf_index)) {
        error_clear(err);
        j->need_head = true;
        return STORE_OK;
    }
    return rc != STORE_OK ? rc : bundle_from_rows(j, err);
}

int
evidence_ledger_bundle(struct evidence_ledger *l, const char *folio, int64_t now_us, char **json,
                       struct error *err)
{
    struct bundle_job j = {.l = l, .folio = folio};
    int rc;

    pthread_mutex_lock(&l->mu);
    for (int round = 0; round < 2; round++) {
        struct merkle_tree_head sth;

        rc = store_run(l->st, STORE_TX_READ, bundle_fn, &j, err);
        l->tx = NULL;
        if (rc != STORE_OK || !j.need_head)
            break;
        /* No head contains the leaf yet: sign one now (on demand), then read again. */
        rc = tree_head_locked(l, now_us, -1, &sth, NULL, err);
        merkle_tree_head_cleanup(&sth);
        if (rc != STORE_OK)
            break;
    }
    if (rc != STORE_OK)
        l->dirty = true;
    pthread_mutex_unlock(&l->mu);
    store_receipt_cleanup(&j.row);
    if (rc == STORE_OK && j.json == NULL) {
        error_set(err, "tree_head_none", "no hay una cabeza firmada que contenga el acuse");
        rc = STORE_ERROR;
    }
    if (rc == STORE_OK)
        *json = j.json;
    else
        free(j.json);
    return rc;
}

/* terms.c - the terms and conditions and their signature with e.firma (terms.h). */
#include "app/terms.h"

#include "app/efirma.h"
#include "app/mailbox.h"
#include "base/log.h"
#include "core/sha256.h"
#include "crypto/cert.h"
#include "evidence/ledger.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { US = 1000000 };

static const struct app_efirma_codes terms_codes = {
    .invalid = "terms_certificate_invalid",
    .csd = "terms_certificate_csd",
    .expired = "terms_certificate_expired",
    .untrusted = "terms_certificate_untrusted",
    .revoked = "terms_certificate_revoked",
    .revocation_unavailable = "terms_revocation_unavailable",
    .signature_invalid = "terms_signature_invalid",
    .rfc_mismatch = "terms_certificate_rfc_mismatch",
    .purpose = "para firmar los términos y condiciones",
};

const struct app_terms *
app_terms_current(const struct app *a)
{
    return &a->terms;
}

/* The mailbox's state allows signing: contacts confirmed (5.2), terms not signed yet. */
static int
check_state(enum store_mailbox_state st, struct error *err)
{
    if (st == STORE_MAILBOX_ENABLED || st == STORE_MAILBOX_ENABLED_2020)
        return error_set(err, "terms_already_signed",
                         "su Buzón IMSS ya está habilitado; los términos y condiciones ya "
                         "constan firmados");
    if (st != STORE_MAILBOX_CONTACTS_CONFIRMED)
        return error_set(err, "terms_contacts_pending",
                         "antes de firmar los términos y condiciones registre y confirme sus "
                         "medios de contacto (correo electrónico y teléfono móvil)");
    return 0;
}

struct state_ctx {
    const char *rfc;
    enum store_mailbox_state st;
};

static int
state_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct state_ctx *c = arg;
    struct store_particular p;
    int rc = store_tx_store(tx)->ops->particular_get_by_rfc(tx, c->rfc, &p, err);

    c->st = STORE_MAILBOX_NOT_ENABLED;
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return STORE_OK;
    }
    if (rc == STORE_OK)
        c->st = p.mailbox_state;
    return rc;
}

/* The request's fields, before any cryptography: presence, version and hash, instant. */
static int
check_fields(const struct app *a, const struct app_terms_request *rq, int64_t now_s,
             struct error *err)
{
    int64_t instant = 0;

    if (rq->version == NULL || rq->sha256 == NULL || rq->instant == NULL ||
        rq->certificate == NULL || rq->signature == NULL)
        return error_set(err, "terms_request_invalid",
                         "la firma de los términos debe traer version, sha256, instant, "
                         "certificate y signature");
    if (strcmp(rq->version, a->terms.version) != 0 || strcmp(rq->sha256, a->terms.sha256) != 0)
        return error_set(err, "terms_version_stale",
                         "los términos y condiciones firmados no son los vigentes (versión %s); "
                         "vuelva a leerlos y fírmelos de nuevo",
                         a->terms.version);
    if (app_parse_instant(rq->instant, &instant) != 0)
        return error_set(err, "terms_instant_invalid",
                         "el instante firmado debe escribirse en UTC como AAAA-MM-DDTHH:MM:SSZ");
    if (instant > now_s + APP_CLOCK_SKEW_S || instant < now_s - APP_CLOCK_SKEW_S)
        return error_set(err, "terms_instant_invalid",
                         "el instante firmado (%s) no corresponde a la hora actual; revise el "
                         "reloj de su equipo",
                         rq->instant);
    return 0;
}

struct sign_ctx {
    struct app *a;
    const char *rfc;
    const char *version;
    const char *signature;
    const char *cert_number;
    int64_t now;
    struct store_particular p;
    int64_t terms_id;
    int64_t pending_id;
    struct evidence_receipt r; /* the receipt, marked pending with the act */
};

/* The receipt of the signature (5.3): the text's SHA-256, the version, the signer. */
static void
build_receipt(const struct app *a, struct sign_ctx *c)
{
    uint8_t digest[SHA256_LEN];
    char doc[48];

    evidence_receipt_cleanup(&c->r); /* from an attempt the runner is repeating */
    sha256(a->terms.text, a->terms.len, digest);
    snprintf(doc, sizeof(doc), "terminos-%s.txt", a->terms.version);
    evidence_receipt_init(&c->r, EVIDENCE_TERMS_SIGNED, c->rfc, c->p.legal_zone);
    evidence_receipt_add_reference(&c->r, "terminos_version", a->terms.version);
    evidence_receipt_add_instant(&c->r, "firma", c->now);
    evidence_receipt_add_document(&c->r, doc, digest);
    evidence_receipt_set_signer(&c->r, c->cert_number);
}

/* One transaction: the acceptance, the enabled mailbox and the mark of its pending receipt
 * together, or none of them. */
static int
sign_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct sign_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_terms t = {0};
    int rc = app_particular_ensure(c->a, tx, c->rfc, NULL, c->now, &c->p, err);

    if (rc != STORE_OK)
        return rc;
    /* Again inside the transaction: another request may have signed in the meantime. */
    if (check_state(c->p.mailbox_state, err) != 0)
        return STORE_INVALID; /* rolls back; err says why */

    t.particular_id = c->p.id;
    snprintf(t.version, sizeof(t.version), "%s", c->version);
    t.signed_at = c->now;
    snprintf(t.cert_number, sizeof(t.cert_number), "%s", c->cert_number);
    if (strlen(c->signature) >= sizeof(t.signature)) {
        error_set(err, "terms_signature_invalid", "la firma es demasiado larga");
        return STORE_INVALID;
    }
    snprintf(t.signature, sizeof(t.signature), "%s", c->signature);
    rc = ops->terms_insert(tx, &t, err);
    if (rc != STORE_OK)
        return rc;
    c->terms_id = t.id;
    rc = ops->particular_set_mailbox(tx, c->p.id, STORE_MAILBOX_ENABLED, c->now, c->now, err);
    if (rc != STORE_OK)
        return rc;
    build_receipt(c->a, c);
    return evidence_pending_add(tx, &c->r, c->terms_id, c->now, c->now, &c->pending_id, err);
}

/* Seal the pending receipt now, so the answer carries its folio. */
static int
issue_receipt(struct app *a, struct sign_ctx *c, struct app_receipt_ref *out, struct error *err)
{
    struct evidence_sealed sealed = {0};
    int rc = evidence_issue_pending(a->ledger, c->pending_id, &c->r, c->terms_id, c->now, c->now,
                                    &sealed, err);

    if (rc == 0) {
        snprintf(out->folio, sizeof(out->folio), "%s", c->r.folio);
        snprintf(out->kind, sizeof(out->kind), "%s", evidence_kind_spec(c->r.kind)->code);
    }
    evidence_sealed_cleanup(&sealed);
    return rc;
}

int
app_terms_sign(struct app *a, const struct app_actor *who, const struct app_terms_request *rq,
               struct app_receipt_ref *receipt, struct error *err)
{
    struct app_target target = {who != NULL ? who->rfc : NULL, NULL};
    struct state_ctx st = {0};
    struct sign_ctx c = {0};
    struct crypto_cert *cert = NULL;
    char canonical[256];
    int64_t now = app_now(a);
    int n, rc;

    memset(receipt, 0, sizeof(*receipt));
    if (app_authorize(who, APP_ACTION_TERMS_SIGN, &target, NULL, err) != 0)
        return -1;
    if (a->trust == NULL)
        return error_set(err, "terms_unavailable",
                         "la firma con e.firma no está configurada en este servidor "
                         "(efirma.trust_dir)");
    if (a->ledger == NULL)
        return error_set(err, "receipts_unavailable",
                         "este servidor no puede emitir acuses (evidence.seal_cert); intente "
                         "más tarde");

    /* Cheap refusals first: the state, then the fields; the e.firma last. */
    st.rfc = who->rfc;
    rc = store_run(a->store, STORE_TX_READ, state_tx, &st, err);
    if (rc != STORE_OK)
        return rc;
    if (check_state(st.st, err) != 0 || check_fields(a, rq, now / US, err) != 0)
        return -1;

    n = snprintf(canonical, sizeof(canonical), APP_TERMS_CANONICAL, rq->version, rq->sha256,
                 who->rfc, rq->instant);
    if (n < 0 || (size_t)n >= sizeof(canonical))
        return error_set(err, "terms_request_invalid", "la cadena firmada es demasiado larga");
    if (app_efirma_verify(a, &terms_codes, rq->certificate, who->rfc, canonical, (size_t)n,
                          rq->signature, now / US, &cert, err) != 0) {
        crypto_cert_free(cert);
        return -1;
    }

    c.a = a;
    c.rfc = who->rfc;
    c.version = rq->version;
    c.signature = rq->signature;
    c.cert_number = crypto_cert_info(cert)->number;
    c.now = now;
    rc = store_run(a->store, STORE_TX_WRITE, sign_tx, &c, err);
    if (rc != STORE_OK) {
        crypto_cert_free(cert);
        evidence_receipt_cleanup(&c.r);
        return rc == STORE_INVALID && error_is_set(err) && strncmp(err->code, "terms_", 6) == 0
                   ? -1
                   : rc;
    }

    /* Committed with its pending mark: if sealing fails now, the receipt is sealed by
     * evidence_complete_pending (`buzon serve` runs it at start-up), and the signature stands. */
    rc = issue_receipt(a, &c, receipt, err);
    if (rc != 0) {
        char hash[17];

        log_rfc_hash(who->rfc, hash);
        log_error("terms_receipt_failed", LOG_STR("rfc_hash", hash), LOG_STR("code", err->code),
                  LOG_INT("terms_id", c.terms_id), LOG_INT("pending_id", c.pending_id));
    }
    crypto_cert_free(cert);
    evidence_receipt_cleanup(&c.r);
    return rc;
}

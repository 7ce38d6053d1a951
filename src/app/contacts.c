/* contacts.c - contact means and their validation (see contacts.h). */
#include "app/contacts.h"

#include "app/mailbox.h"
#include "app/secret.h"
#include "base/log.h"
#include "core/email.h"
#include "core/ident.h"
#include "core/mem.h"
#include "core/phone.h"
#include "core/sha256.h"
#include "core/tz.h"
#include "deliver/outbox_store.h"
#include "deliver/templates.h"
#include "evidence/ledger.h"
#include "store/store.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define US           1000000LL
#define DEFAULT_ZONE "America/Mexico_City"

/* ---- randomness, hashes, encodings ---- */

/* Six decimal digits, uniform: 32-bit values from the top of the range are drawn again. */
static void
random_code(char out[APP_CONTACT_CODE_LEN + 1])
{
    const uint32_t limit = 4294000000u; /* the largest multiple of 10^6 below 2^32 */
    uint32_t v;

    do {
        app_random_bytes((uint8_t *)&v, sizeof(v));
    } while (v >= limit);
    snprintf(out, APP_CONTACT_CODE_LEN + 1, "%06u", (unsigned)(v % 1000000u));
}

static void
code_hash(const uint8_t salt[STORE_HASH_LEN], const char *code, uint8_t out[STORE_HASH_LEN])
{
    struct sha256 ctx;

    sha256_init(&ctx);
    sha256_update(&ctx, salt, STORE_HASH_LEN);
    sha256_update(&ctx, code, strlen(code));
    sha256_final(&ctx, out);
}

/* Constant time: the time taken does not depend on where the digests differ. */
static bool
same_hash(const uint8_t a[STORE_HASH_LEN], const uint8_t b[STORE_HASH_LEN])
{
    volatile uint8_t diff = 0;

    for (size_t i = 0; i < STORE_HASH_LEN; i++)
        diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

static bool
all_zero(const uint8_t h[STORE_HASH_LEN])
{
    static const uint8_t zero[STORE_HASH_LEN];

    return same_hash(h, zero);
}

/*
 * An instant as Central Mexico time for the messages (Lineamientos 5.7), "03/12/2026 12:22",
 * by the zone rules of the tz database. Without the database: UTC-6, the zone's offset all
 * year since 30 Oct 2022 (every instant this program handles is later).
 */
static void
centro_text(const struct app *a, int64_t us, char out[32])
{
    time_t t = (time_t)(us / US);
    struct tm tm;

    t = a->centro != NULL ? (time_t)tz_to_local(a->centro, (int64_t)t) : t - 6 * 3600;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%d/%m/%Y %H:%M", &tm);
}

static void
to_view(const struct app *a, const struct store_contact *c, struct app_contact *v)
{
    memset(v, 0, sizeof(*v));
    v->id = c->id;
    v->kind = (enum app_contact_kind)c->kind;
    snprintf(v->address, sizeof(v->address), "%s", c->address);
    snprintf(v->regpat, sizeof(v->regpat), "%s", c->regpat);
    v->state = (enum app_contact_state)c->state;
    v->deadline = c->deadline;
    v->confirmed_at = c->confirmed_at;
    v->attempts_left = c->state == STORE_CONTACT_PENDING && c->attempts < a->contacts.max_attempts
                           ? a->contacts.max_attempts - c->attempts
                           : 0;
}

/* ---- receipts ---- */

static void
add_medio(struct evidence_receipt *r, const struct store_contact *c)
{
    char value[STORE_ADDRESS_MAX + 40];

    snprintf(value, sizeof(value), "%s:%s%s%s",
             c->kind == STORE_CONTACT_EMAIL ? "correo" : "celular", c->address,
             c->regpat[0] != '\0' ? ":registro_patronal:" : "", c->regpat);
    evidence_receipt_add_reference(r, "medio", value);
}

/*
 * A receipt for an act on contact means: built and marked pending inside the act's
 * transaction (evidence_pending_add), sealed after the commit (evidence_issue_pending), so that
 * a crash in between leaves a mark that evidence_complete_pending (the worker) seals, and the
 * act is never without its receipt.
 */
struct pending_receipt {
    struct evidence_receipt r;
    enum evidence_kind kind;
    int64_t subject, pending_id;
};

static int
mark_receipt(struct store_tx *tx, struct pending_receipt *pr, enum evidence_kind kind,
             const struct store_particular *p, const char *signer,
             const struct store_contact *contacts, size_t n, int64_t now, struct error *err)
{
    evidence_receipt_cleanup(&pr->r); /* from a run store_run is repeating */
    evidence_receipt_init(&pr->r, kind, p->rfc, p->legal_zone[0] ? p->legal_zone : DEFAULT_ZONE);
    pr->kind = kind;
    pr->subject = 0;
    for (size_t i = 0; i < n; i++) {
        if (contacts[i].state == STORE_CONTACT_CANCELLED)
            continue;
        add_medio(&pr->r, &contacts[i]);
        if (pr->subject == 0)
            pr->subject = contacts[i].id;
    }
    evidence_receipt_add_instant(
        &pr->r, kind == EVIDENCE_CONTACT_REGISTRATION ? "registro" : "validacion", now);
    if (signer != NULL && signer[0] != '\0')
        evidence_receipt_set_signer(&pr->r, signer);
    return evidence_pending_add(tx, &pr->r, pr->subject, now, now, &pr->pending_id, err);
}

/* Seal pr after the act's commit into ref (out). When the worker sealed it first, the receipt
 * exists but its folio is unknown here: ref keeps an empty folio and the call succeeds. */
static int
seal_receipt(struct app *a, struct pending_receipt *pr, int64_t now, struct app_receipt_ref *ref,
             struct error *err)
{
    struct evidence_sealed sealed = {0};
    int rc = evidence_issue_pending(a->ledger, pr->pending_id, &pr->r, pr->subject, now, now,
                                    &sealed, err);

    if (rc == 0) {
        snprintf(ref->folio, sizeof(ref->folio), "%s", pr->r.folio);
        ref->kind = evidence_kind_spec(pr->kind)->code;
    } else if (rc == STORE_NOT_FOUND) {
        log_info("contacts_receipt_sealed_by_worker", LOG_INT("subject", pr->subject));
        error_clear(err);
        rc = 0;
    }
    evidence_sealed_cleanup(&sealed);
    return rc;
}

/* ---- registration ---- */

struct new_contact {
    struct store_contact c;
    char code[APP_CONTACT_CODE_LEN + 1];
    char key[APP_CONTACT_KEY_LEN + 1]; /* e-mail only */
};

struct register_job {
    struct app *a;
    const char *rfc;
    const char *regpat;
    int64_t now;
    struct new_contact *items;
    size_t n;
    struct store_particular p;
    const char *signer;
    struct pending_receipt receipt;
};

/* Check and normalise rq into job->items (codes and keys drawn once, before any transaction). */
static int
prepare(struct app *a, const struct app_contacts_request *rq, const char *regpat,
        struct register_job *j, struct error *err)
{
    size_t n = rq->n_emails + (rq->mobile != NULL ? 1 : 0);
    struct error why = {0};

    if (rq->n_emails < 1 || rq->n_emails > APP_CONTACTS_MAX_EMAILS)
        return error_set(err, "contacts_invalid",
                         "registre de 1 a %d correos electrónicos (numeral 5.1 de los "
                         "Lineamientos)",
                         APP_CONTACTS_MAX_EMAILS);
    if (rq->mobile == NULL && regpat[0] == '\0')
        return error_set(err, "contacts_invalid",
                         "registre un número de teléfono celular (numeral 5.1 de los "
                         "Lineamientos)");

    j->items = mem_calloc(n, sizeof(*j->items));
    for (size_t i = 0; i < n; i++) {
        struct new_contact *nc = &j->items[i];
        bool email = i < rq->n_emails;

        nc->c.kind = email ? STORE_CONTACT_EMAIL : STORE_CONTACT_MOBILE;
        if (email) {
            const char *addr = rq->emails[i] != NULL ? rq->emails[i] : "";

            if (email_check(addr, &why) != 0)
                return error_set(err, "contacts_invalid", "correo electrónico %zu: %s", i + 1,
                                 why.message);
            snprintf(nc->c.address, sizeof(nc->c.address), "%s", addr);
            for (size_t k = 0; k < i; k++) {
                if (strcasecmp(j->items[k].c.address, addr) == 0)
                    return error_set(err, "contacts_invalid",
                                     "el correo electrónico %s está repetido", addr);
            }
        } else {
            char e164[PHONE_E164_MAX];

            if (phone_normalize_mx(rq->mobile, e164, &why) != 0)
                return error_set(err, "contacts_invalid", "número celular: %s", why.message);
            snprintf(nc->c.address, sizeof(nc->c.address), "%s", e164);
        }
        snprintf(nc->c.regpat, sizeof(nc->c.regpat), "%s", regpat);
        random_code(nc->code);
        app_random_bytes(nc->c.code_salt, sizeof(nc->c.code_salt));
        code_hash(nc->c.code_salt, nc->code, nc->c.code_hash);
        if (email) {
            uint8_t key[32];

            app_random_bytes(key, sizeof(key));
            app_b64url(key, sizeof(key), nc->key);
            sha256(nc->key, strlen(nc->key), nc->c.link_hash);
            mem_wipe(key, sizeof(key));
        }
        nc->c.state = STORE_CONTACT_PENDING;
        nc->c.registered_at = j->now;
        /* Counted from now until the worker reports the message sent (message_sent). */
        nc->c.deadline = j->now + (int64_t)a->contacts.validation_hours * 3600 * US;
    }
    j->n = n;
    return 0;
}

/* The validation message of nc (in) into m (out; strings heap, deliver_message_cleanup). */
static int
validation_message(const struct app *a, const struct new_contact *nc, struct deliver_message *m,
                   struct error *err)
{
    char registro[32], limite[32], key[48], enlace[700], horas[16];
    int rc;

    memset(m, 0, sizeof(*m));
    centro_text(a, nc->c.registered_at, registro);
    centro_text(a, nc->c.deadline, limite);
    snprintf(horas, sizeof(horas), "%d", a->contacts.validation_hours);
    snprintf(key, sizeof(key), "contacto-%lld-validacion", (long long)nc->c.id);
    m->key = mem_strdup(key);
    m->address = mem_strdup(nc->c.address);

    if (nc->c.kind == STORE_CONTACT_EMAIL) {
        const struct deliver_param p[] = {{"registro", registro},
                                          {"enlace", enlace},
                                          {"codigo", nc->code},
                                          {"limite", limite},
                                          {"horas", horas}};
        const char *base = a->contacts.public_url;
        size_t len = strlen(base);

        while (len > 0 && base[len - 1] == '/')
            len--;
        snprintf(enlace, sizeof(enlace), "%.*s/confirmar?c=%lld&k=%s", (int)len, base,
                 (long long)nc->c.id, nc->key);
        m->kind = DELIVER_EMAIL;
        rc = deliver_template_render(DELIVER_TPL_VALIDATION_EMAIL, p, sizeof(p) / sizeof(p[0]),
                                     &m->subject, &m->body, err);
    } else {
        const struct deliver_param p[] = {{"codigo", nc->code}, {"limite", limite}};

        m->kind = DELIVER_SMS;
        rc = deliver_template_render(DELIVER_TPL_VALIDATION_SMS, p, sizeof(p) / sizeof(p[0]),
                                     &m->subject, &m->body, err);
    }
    return rc;
}

/* Cancel every contact of p's set regpat (in) that is not cancelled yet; *n (out) counts. */
static int
cancel_set(struct store_tx *tx, int64_t particular_id, const char *regpat, size_t *n,
           struct error *err)
{
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_contact *items = NULL;
    size_t count = 0;
    int rc = ops->contact_list(tx, particular_id, &items, &count, err);

    *n = 0;
    for (size_t i = 0; rc == STORE_OK && i < count; i++) {
        struct store_contact *c = &items[i];

        if (c->state == STORE_CONTACT_CANCELLED || strcmp(c->regpat, regpat) != 0)
            continue;
        c->state = STORE_CONTACT_CANCELLED;
        memset(c->code_salt, 0, sizeof(c->code_salt));
        memset(c->link_hash, 0, sizeof(c->link_hash));
        rc = ops->contact_update(tx, c, err);
        (*n)++;
    }
    free(items);
    return rc;
}

static int
ensure_regpat(struct store_tx *tx, const struct store_particular *p, const char *regpat,
              int64_t now, struct error *err)
{
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_regpat *items = NULL, r = {0};
    size_t n = 0;
    int rc = ops->regpat_list(tx, p->id, &items, &n, err);

    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (strcmp(items[i].regpat, regpat) == 0) {
            free(items);
            return STORE_OK;
        }
    }
    free(items);
    if (rc != STORE_OK)
        return rc;

    r.particular_id = p->id;
    snprintf(r.regpat, sizeof(r.regpat), "%s", regpat);
    r.added_at = now;
    rc = ops->regpat_insert(tx, &r, err);
    if (rc == STORE_DUPLICATE)
        return error_set(err, "contacts_invalid", "el registro patronal %s pertenece a otro RFC",
                         regpat);
    return rc;
}

static int
register_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct register_job *j = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    size_t cancelled = 0;
    int rc = app_particular_ensure(j->a, tx, j->rfc, NULL, j->now, &j->p, err);

    if (rc == STORE_OK && j->regpat[0] != '\0')
        rc = ensure_regpat(tx, &j->p, j->regpat, j->now, err);
    if (rc == STORE_OK)
        rc = cancel_set(tx, j->p.id, j->regpat, &cancelled, err);

    for (size_t i = 0; rc == STORE_OK && i < j->n; i++) {
        struct deliver_message m;

        j->items[i].c.particular_id = j->p.id;
        rc = ops->contact_insert(tx, &j->items[i].c, err);
        if (rc != STORE_OK)
            break;
        rc = validation_message(j->a, &j->items[i], &m, err);
        if (rc == 0)
            rc = deliver_store_enqueue(tx, &m, j->now, j->now, NULL, err);
        deliver_message_cleanup(&m);
    }

    /* 5.2 and 5.6: the mailbox waits for the new set to be confirmed.
     * FIXME(updating an enabled mailbox): the confirmed set was cancelled above and an enabled
     * mailbox drops to contacts_registered, then to not_enabled if the new set expires; a
     * gentler reading of 5.6 keeps the old set and the enabled state until the new set is
     * confirmed, which needs the store's contact limits to count per set. */
    if (rc == STORE_OK && j->regpat[0] == '\0') {
        rc = ops->particular_set_mailbox(tx, j->p.id, STORE_MAILBOX_CONTACTS_REGISTERED,
                                         j->p.enabled_at, j->now, err);
        j->p.mailbox_state = STORE_MAILBOX_CONTACTS_REGISTERED;
    }
    if (rc == STORE_OK) {
        struct store_contact *set = mem_calloc(j->n, sizeof(*set));

        for (size_t i = 0; i < j->n; i++)
            set[i] = j->items[i].c;
        rc = mark_receipt(tx, &j->receipt, EVIDENCE_CONTACT_REGISTRATION, &j->p, j->signer, set,
                          j->n, j->now, err);
        free(set);
    }
    return rc;
}

static void
free_items(struct new_contact *items, size_t n)
{
    if (items != NULL)
        mem_wipe(items, n * sizeof(*items));
    free(items);
}

int
app_contacts_register(struct app *a, const struct app_actor *who,
                      const struct app_contacts_request *rq, struct app_contacts_result *out,
                      struct error *err)
{
    struct app_target target = {who->rfc, NULL};
    struct register_job j = {
        .a = a, .rfc = who->rfc, .regpat = "", .now = app_now(a), .signer = who->cert_number};
    char regpat[12] = "";
    int rc;

    memset(out, 0, sizeof(*out));
    if (app_authorize(who, APP_ACTION_CONTACTS_REGISTER, &target, NULL, err) != 0)
        return -1;
    if (who->kind != APP_ACTOR_PARTICULAR)
        return error_set(
            err, "forbidden",
            "solo la persona particular titular del buzón puede registrar sus medios de contacto");
    if (a->ledger == NULL)
        return error_set(err, "receipts_unavailable",
                         "el servidor no tiene sello digital configurado; no puede emitir acuses");

    if (rq->regpat != NULL && rq->regpat[0] != '\0') {
        struct ident id;
        struct error why = {0};

        if (ident_parse_registro_patronal(rq->regpat, strlen(rq->regpat), &id, &why) != 0)
            return error_set(err, "contacts_invalid", "registro patronal: %s", why.message);
        snprintf(regpat, sizeof(regpat), "%s", id.normalized);
    }
    j.regpat = regpat;
    if (prepare(a, rq, regpat, &j, err) != 0) {
        free_items(j.items, j.n);
        return -1;
    }

    rc = store_run(a->store, STORE_TX_WRITE, register_fn, &j, err);
    if (rc != STORE_OK) {
        free_items(j.items, j.n);
        evidence_receipt_cleanup(&j.receipt.r);
        return rc;
    }

    out->contacts = mem_calloc(j.n, sizeof(*out->contacts));
    for (size_t i = 0; i < j.n; i++)
        to_view(a, &j.items[i].c, &out->contacts[i]);
    out->n = j.n;
    free_items(j.items, j.n);

    /* Committed: a failure to seal now leaves the mark to the worker, and is logged. */
    rc = seal_receipt(a, &j.receipt, j.now, &out->receipt, err);
    evidence_receipt_cleanup(&j.receipt.r);
    if (rc != 0) {
        log_error("contacts_receipt_failed", LOG_STR("code", err->code),
                  LOG_STR("detail", err->detail));
        free(out->contacts);
        memset(out, 0, sizeof(*out));
        return rc;
    }
    return 0;
}

/* ---- reading ---- */

struct list_job {
    const char *rfc;
    struct store_contact *items;
    size_t n;
};

static int
list_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct list_job *j = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_particular p;
    int rc = ops->particular_get_by_rfc(tx, j->rfc, &p, err);

    free(j->items);
    j->items = NULL;
    j->n = 0;
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return STORE_OK; /* no record yet: no contacts */
    }
    if (rc != STORE_OK)
        return rc;
    return ops->contact_list(tx, p.id, &j->items, &j->n, err);
}

int
app_contacts_list(struct app *a, const struct app_actor *who, struct app_contact **items, size_t *n,
                  struct error *err)
{
    struct app_target target = {who->rfc, NULL};
    struct list_job j = {who->rfc, NULL, 0};
    int rc;

    *items = NULL;
    *n = 0;
    if (app_authorize(who, APP_ACTION_MAILBOX_READ, &target, NULL, err) != 0)
        return -1;
    if (who->kind != APP_ACTOR_PARTICULAR)
        return error_set(err, "forbidden", "solo la persona particular consulta sus medios aquí");
    rc = store_run(a->store, STORE_TX_READ, list_fn, &j, err);
    if (rc != STORE_OK)
        return rc;
    if (j.n > 0)
        *items = mem_calloc(j.n, sizeof(**items));
    for (size_t i = 0; i < j.n; i++)
        to_view(a, &j.items[i], &(*items)[i]);
    *n = j.n;
    free(j.items);
    return 0;
}

/* ---- confirmation ---- */

enum confirm_outcome {
    CONFIRM_OK,
    CONFIRM_WRONG,     /* wrong code: an attempt used */
    CONFIRM_EXPIRED,   /* past the deadline: the set was cancelled */
    CONFIRM_EXHAUSTED, /* no attempts left */
};

struct confirm_job {
    struct app *a;
    const char *rfc; /* NULL: by link, any particular */
    int64_t id;
    const char *code; /* one of code and key */
    const char *key;
    int64_t now;
    enum confirm_outcome outcome;
    bool complete; /* this confirmation completed its set */
    struct store_particular p;
    struct store_contact contact;
    struct store_contact *set; /* the set, when complete (heap) */
    size_t n_set;
    struct pending_receipt receipt; /* when complete */
};

/* Find contact j->id and its particular into the job; *all (out, free()) the particular's
 * contacts. By session the contact must be the session's particular's. */
static int
find_contact(struct store_tx *tx, struct confirm_job *j, struct store_contact **all, size_t *n,
             struct error *err)
{
    const struct store_ops *ops = store_tx_store(tx)->ops;
    int rc;

    *all = NULL;
    *n = 0;
    rc = ops->contact_get(tx, j->id, &j->contact, err);
    if (rc == STORE_OK)
        rc = ops->particular_get(tx, j->contact.particular_id, &j->p, err);
    if (rc == STORE_OK && j->rfc != NULL && strcmp(j->p.rfc, j->rfc) != 0)
        rc = STORE_NOT_FOUND; /* another's contact: the caller learns nothing of it */
    if (rc == STORE_OK)
        rc = ops->contact_list(tx, j->p.id, all, n, err);
    return rc;
}

/* Whether every contact of c's set (in all, n) but the cancelled is confirmed. */
static bool
set_complete(const struct store_contact *all, size_t n, const char *regpat)
{
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        if (all[i].state == STORE_CONTACT_CANCELLED || strcmp(all[i].regpat, regpat) != 0)
            continue;
        if (all[i].state != STORE_CONTACT_CONFIRMED)
            return false;
        any = true;
    }
    return any;
}

/* 5.2: past the deadline the whole set goes; the RFC's own set takes the mailbox with it. */
static int
expire_set(struct store_tx *tx, struct store_particular *p, const char *regpat, int64_t now,
           struct error *err)
{
    size_t n = 0;
    int rc = cancel_set(tx, p->id, regpat, &n, err);

    if (rc == STORE_OK && regpat[0] == '\0') {
        rc = store_tx_store(tx)->ops->particular_set_mailbox(tx, p->id, STORE_MAILBOX_NOT_ENABLED,
                                                             p->enabled_at, now, err);
        p->mailbox_state = STORE_MAILBOX_NOT_ENABLED;
    }
    return rc;
}

static bool
six_digits(const char *code)
{
    if (code == NULL || strlen(code) != APP_CONTACT_CODE_LEN)
        return false;
    for (const char *p = code; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
    }
    return true;
}

/* Check the code or key of j->contact. Returns 0 when it matches, 1 for a wrong code (an
 * attempt to count), or -1 with err for a refusal that changes nothing. */
static int
check_secret(struct confirm_job *j, struct error *err)
{
    struct store_contact *c = &j->contact;
    uint8_t h[STORE_HASH_LEN];
    bool same;

    if (j->code != NULL) {
        if (c->attempts >= j->a->contacts.max_attempts)
            return error_set(err, "contact_code_exhausted",
                             "se agotaron los intentos para este medio de contacto; regístrelo de "
                             "nuevo para recibir otro código");
        if (!six_digits(j->code))
            return error_set(err, "contact_code_invalid",
                             "el código de validación tiene 6 dígitos");
        code_hash(c->code_salt, j->code, h);
        same = same_hash(h, c->code_hash) && !all_zero(c->code_salt);
        mem_wipe(h, sizeof(h));
        return same ? 0 : 1;
    }

    if (c->kind != STORE_CONTACT_EMAIL || all_zero(c->link_hash) || j->key == NULL ||
        strlen(j->key) != APP_CONTACT_KEY_LEN)
        return error_set(err, "contact_code_invalid", "el enlace de validación no es válido");
    sha256(j->key, strlen(j->key), h);
    same = same_hash(h, c->link_hash);
    return same ? 0
                : error_set(err, "contact_code_invalid", "el enlace de validación no es válido");
}

static int
confirm_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct confirm_job *j = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_contact *all = NULL, *c = &j->contact;
    size_t n = 0;
    int rc, secret;

    free(j->set);
    j->set = NULL;
    j->n_set = 0;
    j->complete = false;
    j->outcome = CONFIRM_OK;

    rc = find_contact(tx, j, &all, &n, err);
    if (rc == STORE_NOT_FOUND) {
        /* Without a session (the link) an unknown id reads as a bad link, so that ids cannot
         * be probed; with one, the particular is told plainly. */
        rc = j->key != NULL
                 ? error_set(err, "contact_code_invalid", "el enlace de validación no es válido")
                 : error_set(err, "contact_not_found",
                             "no existe ese medio de contacto en su buzón");
        goto out;
    }
    if (rc != STORE_OK)
        goto out;

    if (c->state == STORE_CONTACT_CONFIRMED) {
        rc = error_set(err, "contact_already_confirmed",
                       "este medio de contacto ya está confirmado");
        goto out;
    }
    if (c->state == STORE_CONTACT_CANCELLED) {
        rc = j->now >= c->deadline
                 ? error_set(err, "contact_expired",
                             "pasó el plazo para confirmar y el registro se canceló; "
                             "registre de nuevo sus medios de contacto")
                 : error_set(err, "contact_not_found",
                             "este medio de contacto fue reemplazado por un registro posterior");
        goto out;
    }
    if (j->now >= c->deadline) {
        j->outcome = CONFIRM_EXPIRED;
        rc = expire_set(tx, &j->p, c->regpat, j->now, err);
        goto out;
    }

    secret = check_secret(j, err);
    if (secret < 0) {
        rc = -1;
        goto out;
    }
    if (secret == 1) {
        j->outcome = CONFIRM_WRONG;
        c->attempts++;
        rc = ops->contact_update(tx, c, err);
        goto out;
    }

    /* Single use: nothing that checked the code or the link survives the confirmation. */
    c->state = STORE_CONTACT_CONFIRMED;
    c->confirmed_at = j->now;
    memset(c->code_hash, 0, sizeof(c->code_hash));
    memset(c->code_salt, 0, sizeof(c->code_salt));
    memset(c->link_hash, 0, sizeof(c->link_hash));
    rc = ops->contact_update(tx, c, err);
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (all[i].id == c->id)
            all[i] = *c;
    }
    if (rc != STORE_OK || !set_complete(all, n, c->regpat))
        goto out;

    j->complete = true;
    j->set = mem_calloc(n, sizeof(*j->set));
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i].regpat, c->regpat) == 0 && all[i].state != STORE_CONTACT_CANCELLED)
            j->set[j->n_set++] = all[i];
    }
    if (c->regpat[0] == '\0') {
        /* An enabled mailbox (5.6: contact means updated later) is enabled again: under these
         * rules when it signed the terms here, under the 2020 rules (5.4) when it was imported
         * enabled and never signed them here. */
        enum store_mailbox_state st = STORE_MAILBOX_CONTACTS_CONFIRMED;
        struct store_terms terms;

        if (j->p.enabled_at != 0) {
            rc = ops->terms_latest(tx, j->p.id, &terms, err);
            st = rc == STORE_OK ? STORE_MAILBOX_ENABLED : STORE_MAILBOX_ENABLED_2020;
            if (rc == STORE_NOT_FOUND) {
                error_clear(err);
                rc = STORE_OK;
            }
        }
        if (rc == STORE_OK)
            rc = ops->particular_set_mailbox(tx, j->p.id, st, j->p.enabled_at, j->now, err);
        j->p.mailbox_state = st;
    }
    if (rc == STORE_OK)
        rc = mark_receipt(tx, &j->receipt, EVIDENCE_CONTACT_VALIDATION, &j->p, NULL, j->set,
                          j->n_set, j->now, err);

out:
    free(all);
    return rc;
}

static int
confirm(struct app *a, struct confirm_job *j, struct app_confirm_result *out, struct error *err)
{
    int rc;

    memset(out, 0, sizeof(*out));
    j->a = a;
    j->now = app_now(a);
    if (a->ledger == NULL)
        return error_set(err, "receipts_unavailable",
                         "el servidor no tiene sello digital configurado; no puede emitir acuses");

    rc = store_run(a->store, STORE_TX_WRITE, confirm_fn, j, err);
    if (rc != STORE_OK)
        goto out;

    switch (j->outcome) {
    case CONFIRM_EXPIRED:
        rc = error_set(err, "contact_expired",
                       "pasó el plazo para confirmar y el registro se canceló; registre de "
                       "nuevo sus medios de contacto (numeral 5.2 de los Lineamientos)");
        goto out;
    case CONFIRM_WRONG: {
        int left = a->contacts.max_attempts - j->contact.attempts;

        rc = left > 0 ? error_set(err, "contact_code_invalid",
                                  "el código no es correcto; le quedan %d intentos", left)
                      : error_set(err, "contact_code_invalid",
                                  "el código no es correcto y se agotaron los intentos; registre "
                                  "de nuevo sus medios de contacto");
        goto out;
    }
    default:
        break;
    }

    to_view(a, &j->contact, &out->contact);
    out->mailbox_state = app_mailbox_state_name(j->p.mailbox_state);
    if (j->complete)
        rc = seal_receipt(a, &j->receipt, j->now, &out->receipt, err);
    if (rc != 0)
        log_error("contacts_receipt_failed", LOG_STR("code", err->code),
                  LOG_STR("detail", err->detail));

out:
    free(j->set);
    j->set = NULL;
    evidence_receipt_cleanup(&j->receipt.r);
    return rc;
}

int
app_contacts_confirm_code(struct app *a, const struct app_actor *who, int64_t id, const char *code,
                          struct app_confirm_result *out, struct error *err)
{
    struct app_target target = {who->rfc, NULL};
    struct confirm_job j = {0};

    memset(out, 0, sizeof(*out));
    if (app_authorize(who, APP_ACTION_CONTACTS_CONFIRM, &target, NULL, err) != 0)
        return -1;
    if (who->kind != APP_ACTOR_PARTICULAR)
        return error_set(err, "forbidden", "solo la persona particular confirma sus medios");
    j.rfc = who->rfc;
    j.id = id;
    j.code = code != NULL ? code : "";
    return confirm(a, &j, out, err);
}

/*
 * No actor: whoever holds the link proves control of the address, which is what 5.2 asks;
 * the key (256 random bits, only its hash stored) is the authorization, as a session token is
 * for the other routes.
 */
int
app_contacts_confirm_link(struct app *a, int64_t id, const char *key,
                          struct app_confirm_result *out, struct error *err)
{
    struct confirm_job j = {0};

    j.id = id;
    j.key = key != NULL ? key : "";
    return confirm(a, &j, out, err);
}

/* ---- the validation message sent ---- */

struct sent_job {
    int64_t id, deadline;
    bool moved;
};

static int
sent_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct sent_job *j = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_contact c;
    int rc = ops->contact_get(tx, j->id, &c, err);

    j->moved = false;
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return STORE_OK;
    }
    if (rc != STORE_OK || c.state != STORE_CONTACT_PENDING || c.deadline >= j->deadline)
        return rc;
    c.deadline = j->deadline;
    j->moved = true;
    return ops->contact_update(tx, &c, err);
}

int
app_contacts_message_sent(struct app *a, const char *key, int64_t sent_at, struct error *err)
{
    static const char prefix[] = "contacto-", suffix[] = "-validacion";
    struct sent_job j = {0, 0, false};
    const char *p = key;

    /* Exactly "contacto-ID-validacion", as validation_message writes it. */
    if (p == NULL || strncmp(p, prefix, sizeof(prefix) - 1) != 0)
        return 0;
    for (p += sizeof(prefix) - 1; *p >= '0' && *p <= '9' && j.id < INT64_MAX / 10; p++)
        j.id = j.id * 10 + (*p - '0');
    if (j.id <= 0 || strcmp(p, suffix) != 0)
        return 0;
    j.deadline = sent_at + (int64_t)a->contacts.validation_hours * 3600 * US;
    return store_run(a->store, STORE_TX_WRITE, sent_fn, &j, err);
}

/* ---- the sweep ---- */

struct sweep_job {
    int64_t particular_id;
    int64_t now;
    size_t sets;
};

static int
sweep_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct sweep_job *j = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_contact *all = NULL;
    struct store_particular p;
    size_t n = 0;
    int rc = ops->particular_get(tx, j->particular_id, &p, err);

    j->sets = 0;
    if (rc == STORE_OK)
        rc = ops->contact_list(tx, p.id, &all, &n, err);
    /* Each set with a contact past its deadline goes; a set's contacts share one deadline. */
    for (size_t i = 0; rc == STORE_OK && i < n; i++) {
        if (all[i].state != STORE_CONTACT_PENDING || all[i].deadline > j->now)
            continue;
        rc = expire_set(tx, &p, all[i].regpat, j->now, err);
        j->sets++;
        for (size_t k = i + 1; k < n; k++) {
            if (strcmp(all[k].regpat, all[i].regpat) == 0)
                all[k].state = STORE_CONTACT_CANCELLED;
        }
    }
    free(all);
    return rc;
}

struct due_job {
    int64_t now;
    int64_t *ids;
    size_t n;
};

static int
due_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct due_job *j = arg;

    free(j->ids);
    j->ids = NULL;
    return store_tx_store(tx)->ops->contact_due_particulars(tx, j->now, STORE_PAGE_MAX, &j->ids,
                                                            &j->n, err);
}

int
app_contacts_sweep(struct app *a, size_t *sets, struct error *err)
{
    struct due_job d = {app_now(a), NULL, 0};
    size_t total = 0;
    int rc = store_run(a->store, STORE_TX_READ, due_fn, &d, err);

    for (size_t i = 0; rc == STORE_OK && i < d.n; i++) {
        struct sweep_job j = {d.ids[i], d.now, 0};

        rc = store_run(a->store, STORE_TX_WRITE, sweep_fn, &j, err);
        total += j.sets;
    }
    free(d.ids);
    if (sets != NULL)
        *sets = total;
    return rc;
}

/* login.c - e.firma login by challenge and response, and sessions (login.h). */
#include "app/login.h"

#include "app/efirma.h"
#include "app/limiter.h"
#include "app/mailbox.h"
#include "app/secret.h"
#include "app/session_cache.h"
#include "base/log.h"
#include "core/mem.h"
#include "core/sha256.h"
#include "crypto/cert.h"
#include "crypto/sign.h"
#include "crypto/trust.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    RANDOM_LEN = 32, /* 256 bits for nonces and tokens */
    US = 1000000,
};

/* ---------------------------------------------------------------------------------------- */
/* Hashes                                                                                    */

static void
hash_text(const char *s, uint8_t out[SHA256_LEN])
{
    sha256(s, strlen(s), out);
}

/* The session id shown in logs and audit: the first 8 bytes of the token's hash, in hex. */
static void
session_id_of(const uint8_t token_hash[SHA256_LEN], char out[APP_SESSION_ID_LEN + 1])
{
    char hex[SHA256_HEX_LEN + 1];

    sha256_hex(token_hash, hex);
    memcpy(out, hex, APP_SESSION_ID_LEN);
    out[APP_SESSION_ID_LEN] = '\0';
}

/* ---------------------------------------------------------------------------------------- */
/* Challenge                                                                                 */

struct challenge_ctx {
    struct store_challenge c;
    bool purge;
};

static int
challenge_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct challenge_ctx *cc = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    size_t purged = 0;
    int rc = ops->challenge_insert(tx, &cc->c, err);

    /* Expired nonces and sessions are deleted now and then, so that anonymous challenges
     * cannot pile up (nothing else sweeps them yet). */
    if (rc == STORE_OK && cc->purge)
        rc = ops->session_purge(tx, cc->c.created_at, &purged, err);
    return rc;
}

int
app_login_challenge(struct app *a, const char *peer, struct app_challenge *out, struct error *err)
{
    struct challenge_ctx cc = {0};
    uint8_t raw[RANDOM_LEN + 1];
    char tail[APP_TOKEN_LEN + 1], key[APP_LIMITER_KEY_MAX + 1];
    int64_t now = app_now(a), wait = 0;

    /* Each challenge is a row: an address gets a bounded number per window. */
    snprintf(key, sizeof(key), "challenge:%s", peer != NULL ? peer : "");
    if (a->policy.max_challenges > 0 &&
        app_limiter_blocked(a->limiter, key, a->policy.max_challenges,
                            a->policy.challenge_window_s * US, now, &wait))
        return error_set(err, "challenge_rate_limited",
                         "demasiadas solicitudes de reto de inicio de sesión; espere %" PRId64
                         " segundos",
                         (wait + US - 1) / US);
    if (a->policy.max_challenges > 0)
        app_limiter_fail(a->limiter, key, now);

    /* The expiry travels in the nonce so that an expired nonce can be told from
     * a used one; changing it changes the hash, so the nonce is then unknown. */
    app_random_bytes(raw, sizeof(raw));
    app_b64url(raw, RANDOM_LEN, tail);
    out->expires_at = now + a->policy.challenge_ttl_s * US;
    snprintf(out->nonce, sizeof(out->nonce), "%" PRId64 ".%s", out->expires_at / US, tail);
    out->expires_at = out->expires_at / US * US;

    hash_text(out->nonce, cc.c.nonce_hash);
    cc.c.created_at = now;
    cc.c.expires_at = out->expires_at;
    cc.purge = raw[RANDOM_LEN] < 4; /* about one challenge in 64 */
    return store_run(a->store, STORE_TX_WRITE, challenge_tx, &cc, err);
}

/* ---------------------------------------------------------------------------------------- */
/* Checking a login request                                                                  */

/* "<seconds>.<43 base64url>": the expiry in seconds (out); -1 when malformed. */
static int
parse_nonce(const char *s, int64_t *expires_s)
{
    const char *dot = strchr(s, '.');
    int64_t v = 0;

    if (dot == NULL || dot == s || dot - s > 12 || strlen(dot + 1) != APP_TOKEN_LEN)
        return -1;
    for (const char *p = s; p < dot; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    for (const char *p = dot + 1; *p != '\0'; p++) {
        if (!app_b64url_char(*p))
            return -1;
    }
    *expires_s = v;
    return 0;
}

/* An RFC as SAT writes it: 12 or 13 of [A-Z0-9&Ñ]; the certificate's decides the rest. */
static bool
rfc_shape(const char *s)
{
    size_t n = strlen(s);

    if (n != 12 && n != 13)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '&'))
            return false;
    }
    return true;
}

/* The request's fields, before any cryptography: shapes, the nonce's life, the instant. */
static int
check_fields(const struct app *a, const struct app_login_request *rq, int64_t now,
             struct error *err)
{
    int64_t nonce_exp = 0, instant = 0, now_s = now / US;

    if (rq->certificate == NULL || rq->signature == NULL || rq->rfc == NULL ||
        rq->instant == NULL || rq->nonce == NULL || !rfc_shape(rq->rfc) ||
        parse_nonce(rq->nonce, &nonce_exp) != 0)
        return error_set(err, "login_request_invalid",
                         "la solicitud de inicio de sesión debe traer certificate, signature, "
                         "rfc (en mayúsculas), instant y el nonce tal como se emitió");
    if (app_parse_instant(rq->instant, &instant) != 0)
        return error_set(err, "login_instant_invalid",
                         "el instante firmado debe escribirse en UTC como AAAA-MM-DDTHH:MM:SSZ");

    if (nonce_exp <= now_s)
        return error_set(err, "login_nonce_expired",
                         "el reto de inicio de sesión venció; solicite uno nuevo");
    /* The instant is the client's claim of when it signed: within the nonce's
     * life, give or take the clocks' skew. */
    if (instant > now_s + APP_CLOCK_SKEW_S ||
        instant < now_s - a->policy.challenge_ttl_s - APP_CLOCK_SKEW_S)
        return error_set(err, "login_instant_invalid",
                         "el instante firmado (%s) no corresponde a la hora actual; revise el "
                         "reloj de su equipo",
                         rq->instant);
    return 0;
}

static const struct app_efirma_codes login_codes = {
    .invalid = "login_certificate_invalid",
    .csd = "login_certificate_csd",
    .expired = "login_certificate_expired",
    .untrusted = "login_certificate_untrusted",
    .revoked = "login_certificate_revoked",
    .revocation_unavailable = "login_revocation_unavailable",
    .signature_invalid = "login_signature_invalid",
    .rfc_mismatch = "login_rfc_mismatch",
    .purpose = "para iniciar sesión",
};

/* Everything but the store: fields, certificate, RFC, signature, revocation (efirma.h). */
static int
check_request(struct app *a, const struct app_login_request *rq, int64_t now,
              struct crypto_cert **cert, struct error *err)
{
    char canonical[256];
    int n;

    if (check_fields(a, rq, now, err) != 0)
        return -1;
    n = snprintf(canonical, sizeof(canonical), APP_LOGIN_CANONICAL, rq->nonce, rq->rfc,
                 rq->instant);
    if (n < 0 || (size_t)n >= sizeof(canonical))
        return error_set(err, "login_request_invalid",
                         "la cadena de inicio de sesión es "
                         "demasiado larga");
    return app_efirma_verify(a, &login_codes, rq->certificate, rq->rfc, canonical, (size_t)n,
                             rq->signature, now / US, cert, err);
}

/* ---------------------------------------------------------------------------------------- */
/* Opening the session                                                                       */

struct open_ctx {
    struct app *a;
    const struct app_login_request *rq;
    const struct crypto_cert_info *info;
    struct app_session *out;
    const uint8_t *nonce_hash;
    const uint8_t *token_hash;
    int64_t now;
};

/* Keep characters that are safe inside a JSON string without escaping. */
static void
json_safe(const char *in, char *out, size_t cap)
{
    size_t o = 0;

    for (; in != NULL && *in != '\0' && o + 1 < cap; in++) {
        char c = *in;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '.' || c == ':' || c == '-' || c == '&')
            out[o++] = c;
    }
    out[o] = '\0';
}

static int
record_login(struct store_tx *tx, struct open_ctx *c, struct error *err)
{
    struct store_audit_event e = {0};
    char peer[64], rep_rfc[IDENT_RFC_BYTES_MAX + 1], rep_curp[24], number[32], json[256];

    json_safe(c->rq->peer, peer, sizeof(peer));
    json_safe(c->info->representative_rfc, rep_rfc, sizeof(rep_rfc));
    json_safe(c->info->representative_curp, rep_curp, sizeof(rep_curp));
    json_safe(c->info->number, number, sizeof(number));
    snprintf(json, sizeof(json),
             "{\"certificate_number\":\"%s\",\"representative_rfc\":\"%s\","
             "\"representative_curp\":\"%s\",\"peer\":\"%s\"}",
             number, rep_rfc, rep_curp, peer);

    e.at = c->now;
    e.actor_kind = c->out->kind == APP_ACTOR_STAFF ? STORE_ACTOR_STAFF : STORE_ACTOR_PARTICULAR;
    e.actor_id = c->out->subject_id;
    snprintf(e.actor_name, sizeof(e.actor_name), "%s", c->out->name);
    snprintf(e.actor_ref, sizeof(e.actor_ref), "session:%s", c->out->session_id);
    snprintf(e.action, sizeof(e.action), "%s",
             c->out->kind == APP_ACTOR_STAFF ? "staff.login" : "login");
    snprintf(e.subject, sizeof(e.subject), "session:%s", c->out->session_id);
    /* An official's login concerns no particular's data. */
    if (c->out->kind != APP_ACTOR_STAFF)
        log_rfc_hash(c->rq->rfc, e.rfc_hash);
    snprintf(e.request_id, sizeof(e.request_id), "%s",
             c->rq->request_id != NULL ? c->rq->request_id : "");
    e.detail_json = json;
    return c->a->store->ops->audit_insert(tx, &e, err);
}

/* One transaction: the nonce is used at most once, and only by a session that opens. */
static int
open_session_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct open_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_session s = {0};
    struct store_particular p;
    int rc;

    rc = ops->challenge_consume(tx, c->nonce_hash, c->now, err);
    if (rc == STORE_NOT_FOUND)
        error_set(err, "login_nonce_replayed",
                  "el reto de inicio de sesión ya se usó o no fue emitido por este servidor; "
                  "solicite uno nuevo");
    if (rc != STORE_OK)
        return rc;

    if (c->rq->as_staff) {
        struct store_staff st;

        rc = ops->staff_get_by_rfc(tx, c->rq->rfc, &st, err);
        if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !st.active))
            return error_set(err, "login_not_staff",
                             "el RFC %s no corresponde a un servidor público activo del Buzón "
                             "IMSS; inicie sesión sin el modo de personal",
                             c->rq->rfc);
        if (rc != STORE_OK)
            return rc;
        c->out->kind = APP_ACTOR_STAFF;
        c->out->subject_id = st.id;
        c->out->roles = st.roles;
        snprintf(c->out->unit, sizeof(c->out->unit), "%s", st.unit);
        snprintf(c->out->name, sizeof(c->out->name), "%s", st.name);
        s.subject_kind = STORE_SUBJECT_STAFF;
    } else {
        /* Every particular has a mailbox (Lineamientos 4.1): the first login creates its record,
         * named as the certificate names its holder. */
        rc = app_particular_ensure(c->a, tx, c->rq->rfc, c->info->name, c->now, &p, err);
        if (rc != STORE_OK)
            return rc;
        c->out->kind = APP_ACTOR_PARTICULAR;
        c->out->subject_id = p.id;
        s.subject_kind = STORE_SUBJECT_PARTICULAR;
    }

    memcpy(s.token_hash, c->token_hash, STORE_HASH_LEN);
    s.subject_id = c->out->subject_id;
    snprintf(s.rfc, sizeof(s.rfc), "%s", c->rq->rfc);
    snprintf(s.cert_number, sizeof(s.cert_number), "%s", c->info->number);
    snprintf(s.representative_rfc, sizeof(s.representative_rfc), "%s", c->out->representative_rfc);
    snprintf(s.representative_curp, sizeof(s.representative_curp), "%s",
             c->out->representative_curp);
    s.created_at = c->out->created_at;
    s.expires_at = c->out->expires_at;
    rc = ops->session_insert(tx, &s, err);
    if (rc != STORE_OK)
        return rc;
    return record_login(tx, c, err);
}

static void
fill_session(struct app *a, const struct crypto_cert_info *info, const char *rfc, int64_t now,
             struct app_session *out)
{
    int64_t idle = now + a->policy.session_idle_s * US;

    out->created_at = now;
    out->max_expires_at = now + a->policy.session_max_s * US;
    out->expires_at = idle < out->max_expires_at ? idle : out->max_expires_at;
    snprintf(out->rfc, sizeof(out->rfc), "%s", rfc);
    snprintf(out->representative_rfc, sizeof(out->representative_rfc), "%s",
             info->representative_rfc);
    snprintf(out->representative_curp, sizeof(out->representative_curp), "%s",
             info->representative_curp);
    snprintf(out->cert_number, sizeof(out->cert_number), "%s", info->number);
}

static void
limiter_keys(const struct app_login_request *rq, char *by_rfc, char *by_peer, size_t cap)
{
    snprintf(by_rfc, cap, "rfc:%s", rq->rfc != NULL ? rq->rfc : "");
    snprintf(by_peer, cap, "peer:%s", rq->peer != NULL ? rq->peer : "");
}

/* Failed logins per RFC and per address: refuse before any work. */
static int
check_rate(struct app *a, const char *by_rfc, const char *by_peer, int64_t now, struct error *err)
{
    int64_t window = a->policy.failure_window_s * US, wait_rfc = 0, wait_peer = 0;
    bool blocked =
        app_limiter_blocked(a->limiter, by_rfc, a->policy.max_failures, window, now, &wait_rfc);

    blocked |=
        app_limiter_blocked(a->limiter, by_peer, a->policy.max_failures, window, now, &wait_peer);
    if (!blocked)
        return 0;
    return error_set(err, "login_rate_limited",
                     "demasiados intentos fallidos de inicio de sesión; espere %" PRId64
                     " segundos",
                     ((wait_rfc > wait_peer ? wait_rfc : wait_peer) + US - 1) / US);
}

int
app_login_complete(struct app *a, const struct app_login_request *rq, struct app_session *out,
                   struct error *err)
{
    char by_rfc[APP_LIMITER_KEY_MAX + 1], by_peer[APP_LIMITER_KEY_MAX + 1];
    uint8_t raw[RANDOM_LEN], nonce_hash[SHA256_LEN], token_hash[SHA256_LEN];
    struct crypto_cert *cert = NULL;
    struct open_ctx c = {0};
    int64_t now = app_now(a);
    int rc;

    memset(out, 0, sizeof(*out));
    limiter_keys(rq, by_rfc, by_peer, sizeof(by_rfc));
    rc = check_rate(a, by_rfc, by_peer, now, err);
    if (rc != 0)
        return rc;

    if (a->trust == NULL)
        return error_set(err, "login_unavailable",
                         "el inicio de sesión con e.firma no está configurado en este servidor "
                         "(efirma.trust_dir)");
    rc = check_request(a, rq, now, &cert, err);
    if (rc != 0)
        goto fail;

    /* The token: 256 random bits; only its hash is stored. */
    app_random_bytes(raw, sizeof(raw));
    app_b64url(raw, sizeof(raw), out->token);
    mem_wipe(raw, sizeof(raw));
    hash_text(out->token, token_hash);
    session_id_of(token_hash, out->session_id);
    hash_text(rq->nonce, nonce_hash);
    fill_session(a, crypto_cert_info(cert), rq->rfc, now, out);

    c = (struct open_ctx){a, rq, crypto_cert_info(cert), out, nonce_hash, token_hash, now};
    rc = store_run(a->store, STORE_TX_WRITE, open_session_tx, &c, err);
    if (rc != STORE_OK) {
        mem_wipe(out->token, sizeof(out->token));
        if (strcmp(err->code, "login_nonce_replayed") == 0 ||
            strcmp(err->code, "login_not_staff") == 0)
            goto fail;
        goto out;
    }
    app_limiter_reset(a->limiter, by_rfc);
    goto out;

fail:
    app_limiter_fail(a->limiter, by_rfc, now);
    app_limiter_fail(a->limiter, by_peer, now);
    rc = -1;
out:
    crypto_cert_free(cert);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* Using and ending sessions                                                                 */

struct check_ctx {
    struct app *a;
    const uint8_t *token_hash;
    struct store_session s;
    int64_t now;
    bool extended;
};

/* Extend the idle expiry: the session row is replaced with the same token and creation. */
static int
extend_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct check_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    int64_t max = c->s.created_at + c->a->policy.session_max_s * US;
    int64_t idle = c->now + c->a->policy.session_idle_s * US;
    int rc;

    rc = ops->session_get(tx, c->token_hash, c->now, &c->s, err);
    if (rc != STORE_OK)
        return rc;
    rc = ops->session_delete(tx, c->token_hash, err);
    if (rc != STORE_OK)
        return rc;
    c->s.expires_at = idle < max ? idle : max;
    return ops->session_insert(tx, &c->s, err);
}

/* The answer for a session row s (in) of token_hash: its identity and expiries into out. */
static void
session_out(const struct app *a, const uint8_t token_hash[SHA256_LEN],
            const struct store_session *s, struct app_session *out)
{
    session_id_of(token_hash, out->session_id);
    out->subject_id = s->subject_id;
    /* At every request: plain copies, no format to parse. */
    mem_strcopy(out->rfc, sizeof(out->rfc), s->rfc);
    mem_strcopy(out->representative_rfc, sizeof(out->representative_rfc), s->representative_rfc);
    mem_strcopy(out->representative_curp, sizeof(out->representative_curp), s->representative_curp);
    mem_strcopy(out->cert_number, sizeof(out->cert_number), s->cert_number);
    out->created_at = s->created_at;
    out->expires_at = s->expires_at;
    out->max_expires_at = s->created_at + a->policy.session_max_s * US;
}

/* Whether a particular's session s (in), checked lately, may be answered from memory at now:
 * neither expiry has come and no extension of the idle expiry is due yet. */
static bool
answerable_from_memory(const struct app *a, const struct store_session *s, int64_t now)
{
    int64_t idle_us = a->policy.session_idle_s * US;

    return s->subject_kind == STORE_SUBJECT_PARTICULAR && now < s->expires_at &&
           now < s->created_at + a->policy.session_max_s * US &&
           s->expires_at - now >= idle_us - idle_us / 10;
}

enum app_session_result
app_session_check(struct app *a, const char *token, struct app_session *out, struct error *err)
{
    struct check_ctx c = {.a = a, .now = app_now(a)};
    struct store_staff staff = {0};
    uint8_t token_hash[SHA256_LEN];
    struct store_tx *tx = NULL;
    int64_t idle_us = a->policy.session_idle_s * US;
    uint64_t epoch = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (token == NULL || strlen(token) != APP_TOKEN_LEN)
        return APP_SESSION_ABSENT;
    hash_text(token, token_hash);
    c.token_hash = token_hash;

    /* A particular's session read from the store within auth.session_cache_ms answers from
     * memory while it needs no write; ended on another node, it ends here at most that much
     * later. */
    if (app_session_cache_get(a->sessions, token_hash, c.now, &c.s, &epoch) &&
        answerable_from_memory(a, &c.s, c.now)) {
        out->kind = APP_ACTOR_PARTICULAR;
        session_out(a, token_hash, &c.s, out);
        return APP_SESSION_OK;
    }

    /* An official's roles, unit and activity are read afresh: a change applies at once. */
    rc = a->store->ops->begin(a->store, STORE_TX_READ, &tx, err);
    if (rc == STORE_OK) {
        rc = a->store->ops->session_get(tx, token_hash, c.now, &c.s, err);
        if (rc == STORE_OK && c.s.subject_kind == STORE_SUBJECT_STAFF)
            rc = a->store->ops->staff_get(tx, c.s.subject_id, &staff, err);
        a->store->ops->rollback(tx);
    }
    if (rc == STORE_NOT_FOUND)
        goto absent;
    if (rc != STORE_OK)
        return APP_SESSION_FAILED;
    if (c.s.subject_kind == STORE_SUBJECT_STAFF) {
        if (!staff.active)
            goto absent;
        out->kind = APP_ACTOR_STAFF;
        out->roles = staff.roles;
        snprintf(out->unit, sizeof(out->unit), "%s", staff.unit);
        snprintf(out->name, sizeof(out->name), "%s", staff.name);
    } else if (c.s.subject_kind == STORE_SUBJECT_PARTICULAR) {
        out->kind = APP_ACTOR_PARTICULAR;
    } else {
        goto absent;
    }
    if (c.now >= c.s.created_at + a->policy.session_max_s * US) {
        error_set(err, "session_expired",
                  "la sesión llegó a su duración máxima; inicie sesión de nuevo");
        return APP_SESSION_ABSENT;
    }

    /* Write only when a tenth of the idle time went by since the last extension. */
    if (c.s.expires_at - c.now < idle_us - idle_us / 10) {
        rc = store_run(a->store, STORE_TX_WRITE, extend_tx, &c, err);
        if (rc == STORE_NOT_FOUND)
            goto absent;
        if (rc != STORE_OK)
            return APP_SESSION_FAILED;
    }

    /* Officials are never kept: their roles and activity are the store's at every request. */
    if (c.s.subject_kind == STORE_SUBJECT_PARTICULAR)
        app_session_cache_put(a->sessions, &c.s, c.now, epoch);
    session_out(a, token_hash, &c.s, out);
    return APP_SESSION_OK;

absent:
    /* Unknown, ended or idle: the store cannot tell which, and the client need not know. */
    error_clear(err);
    return APP_SESSION_ABSENT;
}

struct logout_ctx {
    struct app *a;
    const uint8_t *token_hash;
    const char *session_id;
    const char *request_id;
    int64_t now;
};

static int
logout_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct logout_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_audit_event e = {0};
    struct store_session s;
    int rc;

    rc = ops->session_get(tx, c->token_hash, c->now, &s, err);
    if (rc != STORE_OK)
        return rc;
    rc = ops->session_delete(tx, c->token_hash, err);
    if (rc != STORE_OK)
        return rc;

    e.at = c->now;
    e.actor_kind =
        s.subject_kind == STORE_SUBJECT_STAFF ? STORE_ACTOR_STAFF : STORE_ACTOR_PARTICULAR;
    e.actor_id = s.subject_id;
    snprintf(e.actor_ref, sizeof(e.actor_ref), "session:%s", c->session_id);
    snprintf(e.action, sizeof(e.action), "logout");
    snprintf(e.subject, sizeof(e.subject), "session:%s", c->session_id);
    /* An official's logout concerns no particular's data. */
    if (s.subject_kind != STORE_SUBJECT_STAFF)
        log_rfc_hash(s.rfc, e.rfc_hash);
    snprintf(e.request_id, sizeof(e.request_id), "%s", c->request_id != NULL ? c->request_id : "");
    return ops->audit_insert(tx, &e, err);
}

int
app_logout(struct app *a, const char *token, const char *request_id, struct error *err)
{
    uint8_t token_hash[SHA256_LEN];
    char session_id[APP_SESSION_ID_LEN + 1];
    struct logout_ctx c = {a, token_hash, session_id, request_id, app_now(a)};
    int rc;

    if (token == NULL || strlen(token) != APP_TOKEN_LEN)
        return 0;
    hash_text(token, token_hash);
    session_id_of(token_hash, session_id);
    rc = store_run(a->store, STORE_TX_WRITE, logout_tx, &c, err);
    /* After the row is gone: a check that read it before cannot keep it in memory now. */
    app_session_cache_drop(a->sessions, token_hash);
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return 0;
    }
    return rc;
}

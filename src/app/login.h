/*
 * login.h - logging in with e.firma by challenge and response, and the sessions
 * that follow (design.md section 8; docs/authentication.md).
 *
 *  1. app_login_challenge hands out a single-use nonce that lives policy.challenge_ttl_s.
 *     Only its SHA-256 is stored. Each client address gets at most policy.max_challenges
 *     within policy.challenge_window_s (challenge_rate_limited).
 *  2. The client signs, with the private key of its e.firma (RSA-SHA256 PKCS#1 v1.5, as
 *     `buzon efirma sign` does), the canonical login string
 *
 *         ||buzon-login|1|NONCE|RFC|INSTANT||
 *
 *     (APP_LOGIN_CANONICAL) where INSTANT is UTC as YYYY-MM-DDTHH:MM:SSZ.
 *  3. app_login_complete checks the request and, when everything holds, consumes the nonce
 *     and opens a session in one transaction, records an audit event, and returns a random
 *     256-bit token (only its SHA-256 is stored).
 *  4. app_session_check turns a token into the identity of the session, extending its idle
 *     expiry; app_logout ends it. A particular's session checked in the store within
 *     policy.session_cache_ms is answered from this node's memory (app/session_cache.h) while
 *     no expiry has come and no extension is due; app_logout forgets it at once here, another
 *     node's logout applies here within that time.
 *
 * An official logs in the same way with as_staff set: the certificate's RFC must be an active
 * official (store staff), and the session then carries the official's roles and unit, read
 * afresh from the store at every check (never from memory) so that a change of roles or a
 * deactivation applies at once.
 *
 * Refusals, each with its own stable code (docs/authentication.md has the
 * table):
 *   login_rate_limited, login_request_invalid, login_instant_invalid,
 *   login_certificate_invalid, login_certificate_csd, login_certificate_expired,
 *   login_certificate_untrusted, login_certificate_revoked, login_revocation_unavailable,
 *   login_signature_invalid, login_rfc_mismatch, login_nonce_expired, login_nonce_replayed,
 *   login_not_staff (a staff login by an RFC that is no active official).
 * login_unavailable when the server has no trust store. Store failures come
 * back as their store codes.
 *
 * Thread-safety: every function may run on any thread at once.
 */
#ifndef BUZON_APP_LOGIN_H
#define BUZON_APP_LOGIN_H

#include "app/app.h"
#include "app/authz.h"
#include "core/error.h"
#include "core/ident.h"

#include <stdbool.h>
#include <stdint.h>

#define APP_LOGIN_CANONICAL "||buzon-login|1|%s|%s|%s||"

enum {
    APP_NONCE_MAX = 63,      /* "<expiry seconds>.<43 base64url characters>" */
    APP_TOKEN_LEN = 43,      /* base64url of 32 random bytes, without padding */
    APP_SESSION_ID_LEN = 16, /* hex of the first 8 bytes of the token's SHA-256 */
    APP_LOGIN_RFC_MAX = IDENT_RFC_BYTES_MAX,
    APP_LOGIN_CURP_MAX = 18,
};

struct app_challenge {
    char nonce[APP_NONCE_MAX + 1];
    int64_t expires_at; /* microseconds, UTC */
};

/*
 * Issue a login nonce for a client at peer (in, may be NULL) into out (out).
 * Returns 0, -1 with err "challenge_rate_limited" when peer asked too often,
 * or a negative store status with err filled.
 */
int app_login_challenge(struct app *a, const char *peer, struct app_challenge *out,
                        struct error *err);

/* What the client sends to log in. All strings in, NUL-terminated, borrowed. */
struct app_login_request {
    const char *certificate; /* the e.firma certificate: standard base64 of its DER */
    const char *signature;   /* standard base64 signature of the canonical login string */
    const char *rfc;         /* the RFC logging in (the company's, for a company) */
    const char *instant;     /* YYYY-MM-DDTHH:MM:SSZ, as signed */
    const char *nonce;       /* from app_login_challenge */
    const char *peer;        /* client address, for the rate limit; may be NULL */
    const char *request_id;  /* for the audit event; may be NULL */
    bool as_staff;           /* open an official's session (roles and unit) */
};

/* An open session. token is the secret: the caller hands it to the client once and wipes it. */
struct app_session {
    char token[APP_TOKEN_LEN + 1];
    char session_id[APP_SESSION_ID_LEN + 1]; /* not secret: for logs and audit */
    char rfc[APP_LOGIN_RFC_MAX + 1];
    char representative_rfc[APP_LOGIN_RFC_MAX + 1];   /* who signed for a company */
    char representative_curp[APP_LOGIN_CURP_MAX + 1]; /* idem */
    char cert_number[24];
    enum app_actor_kind kind;          /* particular or staff */
    int64_t subject_id;                /* particular id (0 before its mailbox exists), staff id */
    unsigned roles;                    /* staff: enum app_role bits */
    char unit[APP_ACTOR_UNIT_MAX + 1]; /* staff: administrative unit */
    char name[APP_ACTOR_NAME_MAX + 1]; /* staff: the official's name */
    int64_t created_at;
    int64_t expires_at;     /* idle expiry: extended on use, never past max_expires_at */
    int64_t max_expires_at; /* absolute expiry */
};

/*
 * Check rq (in) and open a session into out (out). Returns 0, or -1 with err
 * filled by one of the codes above (the failure counts against rq->rfc and
 * rq->peer), or a negative store status. Nothing changes in the store on a
 * refusal.
 */
int app_login_complete(struct app *a, const struct app_login_request *rq, struct app_session *out,
                       struct error *err);

enum app_session_result {
    APP_SESSION_OK = 0,
    APP_SESSION_ABSENT = 1, /* unknown, ended, idle or past its absolute expiry */
    APP_SESSION_FAILED = -1 /* the store failed: err filled */
};

/*
 * The session whose token (in) is given, into out (out; token left empty).
 * Extends the idle expiry when at least a tenth of it has passed since the last
 * extension (so a busy client does not write at every request). Returns an enum
 * app_session_result.
 */
enum app_session_result app_session_check(struct app *a, const char *token, struct app_session *out,
                                          struct error *err);

/*
 * End the session of token (in). Returns 0 (also when it had already ended), or
 * a negative store status with err filled.
 */
int app_logout(struct app *a, const char *token, const char *request_id, struct error *err);

#endif

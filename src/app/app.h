/*
 * app.h - the application context every use case receives: the store, the
 * e.firma trust store, the policy taken from the configuration, the clock, and
 * the in-memory state of one node (the login rate limiter, the sessions checked lately).
 *
 * Use cases live in src/app/ (design.md section 3): they decide what a caller
 * may do and own their transactions; http and cli only carry requests in and
 * answers out.
 *
 * The clock is injectable so that tests move time instead of sleeping: every
 * use case asks app_now() and never the system clock.
 *
 * Ownership: app_new copies the options' scalars and strings and keeps the store,
 * trust and ledger pointers, which the caller owns and must keep until app_free. Thread-safety:
 * an app may be shared by all server threads (the store and trust store are
 * thread-safe, the limiter and the session cache lock themselves); the now function must be
 * thread-safe.
 */
#ifndef BUZON_APP_APP_H
#define BUZON_APP_APP_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

struct store;
struct crypto_trust;
struct app_limiter;
struct app_session_cache;
struct evidence_ledger;
struct tz_zone;

/* Microseconds since the Unix epoch, UTC. */
typedef int64_t (*app_now_fn)(void *arg);

/* What the [auth] section of the configuration says (docs/configuration.md). */
struct app_policy {
    int64_t challenge_ttl_s;    /* life of a login nonce */
    int64_t session_idle_s;     /* a session unused this long ends */
    int64_t session_max_s;      /* a session ends this long after login, used or not */
    unsigned max_failures;      /* failed logins allowed per RFC and per address ... */
    int64_t failure_window_s;   /* ... in this sliding window */
    unsigned max_challenges;    /* login challenges issued per address ... */
    int64_t challenge_window_s; /* ... in this sliding window */
    int64_t api_token_days;     /* life of an API token when none is asked for */
    int64_t session_cache_ms;   /* a checked particular's session answers from memory; 0: never */
};

/* The terms and conditions offered for signature (terms.h). */
struct app_terms {
    const char *version; /* e.g. "2024-1" */
    const char *text;    /* UTF-8, exactly the bytes signed over (their SHA-256) */
    size_t len;
    char sha256[65]; /* lower-case hex of the text's SHA-256 */
};

/* Contact validation (app/contacts.h): [clock] contact_validation_hours, [contacts]. */
struct app_contacts_policy {
    int validation_hours;   /* R29: 72 */
    int max_attempts;       /* wrong codes allowed per contact */
    const char *public_url; /* base of the e-mail's link, e.g. "https://buzon.imss.gob.mx" */
};

struct app_options {
    struct store *store;           /* required */
    struct crypto_trust *trust;    /* required for logins and signed acts */
    const char *verification_base; /* base of receipts' public URLs (copied); may be NULL */
    struct app_policy policy;
    struct app_contacts_policy contacts; /* public_url is copied */
    app_now_fn now;                      /* NULL: the system clock */
    void *now_arg;
    /* Receipts (evidence/ledger.h); NULL: acts that issue one are refused with
     * "receipts_unavailable". Borrowed, kept until app_free. */
    struct evidence_ledger *ledger;
    /* R30: last day of the 180 natural days of the first transitory article, as a day number
     * (core/civil.h); 0: the legal clock's default (clock_policy_default). */
    int32_t transitional_end;
    /* The terms (copied by pointer: the strings must outlive the app); version NULL: the
     * text embedded at build time from data/terms/. */
    const char *terms_version;
    const char *terms_text;
    size_t terms_len;
    /* Administrative unit that answers requests for guidance (5.9); NULL: the central "00". */
    const char *clarification_unit;
    /* Centro time (America/Mexico_City, Lineamientos 5.7) from the tz database, borrowed; NULL:
     * a fixed UTC-06:00, right since Centro dropped DST in October 2022 only. */
    const struct tz_zone *centro;
};

struct app {
    struct store *store;
    struct crypto_trust *trust;
    struct evidence_ledger *ledger;
    char verification_base[512];
    struct app_policy policy;
    struct app_contacts_policy contacts; /* public_url owned by the app */
    app_now_fn now;
    void *now_arg;
    struct app_limiter *limiter;
    struct app_session_cache *sessions; /* NULL: policy.session_cache_ms is 0 */
    int32_t transitional_end;
    struct app_terms terms;
    char clarification_unit[32];
    const struct tz_zone *centro;
};

/* A new context for opts (in). Never NULL; release with app_free. */
struct app *app_new(const struct app_options *opts);

/* Release a (may be NULL). The store and trust store are not closed. */
void app_free(struct app *a);

/* The context's current instant, microseconds since the epoch, UTC. */
int64_t app_now(const struct app *a);

/* The system clock as an app_now_fn (arg unused). */
int64_t app_system_now(void *arg);

/*
 * Readiness for /readyz: 0 when the store answers a read transaction, or -1
 * with err filled ("store_unreachable", Spanish message). arg is a struct app.
 * Thread-safe.
 */
int app_ready(void *arg, struct error *err);

#endif

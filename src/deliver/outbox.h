/*
 * outbox.h - the outbox of avisos and validation messages, independent of where it is stored.
 *
 * A message to send (an e-mail or an SMS) is written to the outbox in the same transaction as
 * the event that needs it (contact registration, notification placed in the mailbox). A worker
 * later claims due messages, hands each to its channel (deliver/smtp.h, deliver/sms.h), and
 * records the outcome: delivered with the server's reply as evidence, retry later with
 * exponential backoff, or failed for good. docs/delivery.md explains the idempotency scheme.
 *
 * The storage is reached through struct deliver_backend, a table of functions: the store
 * implements it with FOR UPDATE SKIP LOCKED (PostgreSQL) or a transaction (SQLite);
 * deliver/outbox_memory.h implements it in memory for tests. Channels are reached through
 * struct deliver_channel, so tests can put a channel that fails on demand in their place.
 */
#ifndef BUZON_DELIVER_OUTBOX_H
#define BUZON_DELIVER_OUTBOX_H

#include "base/config.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum deliver_kind {
    DELIVER_EMAIL = 1,
    DELIVER_SMS = 2,
};

/* The bit of kind k in the kinds mask of a claim. */
#define DELIVER_KIND_BIT(k) (1u << (unsigned)(k))

enum {
    DELIVER_KEY_MAX = 100,        /* idempotency key, characters [A-Za-z0-9._-] */
    DELIVER_SUBJECT_MAX = 200,    /* octets of UTF-8 */
    DELIVER_BODY_MAX = 16384,     /* octets of UTF-8, e-mail */
    DELIVER_REPLY_MAX = 512,      /* final reply kept as evidence */
    DELIVER_TRANSCRIPT_MAX = 2048 /* the server's replies, in order */
};

/*
 * One message of the outbox. Strings are owned by the struct (heap, freed by
 * deliver_message_cleanup); the store fills them when it claims a message.
 */
struct deliver_message {
    int64_t id;              /* the store's identifier of the row */
    char *key;               /* idempotency key, unique per message: e.g. "aviso-123-email-2" */
    enum deliver_kind kind;  /* channel */
    char *address;           /* e-mail address (core/email.h) or E.164 number (core/phone.h) */
    char *subject;           /* e-mail subject; NULL for SMS */
    char *body;              /* UTF-8 text */
    int attempts;            /* attempts started so far, the current one included once claimed */
    int64_t next_attempt_us; /* UTC µs when due; in a claimed copy, the due time before claim */
    uint64_t lease_token;    /* set by claim; marks are refused unless it still matches */
    bool in_doubt;           /* claim found the previous attempt unfinished (a crash) */
};

/* Free the strings of m (in-out, may be NULL) and zero it. */
void deliver_message_cleanup(struct deliver_message *m);

/*
 * Check m (in) before it enters the outbox: key of 1-DELIVER_KEY_MAX characters [A-Za-z0-9._-];
 * an address valid for its kind; for e-mail a subject of 1-DELIVER_SUBJECT_MAX octets without
 * line breaks; a non-empty body within DELIVER_BODY_MAX (e-mail) or one SMS (deliver/sms.h).
 * Returns 0, or -1 with err: deliver_key, deliver_kind, deliver_subject, deliver_body, or the
 * address's own code from core/email.h or core/phone.h.
 */
int deliver_message_check(const struct deliver_message *m, struct error *err);

/* What a channel reports for one attempt. */
enum deliver_outcome {
    DELIVER_DELIVERED = 0, /* the server accepted it: 250 after DATA, 202 from the gateway */
    DELIVER_TRANSIENT = 1, /* try again later: 4xx, timeouts, connection refused, bad config */
    DELIVER_PERMANENT = 2, /* will never work: 5xx to the address or the content, bad number */
};

struct deliver_result {
    enum deliver_outcome outcome;
    int reply_code;                          /* last SMTP reply code or HTTP status; 0: none */
    char reply[DELIVER_REPLY_MAX];           /* final reply, e.g. "250 2.0.0 Ok: queued as X" */
    char transcript[DELIVER_TRANSCRIPT_MAX]; /* server replies, one per line (no credentials) */
    char reference[256];                     /* e-mail: the Message-ID sent, <...> */
    struct error err;                        /* why, when not delivered (Spanish message) */
};

/* Reset res (out) to an empty transient result. */
void deliver_result_init(struct deliver_result *res);

/*
 * A channel: send(ctx, msg, now_us, res) makes one attempt to send msg (in) and fills res
 * (out). It must not block past its configured timeout. Implementations: deliver/smtp.h,
 * deliver/sms.h, and fakes in tests. A channel is used by one worker thread at a time.
 */
struct deliver_channel {
    const char *name; /* "smtp", "sms": for logs and metrics */
    void (*send)(void *ctx, const struct deliver_message *msg, int64_t now_us,
                 struct deliver_result *res);
    void *ctx;
};

/*
 * Where the outbox lives. Every function returns 0, or -1 with err filled; a mark whose lease
 * token no longer matches (the lease expired and another worker took the message) fails with
 * err code "deliver_lease_lost" and changes nothing.
 *
 * claim: atomically take up to max messages that are due (next_attempt_us <= now_us) and whose
 *   kind is in the mask kinds (DELIVER_KIND_BIT of each kind the worker has a channel for;
 *   others are left untouched, attempts included, until a worker with that channel comes),
 *   oldest first, and for each: add one to attempts, set in_doubt when the previous attempt was never
 *   marked, set a fresh lease_token and move next_attempt_us to now_us + lease_us, so that a
 *   message whose worker dies becomes due again when the lease ends. Copies go to out (out,
 *   array of max; the caller cleans each with deliver_message_cleanup), each with the due time
 *   it had before the claim; *n_out their number.
 *   Two concurrent claims never return the same message while its lease runs.
 * mark_delivered: the attempt succeeded; keep res (reply, transcript, reference) as evidence.
 * mark_retry: the attempt failed but may succeed later; keep res; due again at next_us.
 * mark_failed: no more attempts; keep res.
 */
struct deliver_backend {
    void *ctx;
    int (*claim)(void *ctx, int64_t now_us, int64_t lease_us, unsigned kinds, size_t max,
                 struct deliver_message *out, size_t *n_out, struct error *err);
    int (*mark_delivered)(void *ctx, const struct deliver_message *msg,
                          const struct deliver_result *res, int64_t now_us, struct error *err);
    int (*mark_retry)(void *ctx, const struct deliver_message *msg,
                      const struct deliver_result *res, int64_t next_us, int64_t now_us,
                      struct error *err);
    int (*mark_failed)(void *ctx, const struct deliver_message *msg,
                       const struct deliver_result *res, int64_t now_us, struct error *err);
};

/* Retry policy ([deliver] max_attempts, backoff_base_s, backoff_max_s). */
struct deliver_policy {
    int max_attempts; /* attempts in all, the first included; >= 1 */
    int64_t base_us;  /* delay after the first failed attempt, before jitter */
    int64_t max_us;   /* cap of the delay, before jitter */
    int64_t lease_us; /* how long a claimed message is reserved; > any channel timeout */
    size_t batch;     /* messages claimed per pass */
};

/*
 * Delay before the next attempt after `attempts` (>= 1) failed ones: d = min(max, base *
 * 2^(attempts - 1)), then "equal jitter": d/2 plus a share of d/2 chosen by rnd (any 64-bit
 * value, uniformly random in use). The result lies in [d/2, d]: spread so that a burst of
 * failures does not retry in lockstep, yet never shorter than half the nominal delay.
 * Pure; thread-safe.
 */
int64_t deliver_backoff_us(const struct deliver_policy *p, int attempts, uint64_t rnd);

/*
 * Fill p (out) from the [deliver] keys of cfg (in): max_attempts, backoff_base_s,
 * backoff_max_s, lease_s, batch. Returns 0, or -1 with err ("deliver_policy") when the lease
 * does not exceed both channel timeouts by at least 10 seconds (a lease that ends while an
 * attempt runs would let a second worker send the same message), or backoff_max_s is below
 * backoff_base_s.
 */
int deliver_policy_load(const struct config *cfg, struct deliver_policy *p, struct error *err);

enum deliver_decision {
    DELIVER_MARK_DELIVERED,
    DELIVER_MARK_RETRY,
    DELIVER_MARK_FAILED,
};

/*
 * What to record after an attempt that ended with outcome, `attempts` having been made in all:
 * delivered stays delivered, permanent fails, transient retries until max_attempts is reached
 * and then fails. Pure; thread-safe.
 */
enum deliver_decision deliver_decide(const struct deliver_policy *p, int attempts,
                                     enum deliver_outcome outcome);

#endif

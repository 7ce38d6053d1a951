/*
 * worker.h - the loop that drains the outbox (deliver/outbox.h) through the channels.
 *
 * Each pass claims due messages from the backend, sends each through the channel of its kind,
 * and records the decision of deliver_decide(): delivered with the reply as evidence, retry at
 * now + deliver_backoff_us(), or failed. The worker logs one line per attempt (message id,
 * channel, outcome, reply code, attempt number): never the address, the text or the reply
 * text, which may contain personal data. It runs inside `buzon serve` and as `buzon worker`;
 * several workers, in one process or on several nodes, may share one backend.
 */
#ifndef BUZON_DELIVER_WORKER_H
#define BUZON_DELIVER_WORKER_H

#include "deliver/outbox.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Counters of a worker, readable from any thread (for /metrics). */
struct deliver_stats {
    atomic_uint_least64_t claimed;
    atomic_uint_least64_t delivered;
    atomic_uint_least64_t retried;
    atomic_uint_least64_t failed;
    atomic_uint_least64_t in_doubt;    /* resent after an unfinished attempt */
    atomic_uint_least64_t mark_errors; /* outcome could not be recorded (lease lost, store) */
    atomic_int_least64_t lag_us;       /* at the last pass: now - the oldest due time claimed */
    atomic_int_least64_t last_pass_us; /* when the last pass ended */
};

/*
 * A worker: one backend, a channel per kind, a policy, a clock. Fill with
 * deliver_worker_init, then set the channels. Used by one thread; stats readable by any.
 */
struct deliver_worker {
    const struct deliver_backend *backend;
    const struct deliver_channel *email; /* NULL: e-mails wait (transient) */
    const struct deliver_channel *sms;   /* NULL: SMS wait (transient) */
    struct deliver_policy policy;
    int64_t (*now_us)(void *clock_ctx); /* injectable clock; default: CLOCK_REALTIME */
    void *clock_ctx;
    uint64_t rng; /* state of the jitter generator (not for secrets) */
    struct deliver_stats stats;
};

/*
 * Initialise w (out) with backend (in, borrowed, must outlive w) and policy (in, copied), no
 * channels, the system clock, and a jitter generator seeded from the clock and the process id.
 */
void deliver_worker_init(struct deliver_worker *w, const struct deliver_backend *backend,
                         const struct deliver_policy *policy);

/*
 * One pass: claim up to policy.batch due messages and, for each, send through its channel and
 * record the decision. Messages are independent: a failure to record one is counted in
 * stats.mark_errors and the pass goes on. Writes the number of messages handled to *n_done
 * (out, may be NULL). Returns 0, or -1 with err when the claim itself failed.
 */
int deliver_worker_run_once(struct deliver_worker *w, size_t *n_done, struct error *err);

/*
 * Run passes until *stop becomes true: a pass that found nothing is followed by a sleep of
 * idle_us (checked against stop at least every 100 ms); a pass that filled its batch is
 * followed at once by the next. A failed claim is logged and retried after idle_us. Returns 0
 * when stopped.
 */
int deliver_worker_loop(struct deliver_worker *w, const atomic_bool *stop, int64_t idle_us);

/*
 * Write the counters of stats (in) into out (out, len bytes) in the Prometheus text exposition
 * format (version 0.0.4): buzon_outbox_{claimed,delivered,retried,failed,resent_in_doubt,
 * mark_errors}_total, buzon_outbox_worker_lag_seconds and
 * buzon_outbox_worker_last_pass_timestamp_seconds, each with HELP and TYPE lines, so that
 * /metrics can append them. Returns the length written, or -1 when len is too small.
 * Thread-safe with respect to the worker updating stats.
 */
int deliver_stats_prometheus(const struct deliver_stats *stats, char *out, size_t len);

#endif

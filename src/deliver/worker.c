/* worker.c - the loop that drains the outbox through the channels (see worker.h). */
#include "deliver/worker.h"

#include "base/log.h"
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const outcome_names[] = {"delivered", "transient", "permanent"};
static const char *const decision_names[] = {"delivered", "retry", "failed"};

static int64_t
system_now_us(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* splitmix64: small and good enough to spread retries; never used for secrets. */
static uint64_t
next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void
deliver_worker_init(struct deliver_worker *w, const struct deliver_backend *backend,
                    const struct deliver_policy *policy)
{
    memset(w, 0, sizeof(*w));
    w->backend = backend;
    w->policy = *policy;
    w->now_us = system_now_us;
    w->rng = (uint64_t)system_now_us(NULL) ^ ((uint64_t)getpid() << 32);
}

static const struct deliver_channel *
channel_for(const struct deliver_worker *w, enum deliver_kind kind)
{
    switch (kind) {
    case DELIVER_EMAIL:
        return w->email;
    case DELIVER_SMS:
        return w->sms;
    }
    return NULL;
}

/* One attempt: check the message again, then hand it to its channel. */
static void
attempt(struct deliver_worker *w, const struct deliver_message *m, int64_t now,
        struct deliver_result *res)
{
    const struct deliver_channel *ch = channel_for(w, m->kind);

    deliver_result_init(res);

    /* A row altered in the store must not reach a mail header: permanent, never sent. */
    if (deliver_message_check(m, &res->err) != 0) {
        res->outcome = DELIVER_PERMANENT;
        return;
    }
    /* Only a backend that ignored the kinds mask of the claim can bring us here. */
    if (ch == NULL) {
        error_set(&res->err, "deliver_channel_missing",
                  "el canal de envío no está configurado; el mensaje espera");
        return;
    }

    if (m->in_doubt) {
        /* The previous attempt was cut short (a crash between send and mark): this may be a
         * second copy. At-least-once is deliberate (docs/delivery.md, "Idempotency"). */
        atomic_fetch_add(&w->stats.in_doubt, 1);
        log_warn("deliver_resend_in_doubt", LOG_INT("message", m->id), LOG_STR("channel", ch->name),
                 LOG_INT("attempt", m->attempts));
    }
    ch->send(ch->ctx, m, now, res);
}

/* Record the decision for m; counts and logs a failure to record. */
static void
record(struct deliver_worker *w, const struct deliver_message *m, const struct deliver_result *res,
       int64_t now)
{
    const struct deliver_backend *b = w->backend;
    enum deliver_decision d = deliver_decide(&w->policy, m->attempts, res->outcome);
    int64_t next = 0;
    struct error err;
    int rc;

    error_clear(&err);
    switch (d) {
    case DELIVER_MARK_DELIVERED:
        rc = b->mark_delivered(b->ctx, m, res, now, &err);
        atomic_fetch_add(&w->stats.delivered, rc == 0);
        break;
    case DELIVER_MARK_RETRY:
        next = now + deliver_backoff_us(&w->policy, m->attempts, next_random(&w->rng));
        rc = b->mark_retry(b->ctx, m, res, next, now, &err);
        atomic_fetch_add(&w->stats.retried, rc == 0);
        break;
    default:
        rc = b->mark_failed(b->ctx, m, res, now, &err);
        atomic_fetch_add(&w->stats.failed, rc == 0);
        break;
    }

    log_event(d == DELIVER_MARK_DELIVERED ? LOG_INFO : LOG_WARN, "deliver_attempt",
              LOG_INT("message", m->id), LOG_INT("kind", m->kind), LOG_INT("attempt", m->attempts),
              LOG_STR("outcome", outcome_names[res->outcome]),
              LOG_STR("decision", decision_names[d]), LOG_INT("reply_code", res->reply_code),
              LOG_STR("error", res->err.code), LOG_STR("detail", res->err.detail),
              LOG_INT("next_us", next), LOG_END);
    if (rc != 0) {
        atomic_fetch_add(&w->stats.mark_errors, 1);
        log_error("deliver_mark_failed", LOG_INT("message", m->id), LOG_STR("error", err.code),
                  LOG_STR("detail", err.detail));
    }
}

/* The kinds this worker has a channel for: the others stay in the outbox, untouched. */
static unsigned
kinds_of(const struct deliver_worker *w)
{
    return (w->email != NULL ? DELIVER_KIND_BIT(DELIVER_EMAIL) : 0u) |
           (w->sms != NULL ? DELIVER_KIND_BIT(DELIVER_SMS) : 0u);
}

int
deliver_worker_run_once(struct deliver_worker *w, size_t *n_done, struct error *err)
{
    size_t batch = w->policy.batch > 0 ? w->policy.batch : 1;
    struct deliver_message *msgs = mem_calloc(batch, sizeof(*msgs));
    struct deliver_result *res = mem_alloc(sizeof(*res));
    int64_t now = w->now_us(w->clock_ctx);
    int64_t lag = 0;
    size_t n = 0;
    int rc;

    if (n_done != NULL)
        *n_done = 0;
    rc = w->backend->claim(w->backend->ctx, now, w->policy.lease_us, kinds_of(w), batch, msgs, &n,
                           err);
    if (rc != 0)
        goto out;
    atomic_fetch_add(&w->stats.claimed, n);

    for (size_t i = 0; i < n; i++) {
        if (now - msgs[i].next_attempt_us > lag)
            lag = now - msgs[i].next_attempt_us;
        attempt(w, &msgs[i], w->now_us(w->clock_ctx), res);
        record(w, &msgs[i], res, w->now_us(w->clock_ctx));
    }
    atomic_store(&w->stats.lag_us, lag);
    atomic_store(&w->stats.last_pass_us, w->now_us(w->clock_ctx));
    if (n_done != NULL)
        *n_done = n;

out:
    for (size_t i = 0; i < n; i++)
        deliver_message_cleanup(&msgs[i]);
    free(msgs);
    free(res);
    return rc;
}

/* Sleep up to us microseconds, waking every 100 ms to look at stop. */
static void
nap(const atomic_bool *stop, int64_t us)
{
    while (us > 0 && !atomic_load(stop)) {
        int64_t step = us < 100000 ? us : 100000;
        struct timespec ts = {(time_t)(step / 1000000), (long)(step % 1000000) * 1000};

        nanosleep(&ts, NULL);
        us -= step;
    }
}

int
deliver_worker_loop(struct deliver_worker *w, const atomic_bool *stop, int64_t idle_us)
{
    while (!atomic_load(stop)) {
        struct error err;
        size_t n = 0;

        error_clear(&err);
        if (deliver_worker_run_once(w, &n, &err) != 0) {
            log_error("deliver_claim_failed", LOG_STR("error", err.code),
                      LOG_STR("detail", err.detail));
            nap(stop, idle_us);
            continue;
        }
        if (n < (w->policy.batch > 0 ? w->policy.batch : 1))
            nap(stop, idle_us);
    }
    return 0;
}

int
deliver_stats_prometheus(const struct deliver_stats *stats, char *out, size_t len)
{
    struct {
        const char *name, *type, *help;
        double value;
    } rows[] = {
        {"claimed_total", "counter", "Outbox messages claimed by this worker.",
         (double)atomic_load(&stats->claimed)},
        {"delivered_total", "counter", "Messages the server accepted.",
         (double)atomic_load(&stats->delivered)},
        {"retried_total", "counter", "Attempts that failed and were scheduled again.",
         (double)atomic_load(&stats->retried)},
        {"failed_total", "counter", "Messages given up (permanent failure or max attempts).",
         (double)atomic_load(&stats->failed)},
        {"resent_in_doubt_total", "counter", "Messages sent again after an unfinished attempt.",
         (double)atomic_load(&stats->in_doubt)},
        {"mark_errors_total", "counter", "Outcomes that could not be recorded.",
         (double)atomic_load(&stats->mark_errors)},
        {"worker_lag_seconds", "gauge", "How late the oldest message of the last pass was.",
         (double)atomic_load(&stats->lag_us) / 1e6},
        {"worker_last_pass_timestamp_seconds", "gauge", "When the last pass ended (Unix time).",
         (double)atomic_load(&stats->last_pass_us) / 1e6},
    };
    size_t used = 0;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int n = snprintf(out + used, len - used,
                         "# HELP buzon_outbox_%s %s\n# TYPE buzon_outbox_%s %s\n"
                         "buzon_outbox_%s %.*f\n",
                         rows[i].name, rows[i].help, rows[i].name, rows[i].type, rows[i].name,
                         rows[i].type[0] == 'c' ? 0 : 3, rows[i].value);
        if (n < 0 || (size_t)n >= len - used)
            return -1;
        used += (size_t)n;
    }
    return (int)used;
}

/* runner.c - delivery threads and housekeeping of a node (see runner.h). */
#include "worker/runner.h"

#include "app/contacts.h"
#include "base/log.h"
#include "core/mem.h"
#include "deliver/outbox_store.h"
#include "deliver/service.h"
#include "evidence/ledger.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_THREADS = 16, STATS_EVERY_MS = 1000 };

struct runner_thread {
    struct worker_runner *r;
    struct deliver_service *svc;
    pthread_t thread;
    bool started;
};

/* The store's outbox, and after each delivery the use case that must know of it. */
struct reporting_backend {
    struct deliver_backend store; /* deliver_store_backend */
    struct app *app;
};

struct worker_runner {
    struct store *st;
    struct app *app;
    struct deliver_store *ds;
    struct reporting_backend reporting;
    struct deliver_backend backend;
    struct runner_thread threads[MAX_THREADS];
    size_t n_threads;
    pthread_t house;
    bool house_started;
    long long sweep_interval_s;
    long long tree_head_interval_s; /* evidence.tree_head_interval_s */
    atomic_bool stop;
    _Atomic double depth, lag_s;
};

static int
rb_claim(void *ctx, int64_t now_us, int64_t lease_us, unsigned kinds, size_t max,
         struct deliver_message *out, size_t *n_out, struct error *err)
{
    struct reporting_backend *rb = ctx;

    return rb->store.claim(rb->store.ctx, now_us, lease_us, kinds, max, out, n_out, err);
}

/* Recorded first: a failure to report leaves the deadline counted from the registration. */
static int
rb_mark_delivered(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
                  int64_t now_us, struct error *err)
{
    struct reporting_backend *rb = ctx;
    struct error rerr = {0};
    int rc = rb->store.mark_delivered(rb->store.ctx, m, res, now_us, err);

    if (rc == 0 && app_contacts_message_sent(rb->app, m->key, now_us, &rerr) != 0)
        log_warn("contacts_sent_not_recorded", LOG_INT("message", m->id),
                 LOG_STR("error", rerr.code), LOG_STR("detail", rerr.detail));
    return rc;
}

static int
rb_mark_retry(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
              int64_t next_us, int64_t now_us, struct error *err)
{
    struct reporting_backend *rb = ctx;

    return rb->store.mark_retry(rb->store.ctx, m, res, next_us, now_us, err);
}

static int
rb_mark_failed(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
               int64_t now_us, struct error *err)
{
    struct reporting_backend *rb = ctx;

    return rb->store.mark_failed(rb->store.ctx, m, res, now_us, err);
}

static void
reporting_init(struct reporting_backend *rb, struct deliver_store *ds, struct app *a,
               struct deliver_backend *out)
{
    deliver_store_backend(ds, &rb->store);
    rb->app = a;
    *out = (struct deliver_backend){rb, rb_claim, rb_mark_delivered, rb_mark_retry, rb_mark_failed};
}

static void *
deliver_main(void *arg)
{
    struct runner_thread *t = arg;

    deliver_service_run(t->svc, &t->r->stop);
    return NULL;
}

static void
measure(struct worker_runner *r)
{
    int64_t pending = 0, lag = 0;
    struct error err = {0};

    if (deliver_store_stats(r->ds, app_now(r->app), &pending, &lag, &err) != 0) {
        log_warn("worker_stats_failed", LOG_STR("error", err.code), LOG_STR("detail", err.detail));
        return;
    }
    atomic_store(&r->depth, (double)pending);
    atomic_store(&r->lag_s, (double)lag / 1e6);
}

/* Receipts whose act committed but whose seal did not (a crash in between): seal them now. */
static void
complete_receipts(struct app *a)
{
    struct error err = {0};
    size_t sealed = 0;

    if (a->ledger == NULL)
        return;
    if (evidence_complete_pending(a->ledger, app_now(a), &sealed, &err) != 0)
        log_error("receipts_pending_failed", LOG_STR("error", err.code),
                  LOG_STR("detail", err.detail));
    else if (sealed > 0)
        log_info("receipts_pending_sealed", LOG_INT("receipts", sealed));
}

/*
 * A signed tree head every evidence.tree_head_interval_s while the log grows (design.md
 * section 7): what a third party compares to catch a rewritten log. Bundles sign one on demand
 * too; this keeps the published heads close to the log's end even when nobody asks.
 */
static void
sign_tree_head(struct app *a, long long interval_s)
{
    struct merkle_tree_head sth = {0};
    struct error err = {0};
    bool fresh = false;
    int rc;

    if (a->ledger == NULL)
        return;
    rc = evidence_ledger_tree_head(a->ledger, app_now(a), interval_s, &sth, &fresh, &err);
    if (rc == 0 && fresh)
        log_info("tree_head_signed", LOG_INT("tree_size", (long long)sth.size));
    else if (rc != 0 && strcmp(err.code, "tree_head_none") != 0)
        log_error("tree_head_failed", LOG_STR("error", err.code), LOG_STR("detail", err.detail));
    merkle_tree_head_cleanup(&sth);
}

static void
sweep(struct worker_runner *r)
{
    struct error err = {0};
    size_t sets = 0;

    complete_receipts(r->app);
    sign_tree_head(r->app, r->tree_head_interval_s);
    if (app_contacts_sweep(r->app, &sets, &err) != 0)
        log_error("contacts_sweep_failed", LOG_STR("error", err.code),
                  LOG_STR("detail", err.detail));
    else if (sets > 0)
        log_info("contacts_expired", LOG_INT("sets", sets));
}

/* Housekeeping: the sweep every sweep_interval_s, the gauges every second. */
static void *
house_main(void *arg)
{
    struct worker_runner *r = arg;
    long long since_sweep_ms = r->sweep_interval_s * 1000, since_stats_ms = STATS_EVERY_MS;

    while (!atomic_load(&r->stop)) {
        struct timespec ts = {0, 100 * 1000000L};

        if (since_sweep_ms >= r->sweep_interval_s * 1000) {
            sweep(r);
            since_sweep_ms = 0;
        }
        if (since_stats_ms >= STATS_EVERY_MS) {
            measure(r);
            since_stats_ms = 0;
        }
        nanosleep(&ts, NULL);
        since_sweep_ms += 100;
        since_stats_ms += 100;
    }
    return NULL;
}

int
worker_runner_start(const struct config *cfg, struct store *st, struct app *a,
                    struct worker_runner **out, struct error *err)
{
    struct worker_runner *r = mem_calloc(1, sizeof(*r));
    long long n = config_int(cfg, "worker", "threads");

    *out = NULL;
    r->st = st;
    r->app = a;
    r->ds = deliver_store_new(st);
    reporting_init(&r->reporting, r->ds, a, &r->backend);
    r->sweep_interval_s = config_int(cfg, "worker", "sweep_interval_s");
    r->tree_head_interval_s = config_int(cfg, "evidence", "tree_head_interval_s");
    atomic_init(&r->stop, false);
    atomic_init(&r->depth, 0.0);
    atomic_init(&r->lag_s, 0.0);

    /* One service per thread: each has its own SMTP and SMS handles. */
    for (size_t i = 0; i < (size_t)n && i < MAX_THREADS; i++) {
        r->threads[i].r = r;
        r->threads[i].svc = deliver_service_new(cfg, &r->backend, err);
        if (r->threads[i].svc == NULL)
            goto fail;
        r->n_threads++;
    }
    for (size_t i = 0; i < r->n_threads; i++) {
        if (pthread_create(&r->threads[i].thread, NULL, deliver_main, &r->threads[i]) != 0) {
            error_set(err, "worker_thread", "no se pudo iniciar un hilo de envío");
            goto fail;
        }
        r->threads[i].started = true;
    }
    measure(r);
    if (pthread_create(&r->house, NULL, house_main, r) != 0) {
        error_set(err, "worker_thread", "no se pudo iniciar el hilo de mantenimiento");
        goto fail;
    }
    r->house_started = true;
    {
        bool email = false, sms = false;

        deliver_service_channels(r->threads[0].svc, &email, &sms);
        log_info("worker_started", LOG_INT("threads", r->n_threads), LOG_BOOL("email", email),
                 LOG_BOOL("sms", sms), LOG_INT("sweep_interval_s", r->sweep_interval_s));
    }
    *out = r;
    return 0;

fail:
    worker_runner_stop(r);
    return -1;
}

void
worker_runner_stop(struct worker_runner *r)
{
    if (r == NULL)
        return;
    atomic_store(&r->stop, true);
    for (size_t i = 0; i < r->n_threads; i++) {
        if (r->threads[i].started)
            pthread_join(r->threads[i].thread, NULL);
        deliver_service_free(r->threads[i].svc);
    }
    if (r->house_started)
        pthread_join(r->house, NULL);
    deliver_store_free(r->ds);
    free(r);
}

double
worker_runner_depth(void *arg)
{
    return atomic_load(&((struct worker_runner *)arg)->depth);
}

double
worker_runner_lag_seconds(void *arg)
{
    return atomic_load(&((struct worker_runner *)arg)->lag_s);
}

int
worker_run_once(const struct config *cfg, struct store *st, struct app *a, size_t *sent,
                size_t *swept, struct error *err)
{
    struct deliver_store *ds = deliver_store_new(st);
    struct reporting_backend reporting;
    struct deliver_backend backend;
    struct deliver_service *svc = NULL;
    size_t total = 0, n = 1, sets = 0;
    int rc = -1;

    reporting_init(&reporting, ds, a, &backend);
    complete_receipts(a);
    /* One pass, as from cron: the head covers the whole log when it grew since the last. */
    sign_tree_head(a, -1);
    if (app_contacts_sweep(a, &sets, err) != 0)
        goto out;
    svc = deliver_service_new(cfg, &backend, err);
    if (svc == NULL)
        goto out;
    while (n > 0) {
        if (deliver_worker_run_once(deliver_service_worker(svc), &n, err) != 0)
            goto out;
        total += n;
    }
    rc = 0;

out:
    if (sent != NULL)
        *sent = total;
    if (swept != NULL)
        *swept = sets;
    deliver_service_free(svc);
    deliver_store_free(ds);
    return rc;
}

/*
 * runner.h - the scheduled work of a node: delivery worker threads draining the store's
 * outbox (deliver/outbox_store.h, deliver/service.h) and a housekeeping thread that sweeps
 * contact validations past their deadline (app_contacts_sweep, Lineamientos 5.2), seals
 * receipts a crash left pending, signs a tree head of the receipts' log every
 * evidence.tree_head_interval_s while it grows, and keeps the outbox's depth and lag for
 * /metrics.
 *
 * `buzon serve` starts one with the server and stops it after the server (SIGTERM: the
 * threads finish the message in hand and return); `buzon worker` runs one on its own, or
 * worker_run_once for a single pass. Any number of runners on any number of nodes may share
 * one PostgreSQL store: claims skip what another holds, and a message is never sent twice
 * (docs/delivery.md).
 *
 * Ownership: a runner borrows the store and the app, which must outlive it.
 * Thread-safety: worker_runner_depth and worker_runner_lag_seconds may be called from any
 * thread while the runner runs (they read what housekeeping last measured).
 */
#ifndef BUZON_WORKER_RUNNER_H
#define BUZON_WORKER_RUNNER_H

#include "app/app.h"
#include "base/config.h"
#include "core/error.h"
#include "store/store.h"

#include <stddef.h>

struct worker_runner;

/*
 * Start [worker] threads delivery threads and the housekeeping thread over st and a (in,
 * borrowed), configured by cfg (in, not kept). deliver_global_init must have been called.
 * Returns 0 and *out, or -1 with err (the codes of deliver_service_new).
 */
int worker_runner_start(const struct config *cfg, struct store *st, struct app *a,
                        struct worker_runner **out, struct error *err);

/* Stop r (may be NULL): ask every thread to stop, wait for them, release r. */
void worker_runner_stop(struct worker_runner *r);

/* Gauges for /metrics (arg: the runner): messages pending in the outbox; age in seconds of the
 * oldest due message (0 when none is due). */
double worker_runner_depth(void *arg);
double worker_runner_lag_seconds(void *arg);

/*
 * One pass for tests and cron: sweep the contact validations once, then deliver until a pass
 * finds nothing due. *sent (out, may be NULL) counts the messages handled, *swept (out, may be
 * NULL) the contact sets cancelled. Returns 0, or -1 with err.
 */
int worker_run_once(const struct config *cfg, struct store *st, struct app *a, size_t *sent,
                    size_t *swept, struct error *err);

#endif

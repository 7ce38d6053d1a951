/*
 * service.h - the delivery worker assembled from the configuration, for `buzon serve` and
 * `buzon worker`.
 *
 * Builds the SMTP and SMS channels from [deliver] (a channel whose URL is empty is left out:
 * its messages wait), the retry policy, and a worker on the given backend. One service is one
 * worker thread; run several services on one backend to have several workers.
 */
#ifndef BUZON_DELIVER_SERVICE_H
#define BUZON_DELIVER_SERVICE_H

#include "base/config.h"
#include "core/error.h"
#include "deliver/worker.h"

#include <stdatomic.h>
#include <stdbool.h>

struct deliver_service;

/*
 * A service for backend (in, borrowed: must outlive the service) configured by cfg (in, not
 * kept). Returns NULL with err on a configuration error: the codes of deliver_smtp_new,
 * deliver_sms_new (but for the *_disabled ones) and deliver_policy_load. deliver_global_init
 * must have been called.
 */
struct deliver_service *deliver_service_new(const struct config *cfg,
                                            const struct deliver_backend *backend,
                                            struct error *err);

/* Free svc (may be NULL). Its worker must not be running. */
void deliver_service_free(struct deliver_service *svc);

/* The service's worker (owned by svc): its stats are readable from any thread. */
struct deliver_worker *deliver_service_worker(struct deliver_service *svc);

/* Which channels are configured (out, may be NULL). */
void deliver_service_channels(const struct deliver_service *svc, bool *email, bool *sms);

/* Run the worker loop until *stop becomes true, pausing [deliver] poll_ms when idle. */
int deliver_service_run(struct deliver_service *svc, const atomic_bool *stop);

#endif

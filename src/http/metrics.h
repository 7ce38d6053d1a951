/*
 * metrics.h - counters behind /metrics, in the Prometheus text exposition
 * format (0.0.4).
 *
 * The service counts every answered request by route pattern (never the raw
 * path, so that ids do not explode the series), method and status, and observes
 * its latency in a histogram per route. Other parts of the process publish
 * gauges here: the composition root registers a callback read at scrape time
 * (outbox depth, worker lag: modules below http cannot include this header), or
 * sets a value directly.
 *
 *     http_metrics_gauge_add(m, "buzon_outbox_depth", "Avisos waiting in the outbox.",
 *                            outbox_depth_cb, store, &err);
 *     http_metrics_gauge_set(m, "buzon_worker_lag_seconds", "Age of the oldest due job.", 3.0);
 *
 * Ownership: the metrics object is owned by the service (service.h). Names and
 * help texts given to the gauge functions are copied.
 *
 * Thread-safety: observing and setting are lock-free (relaxed atomics: a scrape
 * may see one request's counter before its histogram, which Prometheus
 * tolerates). Registering a gauge takes a mutex; callbacks run on the scraping
 * thread and must be thread-safe themselves.
 */
#ifndef BUZON_HTTP_METRICS_H
#define BUZON_HTTP_METRICS_H

#include "core/error.h"

#include <stdint.h>
#include <stdio.h>

enum { HTTP_METRICS_MAX_GAUGES = 32 };

struct http_metrics;
struct http_router;

/* A gauge read at scrape time; arg is what was registered with it. */
typedef double (*http_gauge_fn)(void *arg);

/*
 * New metrics for the routes of router (in; must outlive the metrics). Never
 * NULL; release with http_metrics_free.
 */
struct http_metrics *http_metrics_new(const struct http_router *router);

/* Release m (may be NULL). Registered callbacks are not called again. */
void http_metrics_free(struct http_metrics *m);

/*
 * Count one answered request: route_index is the route's index in the router
 * (http_router_index), or SIZE_MAX when no route matched; status the HTTP
 * status sent; duration_us the time from the headers arriving to the response
 * being queued.
 */
void http_metrics_observe(struct http_metrics *m, size_t route_index, unsigned status,
                          uint64_t duration_us);

/* Add delta (+1 at start, -1 at end of a request) to in-flight; returns it. */
long http_metrics_in_flight_add(struct http_metrics *m, long delta);

/* Requests in flight now. */
long http_metrics_in_flight(const struct http_metrics *m);

/*
 * Register gauge name (in; Prometheus metric name syntax) with help (in) read
 * through fn(arg) at each scrape. Returns 0, or -1 with err ("metrics_name" for
 * a bad or repeated name, "metrics_full" past HTTP_METRICS_MAX_GAUGES).
 */
int http_metrics_gauge_add(struct http_metrics *m, const char *name, const char *help,
                           http_gauge_fn fn, void *arg, struct error *err);

/*
 * Set gauge name to value, registering it with help (in) on first use. Returns
 * 0, or -1 as http_metrics_gauge_add (and when name is registered with a
 * callback).
 */
int http_metrics_gauge_set(struct http_metrics *m, const char *name, const char *help, double value,
                           struct error *err);

/* Write every metric to out in the Prometheus text format. */
void http_metrics_render(struct http_metrics *m, FILE *out);

#endif

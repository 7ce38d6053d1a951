/* metrics.c - request counters, latency histograms, gauges (metrics.h). */
#include "http/metrics.h"

#include "core/mem.h"
#include "http/router.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum {
    STATUS_MIN = 100,
    N_STATUS = 500, /* 100..599 */
    N_BUCKETS = 14,
};

/* Upper bounds in seconds: half a millisecond (a cached read) to ten. */
static const double bucket_le[N_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                            0.1,    0.25,  0.5,    1,     2.5,  5,     10};
static const uint64_t bucket_us[N_BUCKETS] = {500,     1000,    2500,    5000,    10000,
                                              25000,   50000,   100000,  250000,  500000,
                                              1000000, 2500000, 5000000, 10000000};

struct route_stats {
    atomic_uint_least64_t by_status[N_STATUS];
    atomic_uint_least64_t buckets[N_BUCKETS + 1]; /* the last one is +Inf */
    atomic_uint_least64_t sum_us;
};

struct gauge {
    char name[96];
    char help[160];
    http_gauge_fn fn;
    void *arg;
    atomic_uint_least64_t bits; /* the double of a set gauge */
};

struct http_metrics {
    const struct http_router *router;
    size_t n_routes;
    struct route_stats *stats; /* n_routes + 1: the last counts requests no route matched */
    atomic_long in_flight;
    pthread_mutex_t lock; /* registration only */
    struct gauge gauges[HTTP_METRICS_MAX_GAUGES];
    atomic_size_t n_gauges; /* published with release after the entry is complete */
};

struct http_metrics *
http_metrics_new(const struct http_router *router)
{
    struct http_metrics *m = mem_calloc(1, sizeof(*m));

    m->router = router;
    m->n_routes = http_router_count(router);
    m->stats = mem_calloc(m->n_routes + 1, sizeof(*m->stats));
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void
http_metrics_free(struct http_metrics *m)
{
    if (m == NULL)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m->stats);
    free(m);
}

void
http_metrics_observe(struct http_metrics *m, size_t route_index, unsigned status,
                     uint64_t duration_us)
{
    struct route_stats *s = &m->stats[route_index < m->n_routes ? route_index : m->n_routes];
    size_t b = 0;

    if (status < STATUS_MIN || status >= STATUS_MIN + N_STATUS)
        status = 500;
    while (b < N_BUCKETS && duration_us > bucket_us[b])
        b++;

    atomic_fetch_add_explicit(&s->by_status[status - STATUS_MIN], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, duration_us, memory_order_relaxed);
}

long
http_metrics_in_flight_add(struct http_metrics *m, long delta)
{
    return atomic_fetch_add_explicit(&m->in_flight, delta, memory_order_acq_rel) + delta;
}

long
http_metrics_in_flight(const struct http_metrics *m)
{
    return atomic_load_explicit(&m->in_flight, memory_order_acquire);
}

/* Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*. */
static bool
valid_name(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len >= sizeof(((struct gauge *)NULL)->name))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';

        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

static struct gauge *
find_gauge(struct http_metrics *m, const char *name)
{
    size_t n = atomic_load_explicit(&m->n_gauges, memory_order_acquire);

    for (size_t i = 0; i < n; i++) {
        if (strcmp(m->gauges[i].name, name) == 0)
            return &m->gauges[i];
    }
    return NULL;
}

/* Register under the lock; returns the gauge, or NULL with err filled. */
static struct gauge *
add_locked(struct http_metrics *m, const char *name, const char *help, http_gauge_fn fn, void *arg,
           struct error *err)
{
    size_t n = atomic_load_explicit(&m->n_gauges, memory_order_relaxed);
    struct gauge *g;

    if (!valid_name(name)) {
        error_set(err, "metrics_name", "nombre de métrica no válido: «%s»", name);
        return NULL;
    }
    if (find_gauge(m, name) != NULL) {
        error_set(err, "metrics_name", "la métrica «%s» ya está registrada", name);
        return NULL;
    }
    if (n == HTTP_METRICS_MAX_GAUGES) {
        error_set(err, "metrics_full", "no caben más de %d métricas registradas",
                  HTTP_METRICS_MAX_GAUGES);
        return NULL;
    }

    g = &m->gauges[n];
    snprintf(g->name, sizeof(g->name), "%s", name);
    snprintf(g->help, sizeof(g->help), "%s", help);
    g->fn = fn;
    g->arg = arg;
    atomic_store_explicit(&m->n_gauges, n + 1, memory_order_release);
    return g;
}

int
http_metrics_gauge_add(struct http_metrics *m, const char *name, const char *help, http_gauge_fn fn,
                       void *arg, struct error *err)
{
    struct gauge *g;

    pthread_mutex_lock(&m->lock);
    g = add_locked(m, name, help, fn, arg, err);
    pthread_mutex_unlock(&m->lock);
    return g != NULL ? 0 : -1;
}

int
http_metrics_gauge_set(struct http_metrics *m, const char *name, const char *help, double value,
                       struct error *err)
{
    struct gauge *g = find_gauge(m, name);
    uint64_t bits;

    if (g == NULL) {
        pthread_mutex_lock(&m->lock);
        g = find_gauge(m, name);
        if (g == NULL)
            g = add_locked(m, name, help, NULL, NULL, err);
        pthread_mutex_unlock(&m->lock);
        if (g == NULL)
            return -1;
    }
    if (g->fn != NULL)
        return error_set(err, "metrics_name", "la métrica «%s» se lee con una función", name);

    memcpy(&bits, &value, sizeof(bits));
    atomic_store_explicit(&g->bits, bits, memory_order_relaxed);
    return 0;
}

/* A label value: backslash, quote and newline escaped (format 0.0.4). */
static void
put_label(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            fprintf(out, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
}

static void
put_labels(FILE *out, const struct http_metrics *m, size_t i)
{
    if (i == m->n_routes) {
        fputs("route=\"unmatched\",method=\"\"", out);
        return;
    }

    fputs("route=\"", out);
    put_label(out, http_router_route(m->router, i)->pattern);
    fputs("\",method=\"", out);
    put_label(out, http_router_route(m->router, i)->method);
    fputc('"', out);
}

static void
render_counters(struct http_metrics *m, FILE *out)
{
    fputs("# HELP buzon_http_requests_total HTTP requests answered, by route pattern, method and "
          "status.\n# TYPE buzon_http_requests_total counter\n",
          out);
    for (size_t i = 0; i <= m->n_routes; i++) {
        for (unsigned s = 0; s < N_STATUS; s++) {
            uint64_t v = atomic_load_explicit(&m->stats[i].by_status[s], memory_order_relaxed);

            if (v == 0)
                continue;
            fputs("buzon_http_requests_total{", out);
            put_labels(out, m, i);
            fprintf(out, ",status=\"%u\"} %llu\n", s + STATUS_MIN, (unsigned long long)v);
        }
    }
}

static void
render_histograms(struct http_metrics *m, FILE *out)
{
    fputs("# HELP buzon_http_request_duration_seconds Time from the request headers to the "
          "response, by route.\n# TYPE buzon_http_request_duration_seconds histogram\n",
          out);
    for (size_t i = 0; i <= m->n_routes; i++) {
        const struct route_stats *s = &m->stats[i];
        uint64_t cum = 0;

        /* Routes never requested are left out, as Prometheus client libraries do for labels. */
        for (size_t b = 0; b <= N_BUCKETS; b++)
            cum += atomic_load_explicit(&s->buckets[b], memory_order_relaxed);
        if (cum == 0)
            continue;

        cum = 0;
        for (size_t b = 0; b <= N_BUCKETS; b++) {
            cum += atomic_load_explicit(&s->buckets[b], memory_order_relaxed);
            fputs("buzon_http_request_duration_seconds_bucket{", out);
            put_labels(out, m, i);
            if (b < N_BUCKETS)
                fprintf(out, ",le=\"%g\"} %llu\n", bucket_le[b], (unsigned long long)cum);
            else
                fprintf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
        }
        fputs("buzon_http_request_duration_seconds_sum{", out);
        put_labels(out, m, i);
        fprintf(out, "} %.6f\n",
                (double)atomic_load_explicit(&s->sum_us, memory_order_relaxed) / 1e6);
        fputs("buzon_http_request_duration_seconds_count{", out);
        put_labels(out, m, i);
        fprintf(out, "} %llu\n", (unsigned long long)cum);
    }
}

static void
render_gauges(struct http_metrics *m, FILE *out)
{
    size_t n = atomic_load_explicit(&m->n_gauges, memory_order_acquire);

    fprintf(out,
            "# HELP buzon_http_requests_in_flight Requests being received or answered.\n"
            "# TYPE buzon_http_requests_in_flight gauge\nbuzon_http_requests_in_flight %ld\n",
            http_metrics_in_flight(m));
    for (size_t i = 0; i < n; i++) {
        const struct gauge *g = &m->gauges[i];
        double v;

        if (g->fn != NULL) {
            v = g->fn(g->arg);
        } else {
            uint64_t bits = atomic_load_explicit(&g->bits, memory_order_relaxed);

            memcpy(&v, &bits, sizeof(v));
        }
        fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", g->name, g->help, g->name,
                g->name, v);
    }
}

void
http_metrics_render(struct http_metrics *m, FILE *out)
{
    render_counters(m, out);
    render_histograms(m, out);
    render_gauges(m, out);
}

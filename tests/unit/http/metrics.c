/* Tests of http/metrics: counters, histograms, gauges, and the Prometheus text format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/metrics.h"
#include "http/router.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
noop(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
}

static const struct http_route routes[] = {
    {"GET", "/a/{id}", noop, 0, 0, 0},
    {"POST", "/a/{id}", noop, 0, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};
static const struct http_route *const tables[] = {routes, NULL};

static char *
render(struct http_metrics *m)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    assert_non_null(out);
    http_metrics_render(m, out);
    fclose(out);
    return text;
}

/* One sample line: name, optional {label="value",...}, a space, a number. */
static bool
valid_sample(const char *line)
{
    const char *p = line;
    char *end;

    if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':'))
        return false;
    while (isalnum((unsigned char)*p) || *p == '_' || *p == ':')
        p++;
    if (*p == '{') {
        for (p++; *p != '}';) {
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            if (p[0] != '=' || p[1] != '"')
                return false;
            for (p += 2; *p != '"'; p++) {
                if (*p == '\0' || *p == '\n')
                    return false;
                if (*p == '\\')
                    p++;
            }
            p++;
            if (*p == ',')
                p++;
            else if (*p != '}')
                return false;
        }
        p++;
    }
    if (*p != ' ')
        return false;
    strtod(p + 1, &end);
    return end != p + 1 && *end == '\0';
}

/* Every line is a HELP, a TYPE, or a sample; and each family has HELP and TYPE first. */
static void
assert_exposition_format(char *text)
{
    char *save = NULL;

    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0)
            continue;
        if (!valid_sample(line))
            fail_msg("not a Prometheus sample line: «%s»", line);
    }
}

static void
requests_are_counted_by_route_method_and_status(void **state)
{
    struct error err = {0};
    struct http_router *r = http_router_new(tables, &err);
    struct http_metrics *m = http_metrics_new(r);
    char *text;

    (void)state;
    http_metrics_observe(m, 0, 200, 300);
    http_metrics_observe(m, 0, 200, 3000);
    http_metrics_observe(m, 1, 422, 20000000);
    http_metrics_observe(m, SIZE_MAX, 404, 100);
    text = render(m);

    assert_non_null(strstr(
        text, "buzon_http_requests_total{route=\"/a/{id}\",method=\"GET\",status=\"200\"} 2\n"));
    assert_non_null(strstr(
        text, "buzon_http_requests_total{route=\"/a/{id}\",method=\"POST\",status=\"422\"} 1\n"));
    assert_non_null(strstr(
        text, "buzon_http_requests_total{route=\"unmatched\",method=\"\",status=\"404\"} 1\n"));
    assert_null(strstr(text, "status=\"500\""));
    assert_exposition_format(text);
    free(text);
    http_metrics_free(m);
    http_router_free(r);
}

static void
the_latency_histogram_is_cumulative_with_sum_and_count(void **state)
{
    struct error err = {0};
    struct http_router *r = http_router_new(tables, &err);
    struct http_metrics *m = http_metrics_new(r);
    const char *pre = "buzon_http_request_duration_seconds";
    char want[256], *text;

    (void)state;
    http_metrics_observe(m, 0, 200, 300);      /* <= 0.5 ms */
    http_metrics_observe(m, 0, 200, 3000);     /* <= 5 ms */
    http_metrics_observe(m, 0, 200, 20000000); /* past 10 s: only +Inf */
    text = render(m);

    snprintf(want, sizeof(want), "%s_bucket{route=\"/a/{id}\",method=\"GET\",le=\"0.0005\"} 1\n",
             pre);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof(want), "%s_bucket{route=\"/a/{id}\",method=\"GET\",le=\"0.0025\"} 1\n",
             pre);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof(want), "%s_bucket{route=\"/a/{id}\",method=\"GET\",le=\"0.005\"} 2\n",
             pre);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof(want), "%s_bucket{route=\"/a/{id}\",method=\"GET\",le=\"10\"} 2\n", pre);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof(want), "%s_bucket{route=\"/a/{id}\",method=\"GET\",le=\"+Inf\"} 3\n",
             pre);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof(want), "%s_sum{route=\"/a/{id}\",method=\"GET\"} 20.003300\n", pre);
    assert_non_null(strstr(text, want));
    snprintf(want, sizeof(want), "%s_count{route=\"/a/{id}\",method=\"GET\"} 3\n", pre);
    assert_non_null(strstr(text, want));
    /* A route nobody asked for has no series. */
    assert_null(strstr(text, "method=\"POST\""));
    assert_exposition_format(text);
    free(text);
    http_metrics_free(m);
    http_router_free(r);
}

static double
forty_two(void *arg)
{
    return *(double *)arg;
}

static void
gauges_are_registered_set_and_read_at_scrape_time(void **state)
{
    struct error err = {0};
    struct http_router *r = http_router_new(tables, &err);
    struct http_metrics *m = http_metrics_new(r);
    double depth = 42;
    char *text;

    (void)state;
    assert_int_equal(
        http_metrics_gauge_add(m, "buzon_outbox_depth", "Avisos waiting.", forty_two, &depth, &err),
        0);
    assert_int_equal(
        http_metrics_gauge_set(m, "buzon_worker_lag_seconds", "Oldest due job.", 1.5, &err), 0);
    assert_int_equal(
        http_metrics_gauge_set(m, "buzon_worker_lag_seconds", "Oldest due job.", 2.25, &err), 0);
    depth = 7;
    assert_int_equal(http_metrics_in_flight_add(m, 1), 1);
    text = render(m);

    assert_non_null(strstr(text, "# TYPE buzon_outbox_depth gauge\nbuzon_outbox_depth 7\n"));
    assert_non_null(strstr(text, "# HELP buzon_worker_lag_seconds Oldest due job.\n"));
    assert_non_null(strstr(text, "\nbuzon_worker_lag_seconds 2.25\n"));
    assert_non_null(strstr(text, "\nbuzon_http_requests_in_flight 1\n"));
    assert_exposition_format(text);
    free(text);
    http_metrics_free(m);
    http_router_free(r);
}

static void
bad_repeated_or_too_many_gauges_are_refused(void **state)
{
    struct error err = {0};
    struct http_router *r = http_router_new(tables, &err);
    struct http_metrics *m = http_metrics_new(r);
    double v = 1;
    char name[32];

    (void)state;
    assert_int_equal(http_metrics_gauge_set(m, "9lives", "x", 1, &err), -1);
    assert_string_equal(err.code, "metrics_name");
    assert_int_equal(http_metrics_gauge_set(m, "a b", "x", 1, &err), -1);
    assert_int_equal(http_metrics_gauge_add(m, "g", "x", forty_two, &v, &err), 0);
    assert_int_equal(http_metrics_gauge_add(m, "g", "x", forty_two, &v, &err), -1);
    assert_int_equal(http_metrics_gauge_set(m, "g", "x", 3, &err), -1);
    for (int i = 1; i < HTTP_METRICS_MAX_GAUGES; i++) {
        snprintf(name, sizeof(name), "g%d", i);
        assert_int_equal(http_metrics_gauge_set(m, name, "x", i, &err), 0);
    }
    assert_int_equal(http_metrics_gauge_set(m, "one_too_many", "x", 1, &err), -1);
    assert_string_equal(err.code, "metrics_full");
    http_metrics_free(m);
    http_router_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_are_counted_by_route_method_and_status),
        cmocka_unit_test(the_latency_histogram_is_cumulative_with_sum_and_count),
        cmocka_unit_test(gauges_are_registered_set_and_read_at_scrape_time),
        cmocka_unit_test(bad_repeated_or_too_many_gauges_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

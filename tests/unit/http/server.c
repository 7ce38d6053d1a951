/*
 * Tests of http/server over real sockets: keep-alive, limits enforced while reading (413, 431,
 * 408), and the graceful stop that lets a request in flight finish.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/log.h"
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned slow_ms = 500;

static void
sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static void
get_fast(struct http_request *req, struct http_response *resp)
{
    http_response_json(req, resp, 200, json_pack("{s:b}", "fast", 1));
}

static void
get_slow(struct http_request *req, struct http_response *resp)
{
    sleep_ms(slow_ms);
    http_response_json(req, resp, 200, json_pack("{s:b}", "slow", 1));
}

static void
post_echo(struct http_request *req, struct http_response *resp)
{
    http_response_bytes(req, resp, 200, "application/octet-stream", req->body, req->body_len);
}

static const struct http_route routes[] = {
    {"GET", "/fast", get_fast, 0, 0, 0},
    {"GET", "/slow", get_slow, 0, 0, 0},
    {"POST", "/echo", post_echo, 0, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};
static const struct http_route *const tables[] = {routes, NULL};

struct fixture {
    struct http_service *svc;
    struct http_server *srv;
    unsigned port;
};

static int
setup(void **state)
{
    static struct fixture f;
    struct http_service_options so = {0};
    struct http_server_options o = {"127.0.0.1", 0, 2, 30, 5000};
    struct error err = {0};

    log_set_level(LOG_WARN);
    so.routes = tables;
    so.max_body_bytes = 1024;
    so.max_header_bytes = 4096;
    so.max_request_ms = 400;
    f.svc = http_service_new(&so, &err);
    assert_non_null(f.svc);
    f.srv = http_server_start(&o, f.svc, &err);
    assert_non_null(f.srv);
    f.port = http_server_port(f.srv);
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    http_server_stop(f->srv);
    http_service_free(f->svc);
    return 0;
}

static int
dial(unsigned port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void
send_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

/* Read one response (headers, then Content-Length bytes) into buf; returns its status or 0. */
static unsigned
read_response(int fd, char *buf, size_t len)
{
    size_t used = 0, want = 0;
    char *end = NULL;

    while (used < len - 1) {
        ssize_t n = recv(fd, buf + used, end != NULL ? want - used : 1, 0);

        if (n <= 0)
            break;
        used += (size_t)n;
        buf[used] = '\0';
        if (end == NULL && (end = strstr(buf, "\r\n\r\n")) != NULL) {
            const char *cl = strcasestr(buf, "Content-Length: ");

            want = (size_t)(end + 4 - buf) + (cl != NULL ? strtoul(cl + 16, NULL, 10) : 0);
            if (want >= len)
                want = len - 1;
        }
        if (end != NULL && used >= want)
            break;
    }
    buf[used] = '\0';
    return used > 12 && strncmp(buf, "HTTP/1.1 ", 9) == 0 ? (unsigned)strtoul(buf + 9, NULL, 10)
                                                          : 0;
}

static unsigned
request(unsigned port, const char *raw, char *buf, size_t len)
{
    int fd = dial(port);
    unsigned status;

    assert_true(fd >= 0);
    send_all(fd, raw, strlen(raw));
    status = read_response(fd, buf, len);
    close(fd);
    return status;
}

static void
keep_alive_connections_serve_several_requests(void **state)
{
    struct fixture *f = *state;
    const char *raw = "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n";
    char buf[4096];
    int fd = dial(f->port);

    assert_true(fd >= 0);
    for (int i = 0; i < 3; i++) {
        send_all(fd, raw, strlen(raw));
        assert_int_equal(read_response(fd, buf, sizeof(buf)), 200);
        assert_null(strcasestr(buf, "Connection: close"));
        assert_non_null(strstr(buf, "{\"fast\":true}"));
    }
    close(fd);
}

static void
a_body_is_read_whole_and_handed_to_the_handler(void **state)
{
    struct fixture *f = *state;
    char buf[4096];

    assert_int_equal(request(f->port,
                             "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhola!",
                             buf, sizeof(buf)),
                     200);
    assert_non_null(strstr(buf, "\r\n\r\nhola!"));
    assert_int_equal(request(f->port,
                             "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                             buf, sizeof(buf)),
                     200);
    assert_non_null(strstr(buf, "\r\n\r\nabcde"));
}

static void
a_body_over_the_limit_is_413_by_length_or_while_chunked(void **state)
{
    struct fixture *f = *state;
    char raw[8192], buf[4096];
    size_t n;

    assert_int_equal(request(f->port,
                             "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n", buf,
                             sizeof(buf)),
                     413);
    assert_non_null(strstr(buf, "\"code\":\"body_too_large\""));
    assert_non_null(strcasestr(buf, "Connection: close"));

    n = (size_t)snprintf(raw, sizeof(raw),
                         "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "800\r\n");
    memset(raw + n, 'a', 2048);
    n += 2048;
    n += (size_t)snprintf(raw + n, sizeof(raw) - n, "\r\n0\r\n\r\n");
    assert_int_equal(request(f->port, raw, buf, sizeof(buf)), 413);
    assert_non_null(strstr(buf, "\"code\":\"body_too_large\""));
}

static void
headers_over_the_limit_are_431(void **state)
{
    struct fixture *f = *state;
    char raw[80000], buf[4096];

    /* Over our limit but within libmicrohttpd's pool: our problem+json. */
    snprintf(raw, sizeof(raw), "GET /fast HTTP/1.1\r\nHost: x\r\nX-Pad: %05000d\r\n\r\n", 0);
    assert_int_equal(request(f->port, raw, buf, sizeof(buf)), 431);
    assert_non_null(strstr(buf, "\"code\":\"headers_too_large\""));

    /* Past the pool itself: libmicrohttpd refuses on its own, before any handler. */
    snprintf(raw, sizeof(raw), "GET /fast HTTP/1.1\r\nHost: x\r\nX-Pad: %070000d\r\n\r\n", 0);
    assert_int_equal(request(f->port, raw, buf, sizeof(buf)), 431);
}

static void
a_body_completed_after_the_time_limit_is_408(void **state)
{
    struct fixture *f = *state;
    const char *head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab";
    char buf[4096];
    int fd = dial(f->port);

    assert_true(fd >= 0);
    send_all(fd, head, strlen(head));
    sleep_ms(600);
    send_all(fd, "cd", 2);
    assert_int_equal(read_response(fd, buf, sizeof(buf)), 408);
    assert_non_null(strstr(buf, "\"code\":\"request_timeout\""));
    close(fd);
}

struct client {
    unsigned port;
    unsigned status;
    char buf[4096];
};

static void *
slow_client(void *arg)
{
    struct client *c = arg;
    int fd = dial(c->port);

    if (fd < 0)
        return NULL;
    send_all(fd, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", 31);
    c->status = read_response(fd, c->buf, sizeof(c->buf));
    close(fd);
    return NULL;
}

struct stopper {
    struct http_server *srv;
    long cut_off;
};

static void *
stop_server(void *arg)
{
    struct stopper *st = arg;

    st->cut_off = http_server_stop(st->srv);
    return NULL;
}

static void
wait_in_flight(struct http_service *svc, long n)
{
    for (int i = 0; i < 400 && http_metrics_in_flight(http_service_metrics(svc)) != n; i++)
        sleep_ms(5);
    assert_int_equal(http_metrics_in_flight(http_service_metrics(svc)), n);
}

static void
stopping_lets_a_request_in_flight_finish(void **state)
{
    struct fixture *f = *state;
    const char *head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nho";
    struct stopper st = {f->srv, -1};
    char buf[4096];
    pthread_t t;
    int fd = dial(f->port);

    /* Half the body is in when the stop begins (what SIGTERM does in `buzon serve`). */
    assert_true(fd >= 0);
    send_all(fd, head, strlen(head));
    wait_in_flight(f->svc, 1);
    pthread_create(&t, NULL, stop_server, &st);
    sleep_ms(150);

    /* The listener is gone, but the request in flight still completes. */
    assert_int_equal(dial(f->port), -1);
    send_all(fd, "la!", 3);
    assert_int_equal(read_response(fd, buf, sizeof(buf)), 200);
    assert_non_null(strstr(buf, "\r\n\r\nhola!"));
    assert_non_null(strcasestr(buf, "Connection: close"));
    close(fd);

    pthread_join(t, NULL);
    assert_int_equal(st.cut_off, 0);
    f->srv = NULL;
}

static void
a_handler_running_when_the_stop_begins_still_answers(void **state)
{
    struct fixture *f = *state;
    struct client c = {.port = f->port};
    pthread_t t;

    slow_ms = 300;
    pthread_create(&t, NULL, slow_client, &c);
    wait_in_flight(f->svc, 1);
    assert_int_equal(http_server_stop(f->srv), 0);
    f->srv = NULL;
    pthread_join(t, NULL);
    assert_int_equal(c.status, 200);
    assert_non_null(strstr(c.buf, "{\"slow\":true}"));
}

static void
a_request_outlasting_the_grace_period_is_reported(void **state)
{
    struct http_service *svc = ((struct fixture *)*state)->svc;
    struct http_server_options o = {"127.0.0.1", 0, 2, 30, 100};
    struct error err = {0};
    struct http_server *srv = http_server_start(&o, svc, &err);
    struct client c = {.port = http_server_port(srv)};
    pthread_t t;

    slow_ms = 600;
    pthread_create(&t, NULL, slow_client, &c);
    wait_in_flight(svc, 1);
    assert_int_equal(http_server_stop(srv), 1);
    pthread_join(t, NULL);
    assert_int_not_equal(c.status, 200);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(keep_alive_connections_serve_several_requests, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_body_is_read_whole_and_handed_to_the_handler, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_body_over_the_limit_is_413_by_length_or_while_chunked,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(headers_over_the_limit_are_431, setup, teardown),
        cmocka_unit_test_setup_teardown(a_body_completed_after_the_time_limit_is_408, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(stopping_lets_a_request_in_flight_finish, setup, teardown),
        cmocka_unit_test_setup_teardown(a_handler_running_when_the_stop_begins_still_answers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_request_outlasting_the_grace_period_is_reported, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

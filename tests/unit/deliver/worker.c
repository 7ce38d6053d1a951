/* Tests of deliver/worker with the in-memory outbox and a channel that fails on demand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/log.h"
#include "deliver/outbox_memory.h"
#include "deliver/worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { SEC = 1000000, MAX_SENT = 512 };

/* A channel that answers from a script of outcomes, then delivers; it counts sends per key. */
struct fake_channel {
    pthread_mutex_t lock;
    const enum deliver_outcome *script;
    size_t n_script, next;
    size_t n_sent;
    char *sent_keys[MAX_SENT];
    bool saw_in_doubt;
};

static void
fake_send(void *ctx, const struct deliver_message *m, int64_t now_us, struct deliver_result *res)
{
    struct fake_channel *f = ctx;

    (void)now_us;
    pthread_mutex_lock(&f->lock);
    res->outcome = f->next < f->n_script ? f->script[f->next++] : DELIVER_DELIVERED;
    res->reply_code = res->outcome == DELIVER_DELIVERED   ? 250
                      : res->outcome == DELIVER_TRANSIENT ? 451
                                                          : 550;
    snprintf(res->reply, sizeof(res->reply), "%d fake reply to %s", res->reply_code, m->key);
    if (res->outcome != DELIVER_DELIVERED)
        error_set(&res->err, "fake_failure", "falla simulada");
    if (f->n_sent < MAX_SENT)
        f->sent_keys[f->n_sent] = strdup(m->key);
    f->n_sent++;
    f->saw_in_doubt = f->saw_in_doubt || m->in_doubt;
    pthread_mutex_unlock(&f->lock);
}

struct fixture {
    struct deliver_memory *mem;
    struct deliver_backend backend;
    struct fake_channel fake;
    struct deliver_channel channel;
    struct deliver_worker worker;
    int64_t now;
};

static const struct deliver_policy policy = {
    .max_attempts = 3,
    .base_us = 60 * SEC,
    .max_us = 3600LL * SEC,
    .lease_us = 300 * SEC,
    .batch = 8,
};

static int64_t
fake_now(void *ctx)
{
    return *(int64_t *)ctx;
}

static int
setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    log_set_level(LOG_ERROR);
    fx->mem = deliver_memory_new();
    deliver_memory_backend(fx->mem, &fx->backend);
    pthread_mutex_init(&fx->fake.lock, NULL);
    fx->channel = (struct deliver_channel){"fake", fake_send, &fx->fake};
    deliver_worker_init(&fx->worker, &fx->backend, &policy);
    fx->worker.email = &fx->channel;
    fx->worker.sms = &fx->channel;
    fx->now = 1700000000LL * SEC;
    fx->worker.now_us = fake_now;
    fx->worker.clock_ctx = &fx->now;
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *fx = *state;

    for (size_t i = 0; i < fx->fake.n_sent && i < MAX_SENT; i++)
        free(fx->fake.sent_keys[i]);
    pthread_mutex_destroy(&fx->fake.lock);
    deliver_memory_free(fx->mem);
    free(fx);
    return 0;
}

static void
enqueue(struct fixture *fx, const char *key)
{
    struct deliver_message m = {0};
    struct error err;

    m.kind = DELIVER_EMAIL;
    m.key = (char *)key;
    m.address = (char *)"persona@ejemplo.mx";
    m.subject = (char *)"Aviso";
    m.body = (char *)"Tiene una notificación pendiente.";
    if (deliver_memory_add(fx->mem, &m, fx->now, NULL, &err) != 0)
        fail_msg("%s: %s", err.code, err.message);
}

static struct deliver_memory_row
row_of(struct fixture *fx, const char *key)
{
    struct deliver_memory_row row;

    /* Keep the numbers, drop the strings: callers compare states, attempts and times. */
    assert_int_equal(deliver_memory_get(fx->mem, key, &row), 0);
    free(row.msg.key);
    free(row.msg.address);
    free(row.msg.subject);
    free(row.msg.body);
    row.msg.key = row.msg.address = row.msg.subject = row.msg.body = NULL;
    return row;
}

static size_t
pass(struct fixture *fx)
{
    struct error err;
    size_t n = 0;

    assert_int_equal(deliver_worker_run_once(&fx->worker, &n, &err), 0);
    return n;
}

static void
a_delivered_message_keeps_the_reply_and_is_never_sent_again(void **state)
{
    struct fixture *fx = *state;
    struct deliver_memory_row row;

    enqueue(fx, "aviso-1-email-1");
    assert_int_equal(deliver_memory_pending(fx->mem), 1);
    assert_int_equal(pass(fx), 1);
    assert_int_equal(deliver_memory_pending(fx->mem), 0);
    row = row_of(fx, "aviso-1-email-1");
    assert_int_equal(row.state, DELIVER_MEMORY_DELIVERED);
    assert_string_equal(row.last.reply, "250 fake reply to aviso-1-email-1");
    assert_int_equal(row.msg.attempts, 1);

    fx->now += 10 * 3600LL * SEC;
    assert_int_equal(pass(fx), 0);
    assert_int_equal(fx->fake.n_sent, 1);
    assert_int_equal(atomic_load(&fx->worker.stats.delivered), 1);
}

static void
a_transient_failure_waits_for_its_backoff_then_is_retried(void **state)
{
    static const enum deliver_outcome script[] = {DELIVER_TRANSIENT};
    struct fixture *fx = *state;
    struct deliver_memory_row row;
    int64_t delay;

    fx->fake.script = script;
    fx->fake.n_script = 1;
    enqueue(fx, "k1");
    assert_int_equal(pass(fx), 1);
    row = row_of(fx, "k1");
    assert_int_equal(row.state, DELIVER_MEMORY_PENDING);
    assert_string_equal(row.last.err.code, "fake_failure");

    /* Equal jitter after the first failure: between base/2 and base. */
    delay = row.msg.next_attempt_us - fx->now;
    assert_true(delay >= 30 * SEC && delay <= 60 * SEC);

    fx->now += delay - 1;
    assert_int_equal(pass(fx), 0);
    fx->now += 1;
    assert_int_equal(pass(fx), 1);
    row = row_of(fx, "k1");
    assert_int_equal(row.state, DELIVER_MEMORY_DELIVERED);
    assert_int_equal(row.msg.attempts, 2);
    assert_int_equal(fx->fake.n_sent, 2);
}

static void
a_permanent_failure_is_not_retried(void **state)
{
    static const enum deliver_outcome script[] = {DELIVER_PERMANENT};
    struct fixture *fx = *state;
    struct deliver_memory_row row;

    fx->fake.script = script;
    fx->fake.n_script = 1;
    enqueue(fx, "k1");
    assert_int_equal(pass(fx), 1);
    row = row_of(fx, "k1");
    assert_int_equal(row.state, DELIVER_MEMORY_FAILED);
    assert_int_equal(row.last.reply_code, 550);

    fx->now += 100 * 3600LL * SEC;
    assert_int_equal(pass(fx), 0);
    assert_int_equal(fx->fake.n_sent, 1);
    assert_int_equal(atomic_load(&fx->worker.stats.failed), 1);
}

static void
transient_failures_stop_at_max_attempts(void **state)
{
    static const enum deliver_outcome script[] = {DELIVER_TRANSIENT, DELIVER_TRANSIENT,
                                                  DELIVER_TRANSIENT, DELIVER_TRANSIENT};
    struct fixture *fx = *state;
    struct deliver_memory_row row;

    fx->fake.script = script;
    fx->fake.n_script = 4;
    enqueue(fx, "k1");
    for (int i = 0; i < 6; i++) {
        pass(fx);
        fx->now += 2 * 3600LL * SEC;
    }
    row = row_of(fx, "k1");
    assert_int_equal(row.state, DELIVER_MEMORY_FAILED);
    assert_int_equal(row.msg.attempts, 3);
    assert_int_equal(fx->fake.n_sent, 3);
    assert_int_equal(atomic_load(&fx->worker.stats.retried), 2);
}

static void
a_crash_after_claim_resends_once_the_lease_ends_marked_in_doubt(void **state)
{
    struct fixture *fx = *state;
    struct deliver_message claimed;
    struct deliver_memory_row row;
    struct error err;
    size_t n = 0;

    enqueue(fx, "k1");

    /* A worker claims the message, sends it, and dies before recording the outcome. */
    assert_int_equal(
        fx->backend.claim(fx->backend.ctx, fx->now, policy.lease_us, ~0u, 1, &claimed, &n, &err),
        0);
    assert_int_equal(n, 1);
    assert_false(claimed.in_doubt);

    /* While the lease runs, no other worker takes it. */
    fx->now += policy.lease_us - 1;
    assert_int_equal(pass(fx), 0);

    /* After the lease, it is sent again, flagged as possibly a second copy. */
    fx->now += 1;
    assert_int_equal(pass(fx), 1);
    assert_true(fx->fake.saw_in_doubt);
    assert_string_equal(fx->fake.sent_keys[0], "k1");
    assert_int_equal(atomic_load(&fx->worker.stats.in_doubt), 1);
    row = row_of(fx, "k1");
    assert_int_equal(row.state, DELIVER_MEMORY_DELIVERED);
    assert_int_equal(row.msg.attempts, 2);

    /* The dead worker's late mark is refused: its lease was lost. */
    assert_int_equal(fx->backend.mark_failed(fx->backend.ctx, &claimed, &row.last, fx->now, &err),
                     -1);
    assert_string_equal(err.code, "deliver_lease_lost");
    assert_int_equal(row_of(fx, "k1").state, DELIVER_MEMORY_DELIVERED);
    deliver_message_cleanup(&claimed);
}

static void
a_kind_without_channel_is_left_untouched_until_one_comes(void **state)
{
    struct fixture *fx = *state;
    struct deliver_message m = {0};
    struct deliver_memory_row row;
    struct error err;

    fx->worker.email = NULL;
    enqueue(fx, "k1");
    m.kind = DELIVER_SMS;
    m.key = (char *)"k2";
    m.address = (char *)"+525512345678";
    m.body = (char *)"Buzon IMSS";
    assert_int_equal(deliver_memory_add(fx->mem, &m, fx->now, NULL, &err), 0);

    /* Only the SMS is taken; the e-mail keeps its attempts for a worker that can send it. */
    assert_int_equal(pass(fx), 1);
    assert_int_equal(row_of(fx, "k2").state, DELIVER_MEMORY_DELIVERED);
    row = row_of(fx, "k1");
    assert_int_equal(row.state, DELIVER_MEMORY_PENDING);
    assert_int_equal(row.msg.attempts, 0);

    fx->worker.email = &fx->channel;
    assert_int_equal(pass(fx), 1);
    row = row_of(fx, "k1");
    assert_int_equal(row.state, DELIVER_MEMORY_DELIVERED);
    assert_int_equal(row.msg.attempts, 1);
}

/* A backend that hands out one given message and records what is marked: it stands for a
 * store whose row was altered, or which ignores the kinds mask. */
struct rogue {
    struct deliver_message msg;
    bool given;
    enum deliver_decision marked;
    struct deliver_result res;
};

static int
rogue_claim(void *ctx, int64_t now_us, int64_t lease_us, unsigned kinds, size_t max,
            struct deliver_message *out, size_t *n_out, struct error *err)
{
    struct rogue *r = ctx;

    (void)now_us, (void)lease_us, (void)kinds, (void)max, (void)err;
    *n_out = 0;
    if (!r->given) {
        out[0] = r->msg;
        out[0].key = strdup(r->msg.key);
        out[0].address = strdup(r->msg.address);
        out[0].subject = r->msg.subject ? strdup(r->msg.subject) : NULL;
        out[0].body = strdup(r->msg.body);
        r->given = true;
        *n_out = 1;
    }
    return 0;
}

static int
rogue_mark(struct rogue *r, enum deliver_decision d, const struct deliver_result *res)
{
    r->marked = d;
    r->res = *res;
    return 0;
}

static int
rogue_delivered(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
                int64_t now_us, struct error *err)
{
    (void)m, (void)now_us, (void)err;
    return rogue_mark(ctx, DELIVER_MARK_DELIVERED, res);
}

static int
rogue_retry(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
            int64_t next_us, int64_t now_us, struct error *err)
{
    (void)m, (void)next_us, (void)now_us, (void)err;
    return rogue_mark(ctx, DELIVER_MARK_RETRY, res);
}

static int
rogue_failed(void *ctx, const struct deliver_message *m, const struct deliver_result *res,
             int64_t now_us, struct error *err)
{
    (void)m, (void)now_us, (void)err;
    return rogue_mark(ctx, DELIVER_MARK_FAILED, res);
}

static void
run_rogue(struct fixture *fx, struct rogue *r)
{
    struct deliver_backend b = {r, rogue_claim, rogue_delivered, rogue_retry, rogue_failed};
    struct error err;
    size_t n;

    r->marked = (enum deliver_decision) - 1;
    fx->worker.backend = &b;
    assert_int_equal(deliver_worker_run_once(&fx->worker, &n, &err), 0);
    assert_int_equal(n, 1);
    fx->worker.backend = &fx->backend;
}

static void
an_altered_row_is_failed_without_being_sent(void **state)
{
    struct fixture *fx = *state;
    struct rogue r = {0};

    r.msg.id = 9;
    r.msg.kind = DELIVER_EMAIL;
    r.msg.key = (char *)"k9";
    r.msg.address = (char *)"persona@ejemplo.mx\r\nBcc: otro@ejemplo.mx";
    r.msg.subject = (char *)"Aviso";
    r.msg.body = (char *)"Texto";
    r.msg.attempts = 1;
    run_rogue(fx, &r);
    assert_int_equal(r.marked, DELIVER_MARK_FAILED);
    assert_int_equal(r.res.outcome, DELIVER_PERMANENT);
    assert_string_equal(r.res.err.code, "email_control");
    assert_int_equal(fx->fake.n_sent, 0);
}

static void
a_message_without_channel_from_a_careless_backend_waits(void **state)
{
    struct fixture *fx = *state;
    struct rogue r = {0};

    fx->worker.sms = NULL;
    r.msg.id = 10;
    r.msg.kind = DELIVER_SMS;
    r.msg.key = (char *)"k10";
    r.msg.address = (char *)"+525512345678";
    r.msg.body = (char *)"Buzon IMSS";
    r.msg.attempts = 1;
    run_rogue(fx, &r);
    assert_int_equal(r.marked, DELIVER_MARK_RETRY);
    assert_string_equal(r.res.err.code, "deliver_channel_missing");
    assert_int_equal(fx->fake.n_sent, 0);
}

static void
the_same_key_cannot_be_enqueued_twice(void **state)
{
    struct fixture *fx = *state;
    struct deliver_message m = {0};
    struct error err;

    enqueue(fx, "k1");
    m.kind = DELIVER_SMS;
    m.key = (char *)"k1";
    m.address = (char *)"+525512345678";
    m.body = (char *)"otro texto";
    assert_int_equal(deliver_memory_add(fx->mem, &m, fx->now, NULL, &err), -1);
    assert_string_equal(err.code, "deliver_duplicate");
    m.address = (char *)"55 1234 5678";
    m.key = (char *)"k2";
    assert_int_equal(deliver_memory_add(fx->mem, &m, fx->now, NULL, &err), -1);
    assert_string_equal(err.code, "phone_format");
}

static void
the_lag_measures_how_late_the_oldest_message_was(void **state)
{
    struct fixture *fx = *state;

    enqueue(fx, "k1");
    fx->now += 42 * SEC;
    enqueue(fx, "k2");
    assert_int_equal(pass(fx), 2);
    assert_int_equal(atomic_load(&fx->worker.stats.lag_us), 42 * SEC);
}

static void *
run_worker(void *arg)
{
    struct deliver_worker *w = arg;
    struct error err;
    size_t n;

    do {
        assert_int_equal(deliver_worker_run_once(w, &n, &err), 0);
    } while (n > 0);
    return NULL;
}

static void
two_workers_sharing_one_outbox_send_each_message_once(void **state)
{
    struct fixture *fx = *state;
    struct deliver_worker second;
    pthread_t a, b;
    char key[32];

    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof(key), "aviso-%d", i);
        enqueue(fx, key);
    }
    deliver_worker_init(&second, &fx->backend, &policy);
    second.email = &fx->channel;
    second.now_us = fake_now;
    second.clock_ctx = &fx->now;

    pthread_create(&a, NULL, run_worker, &fx->worker);
    pthread_create(&b, NULL, run_worker, &second);
    pthread_join(a, NULL);
    pthread_join(b, NULL);

    assert_int_equal(fx->fake.n_sent, 200);
    assert_int_equal(deliver_memory_pending(fx->mem), 0);
    for (size_t i = 0; i < 200; i++) {
        for (size_t j = i + 1; j < 200; j++)
            assert_string_not_equal(fx->fake.sent_keys[i], fx->fake.sent_keys[j]);
    }
    assert_int_equal(
        atomic_load(&fx->worker.stats.delivered) + atomic_load(&second.stats.delivered), 200);
}

struct loop_arg {
    struct deliver_worker *w;
    atomic_bool stop;
};

static void *
loop_thread(void *arg)
{
    struct loop_arg *la = arg;

    deliver_worker_loop(la->w, &la->stop, 50000);
    return NULL;
}

static void
the_loop_drains_the_outbox_and_stops_when_asked(void **state)
{
    struct fixture *fx = *state;
    struct loop_arg la = {&fx->worker, false};
    struct timespec ts = {0, 20000000};
    pthread_t t;

    enqueue(fx, "k1");
    enqueue(fx, "k2");
    pthread_create(&t, NULL, loop_thread, &la);
    for (int i = 0; i < 250 && atomic_load(&fx->worker.stats.delivered) < 2; i++)
        nanosleep(&ts, NULL);
    atomic_store(&la.stop, true);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&fx->worker.stats.delivered), 2);
}

static void
stats_are_written_for_prometheus(void **state)
{
    static const enum deliver_outcome script[] = {DELIVER_TRANSIENT};
    struct fixture *fx = *state;
    char out[4096];
    int n;

    fx->fake.script = script;
    fx->fake.n_script = 1;
    enqueue(fx, "k1");
    enqueue(fx, "k2");
    fx->now += 3 * SEC;
    pass(fx);

    n = deliver_stats_prometheus(&fx->worker.stats, out, sizeof(out));
    assert_true(n > 0 && (size_t)n == strlen(out));
    assert_non_null(strstr(out, "# TYPE buzon_outbox_delivered_total counter\n"
                                "buzon_outbox_delivered_total 1\n"));
    assert_non_null(strstr(out, "\nbuzon_outbox_retried_total 1\n"));
    assert_non_null(strstr(out, "\nbuzon_outbox_claimed_total 2\n"));
    assert_non_null(strstr(out, "\nbuzon_outbox_worker_lag_seconds 3.000\n"));
    assert_non_null(strstr(out, "\nbuzon_outbox_worker_last_pass_timestamp_seconds "
                                "1700000003.000\n"));
    assert_int_equal(deliver_stats_prometheus(&fx->worker.stats, out, 100), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_delivered_message_keeps_the_reply_and_is_never_sent_again,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_transient_failure_waits_for_its_backoff_then_is_retried,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_permanent_failure_is_not_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(transient_failures_stop_at_max_attempts, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_crash_after_claim_resends_once_the_lease_ends_marked_in_doubt, setup, teardown),
        cmocka_unit_test_setup_teardown(a_kind_without_channel_is_left_untouched_until_one_comes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(an_altered_row_is_failed_without_being_sent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_message_without_channel_from_a_careless_backend_waits,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_same_key_cannot_be_enqueued_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(the_lag_measures_how_late_the_oldest_message_was, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(two_workers_sharing_one_outbox_send_each_message_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(the_loop_drains_the_outbox_and_stops_when_asked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(stats_are_written_for_prometheus, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

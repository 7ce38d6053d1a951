/*
 * The outbox kept in the store (deliver/outbox_store.h), run against each backend: messages
 * enqueued in a transaction are sent once, the reply is kept as evidence, a crashed attempt
 * is taken again after its lease and marked in doubt, a worker whose lease ran out cannot
 * record over the next one, transient failures wait with backoff, and several workers
 * draining one outbox at once never send a message twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/log.h"
#include "deliver/outbox_store.h"
#include "deliver/worker.h"
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC 1000000LL
enum { N_MESSAGES = 60, N_WORKERS = 4 };

static const char *backend;

#define OK(call)                                                                          \
    do {                                                                                  \
        struct error e_ = {0};                                                            \
        int rc_ = (call);                                                                 \
        if (rc_ != 0)                                                                     \
            fail_msg("%s = %d: %s: %s (%s)", #call, rc_, e_.code, e_.message, e_.detail); \
    } while (0)
#define ERR(e_) (&e_)

/* A channel that answers from a script of outcomes, then delivers; it counts sends per key. */
struct fake {
    pthread_mutex_t lock;
    const enum deliver_outcome *script;
    size_t n_script, next, n_sent;
    int sent[N_MESSAGES * 2];
    bool saw_in_doubt;
};

static void
fake_send(void *ctx, const struct deliver_message *m, int64_t now_us, struct deliver_result *res)
{
    struct fake *f = ctx;
    int k = -1;

    (void)now_us;
    pthread_mutex_lock(&f->lock);
    res->outcome = f->next < f->n_script ? f->script[f->next++] : DELIVER_DELIVERED;
    res->reply_code = res->outcome == DELIVER_DELIVERED ? 250 : 451;
    snprintf(res->reply, sizeof(res->reply), "%d respuesta a %s", res->reply_code, m->key);
    snprintf(res->transcript, sizeof(res->transcript), "220 listo\n%d fin\n", res->reply_code);
    snprintf(res->reference, sizeof(res->reference), "<%s@buzon.test>", m->key);
    if (res->outcome != DELIVER_DELIVERED)
        error_set(&res->err, "fake_failure", "falla simulada");
    if (sscanf(m->key, "msg-%d", &k) == 1 && k >= 0 && k < N_MESSAGES * 2)
        f->sent[k]++;
    f->n_sent++;
    f->saw_in_doubt = f->saw_in_doubt || m->in_doubt;
    pthread_mutex_unlock(&f->lock);
}

struct fixture {
    char url[512], dir[256];
    struct store *s;
    struct deliver_store *ds;
    struct deliver_backend backend;
    struct fake fake;
    struct deliver_channel channel;
    int64_t now;
};

static int64_t
fixture_now(void *ctx)
{
    return ((struct fixture *)ctx)->now;
}

static const struct deliver_policy policy = {.max_attempts = 3,
                                             .base_us = 60 * SEC,
                                             .max_us = 3600 * SEC,
                                             .lease_us = 300 * SEC,
                                             .batch = 8};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct store_options opts = {.migrate = true};
    struct error err = {0};

    if (harness_fresh(backend, "outbox", f->url, sizeof(f->url), f->dir, sizeof(f->dir)) != 0)
        return -1;
    opts.url = f->url;
    opts.data_dir = f->dir;
    opts.pool_size = N_WORKERS + 2;
    if (store_open(&opts, &f->s, NULL, &err) != STORE_OK)
        return -1;
    f->ds = deliver_store_new(f->s);
    deliver_store_backend(f->ds, &f->backend);
    pthread_mutex_init(&f->fake.lock, NULL);
    f->channel = (struct deliver_channel){"fake", fake_send, &f->fake};
    f->now = harness_now();
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    deliver_store_free(f->ds);
    store_close(f->s);
    harness_cleanup(f->dir);
    pthread_mutex_destroy(&f->fake.lock);
    free(f);
    return 0;
}

static void
init_worker(struct fixture *f, struct deliver_worker *w)
{
    deliver_worker_init(w, &f->backend, &policy);
    w->email = &f->channel;
    w->sms = &f->channel;
    w->now_us = fixture_now;
    w->clock_ctx = f;
}

struct enqueue_job {
    int from, to;
    int64_t now;
    size_t created;
};

static int
enqueue_fn(struct store_tx *tx, void *arg, struct error *err)
{
    struct enqueue_job *j = arg;

    j->created = 0;
    for (int i = j->from; i < j->to; i++) {
        char key[32], address[64];
        struct deliver_message m = {0};
        bool created = false;

        snprintf(key, sizeof(key), "msg-%d", i);
        m.key = key;
        if (i % 2 == 0) {
            snprintf(address, sizeof(address), "persona%d@example.com", i);
            m.kind = DELIVER_EMAIL;
            m.subject = (char *)"Validación de su correo «Buzón IMSS»";
            m.body = (char *)"Su código es 123456.\nLínea con \"comillas\" y \\ barra.\n";
        } else {
            snprintf(address, sizeof(address), "+5255%08d", 10000000 + i);
            m.kind = DELIVER_SMS;
            m.body = (char *)"Buzon IMSS: su codigo es 123456";
        }
        m.address = address;
        if (deliver_store_enqueue(tx, &m, j->now, j->now, &created, err) != 0)
            return -1;
        j->created += created;
    }
    return 0;
}

static void
enqueue(struct fixture *f, int from, int to, size_t expect_created)
{
    struct enqueue_job j = {from, to, f->now, 0};

    OK(store_run(f->s, STORE_TX_WRITE, enqueue_fn, &j, ERR(e_)));
    assert_int_equal(j.created, expect_created);
}

static struct store_outbox
row(struct fixture *f, const char *key)
{
    struct store_outbox o;
    struct store_tx *tx = NULL;

    OK(f->s->ops->begin(f->s, STORE_TX_READ, &tx, ERR(e_)));
    OK(f->s->ops->outbox_get(tx, key, &o, ERR(e_)));
    f->s->ops->rollback(tx);
    return o;
}

static void
payload_round_trips(void **state)
{
    const char *body = "Línea 1\nCon \"comillas\", \\barra\\, tab\t y\rretorno\x01.";
    char *json = NULL, *subject = NULL, *back = NULL;

    (void)state;
    deliver_payload_encode("Asunto ñ", body, &json);
    assert_int_equal(deliver_payload_decode(json, &subject, &back), 0);
    assert_string_equal(subject, "Asunto ñ");
    assert_string_equal(back, body);
    free(json);
    free(subject);
    free(back);

    deliver_payload_encode(NULL, "sms", &json);
    assert_string_equal(json, "{\"body\":\"sms\"}");
    assert_int_equal(deliver_payload_decode(json, &subject, &back), 0);
    assert_null(subject);
    free(json);
    free(back);

    assert_int_equal(deliver_payload_decode("{\"body\":\"x\",\"otro\":\"y\"}", &subject, &back),
                     -1);
    assert_int_equal(deliver_payload_decode("{\"body\":\"x\"", &subject, &back), -1);
    assert_int_equal(deliver_payload_decode("{\"subject\":\"x\"}", &subject, &back), -1);
    assert_int_equal(deliver_payload_decode("{\"body\":\"\\u0000\"}", &subject, &back), -1);
    assert_null(subject);
    assert_null(back);
}

static void
messages_are_sent_once_with_their_reply_kept(void **state)
{
    struct fixture *f = *state;
    struct deliver_worker w;
    struct store_outbox o;
    int64_t pending = 0, lag = 0;
    size_t n = 0;

    enqueue(f, 0, 2, 2);
    enqueue(f, 0, 2, 0); /* the same keys again: a transaction run twice sends once */
    OK(deliver_store_stats(f->ds, f->now + 5 * SEC, &pending, &lag, ERR(e_)));
    assert_true(pending == 2 && lag == 5 * SEC);

    init_worker(f, &w);
    f->now += 5 * SEC;
    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    assert_int_equal(n, 2);
    assert_int_equal(atomic_load(&w.stats.lag_us), 5 * SEC);
    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    assert_int_equal(n, 0);
    assert_int_equal(f->fake.sent[0], 1);
    assert_int_equal(f->fake.sent[1], 1);

    o = row(f, "msg-0");
    assert_int_equal(o.state, STORE_OUTBOX_SENT);
    assert_true(o.sent_at == f->now);
    assert_int_equal(o.reply_code, 250);
    assert_string_equal(o.provider_reply, "250 respuesta a msg-0");
    assert_string_equal(o.transcript, "220 listo\n250 fin\n");
    assert_string_equal(o.reference, "<msg-0@buzon.test>");
    store_outbox_cleanup(&o);

    OK(deliver_store_stats(f->ds, f->now, &pending, &lag, ERR(e_)));
    assert_true(pending == 0 && lag == 0);
}

static void
transient_failures_wait_with_backoff_then_fail(void **state)
{
    static const enum deliver_outcome script[] = {DELIVER_TRANSIENT, DELIVER_TRANSIENT,
                                                  DELIVER_TRANSIENT};
    struct fixture *f = *state;
    struct deliver_worker w;
    struct store_outbox o;
    size_t n = 0;

    f->fake.script = script;
    f->fake.n_script = 3;
    enqueue(f, 0, 1, 1);
    init_worker(f, &w);

    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    o = row(f, "msg-0");
    assert_int_equal(o.state, STORE_OUTBOX_PENDING);
    assert_int_equal(o.reply_code, 451);
    assert_true(o.next_attempt_at >= f->now + 30 * SEC && o.next_attempt_at <= f->now + 60 * SEC);
    store_outbox_cleanup(&o);

    /* Not due yet: nothing happens; then the second delay is about twice the first. */
    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    assert_int_equal(n, 0);
    f->now += 60 * SEC;
    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    assert_int_equal(n, 1);
    o = row(f, "msg-0");
    assert_true(o.next_attempt_at >= f->now + 60 * SEC && o.next_attempt_at <= f->now + 120 * SEC);
    store_outbox_cleanup(&o);

    f->now += 120 * SEC;
    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    o = row(f, "msg-0");
    assert_int_equal(o.state, STORE_OUTBOX_FAILED); /* max_attempts reached */
    assert_int_equal(o.attempts, 3);
    store_outbox_cleanup(&o);
    assert_int_equal(f->fake.sent[0], 3);
}

static void
a_crashed_attempt_is_taken_again_in_doubt_and_the_old_lease_is_fenced(void **state)
{
    struct fixture *f = *state;
    struct deliver_message claimed[4] = {0};
    struct deliver_result res;
    struct deliver_worker w;
    struct error err = {0};
    struct store_outbox o;
    size_t n = 0;

    enqueue(f, 0, 1, 1);

    /* A worker claims, and dies before it records anything. */
    OK(f->backend.claim(f->ds, f->now, policy.lease_us, 6, 4, claimed, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_false(claimed[0].in_doubt);

    /* While the lease runs nobody takes the message. */
    init_worker(f, &w);
    f->now += policy.lease_us - 1;
    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    assert_int_equal(n, 0);

    /* When it ends, the next worker sends again, knowing the first may have gone out. */
    f->now += 1;
    OK(deliver_worker_run_once(&w, &n, ERR(e_)));
    assert_int_equal(n, 1);
    assert_true(f->fake.saw_in_doubt);
    assert_int_equal(atomic_load(&w.stats.in_doubt), 1);

    /* The first worker wakes up: its mark is refused and changes nothing. */
    deliver_result_init(&res);
    res.outcome = DELIVER_PERMANENT;
    assert_int_equal(f->backend.mark_failed(f->ds, &claimed[0], &res, f->now, &err), -1);
    assert_string_equal(err.code, "deliver_lease_lost");
    o = row(f, "msg-0");
    assert_int_equal(o.state, STORE_OUTBOX_SENT);
    assert_int_equal(o.attempts, 2);
    assert_false(o.in_doubt);
    store_outbox_cleanup(&o);
    deliver_message_cleanup(&claimed[0]);
}

struct runner {
    struct fixture *f;
    struct deliver_worker w;
    pthread_t thread;
};

static void *
run_worker(void *arg)
{
    struct runner *r = arg;
    size_t n = 1;

    while (n > 0) {
        struct error err = {0};

        if (deliver_worker_run_once(&r->w, &n, &err) != 0)
            n = 1; /* a conflict (SQLite busy): try again */
    }
    return NULL;
}

static void
several_workers_never_send_a_message_twice(void **state)
{
    struct fixture *f = *state;
    struct runner r[N_WORKERS];
    int64_t pending = 0, lag = 0;

    enqueue(f, 0, N_MESSAGES, N_MESSAGES);
    for (int i = 0; i < N_WORKERS; i++) {
        r[i].f = f;
        init_worker(f, &r[i].w);
        r[i].w.policy.batch = 3;
        assert_int_equal(pthread_create(&r[i].thread, NULL, run_worker, &r[i]), 0);
    }
    for (int i = 0; i < N_WORKERS; i++)
        pthread_join(r[i].thread, NULL);

    assert_int_equal(f->fake.n_sent, N_MESSAGES);
    for (int i = 0; i < N_MESSAGES; i++)
        assert_int_equal(f->fake.sent[i], 1);
    assert_false(f->fake.saw_in_doubt);
    OK(deliver_store_stats(f->ds, f->now, &pending, &lag, ERR(e_)));
    assert_int_equal(pending, 0);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(payload_round_trips),
        cmocka_unit_test_setup_teardown(messages_are_sent_once_with_their_reply_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(transient_failures_wait_with_backoff_then_fail, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            a_crashed_attempt_is_taken_again_in_doubt_and_the_old_lease_is_fenced, setup, teardown),
        cmocka_unit_test_setup_teardown(several_workers_never_send_a_message_twice, setup,
                                        teardown),
    };
    struct store_options probe = {0};
    char url[512], dir[256];

    (void)probe;
    backend = argc > 1 ? argv[1] : "sqlite";
    if (harness_fresh(backend, "outbox_probe", url, sizeof(url), dir, sizeof(dir)) != 0)
        return HARNESS_SKIP;
    harness_cleanup(dir);
    log_set_level(LOG_ERROR);
    return cmocka_run_group_tests_name(backend, tests, NULL, NULL);
}

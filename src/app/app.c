/* app.c - the application context (app.h). */
#include "app/app.h"

#include "app/limiter.h"
#include "core/mem.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int64_t
app_system_now(void *arg)
{
    struct timespec ts;

    (void)arg;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct app *
app_new(const struct app_options *opts)
{
    struct app *a = mem_calloc(1, sizeof(*a));

    a->store = opts->store;
    a->trust = opts->trust;
    a->ledger = opts->ledger;
    snprintf(a->verification_base, sizeof(a->verification_base), "%s",
             opts->verification_base != NULL ? opts->verification_base : "");
    a->policy = opts->policy;
    a->now = opts->now != NULL ? opts->now : app_system_now;
    a->now_arg = opts->now_arg;
    a->limiter = app_limiter_new();
    return a;
}

void
app_free(struct app *a)
{
    if (a == NULL)
        return;
    app_limiter_free(a->limiter);
    free(a);
}

int64_t
app_now(const struct app *a)
{
    return a->now(a->now_arg);
}

int
app_ready(void *arg, struct error *err)
{
    struct app *a = arg;
    struct store_tx *tx = NULL;
    struct error serr = {0};
    int64_t db_version = 0;

    /* A read transaction that touches the database proves a connection and the schema. */
    if (a->store->ops->begin(a->store, STORE_TX_READ, &tx, &serr) != STORE_OK)
        goto fail;
    if (a->store->ops->merkle_size(tx, &db_version, &serr) != STORE_OK) {
        a->store->ops->rollback(tx);
        goto fail;
    }
    a->store->ops->rollback(tx);
    return 0;

fail:
    error_set(err, "store_unreachable", "la base de datos no responde");
    error_detail(err, "%s: %s", serr.code, serr.message);
    return -1;
}

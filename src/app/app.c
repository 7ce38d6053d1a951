/* app.c - the application context (app.h). */
#include "app/app.h"

#include "app/limiter.h"
#include "app/session_cache.h"
#include "app/terms.h"
#include "core/civil.h"
#include "core/clock_policy.h"
#include "core/mem.h"
#include "core/sha256.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

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
    a->contacts = opts->contacts;
    a->contacts.public_url =
        mem_strdup(opts->contacts.public_url != NULL ? opts->contacts.public_url : "");
    if (a->contacts.validation_hours <= 0)
        a->contacts.validation_hours = 72;
    if (a->contacts.max_attempts <= 0)
        a->contacts.max_attempts = 5;
    a->now = opts->now != NULL ? opts->now : app_system_now;
    a->now_arg = opts->now_arg;
    a->limiter = app_limiter_new();
    a->sessions = app_session_cache_new(a->policy.session_cache_ms * 1000);
    a->ledger = opts->ledger;
    a->centro = opts->centro;

    a->transitional_end = opts->transitional_end;
    if (a->transitional_end == 0) {
        struct clock_policy p;

        clock_policy_default(&p);
        a->transitional_end = p.transitional_end;
    }

    if (opts->terms_version != NULL && opts->terms_text != NULL) {
        a->terms.version = opts->terms_version;
        a->terms.text = opts->terms_text;
        a->terms.len = opts->terms_len;
    } else {
        a->terms.version = app_terms_embedded_version;
        a->terms.text = (const char *)app_terms_embedded_text;
        a->terms.len = app_terms_embedded_len;
    }
    {
        uint8_t digest[SHA256_LEN];

        sha256(a->terms.text, a->terms.len, digest);
        sha256_hex(digest, a->terms.sha256);
    }
    snprintf(a->clarification_unit, sizeof(a->clarification_unit), "%s",
             opts->clarification_unit != NULL && opts->clarification_unit[0] != '\0'
                 ? opts->clarification_unit
                 : "00");
    return a;
}

void
app_free(struct app *a)
{
    if (a == NULL)
        return;
    app_limiter_free(a->limiter);
    app_session_cache_free(a->sessions);
    free((char *)a->contacts.public_url);
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

/* session_cache.c - sessions checked in the last moments, in memory (session_cache.h). */
#include "app/session_cache.h"

#include "core/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
    BUCKETS = APP_SESSION_CACHE_SLOTS / APP_SESSION_CACHE_WAYS,
};

struct slot {
    int64_t fresh_until; /* 0: the slot is free */
    struct store_session s;
};

struct shard {
    pthread_mutex_t lock;
    uint64_t epoch; /* drops so far */
    struct slot slots[APP_SESSION_CACHE_SLOTS];
};

struct app_session_cache {
    int64_t lifetime_us;
    struct shard *shards; /* APP_SESSION_CACHE_SHARDS */
};

struct app_session_cache *
app_session_cache_new(int64_t lifetime_us)
{
    struct app_session_cache *c;

    if (lifetime_us <= 0)
        return NULL;
    c = mem_calloc(1, sizeof(*c));
    c->lifetime_us = lifetime_us;
    c->shards = mem_calloc(APP_SESSION_CACHE_SHARDS, sizeof(*c->shards));
    for (size_t i = 0; i < APP_SESSION_CACHE_SHARDS; i++)
        pthread_mutex_init(&c->shards[i].lock, NULL);
    return c;
}

void
app_session_cache_free(struct app_session_cache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < APP_SESSION_CACHE_SHARDS; i++)
        pthread_mutex_destroy(&c->shards[i].lock);
    free(c->shards);
    free(c);
}

/* The token's hash is uniform (the token is 256 random bits): its bytes pick the place. */
static struct shard *
shard_of(struct app_session_cache *c, const uint8_t h[STORE_HASH_LEN])
{
    return &c->shards[h[0] % APP_SESSION_CACHE_SHARDS];
}

static struct slot *
bucket_of(struct shard *sh, const uint8_t h[STORE_HASH_LEN])
{
    return &sh->slots[(h[1] % BUCKETS) * APP_SESSION_CACHE_WAYS];
}

static struct slot *
find(struct shard *sh, const uint8_t h[STORE_HASH_LEN])
{
    struct slot *b = bucket_of(sh, h);

    for (size_t i = 0; i < APP_SESSION_CACHE_WAYS; i++) {
        if (b[i].fresh_until != 0 && memcmp(b[i].s.token_hash, h, STORE_HASH_LEN) == 0)
            return &b[i];
    }
    return NULL;
}

bool
app_session_cache_get(struct app_session_cache *c, const uint8_t token_hash[STORE_HASH_LEN],
                      int64_t now, struct store_session *out, uint64_t *epoch)
{
    struct shard *sh;
    struct slot *e;
    bool found = false;

    *epoch = 0;
    if (c == NULL)
        return false;
    sh = shard_of(c, token_hash);
    pthread_mutex_lock(&sh->lock);
    *epoch = sh->epoch;
    e = find(sh, token_hash);
    if (e != NULL && now < e->fresh_until) {
        *out = e->s;
        found = true;
    }
    pthread_mutex_unlock(&sh->lock);
    return found;
}

void
app_session_cache_put(struct app_session_cache *c, const struct store_session *s, int64_t read_at,
                      uint64_t epoch)
{
    struct shard *sh;
    struct slot *e, *b;

    if (c == NULL)
        return;
    sh = shard_of(c, s->token_hash);
    pthread_mutex_lock(&sh->lock);
    if (sh->epoch != epoch)
        goto out;

    /* The same session, else the place that goes (or went) stale first. */
    e = find(sh, s->token_hash);
    if (e == NULL) {
        b = bucket_of(sh, s->token_hash);
        e = &b[0];
        for (size_t i = 1; i < APP_SESSION_CACHE_WAYS; i++) {
            if (b[i].fresh_until < e->fresh_until)
                e = &b[i];
        }
    }
    e->s = *s;
    e->fresh_until = read_at + c->lifetime_us;
out:
    pthread_mutex_unlock(&sh->lock);
}

void
app_session_cache_drop(struct app_session_cache *c, const uint8_t token_hash[STORE_HASH_LEN])
{
    struct shard *sh;
    struct slot *e;

    if (c == NULL)
        return;
    sh = shard_of(c, token_hash);
    pthread_mutex_lock(&sh->lock);
    sh->epoch++;
    e = find(sh, token_hash);
    if (e != NULL)
        memset(e, 0, sizeof(*e));
    pthread_mutex_unlock(&sh->lock);
}

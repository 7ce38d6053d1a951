/* limiter.c - sliding windows of failures per key (limiter.h). */
#include "app/limiter.h"

#include "core/mem.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    /* empty: the slot is free */
    char key[APP_LIMITER_KEY_MAX + 1];
    int64_t hits[APP_LIMITER_MAX_HITS]; /* a ring of failure instants */
    unsigned n;                         /* failures recorded, at most APP_LIMITER_MAX_HITS */
    unsigned next;                      /* ring slot of the next failure */
    int64_t last;                       /* newest failure */
};

struct app_limiter {
    pthread_mutex_t lock;
    struct entry *entries; /* APP_LIMITER_KEYS */
};

struct app_limiter *
app_limiter_new(void)
{
    struct app_limiter *l = mem_calloc(1, sizeof(*l));

    pthread_mutex_init(&l->lock, NULL);
    l->entries = mem_calloc(APP_LIMITER_KEYS, sizeof(*l->entries));
    return l;
}

void
app_limiter_free(struct app_limiter *l)
{
    if (l == NULL)
        return;
    pthread_mutex_destroy(&l->lock);
    free(l->entries);
    free(l);
}

/* The entry of key, or NULL. A linear scan: logins are rare next to other requests. */
static struct entry *
find(struct app_limiter *l, const char *key)
{
    for (size_t i = 0; i < APP_LIMITER_KEYS; i++) {
        struct entry *e = &l->entries[i];

        if (e->key[0] != '\0' && strncmp(e->key, key, APP_LIMITER_KEY_MAX) == 0)
            return e;
    }
    return NULL;
}

/* A free entry, or the one whose newest failure is oldest. */
static struct entry *
take(struct app_limiter *l)
{
    struct entry *victim = &l->entries[0];

    for (size_t i = 0; i < APP_LIMITER_KEYS; i++) {
        struct entry *e = &l->entries[i];

        if (e->key[0] == '\0')
            return e;
        if (e->last < victim->last)
            victim = e;
    }
    return victim;
}

bool
app_limiter_blocked(struct app_limiter *l, const char *key, unsigned max, int64_t window_us,
                    int64_t now, int64_t *retry_us)
{
    int64_t oldest = INT64_MAX;
    unsigned inside = 0;
    struct entry *e;

    if (max > APP_LIMITER_MAX_HITS)
        max = APP_LIMITER_MAX_HITS;
    pthread_mutex_lock(&l->lock);
    e = find(l, key);
    for (unsigned i = 0; e != NULL && i < e->n; i++) {
        if (e->hits[i] > now - window_us) {
            inside++;
            if (e->hits[i] < oldest)
                oldest = e->hits[i];
        }
    }
    pthread_mutex_unlock(&l->lock);

    if (retry_us != NULL)
        *retry_us = inside >= max ? oldest + window_us - now : 0;
    return inside >= max;
}

void
app_limiter_fail(struct app_limiter *l, const char *key, int64_t now)
{
    struct entry *e;

    pthread_mutex_lock(&l->lock);
    e = find(l, key);
    if (e == NULL) {
        e = take(l);
        memset(e, 0, sizeof(*e));
        strncpy(e->key, key, APP_LIMITER_KEY_MAX);
    }
    e->hits[e->next] = now;
    e->next = (e->next + 1) % APP_LIMITER_MAX_HITS;
    if (e->n < APP_LIMITER_MAX_HITS)
        e->n++;
    e->last = now;
    pthread_mutex_unlock(&l->lock);
}

void
app_limiter_reset(struct app_limiter *l, const char *key)
{
    struct entry *e;

    pthread_mutex_lock(&l->lock);
    e = find(l, key);
    if (e != NULL)
        memset(e, 0, sizeof(*e));
    pthread_mutex_unlock(&l->lock);
}

/*
 * limiter.h - a sliding window of failures per key, to slow down guessing
 * (failed logins are limited per RFC and per client address).
 *
 * A key is refused once it has max failures within the last window
 * microseconds; old failures leave the window by themselves. The table is in
 * memory and bounded (APP_LIMITER_KEYS keys; when full, the key whose last
 * failure is oldest is forgotten).
 *
 * FIXME: one node only. Behind a load balancer each `buzon serve` counts its
 * own failures, so an attacker gets max_failures per node; a shared counter
 * (the store) is needed for several nodes.
 *
 * Ownership: keys are copied. Thread-safety: every function locks the limiter.
 */
#ifndef BUZON_APP_LIMITER_H
#define BUZON_APP_LIMITER_H

#include <stdbool.h>
#include <stdint.h>

enum {
    APP_LIMITER_KEYS = 4096,   /* keys remembered at once */
    APP_LIMITER_MAX_HITS = 64, /* largest max a window may count */
    APP_LIMITER_KEY_MAX = 63,  /* longer keys are cut */
};

struct app_limiter;

/* A new, empty limiter. Never NULL; release with app_limiter_free. */
struct app_limiter *app_limiter_new(void);

/* Release l (may be NULL). */
void app_limiter_free(struct app_limiter *l);

/*
 * Has key (in) reached max failures (max <= APP_LIMITER_MAX_HITS) in the window
 * of window_us microseconds before now? *retry_us (out, may be NULL) is how
 * long until the oldest of them leaves the window (0 when not limited).
 */
bool app_limiter_blocked(struct app_limiter *l, const char *key, unsigned max, int64_t window_us,
                         int64_t now, int64_t *retry_us);

/* Record one failure of key (in) at now. */
void app_limiter_fail(struct app_limiter *l, const char *key, int64_t now);

/* Forget key's failures (a successful login). */
void app_limiter_reset(struct app_limiter *l, const char *key);

#endif

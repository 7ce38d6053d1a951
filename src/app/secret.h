/*
 * secret.h - random secrets of the application: login nonces, session tokens, API tokens.
 *
 * Thread-safety: every function may run on any thread at once.
 */
#ifndef BUZON_APP_SECRET_H
#define BUZON_APP_SECRET_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf (out) with len bytes from the kernel's CSPRNG (getrandom(2)); aborts only on a
 * broken system. */
void app_random_bytes(uint8_t *buf, size_t len);

/* RFC 4648 section 5 base64url of len bytes at in, without padding, into out (out, at least
 * (len * 4 + 2) / 3 + 1 bytes): 32 bytes give 43 characters. */
void app_b64url(const uint8_t *in, size_t len, char *out);

/* Is c one of the 64 characters of base64url? */
int app_b64url_char(char c);

#endif

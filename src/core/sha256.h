/*
 * sha256.h - SHA-256 (FIPS 180-4), in pure C.
 *
 * Documents and attachments are named by their SHA-256 (design.md section 5) in layers that
 * may not link OpenSSL (store, core); this is the one implementation they share. It is not
 * constant-time with respect to the message length, which is public here.
 *
 * Ownership: struct sha256 is a plain value owned by the caller; nothing is heap-allocated.
 * Thread-safety: a context is used by one thread at a time; the functions keep no global state.
 */
#ifndef BUZON_CORE_SHA256_H
#define BUZON_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

enum {
    SHA256_LEN = 32,     /* digest bytes */
    SHA256_HEX_LEN = 64, /* lower-case hex digits, without the NUL */
};

struct sha256 {
    uint32_t h[8];
    uint64_t n_bytes;
    uint8_t block[64];
    size_t n_block;
};

/* Start a new digest in ctx (out). */
void sha256_init(struct sha256 *ctx);

/* Add len bytes at data (in; may be NULL when len is 0) to ctx (in-out). */
void sha256_update(struct sha256 *ctx, const void *data, size_t len);

/* Finish ctx (in-out, unusable afterwards until sha256_init) into out (out, 32 bytes). */
void sha256_final(struct sha256 *ctx, uint8_t out[SHA256_LEN]);

/* One-shot digest of len bytes at data (in) into out (out, 32 bytes). */
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

/* Write the 64 lower-case hex digits of digest (in) and a NUL into hex (out, 65 bytes). */
void sha256_hex(const uint8_t digest[SHA256_LEN], char hex[SHA256_HEX_LEN + 1]);

/*
 * Parse 64 hex digits (in, either case, NUL-terminated) into digest (out).
 * Returns 0, or -1 when hex is not exactly 64 hex digits (digest is then unspecified).
 */
int sha256_from_hex(const char *hex, uint8_t digest[SHA256_LEN]);

#endif

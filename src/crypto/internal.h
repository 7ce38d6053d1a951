/*
 * internal.h - what the files of src/crypto/ share and nobody else sees: the layout of the
 * opaque objects of sign.h and helpers named crypto__ (docs/style.md, "Naming").
 *
 * Only files under src/crypto/ include this header; it is the one place outside OpenSSL's own
 * headers where OpenSSL types appear in a declaration.
 */
#ifndef BUZON_CRYPTO_INTERNAL_H
#define BUZON_CRYPTO_INTERNAL_H

#include "core/error.h"
#include "crypto/cert.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Largest certificate or key file read: SAT's are under 2 KiB; this leaves room for chains. */
enum {
    CRYPTO__MAX_FILE = 1024 * 1024,
    CRYPTO__CTX_POOL = 8, /* verification contexts kept per certificate */
};

struct crypto_cert {
    X509 *x509;   /* owned */
    uint8_t *der; /* owned, the exact encoding read (or re-encoded from PEM) */
    size_t der_len;
    uint8_t fp[32];               /* SHA-256 of der: the key of the trust caches */
    struct crypto_cert_info info; /* read once at parse time (cert.c) */

    /* Verification contexts prepared once and reused (sign.c): setting one up costs OpenSSL 3
     * algorithm fetches worth a third of an RSA-2048 verification. A context is used by one
     * thread at a time: taken from and returned to the pool under the lock. */
    pthread_mutex_t lock;
    EVP_PKEY_CTX *pool[CRYPTO__CTX_POOL];
    int n_pool;
};

struct crypto_key {
    EVP_PKEY *pkey; /* owned; OpenSSL clears RSA private components when it frees them */
};

/*
 * Read path (in) whole into *out (out, caller frees; wipe first if secret) and *len.
 * Refuses files over max bytes. Errors: "file_read".
 */
int crypto__read_file(const char *path, size_t max, uint8_t **out, size_t *len, struct error *err);

/* Fill info (out) from x509 (in): the SAT profile (cert.c). Never fails: what cannot be read
 * is left empty and the kind becomes CRYPTO_CERT_UNKNOWN with the reason in info->profile_error. */
void crypto__cert_profile(X509 *x509, const uint8_t *der, size_t der_len,
                          struct crypto_cert_info *info);

/* SHA-256 fetched once per process (OpenSSL 3 fetches on every use of EVP_sha256()). */
const EVP_MD *crypto__sha256(void);

/* Wrap x509 (in, reference taken) as a crypto_cert. Returns 0 or -1 with "cert_malformed". */
int crypto__cert_from_x509(X509 *x509, struct crypto_cert **out, struct error *err);

/* Seconds since the epoch of an ASN.1 time (in), into *out. Returns 0 or -1. */
int crypto__asn1_time_to_unix(const ASN1_TIME *t, int64_t *out);

/*
 * Strict standard base64 (RFC 4648 section 4, padding required, no line breaks; surrounding
 * ASCII white space ignored). *out (out, caller frees) gets the bytes. Returns 0 or -1.
 */
int crypto__b64_decode(const char *text, uint8_t **out, size_t *len);

/* Same into buf (out) of cap bytes; -1 also when it does not fit. No allocation. */
int crypto__b64_decode_into(const char *text, uint8_t *buf, size_t cap, size_t *len);

/* Base64 of len bytes at data, padded, no line breaks; caller frees. */
char *crypto__b64_encode(const uint8_t *data, size_t len);

/* True when data (in) starts, after white space, with a PEM "-----BEGIN " line. */
int crypto__looks_pem(const uint8_t *data, size_t len);

/* What an OCSP responder said (ocsp.c). */
enum crypto__ocsp_answer {
    CRYPTO__OCSP_GOOD,
    CRYPTO__OCSP_REVOKED,
    CRYPTO__OCSP_UNKNOWN,     /* the responder does not know the certificate */
    CRYPTO__OCSP_UNREACHABLE, /* no connection, timeout, HTTP error, responder error status */
    CRYPTO__OCSP_INVALID,     /* a response that does not verify: signature, nonce, times */
};

/*
 * Ask the OCSP responder at url (http://HOST[:PORT]/PATH) about leaf, issued by issuer,
 * verifying the response against store. *revoked_at (out) is set for REVOKED. why (out)
 * receives a Spanish reason for UNREACHABLE and INVALID.
 */
enum crypto__ocsp_answer crypto__ocsp_query(const char *url, int timeout_s, X509 *leaf,
                                            X509 *issuer, X509_STORE *store, int64_t *revoked_at,
                                            char *why, size_t why_size);

#endif

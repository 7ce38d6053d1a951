/*
 * sign.h - certificates, private keys and RSA-SHA256 signatures, as SAT's systems use them.
 *
 * This is the contract the rest of the system signs and verifies through (evidence seals
 * receipts with it; app verifies filings and logins). OpenSSL is included only inside
 * src/crypto/.
 *
 * Signatures are RSA PKCS#1 v1.5 over SHA-256 of the given bytes (the cadena original),
 * exchanged as standard base64 with padding and no line breaks, as SAT's seals are.
 *
 * Ownership: objects returned through an out-pointer belong to the caller and are released by
 * the matching _free (which accepts NULL). Strings returned through char ** are heap-allocated,
 * NUL-terminated and freed with free(). A loaded certificate or key is immutable and may be
 * shared between threads (a certificate keeps a small locked pool of verification contexts,
 * invisible to callers).
 *
 * What a certificate says (RFC, CURP, kind e.firma/CSD...) is in cert.h; trust, chains and
 * revocation in trust.h; detached CMS in cms.h. The functions below live in sign.c, except the
 * key functions, in key.c.
 */
#ifndef BUZON_CRYPTO_SIGN_H
#define BUZON_CRYPTO_SIGN_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

struct crypto_cert;
struct crypto_key;

enum { CRYPTO_SHA256_LEN = 32 };

/*
 * Read a certificate from DER or PEM bytes (in). DER must be exactly one certificate, with no
 * trailing bytes. Returns 0 and *out, or -1 with err ("cert_malformed").
 */
int crypto_cert_parse(const uint8_t *data, size_t len, struct crypto_cert **out, struct error *err);

/* Same, from a file (path in; at most 1 MiB). Errors: "file_read", "cert_malformed". */
int crypto_cert_load(const char *path, struct crypto_cert **out, struct error *err);

void crypto_cert_free(struct crypto_cert *cert);

/* The certificate number: the serial's bytes read as ASCII digits (SAT), e.g.
 * "30001000000300023685"; for a serial that is not ASCII digits, its hex. Borrowed from cert. */
const char *crypto_cert_number(const struct crypto_cert *cert);

/* The DER encoding of cert (in): *der points into cert, valid while cert lives. */
void crypto_cert_der(const struct crypto_cert *cert, const uint8_t **der, size_t *len);

/*
 * Read a private key: SAT's encrypted DER PKCS#8 (PBES2, PBKDF2 + DES-EDE3-CBC), or PEM,
 * encrypted or not. password (in, may be NULL for an unencrypted key) is not kept.
 * Errors: "file_read", "key_password" (wrong or missing password), "key_malformed" (truncated
 * — the message says so — or not an RSA key). Key material is wiped: the file's bytes before
 * they are freed, the decrypted PKCS#8 by OpenSSL, the key's private numbers when freed.
 */
int crypto_key_load(const char *path, const char *password, struct crypto_key **out,
                    struct error *err);
int crypto_key_parse(const uint8_t *data, size_t len, const char *password, struct crypto_key **out,
                     struct error *err);

void crypto_key_free(struct crypto_key *key);

/* Returns 0 when key belongs to cert, or -1 with err ("key_mismatch"). */
int crypto_key_matches(const struct crypto_key *key, const struct crypto_cert *cert,
                       struct error *err);

/*
 * Sign len bytes at data with key, RSA-SHA256 PKCS#1 v1.5. *b64 (out) receives the base64
 * signature. Returns 0 or -1 with err ("sign_failed").
 */
int crypto_sign(const struct crypto_key *key, const void *data, size_t len, char **b64,
                struct error *err);

/*
 * Verify the base64 signature b64 over len bytes at data with cert's public key. Returns 0
 * when it verifies, or -1 with err: "signature_encoding" (not base64) or "signature_invalid".
 * Checks only the signature: validity, chain and revocation are separate checks.
 */
int crypto_verify(const struct crypto_cert *cert, const void *data, size_t len, const char *b64,
                  struct error *err);

/*
 * Standard base64 (RFC 4648 section 4, padding required, no line breaks; surrounding ASCII
 * white space ignored), as certificates and signatures travel in JSON. *out (out, caller
 * frees) gets *len bytes. Returns 0, or -1 when text is not such base64.
 */
int crypto_base64_decode(const char *text, uint8_t **out, size_t *len);

/* SHA-256 of len bytes at data into out (out). */
void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN]);

/* SHA-256 as 64 lower-case hex digits plus NUL into hex (out). */
void crypto_sha256_hex(const void *data, size_t len, char hex[2 * CRYPTO_SHA256_LEN + 1]);

#endif

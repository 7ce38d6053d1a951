/*
 * sign.c - certificates, RSA-SHA256 signatures and SHA-256 (see sign.h). Keys are read in
 * key.c; the SAT profile of a certificate in cert.c.
 */
#include "crypto/sign.h"

#include "core/mem.h"
#include "crypto/internal.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keep the first OpenSSL reason of a failure as the log detail of err. */
static void
openssl_detail(struct error *err)
{
    unsigned long e = ERR_peek_last_error();

    if (e != 0)
        error_detail(err, "openssl: %s", ERR_reason_error_string(e));
    ERR_clear_error();
}

int
crypto__cert_from_x509(X509 *x509, struct crypto_cert **out, struct error *err)
{
    struct crypto_cert *cert;
    unsigned char *der = NULL;
    int der_len;

    der_len = i2d_X509(x509, &der);
    if (der_len <= 0) {
        openssl_detail(err);
        return error_set(err, "cert_malformed", "el certificado no pudo codificarse en DER");
    }

    cert = mem_calloc(1, sizeof(*cert));
    pthread_mutex_init(&cert->lock, NULL);
    X509_up_ref(x509);
    cert->x509 = x509;
    cert->der = mem_alloc((size_t)der_len);
    memcpy(cert->der, der, (size_t)der_len);
    cert->der_len = (size_t)der_len;
    OPENSSL_free(der);
    crypto_sha256(cert->der, cert->der_len, cert->fp);
    crypto__cert_profile(cert->x509, cert->der, cert->der_len, &cert->info);
    *out = cert;
    return 0;
}

static X509 *
read_pem_cert(const uint8_t *data, size_t len)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    X509 *x509 = NULL;

    if (bio != NULL)
        x509 = PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return x509;
}

int
crypto_cert_parse(const uint8_t *data, size_t len, struct crypto_cert **out, struct error *err)
{
    X509 *x509 = NULL;
    int rc;

    if (len == 0 || len > CRYPTO__MAX_FILE)
        return error_set(err, "cert_malformed", "el certificado está vacío o es demasiado grande");

    /* DER must be consumed exactly: trailing bytes mean a damaged or spliced file. */
    if (crypto__looks_pem(data, len)) {
        x509 = read_pem_cert(data, len);
    } else {
        const unsigned char *p = data;

        x509 = d2i_X509(NULL, &p, (long)len);
        if (x509 != NULL && (size_t)(p - data) != len) {
            X509_free(x509);
            x509 = NULL;
        }
    }
    if (x509 == NULL) {
        openssl_detail(err);
        return error_set(err, "cert_malformed",
                         "el archivo no es un certificado X.509 (DER o PEM) válido o está dañado");
    }

    rc = crypto__cert_from_x509(x509, out, err);
    X509_free(x509);
    return rc;
}

int
crypto_cert_load(const char *path, struct crypto_cert **out, struct error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    if (crypto__read_file(path, CRYPTO__MAX_FILE, &data, &len, err) != 0)
        return -1;
    rc = crypto_cert_parse(data, len, out, err);
    if (rc != 0)
        error_prefix(err, "%s: ", path);
    free(data);
    return rc;
}

void
crypto_cert_free(struct crypto_cert *cert)
{
    if (cert == NULL)
        return;
    for (int i = 0; i < cert->n_pool; i++)
        EVP_PKEY_CTX_free(cert->pool[i]);
    pthread_mutex_destroy(&cert->lock);
    X509_free(cert->x509);
    free(cert->der);
    free(cert);
}

const char *
crypto_cert_number(const struct crypto_cert *cert)
{
    return cert->info.number;
}

void
crypto_cert_der(const struct crypto_cert *cert, const uint8_t **der, size_t *len)
{
    *der = cert->der;
    *len = cert->der_len;
}

/* crypto_key_load, crypto_key_parse, crypto_key_free and crypto_key_matches are in key.c. */

int
crypto_sign(const struct crypto_key *key, const void *data, size_t len, char **b64,
            struct error *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    int rc = -1;

    /* RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 section 8.2), as SAT's seals are made. */
    if (md == NULL || EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key->pkey) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_DigestSign(md, NULL, &sig_len, data, len) != 1)
        goto out;
    sig = mem_alloc(sig_len);
    if (EVP_DigestSign(md, sig, &sig_len, data, len) != 1)
        goto out;
    *b64 = crypto__b64_encode(sig, sig_len);
    rc = 0;

out:
    if (rc != 0) {
        openssl_detail(err);
        error_set(err, "sign_failed", "no se pudo firmar con la llave privada");
    }
    free(sig);
    EVP_MD_CTX_free(md);
    return rc;
}

/* A verification context for cert's key, RSASSA-PKCS1-v1_5 with SHA-256: from the pool, or a
 * new one. NULL when the key cannot verify that way. */
static EVP_PKEY_CTX *
take_ctx(struct crypto_cert *cert)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert->x509);
    EVP_PKEY_CTX *ctx = NULL;

    pthread_mutex_lock(&cert->lock);
    if (cert->n_pool > 0)
        ctx = cert->pool[--cert->n_pool];
    pthread_mutex_unlock(&cert->lock);
    if (ctx != NULL)
        return ctx;

    ctx = pub != NULL ? EVP_PKEY_CTX_new(pub, NULL) : NULL;
    if (ctx == NULL || EVP_PKEY_verify_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx, crypto__sha256()) != 1) {
        EVP_PKEY_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static void
return_ctx(struct crypto_cert *cert, EVP_PKEY_CTX *ctx)
{
    pthread_mutex_lock(&cert->lock);
    if (cert->n_pool < CRYPTO__CTX_POOL) {
        cert->pool[cert->n_pool++] = ctx;
        ctx = NULL;
    }
    pthread_mutex_unlock(&cert->lock);
    EVP_PKEY_CTX_free(ctx);
}

int
crypto_verify(const struct crypto_cert *cert, const void *data, size_t len, const char *b64,
              struct error *err)
{
    /* The pool is a cache inside an otherwise immutable certificate (sign.h: shareable). */
    struct crypto_cert *mut = (struct crypto_cert *)cert;
    uint8_t digest[CRYPTO_SHA256_LEN];
    uint8_t sig[1024]; /* RSA up to 8192 bits; a longer signature is not one of ours */
    EVP_PKEY_CTX *ctx;
    size_t sig_len = 0;
    int ok = 0;

    if (crypto__b64_decode_into(b64, sig, sizeof(sig), &sig_len) != 0)
        return error_set(
            err, "signature_encoding",
            "la firma no está en base64 estándar (RFC 4648) con relleno, o es demasiado larga");

    /* Hash once, then verify the digest with a prepared context: the same result as
     * EVP_DigestVerify, at close to OpenSSL's raw rate (bench/efirma.c). */
    crypto_sha256(data, len, digest);
    ctx = take_ctx(mut);
    if (ctx != NULL) {
        ok = EVP_PKEY_verify(ctx, sig, sig_len, digest, sizeof(digest)) == 1;
        return_ctx(mut, ctx);
    }
    if (!ok) {
        ERR_clear_error();
        return error_set(err, "signature_invalid",
                         "la firma no corresponde al certificado %s y a la cadena original",
                         cert->info.number);
    }
    return 0;
}

static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
fetch_sha256(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

const EVP_MD *
crypto__sha256(void)
{
    pthread_once(&sha256_once, fetch_sha256);
    return sha256_md != NULL ? sha256_md : EVP_sha256();
}

void
crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
    unsigned int n = CRYPTO_SHA256_LEN;

    /* SHA-256 cannot fail on memory input; the digest is always 32 bytes. */
    EVP_Digest(data, len, out, &n, crypto__sha256(), NULL);
}

void
crypto_sha256_hex(const void *data, size_t len, char hex[2 * CRYPTO_SHA256_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t d[CRYPTO_SHA256_LEN];

    crypto_sha256(data, len, d);
    for (size_t i = 0; i < CRYPTO_SHA256_LEN; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 0xf];
    }
    hex[2 * CRYPTO_SHA256_LEN] = '\0';
}

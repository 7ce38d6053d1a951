/*
 * sign.c - certificates, private keys and RSA-SHA256 signatures on OpenSSL 3 (see sign.h).
 *
 * A minimal implementation of the contract in sign.h: it reads DER or PEM certificates, SAT's
 * encrypted DER PKCS#8 keys and PEM keys, and signs and verifies with RSA PKCS#1 v1.5 over
 * SHA-256 (RFC 8017 section 8.2), exchanging signatures as base64 (RFC 4648 section 4).
 */
#include "crypto/sign.h"

#include "core/mem.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KEY_FILE_MAX = 1 << 20, CERT_FILE_MAX = 1 << 20, NUMBER_MAX = 128 };

struct crypto_cert {
    X509 *x509;
    uint8_t *der;
    size_t der_len;
    char number[NUMBER_MAX];
};

struct crypto_key {
    EVP_PKEY *pkey;
};

/* Read a whole file of at most max bytes into a heap buffer (caller frees). */
static int
read_file(const char *path, size_t max, uint8_t **out, size_t *len, struct error *err)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t n;

    if (f == NULL)
        return error_set(err, "file_read", "no se pudo leer el archivo %s", path);
    buf = mem_alloc(max + 1);
    n = fread(buf, 1, max + 1, f);
    if (ferror(f) || n > max) {
        fclose(f);
        free(buf);
        return error_set(err, "file_read", "no se pudo leer el archivo %s", path);
    }
    fclose(f);
    *out = buf;
    *len = n;
    return 0;
}

/* The SAT certificate number: serial bytes when they are ASCII digits, hex otherwise. */
static void
cert_number(X509 *x509, char *out, size_t out_len)
{
    const ASN1_INTEGER *serial = X509_get0_serialNumber(x509);
    const unsigned char *bytes = ASN1_STRING_get0_data(serial);
    int len = ASN1_STRING_length(serial);
    bool digits = len > 0 && (size_t)len < out_len;

    for (int i = 0; digits && i < len; i++)
        digits = bytes[i] >= '0' && bytes[i] <= '9';
    if (digits) {
        memcpy(out, bytes, (size_t)len);
        out[len] = '\0';
        return;
    }
    out[0] = '\0';
    for (int i = 0; i < len && (size_t)(2 * i + 2) < out_len; i++)
        snprintf(out + 2 * i, out_len - (size_t)(2 * i), "%02x", bytes[i]);
}

int
crypto_cert_parse(const uint8_t *data, size_t len, struct crypto_cert **out, struct error *err)
{
    const unsigned char *p = data;
    struct crypto_cert *cert;
    X509 *x509 = NULL;
    unsigned char *der = NULL;
    int der_len;

    if (len > 0 && len < (size_t)INT32_MAX)
        x509 = d2i_X509(NULL, &p, (long)len);
    if (x509 == NULL && len > 0 && len < (size_t)INT32_MAX) {
        BIO *bio = BIO_new_mem_buf(data, (int)len);

        if (bio != NULL)
            x509 = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        BIO_free(bio);
    }
    ERR_clear_error();
    if (x509 == NULL)
        return error_set(err, "cert_malformed", "el certificado no es DER ni PEM válido");

    der_len = i2d_X509(x509, &der);
    if (der_len <= 0) {
        X509_free(x509);
        return error_set(err, "cert_malformed", "el certificado no es DER ni PEM válido");
    }
    cert = mem_calloc(1, sizeof(*cert));
    cert->x509 = x509;
    cert->der = mem_alloc((size_t)der_len);
    memcpy(cert->der, der, (size_t)der_len);
    cert->der_len = (size_t)der_len;
    OPENSSL_free(der);
    cert_number(x509, cert->number, sizeof(cert->number));
    *out = cert;
    return 0;
}

int
crypto_cert_load(const char *path, struct crypto_cert **out, struct error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    if (read_file(path, CERT_FILE_MAX, &data, &len, err) != 0)
        return -1;
    rc = crypto_cert_parse(data, len, out, err);
    free(data);
    if (rc != 0)
        error_prefix(err, "%s: ", path);
    return rc;
}

void
crypto_cert_free(struct crypto_cert *cert)
{
    if (cert == NULL)
        return;
    X509_free(cert->x509);
    free(cert->der);
    free(cert);
}

const char *
crypto_cert_number(const struct crypto_cert *cert)
{
    return cert->number;
}

void
crypto_cert_der(const struct crypto_cert *cert, const uint8_t **der, size_t *len)
{
    *der = cert->der;
    *len = cert->der_len;
}

/* An encrypted DER PKCS#8 key (SAT's .key): PBES2 decryption happens inside OpenSSL. */
static EVP_PKEY *
parse_der_pkcs8(const uint8_t *data, size_t len, const char *password, bool *bad_password)
{
    const unsigned char *p = data;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)len);
    PKCS8_PRIV_KEY_INFO *info = NULL;
    EVP_PKEY *pkey = NULL;

    if (sig != NULL) {
        if (password != NULL)
            info = PKCS8_decrypt(sig, password, (int)strlen(password));
        *bad_password = info == NULL;
        X509_SIG_free(sig);
    } else {
        p = data;
        info = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
    }
    if (info != NULL)
        pkey = EVP_PKCS82PKEY(info);
    PKCS8_PRIV_KEY_INFO_free(info);
    return pkey;
}

/* A PEM key, encrypted or not; a wrong password shows as a decryption failure. */
static EVP_PKEY *
parse_pem(const uint8_t *data, size_t len, const char *password, bool *bad_password)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    EVP_PKEY *pkey;
    unsigned long e;

    if (bio == NULL)
        return NULL;
    pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)(password ? password : ""));
    BIO_free(bio);
    if (pkey == NULL) {
        e = ERR_peek_last_error();
        *bad_password = ERR_GET_REASON(e) == PEM_R_BAD_DECRYPT ||
                        ERR_GET_REASON(e) == EVP_R_BAD_DECRYPT ||
                        (memmem(data, len, "ENCRYPTED", 9) != NULL);
    }
    return pkey;
}

int
crypto_key_parse(const uint8_t *data, size_t len, const char *password, struct crypto_key **out,
                 struct error *err)
{
    bool bad_password = false;
    EVP_PKEY *pkey = NULL;

    if (len == 0 || len > KEY_FILE_MAX)
        return error_set(err, "key_malformed", "la llave privada está vacía o no es una llave");
    if (memmem(data, len, "-----BEGIN", 10) != NULL)
        pkey = parse_pem(data, len, password, &bad_password);
    else
        pkey = parse_der_pkcs8(data, len, password, &bad_password);
    ERR_clear_error();

    if (pkey == NULL && bad_password)
        return error_set(err, "key_password", "la contraseña de la llave privada no es correcta");
    if (pkey == NULL)
        return error_set(err, "key_malformed", "la llave privada está dañada o no es una llave");
    *out = mem_calloc(1, sizeof(**out));
    (*out)->pkey = pkey;
    return 0;
}

int
crypto_key_load(const char *path, const char *password, struct crypto_key **out, struct error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    if (read_file(path, KEY_FILE_MAX, &data, &len, err) != 0)
        return -1;
    rc = crypto_key_parse(data, len, password, out, err);
    mem_wipe(data, len);
    free(data);
    return rc;
}

void
crypto_key_free(struct crypto_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL clears private key material when freeing it */
    free(key);
}

int
crypto_key_matches(const struct crypto_key *key, const struct crypto_cert *cert, struct error *err)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert->x509);

    if (pub == NULL || EVP_PKEY_eq(key->pkey, pub) != 1) {
        ERR_clear_error();
        return error_set(err, "key_mismatch", "la llave privada no corresponde al certificado");
    }
    return 0;
}

int
crypto_sign(const struct crypto_key *key, const void *data, size_t len, char **b64,
            struct error *err)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    char *text = NULL;
    int rc = -1;

    if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) != 1 ||
        EVP_DigestSign(ctx, NULL, &sig_len, data, len) != 1)
        goto out;
    sig = mem_alloc(sig_len);
    if (EVP_DigestSign(ctx, sig, &sig_len, data, len) != 1)
        goto out;
    text = mem_alloc(4 * ((sig_len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)text, sig, (int)sig_len);
    *b64 = text;
    rc = 0;

out:
    if (rc != 0) {
        ERR_clear_error();
        error_set(err, "sign_failed", "no se pudo firmar con la llave privada");
    }
    free(sig);
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* Decode standard base64 with padding and no line breaks (RFC 4648 section 4). */
static int
base64_decode(const char *b64, unsigned char **out, size_t *out_len)
{
    size_t len = strlen(b64), pad = 0;
    unsigned char *buf;
    int n;

    if (len == 0 || len % 4 != 0 || len > (size_t)INT32_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = b64[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '/' || (c == '=' && i >= len - 2);

        if (!ok || (pad > 0 && c != '='))
            return -1;
        pad += c == '=';
    }
    buf = mem_alloc(len / 4 * 3 + 1);
    n = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len);
    if (n < 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = (size_t)n - pad;
    return 0;
}

int
crypto_verify(const struct crypto_cert *cert, const void *data, size_t len, const char *b64,
              struct error *err)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert->x509);
    EVP_MD_CTX *ctx = NULL;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    int rc;

    if (base64_decode(b64, &sig, &sig_len) != 0)
        return error_set(err, "signature_encoding", "la firma no está codificada en base64");
    ctx = EVP_MD_CTX_new();
    rc = ctx != NULL && pub != NULL &&
                 EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub) == 1 &&
                 EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1
             ? 0
             : -1;
    EVP_MD_CTX_free(ctx);
    free(sig);
    ERR_clear_error();
    if (rc != 0)
        return error_set(err, "signature_invalid", "la firma no corresponde a los datos");
    return 0;
}

void
crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
    EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL);
}

void
crypto_sha256_hex(const void *data, size_t len, char hex[2 * CRYPTO_SHA256_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t md[CRYPTO_SHA256_LEN];

    crypto_sha256(data, len, md);
    for (size_t i = 0; i < CRYPTO_SHA256_LEN; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 0xf];
    }
    hex[2 * CRYPTO_SHA256_LEN] = '\0';
}

/*
 * key.c - private keys as SAT issues them (the key half of sign.h).
 *
 * SAT writes the .key as DER PKCS#8 EncryptedPrivateKeyInfo (RFC 5208 section 6) with PBES2
 * (RFC 8018 section 6.2): PBKDF2 with HMAC-SHA1 and DES-EDE3-CBC. We also take PEM, encrypted
 * ("ENCRYPTED PRIVATE KEY", or a traditional "RSA PRIVATE KEY" with Proc-Type) or not.
 *
 * A wrong password and a damaged file must be told apart for the user: a DER structure that
 * parses as EncryptedPrivateKeyInfo but does not decrypt to a key is a wrong password (with
 * CBC padding, a wrong key fails the padding check or, 1 time in 256, the inner DER); anything
 * that does not parse is a damaged file, and "truncated" when its outer length says so.
 */
#include "crypto/sign.h"

#include "core/mem.h"
#include "crypto/internal.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <stdlib.h>
#include <string.h>

/*
 * True when the DER at data declares an outer TLV longer than len: the file was cut short
 * (X.690 section 8.1.3: definite length, short or long form).
 */
static int
der_truncated(const uint8_t *data, size_t len)
{
    size_t declared, hdr = 2;

    if (len < 2 || data[0] != 0x30)
        return 0;
    if (data[1] < 0x80) {
        declared = data[1];
    } else {
        size_t n = data[1] & 0x7f;

        if (n == 0 || n > 4 || len < 2 + n)
            return len < 2 + n;
        declared = 0;
        for (size_t i = 0; i < n; i++)
            declared = declared << 8 | data[2 + i];
        hdr += n;
    }
    return hdr + declared > len;
}

static int
malformed(const uint8_t *data, size_t len, struct error *err)
{
    ERR_clear_error();
    if (der_truncated(data, len))
        return error_set(err, "key_malformed",
                         "el archivo de la llave privada (.key) está truncado: faltan bytes al "
                         "final; vuelva a copiarlo tal como lo entregó el SAT");
    return error_set(err, "key_malformed",
                     "el archivo no es una llave privada (.key) válida o está dañado");
}

static int
wrong_password(const char *password, struct error *err)
{
    ERR_clear_error();
    if (password == NULL || password[0] == '\0')
        return error_set(err, "key_password",
                         "la llave privada está cifrada: se necesita su contraseña");
    return error_set(err, "key_password", "la contraseña de la llave privada es incorrecta");
}

/* Keep only RSA keys: SAT's e.firma and CSD are RSA, and sign.h promises RSA-SHA256. */
static int
finish_key(EVP_PKEY *pkey, struct crypto_key **out, struct error *err)
{
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        EVP_PKEY_free(pkey);
        return error_set(err, "key_malformed", "la llave privada no es RSA, como las del SAT");
    }
    *out = mem_calloc(1, sizeof(**out));
    (*out)->pkey = pkey;
    return 0;
}

/* DER: EncryptedPrivateKeyInfo first (SAT), then a plain PrivateKeyInfo. */
static int
parse_der(const uint8_t *data, size_t len, const char *password, struct crypto_key **out,
          struct error *err)
{
    const unsigned char *p = data;
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    X509_SIG *enc = d2i_X509_SIG(NULL, &p, (long)len);
    EVP_PKEY *pkey;

    if (enc != NULL && (size_t)(p - data) == len) {
        if (password == NULL) {
            X509_SIG_free(enc);
            return wrong_password(password, err);
        }
        /* The decrypted PrivateKeyInfo is cleared by OpenSSL when freed (its ASN.1 callback
         * uses ASN1_STRING_clear_free on the key octets). */
        p8 = PKCS8_decrypt(enc, password, (int)strlen(password));
        X509_SIG_free(enc);
        if (p8 == NULL)
            return wrong_password(password, err);
    } else {
        X509_SIG_free(enc);
        p = data;
        p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
        if (p8 == NULL || (size_t)(p - data) != len) {
            PKCS8_PRIV_KEY_INFO_free(p8);
            return malformed(data, len, err);
        }
    }

    pkey = EVP_PKCS82PKEY(p8);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (pkey == NULL)
        return malformed(data, len, err);
    return finish_key(pkey, out, err);
}

static int
key_password_cb(char *buf, int size, int rwflag, void *u)
{
    const char *password = u;
    size_t n;

    (void)rwflag;
    if (password == NULL)
        return -1;
    n = strlen(password);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, password, n);
    return (int)n;
}

/* PEM: PKCS#8 blocks are decoded to DER and read as above; traditional RSA blocks by OpenSSL. */
static int
parse_pem(const uint8_t *data, size_t len, const char *password, struct crypto_key **out,
          struct error *err)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long der_len = 0;
    int rc;

    if (bio == NULL || PEM_read_bio(bio, &name, &header, &der, &der_len) != 1) {
        BIO_free(bio);
        return malformed(data, len, err);
    }
    BIO_free(bio);

    if (strcmp(name, "ENCRYPTED PRIVATE KEY") == 0 || strcmp(name, "PRIVATE KEY") == 0) {
        rc = parse_der(der, (size_t)der_len, strcmp(name, "PRIVATE KEY") == 0 ? NULL : password,
                       out, err);
    } else if (strcmp(name, "RSA PRIVATE KEY") == 0) {
        EVP_PKEY *pkey;
        int encrypted = strstr(header, "ENCRYPTED") != NULL;

        bio = BIO_new_mem_buf(data, (int)len);
        pkey = PEM_read_bio_PrivateKey(bio, NULL, key_password_cb, (void *)password);
        BIO_free(bio);
        if (pkey == NULL)
            rc = encrypted ? wrong_password(password, err) : malformed(data, len, err);
        else
            rc = finish_key(pkey, out, err);
    } else {
        rc = error_set(err, "key_malformed", "el bloque PEM «%s» no es una llave privada", name);
    }

    mem_wipe(der, (size_t)der_len);
    OPENSSL_free(der);
    OPENSSL_free(name);
    OPENSSL_free(header);
    ERR_clear_error();
    return rc;
}

int
crypto_key_parse(const uint8_t *data, size_t len, const char *password, struct crypto_key **out,
                 struct error *err)
{
    if (len == 0 || len > CRYPTO__MAX_FILE)
        return error_set(err, "key_malformed",
                         "el archivo de la llave privada está vacío o es "
                         "demasiado grande");
    if (crypto__looks_pem(data, len))
        return parse_pem(data, len, password, out, err);
    return parse_der(data, len, password, out, err);
}

int
crypto_key_load(const char *path, const char *password, struct crypto_key **out, struct error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    if (crypto__read_file(path, CRYPTO__MAX_FILE, &data, &len, err) != 0)
        return -1;
    rc = crypto_key_parse(data, len, password, out, err);
    if (rc != 0)
        error_prefix(err, "%s: ", path);

    /* An unencrypted PEM key is the secret itself. */
    mem_wipe(data, len);
    free(data);
    return rc;
}

void
crypto_key_free(struct crypto_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

int
crypto_key_matches(const struct crypto_key *key, const struct crypto_cert *cert, struct error *err)
{
    EVP_PKEY *pub = X509_get0_pubkey(cert->x509);

    if (pub == NULL || EVP_PKEY_eq(key->pkey, pub) != 1) {
        ERR_clear_error();
        return error_set(err, "key_mismatch",
                         "la llave privada no corresponde al certificado %s: es la llave de otro "
                         "certificado",
                         cert->info.number);
    }
    return 0;
}

/*
 * chain.c - certificate chain verification against given trust anchors (see
 * chain.h).
 *
 * Kept apart from sign.c: it reads certificates only through the sign.h
 * contract (their DER), so it works with any implementation of it.
 */
#include "crypto/chain.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Add every certificate of a PEM or DER file to store; returns how many were added. */
static int
add_file(X509_STORE *store, const char *path)
{
    FILE *f = fopen(path, "rb");
    X509 *x509;
    int added = 0;

    if (f == NULL)
        return 0;
    while ((x509 = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        added += X509_STORE_add_cert(store, x509) == 1;
        X509_free(x509);
    }
    if (added == 0) {
        rewind(f);
        x509 = d2i_X509_fp(f, NULL);
        if (x509 != NULL)
            added += X509_STORE_add_cert(store, x509) == 1;
        X509_free(x509);
    }
    fclose(f);
    ERR_clear_error();
    return added;
}

/* Load the trust anchors from a file or the regular files of a directory. */
static int
load_trust(X509_STORE *store, const char *trust)
{
    struct stat st;
    struct dirent *ent;
    DIR *dir;
    int added = 0;

    if (stat(trust, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return add_file(store, trust);
    dir = opendir(trust);
    if (dir == NULL)
        return 0;
    while ((ent = readdir(dir)) != NULL) {
        char path[4096];

        if (ent->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", trust, ent->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            added += add_file(store, path);
    }
    closedir(dir);
    return added;
}

int
crypto_chain_verify(const struct crypto_cert *cert, const char *trust, int64_t at_us,
                    struct error *err)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    const uint8_t *der;
    const unsigned char *p;
    size_t der_len;
    X509 *x509 = NULL;
    int rc = -1, code;

    if (store == NULL || ctx == NULL || load_trust(store, trust) == 0) {
        error_set(err, "trust_read", "no se pudieron leer certificados de confianza de %s", trust);
        goto out;
    }
    crypto_cert_der(cert, &der, &der_len);
    p = der;
    x509 = d2i_X509(NULL, &p, (long)der_len);
    if (x509 == NULL || X509_STORE_CTX_init(ctx, store, x509, NULL) != 1) {
        error_set(err, "cert_chain", "el certificado no pudo analizarse");
        goto out;
    }

    /* Validity is judged at the instant of sealing, not today (RFC 5280 section 6.1.3). */
    X509_STORE_CTX_set_time(ctx, 0, (time_t)(at_us / 1000000));
    if (X509_verify_cert(ctx) == 1) {
        rc = 0;
        goto out;
    }
    code = X509_STORE_CTX_get_error(ctx);
    if (code == X509_V_ERR_CERT_NOT_YET_VALID || code == X509_V_ERR_CERT_HAS_EXPIRED)
        error_set(err, "cert_not_valid_at",
                  "el certificado no estaba vigente en el instante del sello");
    else
        error_set(err, "cert_chain", "el certificado no fue emitido por una autoridad confiable");
    error_detail(err, "%s", X509_verify_cert_error_string(code));

out:
    ERR_clear_error();
    X509_free(x509);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

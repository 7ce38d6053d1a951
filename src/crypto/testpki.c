/* testpki.c - a test certification authority in SAT's profile (see testpki.h). */
#include "crypto/testpki.h"

#include "core/mem.h"
#include "crypto/internal.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* SAT's numbers are 20 ASCII digits; ours share a prefix no SAT authority uses. */
#define SERIAL_PREFIX "30001000000900"

static const int64_t four_years = 4 * 365 * 86400 + 86400;

struct ca {
    X509 *cert;
    EVP_PKEY *key;
};

static int
io_error(struct error *err, const char *what, const char *path)
{
    return error_set(err, "testpki_io", "no se pudo %s %s: %s", what, path, strerror(errno));
}

static int
failed(struct error *err, const char *what)
{
    unsigned long e = ERR_peek_last_error();

    error_set(err, "testpki_failed", "no se pudo %s", what);
    if (e != 0)
        error_detail(err, "openssl: %s", ERR_reason_error_string(e));
    ERR_clear_error();
    return -1;
}

static void
join(char *out, size_t size, const char *dir, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static int
make_dir(const char *path, struct error *err)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return io_error(err, "crear", path);
    return 0;
}

static int
write_bytes(const char *path, const void *data, size_t len, mode_t mode, struct error *err)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        return io_error(err, "escribir", path);
    chmod(path, mode);
    if (fwrite(data, 1, len, f) != len) {
        fclose(f);
        return io_error(err, "escribir", path);
    }
    if (fclose(f) != 0)
        return io_error(err, "escribir", path);
    return 0;
}

/* Write what a PEM/DER writer puts into a memory BIO to path. */
static int
write_bio(const char *path, BIO *bio, mode_t mode, struct error *err)
{
    char *data = NULL;
    long len = BIO_get_mem_data(bio, &data);
    int rc = write_bytes(path, data, (size_t)len, mode, err);

    /* Key material passed through this buffer. */
    mem_wipe(data, (size_t)len);
    BIO_free(bio);
    return rc;
}

static int
save_cert(const char *dir, const char *base, X509 *x, struct error *err)
{
    char path[1024];
    BIO *pem = BIO_new(BIO_s_mem()), *der = BIO_new(BIO_s_mem());

    snprintf(path, sizeof(path), "%s/%s.pem", dir, base);
    if (PEM_write_bio_X509(pem, x) != 1 || i2d_X509_bio(der, x) != 1) {
        BIO_free(pem);
        BIO_free(der);
        return failed(err, "codificar el certificado");
    }
    if (write_bio(path, pem, 0644, err) != 0) {
        BIO_free(der);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s.cer", dir, base);
    return write_bio(path, der, 0644, err);
}

static int
save_key_pem(const char *path, EVP_PKEY *key, struct error *err)
{
    BIO *bio = BIO_new(BIO_s_mem());

    if (PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1) {
        BIO_free(bio);
        return failed(err, "codificar la llave");
    }
    return write_bio(path, bio, 0600, err);
}

/*
 * The .key as SAT writes it: EncryptedPrivateKeyInfo, PBES2 with PBKDF2 (HMAC-SHA1, 2048
 * iterations, 8-byte salt) and DES-EDE3-CBC (RFC 8018 sections 5.2 and 6.2), DER.
 */
static int
save_key_sat(const char *path, EVP_PKEY *key, const char *password, struct error *err)
{
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key);
    X509_ALGOR *pbe = PKCS5_pbe2_set_iv(EVP_des_ede3_cbc(), 2048, NULL, 8, NULL, NID_hmacWithSHA1);
    X509_SIG *sig = NULL;
    BIO *bio = NULL;

    if (p8 != NULL && pbe != NULL)
        sig = PKCS8_set0_pbe(password, (int)strlen(password), p8, pbe);
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (sig == NULL) {
        X509_ALGOR_free(pbe);
        return failed(err, "cifrar la llave");
    }
    bio = BIO_new(BIO_s_mem());
    i2d_PKCS8_bio(bio, sig);
    X509_SIG_free(sig);
    return write_bio(path, bio, 0600, err);
}

/* Add one attribute as SAT encodes it: PrintableString when it fits, else UTF8String. */
static void
add_attr(X509_NAME *name, int nid, const char *text)
{
    static const char printable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789 '()+,-./:=?";
    int type = strspn(text, printable) == strlen(text) ? V_ASN1_PRINTABLESTRING : MBSTRING_UTF8;

    if (nid == NID_pkcs9_emailAddress)
        type = V_ASN1_IA5STRING;
    X509_NAME_add_entry_by_NID(name, nid, type, (const unsigned char *)text, -1, -1, 0);
}

static int
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    ok = ext != NULL && X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* One extension in OpenSSL's configuration syntax (x509v3_config(5)). */
struct ext {
    const char *name, *value;
};

struct cert_spec {
    X509_NAME *subject;
    EVP_PKEY *pub;
    const char *serial; /* ASCII digits: the certificate number */
    int64_t not_before, not_after;
    const struct ext *exts; /* ends with a NULL name */
};

/* Build and sign a certificate; issuer NULL means self-signed with key. */
static X509 *
make_cert(const struct cert_spec *spec, X509 *issuer, EVP_PKEY *key)
{
    X509 *x = X509_new();
    ASN1_INTEGER *serial = ASN1_INTEGER_new();
    int ok = x != NULL && serial != NULL;

    /* The serial's content octets are the ASCII digits (SAT): 0x33 0x30 ... for "30...". */
    ok = ok && ASN1_STRING_set(serial, spec->serial, (int)strlen(spec->serial)) == 1;
    ok = ok && X509_set_version(x, 2) == 1 && X509_set_serialNumber(x, serial) == 1;
    ok = ok && X509_set_subject_name(x, spec->subject) == 1;
    ok = ok && X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : spec->subject);
    ok = ok && ASN1_TIME_set(X509_getm_notBefore(x), (time_t)spec->not_before) != NULL;
    ok = ok && ASN1_TIME_set(X509_getm_notAfter(x), (time_t)spec->not_after) != NULL;
    ok = ok && X509_set_pubkey(x, spec->pub) == 1;
    for (const struct ext *e = spec->exts; ok && e->name != NULL; e++)
        ok = add_ext(x, issuer ? issuer : x, OBJ_sn2nid(e->name), e->value) == 0;
    ok = ok && X509_sign(x, key, EVP_sha256()) > 0;
    ASN1_INTEGER_free(serial);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* Each test CA gets its own names (a random tag in OU), as distinct real authorities have. */
static X509_NAME *
ca_name(const char *cn)
{
    X509_NAME *name = X509_NAME_new();
    unsigned char rnd[4] = {0};
    char ou[96];

    RAND_bytes(rnd, sizeof(rnd));
    snprintf(ou, sizeof(ou), "Autoridad certificadora de pruebas %02X%02X%02X%02X", rnd[0], rnd[1],
             rnd[2], rnd[3]);
    add_attr(name, NID_commonName, cn);
    add_attr(name, NID_organizationName, "Buzón IMSS (pruebas)");
    add_attr(name, NID_organizationalUnitName, ou);
    add_attr(name, NID_countryName, "MX");
    return name;
}

/* Create one CA certificate and key, save them as base.{cer,pem,key.pem}. */
static int
create_authority(const char *dir, const char *base, const char *cn, const char *serial,
                 const struct ca *parent, const struct ext *exts, struct ca *out, struct error *err)
{
    int64_t now = (int64_t)time(NULL);
    struct cert_spec spec = {
        ca_name(cn), NULL, serial, now - 20 * 365 * 86400LL, now + 20 * 365 * 86400LL, exts};
    char path[1024];

    out->key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    spec.pub = out->key;
    out->cert = out->key == NULL ? NULL
                                 : make_cert(&spec, parent ? parent->cert : NULL,
                                             parent ? parent->key : out->key);
    X509_NAME_free(spec.subject);
    if (out->cert == NULL)
        return failed(err, "crear la autoridad de pruebas");
    snprintf(path, sizeof(path), "%s/%s.key.pem", dir, base);
    if (save_cert(dir, base, out->cert, err) != 0 || save_key_pem(path, out->key, err) != 0)
        return -1;
    return 0;
}

static void
ca_free(struct ca *ca)
{
    X509_free(ca->cert);
    EVP_PKEY_free(ca->key);
    ca->cert = NULL;
    ca->key = NULL;
}

static int write_crl(const char *dir, const struct ca *ac, struct error *err);

static int
copy_file(const char *from, const char *to, struct error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int rc;

    if (crypto__read_file(from, CRYPTO__MAX_FILE, &data, &len, err) != 0)
        return -1;
    rc = write_bytes(to, data, len, 0644, err);
    free(data);
    return rc;
}

/* The index, serial counter, first CRL and test trust directory of a new CA in dir. */
static int
write_ca_files(const char *dir, const struct ca *ac, struct error *err)
{
    char path[1024], to[1024];

    join(path, sizeof(path), dir, "index.txt");
    if (write_bytes(path, "", 0, 0644, err) != 0)
        return -1;
    /* A holder may have several certificates with the same subject (renewals, revocations). */
    join(path, sizeof(path), dir, "index.txt.attr");
    if (write_bytes(path, "unique_subject = no\n", 20, 0644, err) != 0)
        return -1;
    join(path, sizeof(path), dir, "serial");
    if (write_bytes(path, "1\n", 2, 0644, err) != 0 || write_crl(dir, ac, err) != 0)
        return -1;
    join(path, sizeof(path), dir, "root.pem");
    join(to, sizeof(to), dir, "trust/test/root.pem");
    if (copy_file(path, to, err) != 0)
        return -1;
    join(path, sizeof(path), dir, "ac.pem");
    join(to, sizeof(to), dir, "trust/test/ac.pem");
    return copy_file(path, to, err);
}

int
crypto_testpki_create_ca(const char *dir, struct error *err)
{
    static const struct ext root_exts[] = {
        {"basicConstraints", "critical,CA:TRUE"},
        {"keyUsage", "critical,keyCertSign,cRLSign"},
        {"subjectKeyIdentifier", "hash"},
        {NULL, NULL},
    };
    static const struct ext ac_exts[] = {
        {"basicConstraints", "critical,CA:TRUE,pathlen:0"},
        {"keyUsage", "critical,keyCertSign,cRLSign"},
        {"subjectKeyIdentifier", "hash"},
        {"authorityKeyIdentifier", "keyid"},
        {NULL, NULL},
    };
    static const struct ext ocsp_exts[] = {
        {"basicConstraints", "critical,CA:FALSE"},
        {"keyUsage", "critical,digitalSignature"},
        {"extendedKeyUsage", "OCSPSigning"},
        {NULL, NULL},
    };
    struct ca root = {0}, ac = {0}, ocsp = {0};
    char path[1024];
    int rc = -1;

    if (make_dir(dir, err) != 0)
        return -1;
    for (const char *const *sub =
             (const char *const[]){"crl", "trust", "trust/test", "trust/production", NULL};
         *sub != NULL; sub++) {
        join(path, sizeof(path), dir, *sub);
        if (make_dir(path, err) != 0)
            return -1;
    }

    if (create_authority(dir, "root", "A.C. Raíz de pruebas del Buzón IMSS", "1", NULL, root_exts,
                         &root, err) != 0 ||
        create_authority(dir, "ac", "A.C. de pruebas del Buzón IMSS", "2", &root, ac_exts, &ac,
                         err) != 0 ||
        create_authority(dir, "ocsp", "Respondedor OCSP de pruebas del Buzón IMSS", "3", &ac,
                         ocsp_exts, &ocsp, err) != 0)
        goto out;

    rc = write_ca_files(dir, &ac, err);

out:
    ca_free(&root);
    ca_free(&ac);
    ca_free(&ocsp);
    return rc;
}

static int
load_ca(const char *dir, struct ca *ac, struct error *err)
{
    char path[1024];
    FILE *f;

    join(path, sizeof(path), dir, "ac.pem");
    f = fopen(path, "r");
    if (f == NULL)
        return io_error(err, "leer", path);
    ac->cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    join(path, sizeof(path), dir, "ac.key.pem");
    f = fopen(path, "r");
    if (f == NULL) {
        ca_free(ac);
        return io_error(err, "leer", path);
    }
    ac->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (ac->cert == NULL || ac->key == NULL) {
        ca_free(ac);
        return failed(err, "leer la autoridad de pruebas");
    }
    return 0;
}

/* Take the next counter from DIR/serial and write the one after it. */
static int
next_serial(const char *dir, char number[48], struct error *err)
{
    char path[1024], text[32];
    long counter = 0;
    FILE *f;
    int n;

    join(path, sizeof(path), dir, "serial");
    f = fopen(path, "r");
    if (f == NULL)
        return io_error(err, "leer", path);
    if (fscanf(f, "%ld", &counter) != 1 || counter < 1 || counter > 999999)
        counter = -1;
    fclose(f);
    if (counter < 0)
        return error_set(err, "testpki_io", "%s no tiene un contador válido", path);

    snprintf(number, 48, SERIAL_PREFIX "%06ld", counter);
    n = snprintf(text, sizeof(text), "%ld\n", counter + 1);
    return write_bytes(path, text, (size_t)n, 0644, err);
}

static void
index_time(int64_t t, char out[16])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    /* UTCTime as `openssl ca` writes it: two-digit year (RFC 5280 section 4.1.2.5.1). */
    snprintf(out, 16, "%02d%02d%02d%02d%02d%02dZ", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The serial as `openssl ocsp` looks it up in index.txt: the integer's upper-case hex. */
static void
serial_hex(const char *number, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; number[i] != '\0' && 2 * i + 2 < size; i++)
        snprintf(out + 2 * i, size - 2 * i, "%02X", (unsigned char)number[i]);
}

static int
append_index(const char *dir, X509 *x, const char *number, struct error *err)
{
    char path[1024], hex[128], exp[16], *subject;
    int64_t not_after = 0;
    FILE *f;

    join(path, sizeof(path), dir, "index.txt");
    crypto__asn1_time_to_unix(X509_get0_notAfter(x), &not_after);
    index_time(not_after, exp);
    serial_hex(number, hex, sizeof(hex));
    subject = X509_NAME_oneline(X509_get_subject_name(x), NULL, 0);
    f = fopen(path, "a");
    if (f == NULL) {
        OPENSSL_free(subject);
        return io_error(err, "escribir", path);
    }
    /* Format of `openssl ca`'s database: status, expiry, revocation, serial, file, subject. */
    fprintf(f, "V\t%s\t\t%s\tunknown\t%s\n", exp, hex, subject ? subject : "/");
    OPENSSL_free(subject);
    if (fclose(f) != 0)
        return io_error(err, "escribir", path);
    return 0;
}

/* The subject in SAT's order and encodings (see the fixtures: `openssl x509 -text`). */
static X509_NAME *
leaf_name(const struct crypto_testpki_subject *s)
{
    X509_NAME *name = X509_NAME_new();
    char uid[96], serial[96];

    snprintf(uid, sizeof(uid), "%s%s%s", s->rfc, s->representative_rfc ? " / " : "",
             s->representative_rfc ? s->representative_rfc : "");
    if (s->representative_curp != NULL)
        snprintf(serial, sizeof(serial), "%s / %s", s->curp ? s->curp : "", s->representative_curp);
    else
        snprintf(serial, sizeof(serial), "%s", s->curp ? s->curp : "");

    add_attr(name, NID_commonName, s->name);
    add_attr(name, NID_name, s->name);
    add_attr(name, NID_organizationName, s->name);
    if (s->kind == CRYPTO_CERT_EFIRMA) {
        add_attr(name, NID_countryName, "MX");
        if (s->email != NULL)
            add_attr(name, NID_pkcs9_emailAddress, s->email);
    }
    add_attr(name, NID_x500UniqueIdentifier, uid);
    if (serial[0] != '\0')
        add_attr(name, NID_serialNumber, serial);
    if (s->kind == CRYPTO_CERT_CSD)
        add_attr(name, NID_organizationalUnitName, s->branch ? s->branch : "Matriz");
    return name;
}

static int
check_subject(const struct crypto_testpki_subject *s, struct error *err)
{
    if (s->kind != CRYPTO_CERT_EFIRMA && s->kind != CRYPTO_CERT_CSD)
        return error_set(err, "testpki_value", "el tipo debe ser efirma o csd");
    if (s->name == NULL || s->name[0] == '\0' || strlen(s->name) > 200)
        return error_set(err, "testpki_value", "falta el nombre del titular (hasta 200 bytes)");
    if (s->rfc == NULL || !crypto_rfc_plausible(s->rfc))
        return error_set(err, "testpki_value", "el RFC «%s» no tiene la forma de un RFC",
                         s->rfc ? s->rfc : "");
    if (s->representative_rfc != NULL && !crypto_rfc_plausible(s->representative_rfc))
        return error_set(err, "testpki_value", "el RFC del representante «%s» no es válido",
                         s->representative_rfc);
    if ((s->curp != NULL && !crypto_curp_plausible(s->curp)) ||
        (s->representative_curp != NULL && !crypto_curp_plausible(s->representative_curp)))
        return error_set(err, "testpki_value", "la CURP no tiene la forma de una CURP");
    if (s->password == NULL || s->password[0] == '\0')
        return error_set(err, "testpki_value", "falta la contraseña de la llave");
    return 0;
}

static X509 *
issue_leaf(const struct crypto_testpki_subject *s, const struct ca *ac, EVP_PKEY *key,
           const char *number)
{
    /* The extensions of SAT's test e.firma and CSD, in their order; room for the AIA. */
    struct ext efirma_exts[] = {
        {"basicConstraints", "critical,CA:FALSE"},
        {"keyUsage", "digitalSignature,nonRepudiation,dataEncipherment,keyAgreement"},
        {"nsCertType", "client,email"},
        {"extendedKeyUsage", "emailProtection,clientAuth"},
        {NULL, NULL},
        {NULL, NULL},
    };
    struct ext csd_exts[] = {
        {"basicConstraints", "critical,CA:FALSE"},
        {"keyUsage", "digitalSignature,nonRepudiation"},
        {NULL, NULL},
        {NULL, NULL},
    };
    struct ext *exts = s->kind == CRYPTO_CERT_CSD ? csd_exts : efirma_exts;
    size_t n = s->kind == CRYPTO_CERT_CSD ? 2 : 4;
    int64_t now = (int64_t)time(NULL);
    char aia[600];
    struct cert_spec spec = {leaf_name(s), key, number, s->not_before ? s->not_before : now, 0,
                             exts};
    X509 *x;

    spec.not_after = s->not_after ? s->not_after : spec.not_before + four_years;
    if (s->ocsp_url != NULL) {
        snprintf(aia, sizeof(aia), "OCSP;URI:%s", s->ocsp_url);
        exts[n].name = "authorityInfoAccess";
        exts[n].value = aia;
    }
    x = make_cert(&spec, ac->cert, ac->key);
    X509_NAME_free(spec.subject);
    return x;
}

int
crypto_testpki_issue(const char *ca_dir, const struct crypto_testpki_subject *s,
                     const char *out_prefix, char number[48], struct error *err)
{
    struct ca ac = {0};
    EVP_PKEY *key = NULL;
    X509 *x = NULL;
    char path[1024];
    int rc = -1;

    if (check_subject(s, err) != 0 || load_ca(ca_dir, &ac, err) != 0)
        return -1;
    if (next_serial(ca_dir, number, err) != 0)
        goto out;

    key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    x = key == NULL ? NULL : issue_leaf(s, &ac, key, number);
    if (x == NULL) {
        failed(err, "emitir el certificado");
        goto out;
    }

    snprintf(path, sizeof(path), "%s.cer", out_prefix);
    {
        BIO *der = BIO_new(BIO_s_mem());

        i2d_X509_bio(der, x);
        if (write_bio(path, der, 0644, err) != 0)
            goto out;
    }
    snprintf(path, sizeof(path), "%s.key", out_prefix);
    if (save_key_sat(path, key, s->password, err) != 0 || append_index(ca_dir, x, number, err))
        goto out;
    rc = s->revoked ? crypto_testpki_revoke(ca_dir, number, s->revoked_at, err) : 0;

out:
    X509_free(x);
    EVP_PKEY_free(key);
    ca_free(&ac);
    return rc;
}

/* Rewrite index.txt with the line of serial hex marked revoked at when. */
static int
mark_revoked(const char *dir, const char *hex, int64_t when, struct error *err)
{
    char path[1024], rev[16];
    uint8_t *data = NULL;
    size_t len = 0;
    FILE *f;
    int found = 0;

    join(path, sizeof(path), dir, "index.txt");
    if (crypto__read_file(path, CRYPTO__MAX_FILE, &data, &len, err) != 0)
        return -1;
    f = fopen(path, "w");
    if (f == NULL) {
        free(data);
        return io_error(err, "escribir", path);
    }
    index_time(when, rev);
    for (char *line = (char *)data; line < (char *)data + len;) {
        char *nl = memchr(line, '\n', (size_t)((char *)data + len - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)((char *)data + len - line);
        char status[2], exp[16], serial[128];

        if (sscanf(line, "%1s\t%15[^\t]\t\t%127[^\t]", status, exp, serial) == 3 &&
            status[0] == 'V' && strcmp(serial, hex) == 0) {
            size_t skip = 4 + strlen(exp); /* "V", tab, expiry, tab, empty, tab */

            fprintf(f, "R\t%s\t%s\t%.*s\n", exp, rev, (int)(n - skip), line + skip);
            found = 1;
        } else {
            fprintf(f, "%.*s\n", (int)n, line);
        }
        line += n + 1;
    }
    fclose(f);
    free(data);
    if (!found)
        return error_set(err, "testpki_value",
                         "el certificado no está en el índice o ya estaba "
                         "revocado");
    return 0;
}

int
crypto_testpki_revoke(const char *ca_dir, const char *number, int64_t when, struct error *err)
{
    struct ca ac = {0};
    char hex[128];
    int rc;

    serial_hex(number, hex, sizeof(hex));
    if (mark_revoked(ca_dir, hex, when ? when : (int64_t)time(NULL), err) != 0)
        return -1;
    if (load_ca(ca_dir, &ac, err) != 0)
        return -1;
    rc = write_crl(ca_dir, &ac, err);
    ca_free(&ac);
    return rc;
}

/* Add one revoked entry (serial as upper-case hex, date as YYMMDDHHMMSSZ) to crl. */
static int
add_revoked(X509_CRL *crl, const char *hex, const char *date)
{
    X509_REVOKED *r = X509_REVOKED_new();
    ASN1_TIME *t = ASN1_TIME_new();
    BIGNUM *bn = NULL;
    ASN1_INTEGER *serial = NULL;
    int ok;

    ok = r != NULL && t != NULL && BN_hex2bn(&bn, hex) > 0;
    ok = ok && (serial = BN_to_ASN1_INTEGER(bn, NULL)) != NULL;
    ok = ok && ASN1_UTCTIME_set_string(t, date) == 1;
    ok = ok && X509_REVOKED_set_serialNumber(r, serial) == 1;
    ok = ok && X509_REVOKED_set_revocationDate(r, t) == 1 && X509_CRL_add0_revoked(crl, r) == 1;
    if (!ok)
        X509_REVOKED_free(r);
    ASN1_INTEGER_free(serial);
    ASN1_TIME_free(t);
    BN_free(bn);
    return ok ? 0 : -1;
}

/* The CRL of ac (RFC 5280 section 5) from the revoked lines of index.txt, valid 30 days. */
static int
write_crl(const char *dir, const struct ca *ac, struct error *err)
{
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *last = ASN1_TIME_set(NULL, time(NULL)), *next;
    char path[1024];
    uint8_t *data = NULL;
    size_t len = 0;
    BIO *bio;
    int ok;

    next = ASN1_TIME_set(NULL, time(NULL) + 30 * 86400);
    join(path, sizeof(path), dir, "index.txt");
    ok = crypto__read_file(path, CRYPTO__MAX_FILE, &data, &len, err) == 0;
    ok = ok && crl != NULL && X509_CRL_set_version(crl, 1) == 1;
    ok = ok && X509_CRL_set_issuer_name(crl, X509_get_subject_name(ac->cert)) == 1;
    ok = ok && X509_CRL_set1_lastUpdate(crl, last) == 1 && X509_CRL_set1_nextUpdate(crl, next);
    for (char *line = (char *)data; ok && line != NULL && line < (char *)data + len;) {
        char status[2], exp[16], rev[16], serial[128];

        if (sscanf(line, "%1s\t%15[^\t]\t%15[^\t]\t%127[^\t]", status, exp, rev, serial) == 4 &&
            status[0] == 'R')
            ok = add_revoked(crl, serial, rev) == 0;
        line = memchr(line, '\n', (size_t)((char *)data + len - line));
        line = line ? line + 1 : NULL;
    }
    ok = ok && X509_CRL_sort(crl) == 1 && X509_CRL_sign(crl, ac->key, EVP_sha256()) > 0;
    free(data);
    ASN1_TIME_free(last);
    ASN1_TIME_free(next);
    if (!ok) {
        X509_CRL_free(crl);
        return error_is_set(err) ? -1 : failed(err, "firmar la CRL");
    }
    bio = BIO_new(BIO_s_mem());
    i2d_X509_CRL_bio(bio, crl);
    X509_CRL_free(crl);
    join(path, sizeof(path), dir, "crl/ac.crl");
    return write_bio(path, bio, 0644, err);
}

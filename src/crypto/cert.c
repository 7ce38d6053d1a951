/* cert.c - the SAT profile of a certificate (see cert.h). */
#include "crypto/cert.h"

#include "core/ident.h"

#include "crypto/internal.h"
#include "crypto/sign.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Copy the UTF-8 text of the first name entry nid of name (in) into out; "" when absent. */
static void
name_entry(const X509_NAME *name, int nid, char *out, size_t size)
{
    int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    unsigned char *utf8 = NULL;
    const ASN1_STRING *s;
    int n;

    out[0] = '\0';
    if (idx < 0)
        return;
    s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) {
        ERR_clear_error();
        return;
    }
    snprintf(out, size, "%.*s", n, (const char *)utf8);
    OPENSSL_free(utf8);
}

/* The serial's bytes as ASCII digits (SAT), else its hex (sign.h crypto_cert_number). */
static void
cert_number(X509 *x509, char *out, size_t size)
{
    const ASN1_INTEGER *serial = X509_get0_serialNumber(x509);
    const unsigned char *d = ASN1_STRING_get0_data(serial);
    int len = ASN1_STRING_length(serial);
    int ascii = len > 0 && (size_t)len < size;

    for (int i = 0; ascii && i < len; i++)
        ascii = d[i] >= '0' && d[i] <= '9';
    if (ascii) {
        memcpy(out, d, (size_t)len);
        out[len] = '\0';
        return;
    }

    out[0] = '\0';
    for (int i = 0; i < len && (size_t)(2 * i + 2) < size; i++)
        snprintf(out + 2 * i, size - (size_t)(2 * i), "%02x", d[i]);
}

/* Trim ASCII spaces at both ends of s in place. */
static void
trim(char *s)
{
    size_t start = 0, end = strlen(s);

    while (s[start] == ' ')
        start++;
    while (end > start && s[end - 1] == ' ')
        end--;
    memmove(s, s + start, end - start);
    s[end - start] = '\0';
}

/* Split "A / B" (SAT writes the holder, then the representative) into a and b. */
static void
split_pair(const char *text, char *a, size_t a_size, char *b, size_t b_size)
{
    const char *slash = strchr(text, '/');

    if (slash == NULL) {
        snprintf(a, a_size, "%s", text);
        b[0] = '\0';
    } else {
        snprintf(a, a_size, "%.*s", (int)(slash - text), text);
        snprintf(b, b_size, "%s", slash + 1);
    }
    trim(a);
    trim(b);
}

static unsigned
key_usage_bits(X509 *x509)
{
    static const struct {
        uint32_t openssl;
        unsigned ours;
    } map[] = {
        {KU_DIGITAL_SIGNATURE, CRYPTO_KU_DIGITAL_SIGNATURE},
        {KU_NON_REPUDIATION, CRYPTO_KU_NON_REPUDIATION},
        {KU_KEY_ENCIPHERMENT, CRYPTO_KU_KEY_ENCIPHERMENT},
        {KU_DATA_ENCIPHERMENT, CRYPTO_KU_DATA_ENCIPHERMENT},
        {KU_KEY_AGREEMENT, CRYPTO_KU_KEY_AGREEMENT},
        {KU_KEY_CERT_SIGN, CRYPTO_KU_KEY_CERT_SIGN},
        {KU_CRL_SIGN, CRYPTO_KU_CRL_SIGN},
    };
    uint32_t ku = X509_get_key_usage(x509);
    unsigned bits = 0;

    /* X509_get_key_usage answers all ones when the extension is absent. */
    if (ku == UINT32_MAX)
        return 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (ku & map[i].openssl)
            bits |= map[i].ours;
    }
    return bits;
}

bool
crypto_rfc_plausible(const char *rfc)
{
    struct ident id;
    struct error err;

    /* core/ident: structure and date; a check character that does not follow SAT's rule is
     * only a warning there, since SAT has issued such RFCs (its own AAA010101AAA is one). */
    return ident_parse_rfc(rfc, strlen(rfc), &id, &err) == 0;
}

bool
crypto_curp_plausible(const char *curp)
{
    struct ident id;
    struct error err;

    if (ident_parse_curp(curp, strlen(curp), &id, &err) == 0)
        return true;

    /* A CURP typed by a person with a wrong check digit is refused (core/ident), but one that
     * SAT put in a certificate it issued is read as it is: SAT attests it, and its own test
     * e.firma carries HEGT761003MDFRNN09, whose RENAPO check digit would be 7. */
    return strcmp(err.code, "curp_check_digit") == 0;
}

/* Read the RFCs and CURPs; leave a reason in info->profile_error when they are not SAT's. */
static void
read_identifiers(const X509_NAME *subject, struct crypto_cert_info *info)
{
    char text[256];

    name_entry(subject, NID_x500UniqueIdentifier, text, sizeof(text));
    split_pair(text, info->rfc, sizeof(info->rfc), info->representative_rfc,
               sizeof(info->representative_rfc));
    name_entry(subject, NID_serialNumber, text, sizeof(text));
    split_pair(text, info->curp, sizeof(info->curp), info->representative_curp,
               sizeof(info->representative_curp));

    if (!crypto_rfc_plausible(info->rfc)) {
        snprintf(info->profile_error, sizeof(info->profile_error),
                 "el certificado no trae un RFC válido en x500UniqueIdentifier");
        info->rfc[0] = '\0';
        return;
    }
    {
        struct ident id;
        struct error err;

        info->is_company = ident_parse_rfc(info->rfc, strlen(info->rfc), &id, &err) == 0 &&
                           id.kind == IDENT_RFC_COMPANY;
    }
    if ((info->representative_rfc[0] && !crypto_rfc_plausible(info->representative_rfc)) ||
        (info->curp[0] && !crypto_curp_plausible(info->curp)) ||
        (info->representative_curp[0] && !crypto_curp_plausible(info->representative_curp)))
        snprintf(info->profile_error, sizeof(info->profile_error),
                 "el RFC o la CURP del certificado no tienen la forma que usa el SAT");
}

/*
 * e.firma or CSD (cert.h): a CSD names a branch (OU) and has only digitalSignature and
 * nonRepudiation; an e.firma has no OU and carries more usages (dataEncipherment, keyAgreement).
 * Anything else, or a mix of the two, is unknown: refused for the Buzón rather than guessed.
 */
static enum crypto_cert_kind
classify(const struct crypto_cert_info *info)
{
    const unsigned sign_only = CRYPTO_KU_DIGITAL_SIGNATURE | CRYPTO_KU_NON_REPUDIATION;

    if (info->profile_error[0] != '\0' || (info->key_usage & sign_only) != sign_only)
        return CRYPTO_CERT_UNKNOWN;
    if (info->key_usage & (CRYPTO_KU_KEY_CERT_SIGN | CRYPTO_KU_CRL_SIGN))
        return CRYPTO_CERT_UNKNOWN;
    if (info->branch[0] != '\0' && info->key_usage == sign_only)
        return CRYPTO_CERT_CSD;
    if (info->branch[0] == '\0' && info->key_usage != sign_only)
        return CRYPTO_CERT_EFIRMA;
    return CRYPTO_CERT_UNKNOWN;
}

void
crypto__cert_profile(X509 *x509, const uint8_t *der, size_t der_len, struct crypto_cert_info *info)
{
    const X509_NAME *subject = X509_get_subject_name(x509);
    const X509_NAME *issuer = X509_get_issuer_name(x509);
    BIO *bio = BIO_new(BIO_s_mem());

    memset(info, 0, sizeof(*info));
    cert_number(x509, info->number, sizeof(info->number));
    crypto_sha256_hex(der, der_len, info->fingerprint);
    name_entry(subject, NID_commonName, info->name, sizeof(info->name));
    name_entry(subject, NID_organizationalUnitName, info->branch, sizeof(info->branch));
    name_entry(issuer, NID_commonName, info->issuer_cn, sizeof(info->issuer_cn));
    crypto__asn1_time_to_unix(X509_get0_notBefore(x509), &info->not_before);
    crypto__asn1_time_to_unix(X509_get0_notAfter(x509), &info->not_after);
    info->key_usage = key_usage_bits(x509);

    /* The issuer as one UTF-8 line, most significant attribute last (RFC 2253 order). */
    if (bio != NULL &&
        X509_NAME_print_ex(bio, issuer, 0,
                           XN_FLAG_RFC2253 & ~XN_FLAG_DN_REV & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *p = NULL;
        long n = BIO_get_mem_data(bio, &p);

        snprintf(info->issuer, sizeof(info->issuer), "%.*s", (int)n, p);
    }
    BIO_free(bio);

    read_identifiers(subject, info);
    info->kind = classify(info);
    if (info->kind == CRYPTO_CERT_UNKNOWN && info->profile_error[0] == '\0')
        snprintf(info->profile_error, sizeof(info->profile_error),
                 "el certificado no sigue el perfil de e.firma ni el de CSD del SAT "
                 "(unidad organizacional o usos de la llave)");
    ERR_clear_error();
}

const struct crypto_cert_info *
crypto_cert_info(const struct crypto_cert *cert)
{
    return &cert->info;
}

const char *
crypto_cert_kind_name(enum crypto_cert_kind kind)
{
    switch (kind) {
    case CRYPTO_CERT_EFIRMA:
        return "efirma";
    case CRYPTO_CERT_CSD:
        return "csd";
    default:
        return "unknown";
    }
}

static void
format_utc(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
crypto_cert_check_validity(const struct crypto_cert *cert, int64_t at, struct error *err)
{
    const struct crypto_cert_info *info = &cert->info;
    char when[32], limit[32];

    if (at >= info->not_before && at <= info->not_after)
        return 0;

    format_utc(at, when, sizeof(when));
    if (at > info->not_after) {
        format_utc(info->not_after, limit, sizeof(limit));
        return error_set(err, "cert_expired",
                         "el certificado %s venció el %s; no era vigente el %s", info->number,
                         limit, when);
    }
    format_utc(info->not_before, limit, sizeof(limit));
    return error_set(err, "cert_not_yet_valid",
                     "el certificado %s es vigente a partir del %s; aún no lo era el %s",
                     info->number, limit, when);
}

int
crypto_cert_require_efirma(const struct crypto_cert *cert, struct error *err)
{
    const struct crypto_cert_info *info = &cert->info;

    if (info->kind == CRYPTO_CERT_EFIRMA)
        return 0;
    if (info->kind == CRYPTO_CERT_CSD)
        return error_set(err, "cert_is_csd",
                         "el certificado %s es un CSD (certificado de sello digital, para "
                         "facturar), no una e.firma; en el Buzón IMSS se firma con la e.firma",
                         info->number);
    return error_set(err, "cert_not_efirma", "el certificado %s no es una e.firma del SAT: %s",
                     info->number, info->profile_error);
}

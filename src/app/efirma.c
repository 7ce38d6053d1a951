/* efirma.c - the checks of an act signed with a particular's e.firma (efirma.h). */
#include "app/efirma.h"

#include "core/mem.h"
#include "crypto/cert.h"
#include "crypto/sign.h"
#include "crypto/trust.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    CERT_B64_MAX = 16384, /* a 4096-bit e.firma's DER is under 3 KiB */
};

int
app_parse_instant(const char *s, int64_t *out)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    struct tm tm = {0};
    int f[6];

    if (strlen(s) != sizeof(shape) - 1)
        return -1;
    for (size_t i = 0; shape[i] != '\0'; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return -1;
    }
    f[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    for (int i = 1, p = 5; i < 6; i++, p += 3)
        f[i] = (s[p] - '0') * 10 + (s[p + 1] - '0');
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59)
        return -1;
    tm.tm_year = f[0] - 1900;
    tm.tm_mon = f[1] - 1;
    tm.tm_mday = f[2];
    tm.tm_hour = f[3];
    tm.tm_min = f[4];
    tm.tm_sec = f[5];
    *out = (int64_t)timegm(&tm);
    return tm.tm_mday == f[2] ? 0 : -1; /* 31 April came back as 1 May */
}

/* Replace err's code by code, keeping the crypto message as the detail. */
static int
refuse(struct error *err, const char *code, const char *message)
{
    char why[ERROR_MESSAGE_MAX];

    snprintf(why, sizeof(why), "%s: %s", err->code, err->message);
    error_set(err, code, "%s", message);
    error_detail(err, "%s", why);
    return -1;
}

/* The certificate: an e.firma (not a CSD), valid now, issued under a trusted chain. */
static int
check_certificate(struct app *a, const struct app_efirma_codes *codes, const char *b64,
                  int64_t now_s, struct crypto_cert **cert, struct error *err)
{
    char message[ERROR_MESSAGE_MAX];
    uint8_t *der = NULL;
    size_t len = 0;
    int rc;

    if (b64 == NULL || strlen(b64) > CERT_B64_MAX || crypto_base64_decode(b64, &der, &len) != 0)
        return error_set(err, codes->invalid,
                         "el certificado debe enviarse en base64 (DER del archivo .cer)");
    rc = crypto_cert_parse(der, len, cert, err);
    free(der);
    if (rc != 0)
        return refuse(err, codes->invalid, "el certificado no se pudo leer");

    if (crypto_cert_require_efirma(*cert, err) != 0) {
        if (strcmp(err->code, "cert_is_csd") == 0) {
            snprintf(message, sizeof(message),
                     "el certificado es un CSD (sello digital); %s se requiere la e.firma",
                     codes->purpose);
            return refuse(err, codes->csd, message);
        }
        return refuse(err, codes->invalid, "el certificado no es una e.firma emitida por el SAT");
    }
    if (crypto_cert_check_validity(*cert, now_s, err) != 0) {
        snprintf(message, sizeof(message), "la e.firma venció; renuévela en el SAT %s",
                 codes->purpose);
        return refuse(err, codes->expired,
                      strcmp(err->code, "cert_not_yet_valid") == 0
                          ? "la e.firma aún no está vigente"
                          : message);
    }
    if (crypto_trust_check_chain(a->trust, *cert, now_s, err) != 0)
        return refuse(err, codes->untrusted,
                      "la e.firma no fue emitida por una autoridad certificadora de confianza");
    return 0;
}

/* Revocation last: it may ask an OCSP responder over the network. */
static int
check_revocation(struct app *a, const struct app_efirma_codes *codes,
                 const struct crypto_cert *cert, int64_t now_s, struct error *err)
{
    struct crypto_revocation res;

    if (crypto_trust_check_revocation(a->trust, cert, now_s, &res, err) == 0)
        return 0;
    if (strcmp(err->code, "cert_revoked") == 0)
        return refuse(err, codes->revoked, "la e.firma fue revocada");
    if (strcmp(err->code, "revocation_unknown") == 0 ||
        strcmp(err->code, "chain_unknown_issuer") == 0)
        return refuse(err, codes->untrusted, "el SAT no reconoce la e.firma como emitida por él");
    return refuse(err, codes->revocation_unavailable,
                  "no fue posible confirmar con el SAT que la e.firma siga vigente; intente "
                  "más tarde");
}

int
app_efirma_verify(struct app *a, const struct app_efirma_codes *codes, const char *cert_b64,
                  const char *rfc, const char *canonical, size_t len, const char *signature_b64,
                  int64_t now_s, struct crypto_cert **cert, struct error *err)
{
    const struct crypto_cert_info *info;

    *cert = NULL;
    if (check_certificate(a, codes, cert_b64, now_s, cert, err) != 0)
        return -1;

    /* A company's e.firma acts for the company: its RFC is the certificate's RFC. */
    info = crypto_cert_info(*cert);
    if (strcmp(info->rfc, rfc) != 0)
        return error_set(err, codes->rfc_mismatch,
                         "el RFC %s no es el de la e.firma presentada (%s)", rfc, info->rfc);

    if (signature_b64 == NULL || crypto_verify(*cert, canonical, len, signature_b64, err) != 0) {
        if (!error_is_set(err))
            error_set(err, "signature_invalid", "falta la firma");
        return refuse(err, codes->signature_invalid,
                      "la firma no corresponde a la e.firma presentada ni a la cadena firmada");
    }
    return check_revocation(a, codes, *cert, now_s, err);
}

/*
 * efirma.h - the checks every act signed with a particular's e.firma goes through: login
 * (login.h) and the signature of the terms and conditions (terms.h) share them, so that an
 * e.firma refused at one is refused at the other for the same reason.
 *
 * In order: the certificate (standard base64 of its DER) is read; it must be an e.firma and
 * not a CSD (sello digital), valid at the instant of the check, and issued under a chain the
 * trust store accepts; its RFC must be the expected one (the session's, or the one claimed);
 * the signature (RSA-SHA256, standard base64) must verify over the canonical string; last,
 * revocation is asked (CRL or OCSP, which may go over the network).
 *
 * Each refusal comes back with the caller's own code (struct app_efirma_codes), the crypto
 * layer's reason kept as the error's detail.
 *
 * Thread-safety: every function may run on any thread at once.
 */
#ifndef BUZON_APP_EFIRMA_H
#define BUZON_APP_EFIRMA_H

#include "app/app.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

struct crypto_cert;

enum {
    APP_CLOCK_SKEW_S = 300, /* tolerated difference between the client's clock and ours */
};

/* The codes a caller gives each refusal, and the act named in messages ("iniciar sesión"). */
struct app_efirma_codes {
    const char *invalid;   /* unreadable, or not an e.firma of the SAT */
    const char *csd;       /* a CSD */
    const char *expired;   /* not valid at the instant of the check */
    const char *untrusted; /* chain not trusted, or unknown to its issuer */
    const char *revoked;
    const char *revocation_unavailable; /* revocation could not be asked */
    const char *signature_invalid;
    const char *rfc_mismatch; /* the certificate's RFC is not the expected one */
    const char *purpose;      /* "para iniciar sesión" */
};

/*
 * Check cert_b64 and signature_b64 (in) over canonical (in, len bytes) at now_s (seconds
 * since the epoch), the certificate's RFC against rfc (in). Returns 0 with *cert (out; the
 * caller frees it with crypto_cert_free), or -1 with err filled by one of codes (*cert may be
 * set and must still be freed).
 */
int app_efirma_verify(struct app *a, const struct app_efirma_codes *codes, const char *cert_b64,
                      const char *rfc, const char *canonical, size_t len, const char *signature_b64,
                      int64_t now_s, struct crypto_cert **cert, struct error *err);

/* "YYYY-MM-DDTHH:MM:SSZ" to seconds since the epoch into *out; -1 when malformed. */
int app_parse_instant(const char *s, int64_t *out);

#endif

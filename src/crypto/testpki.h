/*
 * testpki.h - a certification authority for tests and the demo that issues e.firma and CSD
 * certificates in SAT's exact profile (cert.h), keys written as SAT writes them, revocations,
 * and the files `openssl ocsp` needs to act as the OCSP responder.
 *
 * Never for production: every name it issues says "pruebas", which the production trust
 * profile refuses (trust.h).
 *
 * Layout of a CA directory (created by crypto_testpki_create_ca):
 *   root.cer, root.pem, root.key.pem   self-signed root "A.C. Raíz de pruebas del Buzón IMSS"
 *   ac.cer, ac.pem, ac.key.pem         issuing authority "A.C. de pruebas del Buzón IMSS"
 *   ocsp.pem, ocsp.key.pem             OCSP signer (extendedKeyUsage OCSPSigning) issued by ac
 *   index.txt, index.txt.attr          `openssl ca` index of what ac issued and revoked
 *   serial                             next certificate counter, decimal
 *   crl/ac.crl                         DER CRL of ac, rewritten on each revocation
 *   trust/test/{root,ac}.pem           a trust directory (trust.h) for the test profile
 *   trust/production/                  empty: production trusts none of this
 * Private keys of the CA are unencrypted PEM with mode 0600: the directory is a test fixture.
 *
 * The responder for tests:
 *   openssl ocsp -index DIR/index.txt -CA DIR/ac.pem -rsigner DIR/ocsp.pem \
 *                -rkey DIR/ocsp.key.pem -port 127.0.0.1:PORT
 *
 * Thread-safety: none; a CA directory is used by one process at a time.
 */
#ifndef BUZON_CRYPTO_TESTPKI_H
#define BUZON_CRYPTO_TESTPKI_H

#include "core/error.h"
#include "crypto/cert.h"

#include <stdbool.h>
#include <stdint.h>

/* Create the CA files in dir (created if missing). Errors: "testpki_io", "testpki_failed". */
int crypto_testpki_create_ca(const char *dir, struct error *err);

struct crypto_testpki_subject {
    enum crypto_cert_kind kind;      /* CRYPTO_CERT_EFIRMA or CRYPTO_CERT_CSD */
    const char *name;                /* holder, UTF-8 */
    const char *rfc;                 /* 13 characters for a person, 12 for a company */
    const char *curp;                /* a person's; NULL for a company */
    const char *representative_rfc;  /* a company's legal representative, or NULL */
    const char *representative_curp; /* idem */
    const char *branch;              /* CSD: organizationalUnitName; NULL: "Matriz" */
    const char *email;               /* e.firma: emailAddress; NULL: none */
    const char *ocsp_url;            /* authorityInfoAccess OCSP, or NULL */
    int64_t not_before, not_after;   /* seconds since the epoch; 0: now, now + 4 years */
    const char *password;            /* for the .key (PBES2, PBKDF2-SHA1, DES-EDE3-CBC) */
    bool revoked;                    /* revoke right after issuing */
    int64_t revoked_at;              /* revocation instant; 0: now */
};

/*
 * Issue a certificate from the CA in ca_dir for s (in): writes out_prefix.cer (DER) and
 * out_prefix.key (SAT's encrypted DER PKCS#8), records it in index.txt (and in the CRL when
 * revoked), and copies its number into number (out, 48 bytes). Errors: "testpki_io",
 * "testpki_value" (a bad RFC, CURP or name), "testpki_failed".
 */
int crypto_testpki_issue(const char *ca_dir, const struct crypto_testpki_subject *s,
                         const char *out_prefix, char number[48], struct error *err);

/* Mark the certificate number (in) revoked at instant when (0: now), and rewrite the CRL. */
int crypto_testpki_revoke(const char *ca_dir, const char *number, int64_t when, struct error *err);

#endif

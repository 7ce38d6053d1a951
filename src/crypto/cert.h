/*
 * cert.h - what a SAT certificate says: holder, RFC, CURP, certificate number, validity,
 * issuer, key usages, and whether it is an e.firma (FIEL) or a CSD.
 *
 * SAT's profile, as its published test certificates show (tests read them from
 * tests/fixtures/sat/):
 *   - the certificate number is the serial, whose bytes are ASCII digits;
 *   - subject x500UniqueIdentifier (2.5.4.45) = "RFC" for a person, "company RFC / representative
 *     RFC" for a company; subject serialNumber (2.5.4.5) = "CURP" for a person, " / representative
 *     CURP" (or "CURP / representative CURP") for a company;
 *   - a CSD (certificado de sello digital, for invoices) names a branch in organizationalUnitName
 *     and has only the key usages digitalSignature and nonRepudiation; an e.firma has no
 *     organizationalUnitName and adds dataEncipherment and keyAgreement.
 * Only an e.firma may sign in the Buzón (Lineamientos 3 VII and 4.2: actuaciones are signed with
 * an e.firma backed by a current SAT certificate); a CSD is refused.
 *
 * Ownership: the info belongs to its certificate and lives as long as it does. Thread-safe:
 * everything here only reads the certificate.
 */
#ifndef BUZON_CRYPTO_CERT_H
#define BUZON_CRYPTO_CERT_H

#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>

struct crypto_cert;

enum crypto_cert_kind {
    CRYPTO_CERT_UNKNOWN = 0,
    CRYPTO_CERT_EFIRMA, /* e.firma, formerly FIEL */
    CRYPTO_CERT_CSD,    /* certificado de sello digital */
};

/* Key usage bits (RFC 5280 section 4.2.1.3), as crypto_cert_info.key_usage holds them. */
enum {
    CRYPTO_KU_DIGITAL_SIGNATURE = 1 << 0,
    CRYPTO_KU_NON_REPUDIATION = 1 << 1,
    CRYPTO_KU_KEY_ENCIPHERMENT = 1 << 2,
    CRYPTO_KU_DATA_ENCIPHERMENT = 1 << 3,
    CRYPTO_KU_KEY_AGREEMENT = 1 << 4,
    CRYPTO_KU_KEY_CERT_SIGN = 1 << 5,
    CRYPTO_KU_CRL_SIGN = 1 << 6,
};

struct crypto_cert_info {
    char number[48]; /* certificate number (sign.h crypto_cert_number) */
    enum crypto_cert_kind kind;
    bool is_company;              /* the RFC has 12 characters (persona moral) */
    char name[256];               /* holder, UTF-8 (commonName) */
    char rfc[32];                 /* empty when absent or not an RFC */
    char representative_rfc[32];  /* companies: the legal representative's */
    char curp[40];                /* persons */
    char representative_curp[40]; /* companies */
    char branch[256];             /* organizationalUnitName: a CSD's branch; else empty */
    char issuer[768];             /* issuer's distinguished name, one line, UTF-8 */
    char issuer_cn[256];          /* issuer's commonName, e.g. "A.C. 2 de pruebas(4096)" */
    int64_t not_before;           /* seconds since the epoch, UTC */
    int64_t not_after;
    unsigned key_usage;      /* CRYPTO_KU_* bits; 0 when the extension is absent */
    char fingerprint[65];    /* SHA-256 of the DER, lower-case hex */
    char profile_error[160]; /* why kind is unknown, Spanish; empty otherwise */
};

/* The facts of cert (in), read when it was parsed. Never NULL. */
const struct crypto_cert_info *crypto_cert_info(const struct crypto_cert *cert);

/* "efirma", "csd" or "unknown". Static string. */
const char *crypto_cert_kind_name(enum crypto_cert_kind kind);

/*
 * Is cert (in) within its validity at the instant at (seconds since the epoch, UTC)? Returns 0,
 * or -1 with err: "cert_expired" or "cert_not_yet_valid", naming the dates.
 */
int crypto_cert_check_validity(const struct crypto_cert *cert, int64_t at, struct error *err);

/*
 * May cert (in) sign in the Buzón? Only an e.firma may. Returns 0, or -1 with err: "cert_is_csd"
 * (a CSD: the message says an e.firma is needed) or "cert_not_efirma" (unknown profile).
 */
int crypto_cert_require_efirma(const struct crypto_cert *cert, struct error *err);

/*
 * Checks of SAT identifiers as they appear in certificates, by core/ident: structure, alphabet,
 * date, state and sex. Check characters that do not follow the published rules are accepted
 * here, because SAT attests what it puts in a certificate and has issued such RFCs and CURPs
 * (its own test e.firma is one); `buzon ident` still reports them.
 */
bool crypto_rfc_plausible(const char *rfc);
bool crypto_curp_plausible(const char *curp);

#endif

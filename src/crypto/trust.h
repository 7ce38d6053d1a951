/*
 * trust.h - which certification authorities the Buzón trusts, chain verification at an
 * instant, and revocation (OCSP and CRL) with a cache.
 *
 * A filing is judged at the instant it was received (Lineamientos 6.3), so every check takes
 * that instant, not "now". A certificate revoked after that instant was valid when it signed.
 *
 * Trust directory (config efirma.trust_dir) holds one subdirectory per profile:
 *   production/   SAT's issuing authorities (roots and "AC" intermediates), DER or PEM
 *   test/         authorities of SAT's test environment and of `buzon efirma test-ca`
 * Every file ending in .cer, .crt, .pem or .der there is read. Any authority in the store is
 * a trust anchor (an intermediate suffices; its root need not be present).
 *
 * How a test authority is kept out of production: in the production profile, a certificate
 * whose subject or issuer names a test authority is refused, both when the store is loaded
 * (start-up fails: a test CA copied into production/ is an operator's mistake that must be
 * loud) and when a chain is checked ("chain_test_issuer"). A name is a test authority's when
 * any attribute contains "prueba" (any case): SAT's test authority is "A.C. 2 de pruebas(4096)"
 * with e-mail at pruebas.sat.gob.mx, and `buzon efirma test-ca` names its authorities "... de
 * pruebas del Buzón IMSS". A file trust_dir/denylist may add SHA-256 fingerprints (hex, one per
 * line, '#' comments) of authority certificates refused in production.
 *
 * Revocation: CRL files from crl_dir (DER or PEM, checked against the issuer's key; the
 * directory is looked at again at most every revocation_cache_s seconds and its CRLs read
 * anew when its files changed, so a running server sees a new CRL), then OCSP
 * (RFC 6960) at the configured URL or else the one in the certificate's authorityInfoAccess,
 * over HTTP with OpenSSL's client and a nonce. Definite answers (good, revoked) are cached for
 * revocation_cache_s seconds. When no source can answer, the policy decides: refuse (default),
 * or accept and report that revocation was not checked.
 *
 * Ownership: crypto_trust_new returns an object the caller frees with crypto_trust_free, after
 * every thread stopped using it. Thread-safety: the check functions may run concurrently on one
 * trust object (the caches are locked).
 */
#ifndef BUZON_CRYPTO_TRUST_H
#define BUZON_CRYPTO_TRUST_H

#include "core/error.h"
#include "crypto/sign.h"

#include <stdbool.h>
#include <stdint.h>

enum crypto_trust_profile {
    CRYPTO_TRUST_PRODUCTION = 0,
    CRYPTO_TRUST_TEST,
};

enum crypto_unreachable_policy {
    CRYPTO_UNREACHABLE_REFUSE = 0,
    CRYPTO_UNREACHABLE_ACCEPT,
};

struct crypto_trust_options {
    const char *dir; /* trust_dir; required */
    enum crypto_trust_profile profile;
    const char *crl_dir;    /* NULL or "": no CRLs */
    const char *ocsp_url;   /* NULL or "": the certificate's own */
    int ocsp_timeout_s;     /* per request; 0: 10 */
    int revocation_cache_s; /* 0: no cache */
    enum crypto_unreachable_policy unreachable;
};

struct crypto_trust;

/*
 * Load the store for opts (in; strings are copied). Returns 0 and *out, or -1 with err:
 * "trust_dir" (missing or empty profile directory, unreadable file), "trust_test_ca" (a test
 * authority in the production profile), "crl_dir" (unreadable CRL).
 */
int crypto_trust_new(const struct crypto_trust_options *opts, struct crypto_trust **out,
                     struct error *err);

void crypto_trust_free(struct crypto_trust *trust);

/* The profile's name, "production" or "test". Static string. */
const char *crypto_trust_profile_name(enum crypto_trust_profile profile);

/*
 * Does cert (in) chain to an authority of the store, every certificate of the chain being
 * valid at instant at (seconds since the epoch, UTC)? Results are cached per certificate with
 * the time window in which they hold. Returns 0, or -1 with err: "chain_test_issuer",
 * "chain_unknown_issuer", "cert_expired", "cert_not_yet_valid", "chain_ca_expired",
 * "chain_signature", "chain_invalid" (also when cert is an authority's, not a signer's).
 */
int crypto_trust_check_chain(struct crypto_trust *trust, const struct crypto_cert *cert, int64_t at,
                             struct error *err);

enum crypto_revocation_status {
    CRYPTO_REVOCATION_GOOD = 0,  /* not revoked at the instant asked */
    CRYPTO_REVOCATION_REVOKED,   /* revoked at or before it */
    CRYPTO_REVOCATION_UNCHECKED, /* no source answered; accepted by policy */
};

struct crypto_revocation {
    enum crypto_revocation_status status;
    char source[8];     /* "ocsp", "crl" or "" (unchecked) */
    bool from_cache;    /* the OCSP answer came from the cache */
    bool revoked_later; /* good at the instant, but revoked since (revoked_at) */
    int64_t revoked_at; /* when revoked or revoked_later */
    char reason[160];   /* UNCHECKED: why no source answered, Spanish */
};

/*
 * Was cert (in) revoked at instant at? cert must have passed crypto_trust_check_chain (its
 * issuer is needed). Fills res (out). Returns 0 when good or accepted unchecked, or -1 with
 * err: "cert_revoked", "revocation_unknown" (the responder does not know the certificate),
 * "revocation_unreachable" (no source answered and the policy is refuse),
 * "revocation_response_invalid" (a response whose signature or nonce does not check),
 * "chain_unknown_issuer".
 */
int crypto_trust_check_revocation(struct crypto_trust *trust, const struct crypto_cert *cert,
                                  int64_t at, struct crypto_revocation *res, struct error *err);

#endif

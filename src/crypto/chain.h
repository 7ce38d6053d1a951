/*
 * chain.h - certificate chain verification against a given trust anchor set.
 *
 * Used to check that a seal certificate was issued by a trusted authority and
 * was valid at the instant a receipt was sealed. The trust anchors come from a
 * PEM file (one or more certificates) or a directory of PEM or DER certificate
 * files.
 *
 * The anchors are named by the caller on purpose: whoever verifies a receipt
 * offline decides what they trust, not the server that sealed it. SAT's profile
 * and the online trust store are crypto/trust.h's.
 *
 * FIXME: revocation of the seal certificate is not checked here (no CRL or OCSP
 * offline); a revoked institute seal would still verify until a CRL can be
 * given to `buzon verify`.
 *
 * Thread-safety: no shared state; may be called from several threads.
 */
#ifndef BUZON_CRYPTO_CHAIN_H
#define BUZON_CRYPTO_CHAIN_H

#include "core/error.h"
#include "crypto/sign.h"

#include <stdint.h>

/*
 * Check that cert (in) chains to a self-signed authority in trust (in: a PEM
 * file, or a directory whose regular files are PEM or DER certificates;
 * intermediates may be among them) and that every certificate of the chain was
 * valid at at_us (UTC microseconds since the epoch). Returns 0, or -1 with err:
 * "trust_read" (trust cannot be read or holds no certificate), "cert_chain" (no
 * chain to a trusted authority), "cert_not_valid_at" (outside the validity
 * period at that instant).
 */
int crypto_chain_verify(const struct crypto_cert *cert, const char *trust, int64_t at_us,
                        struct error *err);

#endif

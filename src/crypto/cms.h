/*
 * cms.h - detached CMS (PKCS#7) signatures over documents, as the signing tools of IMSS
 * officials produce them (RFC 5652 SignedData with no encapsulated content).
 *
 * Only the signature is checked here: whether the signer's certificate is an e.firma, valid at
 * the instant, chained to SAT and not revoked is the caller's next step (cert.h, trust.h), with
 * the certificate this returns.
 *
 * Ownership: *signer belongs to the caller (crypto_cert_free). Thread-safe.
 */
#ifndef BUZON_CRYPTO_CMS_H
#define BUZON_CRYPTO_CMS_H

#include "core/error.h"
#include "crypto/sign.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Verify the detached CMS signature cms (in, DER or PEM, cms_len bytes) over the document
 * (in, len bytes). Exactly one signer is accepted, and its certificate must travel inside the
 * CMS. Returns 0 and *signer (out), or -1 with err: "cms_malformed" (not CMS SignedData, or
 * not detached), "cms_signers" (none or several), "cms_digest" (a digest other than SHA-256,
 * SHA-384 or SHA-512), "signature_invalid".
 */
int crypto_cms_verify_detached(const uint8_t *cms, size_t cms_len, const void *document, size_t len,
                               struct crypto_cert **signer, struct error *err);

#endif

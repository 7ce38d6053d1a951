/* cms.c - detached CMS signature verification (see cms.h). */
#include "crypto/cms.h"

#include "crypto/internal.h"

/* pem.h first: cms.h declares its PEM functions only when pem.h is in. */
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>

#include <limits.h>
#include <stdbool.h>

static CMS_ContentInfo *
read_cms(const uint8_t *data, size_t len)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    CMS_ContentInfo *cms = NULL;

    if (bio == NULL)
        return NULL;
    if (crypto__looks_pem(data, len))
        cms = PEM_read_bio_CMS(bio, NULL, NULL, NULL);
    else
        cms = d2i_CMS_bio(bio, NULL);
    BIO_free(bio);
    return cms;
}

static bool
digest_allowed(const ASN1_OBJECT *oid)
{
    int nid = OBJ_obj2nid(oid);

    return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

/*
 * Accept only SHA-2 digests, in the SignedData's digestAlgorithms and in the signer's info,
 * before CMS_verify sees them: a weak digest is refused, and OpenSSL 3.0's CMS_verify leaks
 * memory on an unknown one (found by tests/fuzz/crypto_cms.c). The set is read through the
 * PKCS#7 view of the same DER, whose structure is public.
 */
static bool
digests_allowed(CMS_ContentInfo *cms)
{
    unsigned char *der = NULL;
    const unsigned char *p;
    int len = i2d_CMS_ContentInfo(cms, &der);
    PKCS7 *p7 = NULL;
    bool ok = false;

    p = der;
    if (len > 0)
        p7 = d2i_PKCS7(NULL, &p, len);
    if (p7 != NULL && PKCS7_type_is_signed(p7) && p7->d.sign != NULL) {
        STACK_OF(X509_ALGOR) *algs = p7->d.sign->md_algs;

        ok = sk_X509_ALGOR_num(algs) > 0;
        for (int i = 0; ok && i < sk_X509_ALGOR_num(algs); i++)
            ok = digest_allowed(sk_X509_ALGOR_value(algs, i)->algorithm);
    }
    for (int i = 0; ok && i < sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)); i++) {
        X509_ALGOR *dig = NULL;

        CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), i), NULL, NULL,
                                 &dig, NULL);
        ok = dig != NULL && digest_allowed(dig->algorithm);
    }
    PKCS7_free(p7);
    OPENSSL_free(der);
    return ok;
}

int
crypto_cms_verify_detached(const uint8_t *data, size_t cms_len, const void *document, size_t len,
                           struct crypto_cert **signer, struct error *err)
{
    CMS_ContentInfo *cms = NULL;
    STACK_OF(X509) *signers = NULL;
    BIO *content = NULL;
    int rc = -1;

    if (len > INT_MAX)
        return error_set(err, "cms_malformed", "el documento es demasiado grande para verificarse");
    cms = cms_len > 0 && cms_len <= CRYPTO__MAX_FILE ? read_cms(data, cms_len) : NULL;
    if (cms == NULL || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
        CMS_is_detached(cms) != 1) {
        error_set(err, "cms_malformed", "la firma no es un CMS/PKCS#7 separado (detached)");
        goto out;
    }
    if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1) {
        error_set(err, "cms_signers", "la firma debe tener exactamente un firmante");
        goto out;
    }
    if (!digests_allowed(cms)) {
        error_set(err, "cms_digest", "la firma CMS debe usar SHA-256, SHA-384 o SHA-512");
        goto out;
    }

    /* CMS_NO_SIGNER_CERT_VERIFY: the chain is judged by trust.h at the legal instant, not
     * here at the current time; CMS_BINARY: the document's bytes are hashed as they are. */
    content = BIO_new_mem_buf(document, (int)len);
    if (CMS_verify(cms, NULL, NULL, content, NULL, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
        error_set(err, "signature_invalid", "la firma CMS no corresponde al documento");
        goto out;
    }
    signers = CMS_get0_signers(cms);
    if (sk_X509_num(signers) != 1) {
        error_set(err, "cms_signers", "la firma no incluye el certificado de su firmante");
        goto out;
    }
    rc = crypto__cert_from_x509(sk_X509_value(signers, 0), signer, err);

out:
    sk_X509_free(signers);
    BIO_free(content);
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
    return rc;
}

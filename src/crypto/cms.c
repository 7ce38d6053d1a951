/* cms.c - detached CMS signature verification (see cms.h). */
#include "crypto/cms.h"

#include "crypto/internal.h"

/* pem.h first: cms.h declares its PEM functions only when pem.h is in. */
#include <openssl/pem.h>
#include <openssl/cms.h>
#include <openssl/err.h>

#include <limits.h>

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

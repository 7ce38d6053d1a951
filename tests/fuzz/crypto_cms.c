/* Fuzz target: detached CMS verification (crypto/cms.h) over a fixed document; the seeds are
 * signatures of it made with SAT's test e.firma. */
#include "crypto/cms.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char document[] = "documento";
    struct crypto_cert *signer = NULL;
    struct error err;

    if (crypto_cms_verify_detached(data, size, document, sizeof(document) - 1, &signer, &err) == 0)
        crypto_cert_free(signer);
    return 0;
}

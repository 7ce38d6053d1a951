/* Fuzz target: the certificate reader and the SAT profile (crypto/sign.h, crypto/cert.h). */
#include "crypto/cert.h"
#include "crypto/sign.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct crypto_cert *cert = NULL;
    struct error err;

    if (crypto_cert_parse(data, size, &cert, &err) == 0) {
        const struct crypto_cert_info *info = crypto_cert_info(cert);

        /* Every string the reader fills must be terminated inside its buffer. */
        if (strlen(info->number) >= sizeof(info->number) || strlen(info->rfc) >= sizeof(info->rfc))
            __builtin_trap();
        crypto_cert_check_validity(cert, 1559390400, &err);
        crypto_cert_require_efirma(cert, &err);
        crypto_cert_free(cert);
    }
    return 0;
}

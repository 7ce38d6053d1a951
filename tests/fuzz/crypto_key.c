/* Fuzz target: the private key reader (crypto/sign.h), with the fixtures' password. */
#include "crypto/sign.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct crypto_key *key = NULL;
    struct error err;

    if (crypto_key_parse(data, size, "12345678a", &key, &err) == 0)
        crypto_key_free(key);
    return 0;
}

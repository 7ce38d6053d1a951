/* Fuzz target: core/phone normalisation of user-typed mobile numbers. */
#include "core/phone.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    char out[PHONE_E164_MAX], again[PHONE_E164_MAX];
    struct error err;

    memcpy(text, data, size);
    text[size] = '\0';

    /* Accepted means "+52", ten digits, the first 2-9; and normalising again changes nothing. */
    if (phone_normalize_mx(text, out, &err) == 0) {
        if (strlen(out) != 13 || strncmp(out, "+52", 3) != 0 || out[3] < '2' || out[3] > '9' ||
            strspn(out + 3, "0123456789") != 10)
            abort();
        if (phone_normalize_mx(out, again, &err) != 0 || strcmp(out, again) != 0)
            abort();
    } else if (out[0] != '\0' || err.code[0] == '\0') {
        abort();
    }
    free(text);
    return 0;
}

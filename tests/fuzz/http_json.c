/*
 * Fuzz target: the JSON request-body reader (http/json.h).
 * FIXME: Debian's jansson is not built with coverage instrumentation, so libFuzzer is guided only
 * by our thin wrapper and explores jansson's parser blindly (crashes and ASan reports in our code
 * still surface). Building jansson from source with -fsanitize=fuzzer-no-link would guide it.
 */
#include "http/json.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct error err = {0};
    json_t *root = http_json_parse(data, size, &err);

    /* Exactly one of the two outcomes, and a refusal always says why. */
    if ((root == NULL) == (err.code[0] == '\0'))
        abort();
    json_decref(root);
    return 0;
}

/* Fuzz target: the readers of receipt bundles and tree head files (outside input to
 * `buzon verify`), and the cadena rebuilt from whatever they accept. */
#include "evidence/bundle.h"
#include "evidence/cadena.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct evidence_bundle b;
    struct evidence_tree_head_file f;
    struct error err;
    char *cadena = NULL;

    if (evidence_bundle_parse((const char *)data, size, &b, &err) == 0) {
        if (evidence_cadena_build(&b.receipt, &cadena, NULL, &err) == 0)
            free(cadena);
        evidence_bundle_cleanup(&b);
    }
    if (evidence_tree_head_parse((const char *)data, size, &f, &err) == 0)
        evidence_tree_head_file_cleanup(&f);
    return 0;
}

/* Fuzz target: folios as people type them (the public verification page reads them). */
#include "core/folio.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), canonical[FOLIO_MAX], again[FOLIO_MAX];
    unsigned year;
    uint64_t seq;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* Whatever is accepted must be the folio its year and sequence encode to. */
    if (folio_parse(text, &year, &seq, canonical, NULL) == 0 &&
        (folio_encode(year, seq, again, NULL) != 0 || strcmp(again, canonical) != 0))
        abort();
    free(text);
    return 0;
}

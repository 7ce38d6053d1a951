/* Fuzz target: core/email syntactic check of user-typed addresses. */
#include "core/email.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct error err;

    memcpy(text, data, size);
    text[size] = '\0';

    /* An accepted address can go into a mail header: no blanks, controls, brackets or quotes,
     * one '@', within the length limit. */
    error_clear(&err);
    if (email_check(text, &err) == 0) {
        const char *at = strchr(text, '@');
        if (strlen(text) > EMAIL_MAX || at == NULL || strchr(at + 1, '@') != NULL ||
            strpbrk(text, " \t\r\n<>\"()[],;:\\") != NULL)
            abort();
    } else if (err.code[0] == '\0') {
        abort();
    }
    free(text);
    return 0;
}

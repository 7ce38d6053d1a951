/* secret.c - read a password from a file (see secret.h). */
#include "deliver/secret.h"

#include "core/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

enum { SECRET_MAX = 1024 };

int
deliver__read_secret(const char *path, const char *what, char **out, struct error *err)
{
    char line[SECRET_MAX + 2];
    size_t len;
    FILE *f;
    int rc = -1;

    *out = NULL;
    if (path == NULL || path[0] == '\0')
        return 0;

    f = fopen(path, "r");
    if (f == NULL)
        return error_set(err, "deliver_secret_file", "no se pudo leer %s (%s): %s", what, path,
                         strerror(errno));
    if (fgets(line, sizeof(line), f) == NULL) {
        error_set(err, "deliver_secret_file", "el archivo de %s (%s) está vacío", what, path);
        goto out;
    }

    len = strcspn(line, "\r\n");
    if (len == 0 || len > SECRET_MAX) {
        error_set(err, "deliver_secret_file",
                  "el archivo de %s (%s) debe tener en su primera línea de 1 a %d caracteres", what,
                  path, SECRET_MAX);
        goto out;
    }
    *out = mem_strndup(line, len);
    rc = 0;

out:
    mem_wipe(line, sizeof(line));
    fclose(f);
    return rc;
}

/* auth.c - names of principal kinds (see auth.h). */
#include "http/auth.h"

const char *
http_principal_kind_name(enum http_principal_kind kind)
{
    switch (kind) {
    case HTTP_PRINCIPAL_PARTICULAR:
        return "particular";
    case HTTP_PRINCIPAL_STAFF:
        return "staff";
    case HTTP_PRINCIPAL_SYSTEM:
        return "system";
    case HTTP_PRINCIPAL_ANONYMOUS:
        break;
    }
    return "anonymous";
}

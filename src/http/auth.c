/* auth.c - names of principal kinds, principals as actors (see auth.h). */
#include "http/auth.h"

#include "app/authz.h"

#include <stdio.h>

_Static_assert((int)HTTP_ROLE_ISSUER == (int)APP_ROLE_ISSUER &&
                   (int)HTTP_ROLE_HANDLER == (int)APP_ROLE_HANDLER &&
                   (int)HTTP_ROLE_ADMINISTRATOR == (int)APP_ROLE_ADMINISTRATOR &&
                   (int)HTTP_ROLE_AUDITOR == (int)APP_ROLE_AUDITOR,
               "the roles of http and app must keep the same bits");
_Static_assert((int)HTTP_PRINCIPAL_PARTICULAR == (int)APP_ACTOR_PARTICULAR &&
                   (int)HTTP_PRINCIPAL_STAFF == (int)APP_ACTOR_STAFF &&
                   (int)HTTP_PRINCIPAL_SYSTEM == (int)APP_ACTOR_SYSTEM,
               "principal kinds and actor kinds must keep the same values");

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

void
http_principal_actor(const struct http_principal *p, struct app_actor *out)
{
    *out = (struct app_actor){.kind = (enum app_actor_kind)p->kind,
                              .id = (int64_t)p->id,
                              .roles = p->roles,
                              .scopes = (uint32_t)p->scopes};
    snprintf(out->rfc, sizeof(out->rfc), "%s", p->rfc);
    snprintf(out->representative_rfc, sizeof(out->representative_rfc), "%s", p->representative_rfc);
    snprintf(out->unit, sizeof(out->unit), "%s", p->unit);
    snprintf(out->ref, sizeof(out->ref), "%s", p->session_id);
    snprintf(out->cert_number, sizeof(out->cert_number), "%s", p->cert_number);
    snprintf(out->name, sizeof(out->name), "%s", p->name);
}

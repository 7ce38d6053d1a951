/* authz.c - the role x action matrix (authz.h, docs/authorization.md). */
#include "app/authz.h"

#include <stddef.h>
#include <string.h>

/*
 * One row per action. A particular is allowed when own is set (and then only on
 * its own RFC); an official when they hold any of roles; a system when its
 * token has any of scopes. audit: staff and systems allowed to do this read a
 * particular's data, which is recorded. unit: the record's administrative unit
 * limits which officials may act.
 */
struct rule {
    const char *name;
    bool own;
    unsigned roles;
    uint32_t scopes;
    bool audit;
    bool unit;
};

static const struct rule rules[APP_ACTION_COUNT] = {
    [APP_ACTION_MAILBOX_READ] = {"mailbox.read", true,
                                 APP_ROLE_ISSUER | APP_ROLE_HANDLER | APP_ROLE_ADMINISTRATOR,
                                 APP_SCOPE_READ | APP_SCOPE_NOTIFY, true, false},
    [APP_ACTION_CONTACTS_REGISTER] = {"contacts.register", true, 0, 0, false, false},
    [APP_ACTION_CONTACTS_CONFIRM] = {"contacts.confirm", true, 0, 0, false, false},
    [APP_ACTION_TERMS_SIGN] = {"terms.sign", true, 0, 0, false, false},
    /* The issuer needs the receipts of the notifications it issued (aviso, opening, deemed
     * notification: 7.3-7.5) as proof of service. */
    [APP_ACTION_RECEIPT_READ] = {"receipt.read", true,
                                 APP_ROLE_ISSUER | APP_ROLE_HANDLER | APP_ROLE_AUDITOR,
                                 APP_SCOPE_READ, true, false},
    [APP_ACTION_AUDIT_READ] = {"audit.read", true, APP_ROLE_AUDITOR, 0, true, false},
    [APP_ACTION_CLARIFICATION_FILE] = {"clarification.file", true, 0, 0, false, false},
    [APP_ACTION_CLARIFICATION_READ] = {"clarification.read", true, APP_ROLE_HANDLER, 0, true, true},
    [APP_ACTION_CLARIFICATION_ANSWER] = {"clarification.answer", false, APP_ROLE_HANDLER, 0, true,
                                         true},
    [APP_ACTION_STAFF_MANAGE] = {"staff.manage", false, APP_ROLE_ADMINISTRATOR, 0, false, false},
    [APP_ACTION_TOKEN_MANAGE] = {"token.manage", false, APP_ROLE_ADMINISTRATOR, 0, false, false},
    [APP_ACTION_IMPORT_2020] = {"mailbox.import2020", false, APP_ROLE_ADMINISTRATOR, 0, false,
                                false},
    [APP_ACTION_NOTIFICATION_ISSUE] = {"notification.issue", false, APP_ROLE_ISSUER,
                                       APP_SCOPE_NOTIFY, false, true},
    [APP_ACTION_DOCUMENT_PUBLISH] = {"document.publish", false, APP_ROLE_ISSUER,
                                     APP_SCOPE_DOCUMENTS, false, true},
};

const char *
app_action_name(enum app_action what)
{
    if ((unsigned)what >= APP_ACTION_COUNT)
        return NULL;
    return rules[what].name;
}

static int
forbidden(struct error *err)
{
    return error_set(err, "forbidden", "No tiene permiso para realizar esta acción.");
}

static int
not_own(struct error *err)
{
    return error_set(err, "not_own_mailbox",
                     "El recurso solicitado no existe o no corresponde a su buzón.");
}

static bool
empty(const char *s)
{
    return s == NULL || s[0] == '\0';
}

int
app_authorize(const struct app_actor *who, enum app_action what, const struct app_target *target,
              bool *audit, struct error *err)
{
    const struct rule *r;
    const char *rfc = target != NULL ? target->rfc : NULL;
    const char *unit = target != NULL ? target->unit : NULL;

    if (audit != NULL)
        *audit = false;
    if (who == NULL || (unsigned)what >= APP_ACTION_COUNT)
        return forbidden(err);
    r = &rules[what];

    switch (who->kind) {
    case APP_ACTOR_PARTICULAR:
        /* A particular never acts for anyone else, whatever the action. */
        if (!r->own || empty(who->rfc))
            return forbidden(err);
        if (empty(rfc) || strcmp(rfc, who->rfc) != 0)
            return not_own(err);
        return 0;

    case APP_ACTOR_STAFF:
        if ((who->roles & r->roles) == 0)
            return forbidden(err);
        if (r->unit && !empty(unit) && strcmp(who->unit, APP_UNIT_CENTRAL) != 0 &&
            strcmp(who->unit, unit) != 0)
            return not_own(err);
        break;

    case APP_ACTOR_SYSTEM:
        if ((who->scopes & r->scopes) == 0)
            return forbidden(err);
        break;

    default:
        return forbidden(err);
    }

    if (audit != NULL)
        *audit = r->audit && !empty(rfc);
    return 0;
}

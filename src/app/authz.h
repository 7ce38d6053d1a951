/*
 * authz.h - who may do what (design.md section 8; docs/authorization.md holds
 * the matrix this file implements).
 *
 * Every use case in src/app/ asks app_authorize before it reads or writes
 * anything, with the actor (who is asking, as the session or API token said)
 * and the target (the particular concerned, and the administrative unit that
 * owns the record when there is one). The decision depends on nothing else, so
 * the matrix can be tested cell by cell without a store.
 *
 *  - A particular acts only on its own mailbox: the target's RFC must be the
 *    actor's.
 *  - An official acts by role (issuer, handler, administrator, auditor); where a
 *    record belongs to an administrative unit, only officials of that unit may
 *    touch it (the central unit "00" sees every unit).
 *  - An IMSS system acts by the scopes of its API token.
 *
 * When staff or a system is allowed to read a particular's personal data or
 * documents, the decision says so (audit = true): the use case must record an
 * audit event in the same transaction as the read (Lineamientos 10), which the
 * particular can consult.
 *
 * Ownership: all values are plain; nothing here allocates. Thread-safe.
 */
#ifndef BUZON_APP_AUTHZ_H
#define BUZON_APP_AUTHZ_H

#include "core/error.h"
#include "core/ident.h"

#include <stdbool.h>
#include <stdint.h>

enum app_actor_kind {
    APP_ACTOR_PARTICULAR = 1, /* a person or company through its e.firma */
    APP_ACTOR_STAFF = 2,      /* an IMSS official through their e.firma */
    APP_ACTOR_SYSTEM = 4,     /* an IMSS system through a scoped API token */
};

/* Roles of an official: bits, one official may hold several. */
enum app_role {
    APP_ROLE_ISSUER = 1 << 0,        /* issues notifications */
    APP_ROLE_HANDLER = 1 << 1,       /* handles filings and requests for guidance */
    APP_ROLE_ADMINISTRATOR = 1 << 2, /* officials, tokens, calendar, imports */
    APP_ROLE_AUDITOR = 1 << 3,       /* reads the audit log */
};

/* Scopes of an API token: bits. */
enum app_scope {
    APP_SCOPE_NOTIFY = 1 << 0,    /* submit notifications */
    APP_SCOPE_DOCUMENTS = 1 << 1, /* publish documents to particulars */
    APP_SCOPE_READ = 1 << 2,      /* read a mailbox's state (audited) */
};

enum {
    APP_ACTOR_RFC_MAX = IDENT_RFC_BYTES_MAX,
    APP_ACTOR_UNIT_MAX = 31,
    APP_ACTOR_REF_MAX = 47,
    APP_ACTOR_NAME_MAX = 254,
};

/* The administrative unit whose officials see every unit's records. */
#define APP_UNIT_CENTRAL "00"

struct app_actor {
    enum app_actor_kind kind;
    int64_t id;                                     /* particular, staff or token id */
    char rfc[APP_ACTOR_RFC_MAX + 1];                /* empty for a system */
    char representative_rfc[APP_ACTOR_RFC_MAX + 1]; /* who signed for a company */
    unsigned roles;                                 /* staff: enum app_role bits */
    char unit[APP_ACTOR_UNIT_MAX + 1];              /* staff: administrative unit */
    uint32_t scopes;                                /* system: enum app_scope bits */
    char ref[APP_ACTOR_REF_MAX + 1];   /* session or token id for the audit log, never a secret */
    char cert_number[24];              /* the e.firma that opened the session; empty otherwise */
    char name[APP_ACTOR_NAME_MAX + 1]; /* staff: the official's name; system: the token's */
};

/* Every action a caller can ask for. Keep docs/authorization.md in step. */
enum app_action {
    APP_ACTION_MAILBOX_READ = 0,     /* state, contact means, deadlines of a mailbox */
    APP_ACTION_CONTACTS_REGISTER,    /* register or replace contact means (5.1, 5.6) */
    APP_ACTION_CONTACTS_CONFIRM,     /* confirm a contact mean with its code (5.2) */
    APP_ACTION_TERMS_SIGN,           /* sign the terms and conditions (5.3) */
    APP_ACTION_RECEIPT_READ,         /* receipts of a mailbox */
    APP_ACTION_AUDIT_READ,           /* who read a particular's data (Lineamientos 10) */
    APP_ACTION_CLARIFICATION_FILE,   /* request guidance on enabling (5.9) */
    APP_ACTION_CLARIFICATION_READ,   /* read requests for guidance */
    APP_ACTION_CLARIFICATION_ANSWER, /* answer one */
    APP_ACTION_STAFF_MANAGE,         /* register officials, set their roles */
    APP_ACTION_TOKEN_MANAGE,         /* issue and revoke API tokens */
    APP_ACTION_IMPORT_2020,          /* import mailboxes enabled under the 2020 rules (5.4) */
    APP_ACTION_NOTIFICATION_ISSUE,   /* submit a notification (7.1) */
    APP_ACTION_DOCUMENT_PUBLISH,     /* publish a document to a particular (8) */
    APP_ACTION_COUNT
};

/* What an action is about. Both fields borrowed, may be NULL (no particular, no unit). */
struct app_target {
    const char *rfc;  /* the particular concerned */
    const char *unit; /* the administrative unit owning the record */
};

/*
 * Decide whether who (in) may do what on target (in, may be NULL). Returns 0
 * when allowed, with *audit (out, may be NULL) true when the read must be
 * recorded in the audit log; or -1 with err filled: "forbidden" (403: the
 * actor's kind, role or scope does not allow the action) or "not_own_mailbox"
 * (the target belongs to another particular or unit; 404 to the caller so that
 * it learns nothing about others).
 */
int app_authorize(const struct app_actor *who, enum app_action what,
                  const struct app_target *target, bool *audit, struct error *err);

/* The action's stable name ("mailbox.read"...), as in docs/authorization.md; NULL if unknown. */
const char *app_action_name(enum app_action what);

#endif

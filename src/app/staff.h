/*
 * staff.h - IMSS officials and the API tokens of IMSS systems (docs/authorization.md,
 * docs/authentication.md).
 *
 * Officials are registered with their RFC (they log in with their own e.firma), name, roles
 * (enum app_role) and administrative unit. IMSS systems call the API with a bearer token
 *
 *     bzt_ + 43 base64url characters (256 random bits)
 *
 * of which the store keeps only the SHA-256; a token has a name, scopes (enum app_scope), an
 * expiry and may be revoked. The token is shown once, when issued.
 *
 * Every function takes who, the actor asking (app_authorize decides: staff.manage,
 * token.manage), or NULL for the operator at the command line, who already holds the
 * database and so may create the first administrator (`buzon staff add`). Each change is
 * recorded in the audit log in its own transaction.
 *
 * Ownership: lists are heap arrays the caller frees with free(). Thread-safety: every
 * function may run on any thread at once.
 */
#ifndef BUZON_APP_STAFF_H
#define BUZON_APP_STAFF_H

#include "app/app.h"
#include "app/authz.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define APP_API_TOKEN_PREFIX "bzt_"

enum {
    APP_API_TOKEN_LEN = 47, /* "bzt_" + 43 */
    APP_API_TOKEN_DAYS_MAX = 3650,
    APP_TOKEN_NAME_MAX = 128,
};

struct app_staff {
    int64_t id;
    char rfc[APP_ACTOR_RFC_MAX + 1];
    char name[APP_ACTOR_NAME_MAX + 1];
    unsigned roles; /* enum app_role bits */
    char unit[APP_ACTOR_UNIT_MAX + 1];
    bool active;
    int64_t created_at;
};

/*
 * Register the official in (in: rfc, name, roles, unit; id, active and created_at are set)
 * for who (in, may be NULL), copying the record stored into *out (out, may be NULL).
 * Returns 0, -1 with err ("forbidden", "staff_invalid": RFC, name, roles or unit malformed,
 * "staff_duplicate": the RFC is already registered), or a store status.
 */
int app_staff_add(struct app *a, const struct app_actor *who, const struct app_staff *in,
                  const char *request_id, struct app_staff *out, struct error *err);

/*
 * Change the official with in->rfc (in): name (when not empty), roles (when not 0), unit
 * (when not empty), and active (1 or 0; -1 leaves it), for who (in, may be NULL); the stored
 * record into *out (out, may be NULL). A change applies at once to the official's open
 * sessions. Returns 0, -1 with err ("forbidden", "staff_invalid", "staff_not_found"), or a
 * store status.
 */
int app_staff_update(struct app *a, const struct app_actor *who, const struct app_staff *in,
                     int active, const char *request_id, struct app_staff *out, struct error *err);

/* Every official, by id, into *items (out, free()) and *n (out). */
int app_staff_list(struct app *a, const struct app_actor *who, struct app_staff **items, size_t *n,
                   struct error *err);

/*
 * "issuer,handler,..." (in) as enum app_role bits (out); -1 with err "staff_invalid" for an
 * unknown or repeated name, or none. app_roles_format writes the names, comma-separated.
 */
int app_roles_parse(const char *text, unsigned *roles, struct error *err);
void app_roles_format(unsigned roles, char *out, size_t cap);

/* The role's or scope's name for a single bit, or NULL. */
const char *app_role_name(unsigned role);
const char *app_scope_name(uint32_t scope);

/* "notify,documents,read" (in) as enum app_scope bits (out); -1 with "token_invalid". */
int app_scopes_parse(const char *text, uint32_t *scopes, struct error *err);
void app_scopes_format(uint32_t scopes, char *out, size_t cap);

struct app_token {
    int64_t id;
    char token[APP_API_TOKEN_LEN + 1]; /* only right after issuing; empty otherwise */
    char name[APP_TOKEN_NAME_MAX + 1];
    uint32_t scopes;
    int64_t created_at;
    int64_t expires_at;
    int64_t revoked_at; /* 0: not revoked */
};

/*
 * Issue a token named name (in) with scopes that lives days (0: policy.api_token_days) for
 * who (in, may be NULL), into *out (out: the token itself in out->token, to hand over once
 * and wipe). Returns 0, -1 with err ("forbidden", "token_invalid"), or a store status.
 */
int app_token_issue(struct app *a, const struct app_actor *who, const char *name, uint32_t scopes,
                    int64_t days, const char *request_id, struct app_token *out, struct error *err);

/* Revoke token id for who (in, may be NULL). -1 with "token_not_found" when there is no such
 * token or it was already revoked. */
int app_token_revoke(struct app *a, const struct app_actor *who, int64_t id, const char *request_id,
                     struct error *err);

/* Every token (revoked and expired ones too; token left empty), by id. */
int app_token_list(struct app *a, const struct app_actor *who, struct app_token **items, size_t *n,
                   struct error *err);

enum app_token_result {
    APP_TOKEN_OK = 0,
    APP_TOKEN_ABSENT = 1,  /* malformed, unknown, expired or revoked */
    APP_TOKEN_FAILED = -1, /* the store failed: err filled */
};

/* The system actor (out) of bearer token (in), a SYSTEM with the token's id, name, scopes and
 * ref "token:ID". Returns an enum app_token_result. */
enum app_token_result app_token_check(struct app *a, const char *token, struct app_actor *out,
                                      struct error *err);

#endif

/*
 * audit.h - the audit log of who read a particular's data (Lineamientos 10; docs/audit.md).
 *
 * When app_authorize allows staff or an IMSS system to read a particular's
 * personal data or documents it says audit = true, and the use case calls
 * app_audit_record inside the same transaction as the read: the event is
 * committed with the read or not at all, so nothing is handed out unrecorded.
 *
 * An event names the actor (kind, id, name at the time, and the session or
 * token id, never a secret), the action (app_action_name), the subject
 * ("receipt:FOLIO") and the particular by log_rfc_hash of its RFC: the log
 * itself holds no RFC.
 *
 * A particular reads the accesses of officials and systems to its own data
 * with app_audit_own; an auditor reads every event about one RFC with
 * app_audit_of, and that read is itself recorded.
 *
 * Ownership: lists are heap arrays the caller frees with app_audit_list_free.
 * Thread-safety: every function may run on any thread at once.
 */
#ifndef BUZON_APP_AUDIT_H
#define BUZON_APP_AUDIT_H

#include "app/app.h"
#include "app/authz.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

struct store_tx;

/*
 * Record, in tx (in, a write transaction), that who (in) did action (in,
 * app_action_name) on subject (in, e.g. "receipt:BZN-2026-000001") concerning
 * the particular rfc (in, may be NULL or empty), at now, for request_id (in,
 * may be NULL). Returns 0 or a store status with err filled (the transaction
 * is then poisoned and must roll back: the read does not happen).
 */
int app_audit_record(struct store_tx *tx, const struct app_actor *who, const char *action,
                     const char *subject, const char *rfc, int64_t now, const char *request_id,
                     struct error *err);

/* One event as shown to a particular or an auditor. */
struct app_audit_entry {
    int64_t id;
    int64_t at;               /* microseconds, UTC */
    enum app_actor_kind kind; /* particular, staff or system */
    int64_t actor_id;         /* staff id, token id, particular id; 0 when unknown */
    char actor_name[255];     /* the official's or token's name then; may be empty */
    char action[129];         /* app_action_name, or "login", "logout"... */
    char subject[129];        /* what was read */
    char actor_ref[48];       /* session or token id: auditors only, empty for particulars */
    char request_id[129];     /* auditors only */
};

struct app_audit_page {
    int64_t from, to;  /* instants [from, to), microseconds; 0: unbounded */
    int64_t before_id; /* 0: from the newest */
    size_t limit;      /* 1..100; 0: 50 */
};

/*
 * The accesses of officials and systems to the data of who (in, a particular),
 * newest first, within page (in, may be NULL), into *items (out) and *n (out).
 * Returns 0, -1 with err ("forbidden" for anyone but a particular,
 * "audit_query_invalid"), or a store status.
 */
int app_audit_own(struct app *a, const struct app_actor *who, const struct app_audit_page *page,
                  struct app_audit_entry **items, size_t *n, struct error *err);

/*
 * Every event concerning the particular rfc (in), newest first, within page (in,
 * may be NULL), for who (in, an auditor); the read itself is recorded (action
 * "audit.read", subject "audit:RFC-hash") in the same transaction, for
 * request_id (in, may be NULL). Returns 0, -1 with err ("forbidden",
 * "not_own_mailbox", "audit_query_invalid"), or a store status.
 */
int app_audit_of(struct app *a, const struct app_actor *who, const char *rfc,
                 const struct app_audit_page *page, const char *request_id,
                 struct app_audit_entry **items, size_t *n, struct error *err);

/* Free a list from app_audit_own or app_audit_of (may be NULL). */
void app_audit_list_free(struct app_audit_entry *items);

#endif

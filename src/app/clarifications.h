/*
 * clarifications.h - requests for guidance or clarification (Lineamientos 5.9): a particular
 * whose enablement fails (RFC, registros patronales, validation of contact means, or the
 * mailbox's operation) files one with its session, without e.firma (5.9 does not ask for it),
 * and gets a receipt "solicitud_aclaracion"; officials with the handler role of the unit that
 * answers them list and answer them, and each such read is recorded in the audit log.
 *
 * Refusals: forbidden / not_own_mailbox (authz.h), clarification_invalid (topic not one of
 * rfc, regpat, contacts, operation; text empty or over 4000 bytes or not UTF-8),
 * clarification_not_found, clarification_already_answered, receipts_unavailable.
 *
 * Ownership: records returned hold heap text (store_clarification_cleanup,
 * store_clarification_list_free). Thread-safety: every function may run on any thread.
 */
#ifndef BUZON_APP_CLARIFICATIONS_H
#define BUZON_APP_CLARIFICATIONS_H

#include "app/app.h"
#include "app/authz.h"
#include "app/terms.h"
#include "core/error.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* "rfc", "regpat", "contacts", "operation": the subjects 5.9 names. */
bool app_clarification_topic_valid(const char *topic);

/*
 * File a request for guidance on topic with text (in) for who's own mailbox. Returns 0 with
 * *out (out, store_clarification_cleanup) and *receipt (out), or -1 / a store status with err.
 */
int app_clarification_file(struct app *a, const struct app_actor *who, const char *topic,
                           const char *text, const char *request_id,
                           struct store_clarification *out, struct app_receipt_ref *receipt,
                           struct error *err);

/*
 * The requests who (in) may see, newest first, at most limit with id < before_id (0: from
 * the newest): a particular its own; an official with the handler role those of their unit
 * (all for the central unit), recorded in the audit log. *items (out,
 * store_clarification_list_free), *n. Returns 0, or -1 / a store status with err.
 */
int app_clarification_list(struct app *a, const struct app_actor *who, int64_t before_id,
                           size_t limit, const char *request_id, struct store_clarification **items,
                           size_t *n, struct error *err);

/*
 * Answer request id with text (in), as the official who (in). Returns 0 with *out (out,
 * store_clarification_cleanup), or -1 / a store status with err.
 */
int app_clarification_answer(struct app *a, const struct app_actor *who, int64_t id,
                             const char *text, const char *request_id,
                             struct store_clarification *out, struct error *err);

#endif

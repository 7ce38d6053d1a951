/*
 * receipts.h - reading a receipt (acuse) back: its JSON bundle, which `buzon verify` checks
 * offline, and its PDF (design.md section 7; docs/receipts.md).
 *
 * Authorized with receipt.read (docs/authorization.md): a particular reads only receipts
 * issued to its own RFC; any other folio, whether it exists or not, is "not_own_mailbox", so
 * that a particular learns nothing about others' folios. Officials and systems allowed to
 * read are recorded in the audit log (audit.h) once the bundle or PDF is built and before it
 * is handed out: never a read without its event, never an event for a read that failed.
 *
 * Ownership: *json and *pdf are heap buffers the caller frees with free(). Thread-safety:
 * every function may run on any thread at once.
 */
#ifndef BUZON_APP_RECEIPTS_H
#define BUZON_APP_RECEIPTS_H

#include "app/app.h"
#include "app/authz.h"
#include "core/error.h"

#include <stddef.h>

/*
 * The bundle of receipt folio (in) for who (in), into *json (out, heap). Returns 0, -1 with
 * err ("forbidden", "not_own_mailbox", "receipt_not_found" for staff and systems,
 * "receipts_unavailable" when the server has no seal), or a store status.
 */
int app_receipt_bundle(struct app *a, const struct app_actor *who, const char *folio,
                       const char *request_id, char **json, struct error *err);

/* The PDF of receipt folio (in) for who (in), *len (out) bytes at *pdf (out, heap). Same
 * refusals as app_receipt_bundle, and "pdf_write" when it cannot be rendered. */
int app_receipt_pdf(struct app *a, const struct app_actor *who, const char *folio,
                    const char *request_id, unsigned char **pdf, size_t *len, struct error *err);

#endif

/*
 * terms.h - the terms and conditions of the Buzón IMSS and their signature with e.firma
 * (Lineamientos 5.3; docs/openapi.yaml, /api/v1/terms and /api/v1/mailbox/terms).
 *
 * The text is versioned in data/terms/VERSION.txt; the newest is embedded at build time, and
 * [terms] file and version point to another (app_options). The particular signs, with the
 * private key of its e.firma (RSA-SHA256, as `buzon efirma sign` does), the canonical string
 *
 *     ||buzon-terminos|1|VERSION|SHA256|RFC|INSTANT||
 *
 * (APP_TERMS_CANONICAL): the version and the lower-case hex SHA-256 of the text it read, its
 * RFC (the session's) and the instant it signed, UTC as YYYY-MM-DDTHH:MM:SSZ.
 *
 * app_terms_sign checks, in order: who may sign (only a particular, on its own mailbox), that
 * receipts can be issued, the mailbox's state (contacts confirmed, not signed yet), the
 * version and hash (the current ones), the instant (within APP_CLOCK_SKEW_S of now), then the
 * e.firma as login does (efirma.h). Then, in one transaction, it stores the acceptance and
 * enables the mailbox; after the commit it issues the receipt "firma_terminos", covering the
 * text's SHA-256 and naming the signer's certificate.
 *
 * Refusals: forbidden / not_own_mailbox (authz.h), receipts_unavailable,
 * terms_contacts_pending, terms_already_signed, terms_request_invalid, terms_version_stale,
 * terms_instant_invalid, terms_certificate_invalid, terms_certificate_csd,
 * terms_certificate_expired, terms_certificate_untrusted, terms_certificate_revoked,
 * terms_certificate_rfc_mismatch, terms_revocation_unavailable, terms_signature_invalid,
 * terms_unavailable (no trust store). Nothing changes on a refusal.
 *
 * Thread-safety: every function may run on any thread at once.
 */
#ifndef BUZON_APP_TERMS_H
#define BUZON_APP_TERMS_H

#include "app/app.h"
#include "app/authz.h"
#include "core/error.h"
#include "core/folio.h"

#include <stddef.h>
#include <stdint.h>

#define APP_TERMS_CANONICAL "||buzon-terminos|1|%s|%s|%s|%s||"

/* The text embedded at build time (generated from data/terms/ by embed_terms.py). */
extern const char app_terms_embedded_version[];
extern const unsigned char app_terms_embedded_text[];
extern const size_t app_terms_embedded_len;

/* The terms offered now (borrowed from the app). */
const struct app_terms *app_terms_current(const struct app *a);

/* What the client sends. All strings in, borrowed, may be NULL (refused as invalid). */
struct app_terms_request {
    const char *version;
    const char *sha256;
    const char *instant;
    const char *certificate; /* standard base64 of the e.firma's DER */
    const char *signature;   /* standard base64 of the signature of the canonical string */
    const char *request_id;  /* for logs; may be NULL */
};

/* A receipt issued for an act: its folio and kind code (evidence/receipt.h). */
struct app_receipt_ref {
    char folio[FOLIO_MAX];
    char kind[40];
};

/*
 * Sign the current terms for who's (in) own mailbox with rq (in). Returns 0 with *receipt
 * (out) filled: the mailbox is enabled. Otherwise -1 (or a negative store status) with err
 * filled by one of the codes above.
 */
int app_terms_sign(struct app *a, const struct app_actor *who, const struct app_terms_request *rq,
                   struct app_receipt_ref *receipt, struct error *err);

#endif

/*
 * contacts.h - contact means and their validation (Lineamientos 5.1, 5.2, 5.6; design.md
 * section 6, "Enablement"; docs/delivery.md, "Contact validation").
 *
 *  1. app_contacts_register: a particular registers one to five e-mail addresses and one
 *     mobile number (Mexican, normalised to E.164) for its RFC; a registro patronal's own
 *     contact means are optional (5.1) and registered the same way with its number. Whatever
 *     the set replaces is cancelled. Each new contact gets a 6-digit code and, for e-mail, a
 *     link key; a validation message goes to each through the outbox, in the same
 *     transaction; the mailbox becomes contacts_registered. After the commit a receipt of
 *     contact registration is sealed.
 *  2. app_contacts_confirm_code (the particular, logged in, types the code) and
 *     app_contacts_confirm_link (anyone holding the e-mail's link: the 256-bit key is the
 *     proof) confirm one contact. When every contact of the set is confirmed, a receipt of
 *     contact validation is sealed and the mailbox becomes contacts_confirmed (5.2); a set
 *     with only e-mails or only the mobile confirmed leaves the mailbox not enabled.
 *  3. Each contact must be confirmed within policy.validation_hours (72, R29) of its
 *     validation message: the deadline counts from the registration, when the message is
 *     queued, and moves to the instant the server accepted it once the worker reports that
 *     (app_contacts_message_sent). Past it, confirming fails
 *     with contact_expired and the whole set is cancelled (so is it by app_contacts_sweep,
 *     which the worker runs), and the mailbox goes back to not_enabled.
 *
 * Codes and keys are single use (wiped when confirmed) and stored hashed: the code as
 * SHA-256(salt || code) with 32 random bytes of salt per contact, the link key as its SHA-256;
 * both are compared in constant time. A wrong code costs one of policy.max_attempts; a wrong
 * link key costs nothing (it cannot be guessed, and counting would let anyone holding a
 * contact id use up the particular's attempts). docs/delivery.md says why a salted hash and
 * not a keyed one.
 *
 * Refusals (err->code): contacts_invalid, contact_not_found, contact_code_invalid,
 * contact_code_exhausted, contact_expired, contact_already_confirmed, receipts_unavailable
 * (the server has no seal), and app_authorize's forbidden / not_own_mailbox. Store failures
 * come back as their store codes. A refusal changes nothing, except that a wrong code uses an
 * attempt and an expired set is cancelled, as the regulation says.
 *
 * Thread-safety: every function may run on any thread at once.
 */
#ifndef BUZON_APP_CONTACTS_H
#define BUZON_APP_CONTACTS_H

#include "app/app.h"
#include "app/authz.h"
#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

enum {
    APP_CONTACTS_MAX_EMAILS = 5,
    APP_CONTACT_ADDRESS_MAX = 254,
    APP_CONTACT_CODE_LEN = 6,
    APP_CONTACT_KEY_LEN = 43, /* base64url of 32 bytes, no padding */
    APP_FOLIO_MAX = 40,
};

enum app_contact_kind { APP_CONTACT_EMAIL = 1, APP_CONTACT_MOBILE = 2 };
enum app_contact_state {
    APP_CONTACT_PENDING = 0,
    APP_CONTACT_CONFIRMED = 1,
    APP_CONTACT_CANCELLED = 2,
};

/* A contact as the particular sees it: never its code, key or their hashes. */
struct app_contact {
    int64_t id;
    enum app_contact_kind kind;
    char address[APP_CONTACT_ADDRESS_MAX + 1];
    char regpat[12]; /* empty: the RFC's own */
    enum app_contact_state state;
    int64_t deadline; /* microseconds, UTC */
    int64_t confirmed_at;
    int attempts_left;
};

/* A receipt issued by a call: empty folio when none. kind is its stable code. */
struct app_receipt_ref {
    char folio[APP_FOLIO_MAX + 1];
    const char *kind; /* "registro_medios_contacto", "validacion_medio_contacto" */
};

/* What a registration asks for. Strings in, borrowed. */
struct app_contacts_request {
    const char *const *emails; /* n_emails addresses */
    size_t n_emails;
    const char *mobile;     /* NULL: none (allowed only with regpat) */
    const char *regpat;     /* NULL or empty: the RFC's own contact means */
    const char *request_id; /* for logs; may be NULL */
};

/* What a registration gives back. contacts: heap array of n (free()). */
struct app_contacts_result {
    struct app_contact *contacts;
    size_t n;
    struct app_receipt_ref receipt;
};

/* What a confirmation gives back. */
struct app_confirm_result {
    struct app_contact contact;
    const char *mailbox_state; /* "not_enabled", "contacts_registered", ... */
    struct app_receipt_ref receipt;
};

/*
 * Register the contact means of rq (in) for who's own mailbox (who in: a particular; the RFC
 * is always the actor's). Fills out (out). Returns 0, or -1 / a store status with err.
 */
int app_contacts_register(struct app *a, const struct app_actor *who,
                          const struct app_contacts_request *rq, struct app_contacts_result *out,
                          struct error *err);

/* Every contact of who's mailbox, oldest first, cancelled ones included: *items (out, heap,
 * free()) of *n. */
int app_contacts_list(struct app *a, const struct app_actor *who, struct app_contact **items,
                      size_t *n, struct error *err);

/* Confirm contact id of who's mailbox with code (in, six digits). Fills out. */
int app_contacts_confirm_code(struct app *a, const struct app_actor *who, int64_t id,
                              const char *code, struct app_confirm_result *out, struct error *err);

/* Confirm e-mail contact id with the key of its link (in). No session is needed. */
int app_contacts_confirm_link(struct app *a, int64_t id, const char *key,
                              struct app_confirm_result *out, struct error *err);

/*
 * Cancel every contact set with a contact still pending past its deadline at app_now, at most
 * a page of particulars per call, each in its own transaction; a particular's own set going
 * sends the mailbox back to not_enabled. *sets (out, may be NULL) counts the sets cancelled.
 * Returns 0, or a store status with err.
 */
int app_contacts_sweep(struct app *a, size_t *sets, struct error *err);

/*
 * The outbox delivered the validation message whose idempotency key is key (in) at sent_at:
 * R29 counts the 72 hours from that instant, so a pending contact's deadline moves to
 * sent_at + policy.validation_hours when that is later (a delivery delayed by retries does not
 * eat into the particular's time). Keys of other messages are ignored. The worker calls it
 * after recording the delivery; when it cannot, the deadline stays counted from the
 * registration, the earlier and stricter instant. Returns 0, or a store status with err.
 */
int app_contacts_message_sent(struct app *a, const char *key, int64_t sent_at, struct error *err);

#endif

/*
 * store.h - the one storage interface of the Buzón IMSS.
 *
 * The application keeps every record of the domain (design.md section 5) through this
 * interface and never sees SQL. It is a table of operations, as a plugin is: store_open reads
 * the URL (`sqlite:PATH` or `postgresql://...`), opens the backend and returns a struct store
 * whose `ops` the caller uses:
 *
 *     struct store_tx *tx;
 *     rc = s->ops->begin(s, STORE_TX_WRITE, &tx, &err);
 *     rc = s->ops->filing_insert(tx, &filing, atts, n_atts, &err);
 *     rc = s->ops->commit(tx, &err);
 *
 * or, better, through store_run, which retries a transient conflict a bounded number of times.
 *
 * Durability: commit returns only after the transaction is durable (SQLite WAL with
 * synchronous=FULL; PostgreSQL with synchronous_commit on). A receipt may be handed out only
 * after the commit that stores it and what it attests has returned STORE_OK (design.md
 * section 7).
 *
 * Statuses: every operation returns enum store_status (0 or negative) and fills err (may be
 * NULL) with a stable code and a Spanish message. STORE_NOT_FOUND leaves the transaction
 * usable. Any other failure poisons it: every later operation fails and only rollback is
 * possible (PostgreSQL aborts the transaction on an error; SQLite behaves the same here so
 * that both backends obey one contract). STORE_CONFLICT means the whole transaction may
 * succeed if run again (serialization failure, deadlock, busy database).
 *
 * Records: instants are int64 microseconds since the Unix epoch, UTC; 0 means "not set" and
 * is stored as NULL. Civil dates (business days, deadlines) are int32 YYYYMMDD in the zone the
 * rule names; 0 means not set. Bounded text is held in fixed arrays of MAX + 1 bytes and must
 * be NUL-terminated UTF-8; text that fills its array without a NUL is refused as over-long.
 * Hashes are raw 32-byte SHA-256 digests.
 *
 * Ownership: records passed in are read and not kept; ids the store assigns are written back
 * into them. Records read are written into caller-provided structs. Members declared `char *`
 * are heap strings owned by the record: the caller sets them for writes (the store does not
 * free them) and frees what reads fill with the record's _cleanup function. Lists
 * (`items`, `n`) are heap arrays the caller frees with free() — or with the list's _free
 * function when its records have heap members. Blob contents read are heap buffers the caller
 * frees with free().
 *
 * Thread-safety: a struct store may be shared by all threads. A transaction belongs to the
 * thread that began it, which holds one connection of the pool for its whole life (one
 * connection per thread in flight); begin blocks while all pool connections are in use.
 */
#ifndef BUZON_STORE_STORE_H
#define BUZON_STORE_STORE_H

#include "core/error.h"
#include "core/ident.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND = -1, /* no such record; the transaction stays usable */
    STORE_DUPLICATE = -2, /* a unique key already exists */
    STORE_INVALID = -3,   /* over-long or malformed field, foreign key to nothing, limit */
    STORE_CONFLICT = -4,  /* transient: run the whole transaction again */
    STORE_ERROR = -5,     /* hard failure: I/O, lost connection, schema mismatch, bug */
};

/* Field limits in bytes (UTF-8), without the NUL. */
enum {
    STORE_RFC_MAX = IDENT_RFC_BYTES_MAX, /* bytes: 12 or 13 characters, "Ñ" takes two */
    STORE_NAME_MAX = 254,                /* name or denominación */
    STORE_ZONE_MAX = 64,                 /* IANA zone name */
    STORE_REGPAT_MAX = 11,               /* registro patronal */
    STORE_ADDRESS_MAX = 254,             /* e-mail (RFC 5321 path limit) or E.164 mobile */
    STORE_CODE_MAX = 16,                 /* catalogue code, e.g. "7.6", terms version */
    STORE_CERT_NUMBER_MAX = 20,          /* SAT certificate number: 20 digits */
    STORE_CURP_MAX = 18,                 /* CURP: 18 characters of [A-Z0-9] */
    STORE_SIGNATURE_MAX = 1024,          /* base64 of an RSA-4096 signature fits */
    STORE_FOLIO_MAX = 40,
    STORE_TITLE_MAX = 200,
    STORE_FILENAME_MAX = 255,
    STORE_MEDIA_TYPE_MAX = 127,
    STORE_KEY_MAX = 128,         /* idempotency keys, segment names, actions */
    STORE_REPLY_MAX = 512,       /* provider reply kept as evidence of an aviso */
    STORE_TRANSCRIPT_MAX = 4096, /* the provider's replies to one attempt */
    STORE_REFERENCE_MAX = 255,   /* the provider's reference of a message (Message-ID) */
    STORE_TEXT_MAX = 1 << 20,    /* heap text: fields, cadenas, bodies, payloads (1 MiB) */
    STORE_BLOB_MAX = 64 << 20,   /* one document or attachment (64 MiB) */
    STORE_PAGE_MAX = 100,        /* largest page a list returns */
    STORE_HASH_LEN = 32,
};

/* ---------------------------------------------------------------------------------------- */
/* Domain records                                                                            */

enum store_person_kind {
    STORE_PERSON_NATURAL = 1, /* persona física */
    STORE_PERSON_LEGAL = 2,   /* persona moral */
};

/* Lineamientos 5.1-5.4: the mailbox is enabled after contacts are confirmed and terms signed. */
enum store_mailbox_state {
    STORE_MAILBOX_NOT_ENABLED = 0,
    STORE_MAILBOX_CONTACTS_REGISTERED = 1, /* 5.1 done, waiting for 5.2 */
    STORE_MAILBOX_CONTACTS_CONFIRMED = 2,  /* 5.2 done, waiting for the terms (5.3) */
    STORE_MAILBOX_ENABLED = 3,             /* 5.3 done */
    STORE_MAILBOX_ENABLED_2020 = 4,        /* 5.4: enabled under the 2020 rules */
};

struct store_particular {
    int64_t id; /* assigned by particular_insert */
    char rfc[STORE_RFC_MAX + 1];
    char name[STORE_NAME_MAX + 1];
    enum store_person_kind kind;
    char legal_zone[STORE_ZONE_MAX + 1]; /* zone of the fiscal domicile (5.8) */
    enum store_mailbox_state mailbox_state;
    int64_t enabled_at;
    int32_t enable_deadline; /* Transitorio Primero: 180 calendar days, YYYYMMDD */
    int64_t created_at;
    int64_t updated_at;
};

struct store_regpat {
    int64_t particular_id;
    char regpat[STORE_REGPAT_MAX + 1];
    int64_t added_at;
};

enum store_contact_kind { STORE_CONTACT_EMAIL = 1, STORE_CONTACT_MOBILE = 2 };
enum store_contact_state {
    STORE_CONTACT_PENDING = 0,
    STORE_CONTACT_CONFIRMED = 1,
    STORE_CONTACT_CANCELLED = 2, /* 5.2: not confirmed within 72 hours, or replaced */
};

/* Lineamientos 5.1: one to five e-mails and one mobile per RFC (and optionally per regpat). */
enum { STORE_MAX_EMAILS = 5, STORE_MAX_MOBILES = 1 };

struct store_contact {
    int64_t id;
    int64_t particular_id;
    char regpat[STORE_REGPAT_MAX + 1]; /* empty: the RFC's own contact */
    enum store_contact_kind kind;
    char address[STORE_ADDRESS_MAX + 1];
    enum store_contact_state state;
    int64_t registered_at;
    int64_t deadline; /* 5.2: registered_at + 72 h */
    int64_t confirmed_at;
    uint8_t code_hash[STORE_HASH_LEN]; /* SHA-256(code_salt || code); never the code */
    int32_t attempts;                  /* wrong codes given so far */
    uint8_t code_salt[STORE_HASH_LEN]; /* random, per contact; zero once confirmed */
    uint8_t link_hash[STORE_HASH_LEN]; /* SHA-256 of the e-mail link's key; zero: none */
};

struct store_terms {
    int64_t id;
    int64_t particular_id;
    char version[STORE_CODE_MAX + 1];
    int64_t signed_at;
    char cert_number[STORE_CERT_NUMBER_MAX + 1];
    char signature[STORE_SIGNATURE_MAX + 1];
};

enum store_filing_state {
    STORE_FILING_RECEIVED = 0,
    STORE_FILING_IN_REVIEW = 1,
    STORE_FILING_ANSWERED = 2,
    STORE_FILING_REJECTED = 3,
};

struct store_filing {
    int64_t id;
    int64_t particular_id;
    char service_code[STORE_CODE_MAX + 1];
    char *fields_json; /* heap, up to STORE_TEXT_MAX; see ownership above */
    char signature[STORE_SIGNATURE_MAX + 1];
    char cert_number[STORE_CERT_NUMBER_MAX + 1];
    int64_t received_at;       /* instant the server received it */
    int64_t legal_received_at; /* 6.3 and 5.8: next business day's first hour if inhábil */
    enum store_filing_state state;
};

/* An attachment names its content by SHA-256; the content must already be in the blob store. */
struct store_attachment {
    int64_t filing_id;
    int32_t ordinal; /* 0, 1, ... in the order the cadena original lists them */
    char name[STORE_FILENAME_MAX + 1];
    char media_type[STORE_MEDIA_TYPE_MAX + 1];
    int64_t size;
    uint8_t sha256[STORE_HASH_LEN];
};

enum store_notification_state {
    STORE_NOTIFICATION_CREATED = 0,    /* recorded, avisos not sent yet */
    STORE_NOTIFICATION_AVISO_SENT = 1, /* 7.3 done: the three-day window runs (7.4) */
    STORE_NOTIFICATION_OPENED = 2,     /* opened within the window (7.2, 7.4) */
    STORE_NOTIFICATION_DEEMED = 3,     /* notified on the fourth business day (7.5) */
    STORE_NOTIFICATION_ESTRADOS = 4,   /* sent to estrados (7.8) */
};

struct store_notification {
    int64_t id;
    int64_t created_at; /* set by the caller; PostgreSQL partitions by its month */
    int64_t particular_id;
    char type_code[STORE_CODE_MAX + 1]; /* numeral of the list of services, e.g. "7.6" */
    int64_t issuer_staff_id;            /* the official whose e.firma signed the document */
    char subject[STORE_TITLE_MAX + 1];
    uint8_t document_sha256[STORE_HASH_LEN]; /* the signed document, in the blob store */
    enum store_notification_state state;
    int64_t aviso_sent_at;
    int64_t window_ends_at; /* end of the third business day (7.4); deemed after it (7.5) */
    int64_t opened_at;
    int64_t deemed_at;
    int64_t notified_at;       /* legal instant of the notification */
    int32_t effective_date;    /* next business day after notified_at */
    int32_t response_deadline; /* counted from effective_date */
};

enum store_channel { STORE_CHANNEL_EMAIL = 1, STORE_CHANNEL_SMS = 2 };

/* Lineamientos 7.3: the aviso sent to one contact before a notification. */
struct store_aviso {
    int64_t id;
    int64_t notification_id;
    int64_t notification_created_at;
    int64_t contact_id;
    int64_t outbox_id; /* the message that carries it */
    int64_t created_at;
    int64_t sent_at; /* 0 until the provider accepted it */
    char provider_reply[STORE_REPLY_MAX + 1];
};

/* Lineamientos 7.8 and CFF 134 III, 139: publication on estrados. */
struct store_estrados {
    int64_t id;
    int64_t notification_id;
    int64_t notification_created_at;
    char reason[STORE_TITLE_MAX + 1];
    int64_t published_at;
    int64_t withdrawn_at;
    int32_t notified_date; /* date the publication counts as notification */
};

enum store_audience {
    STORE_AUDIENCE_ALL = 1,
    STORE_AUDIENCE_SEGMENT = 2,
    STORE_AUDIENCE_RFC = 3,
};

/* Lineamientos 8: "Mis comunicados". */
struct store_communication {
    int64_t id;
    enum store_audience audience;
    char segment[STORE_KEY_MAX + 1]; /* STORE_AUDIENCE_SEGMENT */
    int64_t particular_id;           /* STORE_AUDIENCE_RFC */
    char title[STORE_TITLE_MAX + 1];
    char *body; /* heap; lists leave it NULL */
    int64_t author_staff_id;
    int64_t published_at;
    int64_t read_at; /* filled by communication_list for the reader: 0 unread */
};

/* Lineamientos 8: "Mis documentos" (payment proposals, certificates...). */
struct store_document {
    int64_t id;
    int64_t particular_id;
    char catalogue_code[STORE_CODE_MAX + 1]; /* e.g. "4.2" */
    char title[STORE_TITLE_MAX + 1];
    char media_type[STORE_MEDIA_TYPE_MAX + 1];
    uint8_t sha256[STORE_HASH_LEN];
    int64_t published_at;
    int64_t expires_at;
};

/* Services 9.1, 9.3 and 9.6 of the list: authorizations a particular grants. */
enum store_authorization_kind {
    STORE_AUTH_THIRD_PARTY_OPINION = 1,
    STORE_AUTH_PUBLIC_OPINION = 2,
    STORE_AUTH_EARLY_EMISSIONS = 3,
};

struct store_authorization {
    int64_t id;
    int64_t particular_id;
    enum store_authorization_kind kind;
    char grantee_rfc[STORE_RFC_MAX + 1]; /* empty for the public opinion */
    int64_t granted_at;
    int64_t revoked_at;
};

/* What a receipt attests. Each value is a row of the table receipt_kinds (migration 0006), which
 * receipts and receipt_pending reference: a new kind needs a migration that adds its row. */
enum store_receipt_kind {
    STORE_RECEIPT_CONTACTS = 1,
    STORE_RECEIPT_VALIDATION = 2,
    STORE_RECEIPT_TERMS = 3,
    STORE_RECEIPT_FILING = 4,
    STORE_RECEIPT_AVISO = 5,
    STORE_RECEIPT_OPENED = 6,
    STORE_RECEIPT_DEEMED = 7,
    STORE_RECEIPT_ESTRADOS = 8,
    STORE_RECEIPT_AUTHORIZATION = 9,
    STORE_RECEIPT_CLARIFICATION = 10, /* request for guidance or clarification (5.9) */
};

/* The acuse (design.md section 7). subject_id is the id of the record of its kind. */
struct store_receipt {
    int64_t id;
    char folio[STORE_FOLIO_MAX + 1];
    enum store_receipt_kind kind;
    char rfc[STORE_RFC_MAX + 1];
    int64_t subject_id;
    int64_t issued_at; /* instant shown (Central time and legal time) */
    int64_t legal_at;  /* the legal instant it attests */
    char *cadena;      /* heap: the cadena original, UTF-8 */
    char sello[STORE_SIGNATURE_MAX + 1];
    char cert_number[STORE_CERT_NUMBER_MAX + 1];
    int64_t leaf_index; /* index in the Merkle log; -1 until appended */
};

/* An act committed whose receipt is not sealed yet (docs/receipts.md, "Sealing and the
 * store"). request_json carries the receipt's fields as the evidence layer wrote them. */
struct store_receipt_pending {
    int64_t id;
    enum store_receipt_kind kind;
    int64_t subject_id;
    int64_t legal_at;
    int64_t created_at;
    char *request_json; /* heap, up to STORE_TEXT_MAX; see ownership above */
};

/* A signed tree head of the Merkle log (RFC 9162 section 4.10). */
struct store_tree_head {
    int64_t tree_size;
    uint8_t root_hash[STORE_HASH_LEN];
    int64_t signed_at;
    char signature[STORE_SIGNATURE_MAX + 1];
    char cert_number[STORE_CERT_NUMBER_MAX + 1];
};

enum store_actor_kind {
    STORE_ACTOR_SYSTEM = 0,
    STORE_ACTOR_PARTICULAR = 1,
    STORE_ACTOR_STAFF = 2,
    STORE_ACTOR_API_TOKEN = 3,
};

/* Lineamientos 10: access to personal data is recorded. */
struct store_audit_event {
    int64_t id;
    int64_t at;
    enum store_actor_kind actor_kind;
    int64_t actor_id;
    char action[STORE_KEY_MAX + 1];
    char subject[STORE_KEY_MAX + 1]; /* e.g. "notification:42" */
    char rfc_hash[17];               /* log_rfc_hash of the particular concerned, or empty */
    char request_id[STORE_KEY_MAX + 1];
    char *detail_json;                   /* heap, may be NULL */
    char actor_name[STORE_NAME_MAX + 1]; /* the official's or token's name then; may be empty */
    char actor_ref[STORE_KEY_MAX + 1];   /* session or token id, never a secret; may be empty */
};

/* Which audit events audit_list returns: newest first. */
struct store_audit_query {
    const char *rfc_hash; /* only events about this particular; NULL or "": any */
    int64_t from, to;     /* at in [from, to); 0: unbounded */
    int64_t before_id;    /* paging: only ids below this; 0: from the newest */
    unsigned actor_kinds; /* bits 1 << enum store_actor_kind; 0: every kind */
    size_t limit;         /* at most STORE_PAGE_MAX */
};

enum store_outbox_state {
    STORE_OUTBOX_PENDING = 0,
    STORE_OUTBOX_SENDING = 1, /* claimed by a worker until next_attempt_at (its lease) */
    STORE_OUTBOX_SENT = 2,
    STORE_OUTBOX_FAILED = 3, /* gave up */
};

struct store_outbox {
    int64_t id;
    char idempotency_key[STORE_KEY_MAX + 1]; /* unique: enqueuing twice sends once */
    enum store_channel channel;
    char address[STORE_ADDRESS_MAX + 1];
    char *payload; /* heap: what the channel sends (JSON) */
    enum store_outbox_state state;
    int32_t attempts;
    int64_t next_attempt_at;
    int64_t created_at;
    int64_t sent_at;
    char provider_reply[STORE_REPLY_MAX + 1];
    bool in_doubt;      /* set by claim: the previous attempt was never finished (a crash) */
    int32_t reply_code; /* last SMTP reply code or HTTP status of the gateway; 0: none */
    char *transcript;   /* heap, may be NULL: the server's replies (STORE_TRANSCRIPT_MAX) */
    char reference[STORE_REFERENCE_MAX + 1]; /* e.g. the Message-ID sent */
};

/* The outcome of one attempt, as outbox_finish records it (the reply is evidence). */
struct store_outbox_outcome {
    enum store_outbox_state state; /* PENDING (retry), SENT or FAILED */
    int64_t next_attempt_at;       /* PENDING: when due again */
    int64_t sent_at;               /* SENT: when the server accepted it */
    int32_t reply_code;
    const char *reply;      /* may be NULL; at most STORE_REPLY_MAX */
    const char *transcript; /* may be NULL; at most STORE_TRANSCRIPT_MAX */
    const char *reference;  /* may be NULL; at most STORE_REFERENCE_MAX */
};

/* A declared non-business day (CFF 12; published calendar). */
struct store_calendar_day {
    int32_t date; /* YYYYMMDD */
    char reason[STORE_TITLE_MAX + 1];
    int64_t declared_at;
    int64_t declared_by; /* staff id */
};

/* A single-use e.firma login nonce, kept only as its hash (design.md section 8). */
struct store_challenge {
    uint8_t nonce_hash[STORE_HASH_LEN];
    int64_t created_at;
    int64_t expires_at;
    int64_t used_at;
};

enum store_subject_kind { STORE_SUBJECT_PARTICULAR = 1, STORE_SUBJECT_STAFF = 2 };

struct store_session {
    uint8_t token_hash[STORE_HASH_LEN];
    enum store_subject_kind subject_kind;
    int64_t subject_id;
    char rfc[STORE_RFC_MAX + 1];
    char cert_number[STORE_CERT_NUMBER_MAX + 1];
    int64_t created_at;
    int64_t expires_at;
    char representative_rfc[STORE_RFC_MAX + 1];   /* who signed for a company; empty */
    char representative_curp[STORE_CURP_MAX + 1]; /* idem */
};

/* Staff roles, a bit set: the same bits as enum app_role (app/authz.h). */
enum {
    STORE_ROLE_ISSUER = 1 << 0,        /* issues notifications, publishes documents */
    STORE_ROLE_HANDLER = 1 << 1,       /* handles filings and requests for guidance */
    STORE_ROLE_ADMINISTRATOR = 1 << 2, /* officials, tokens, calendar, imports */
    STORE_ROLE_AUDITOR = 1 << 3,       /* reads the audit log */
};

struct store_staff {
    int64_t id;
    char rfc[STORE_RFC_MAX + 1];
    char name[STORE_NAME_MAX + 1];
    uint32_t roles;
    char unit[STORE_KEY_MAX + 1]; /* administrative unit; limits what the staff member sees */
    bool active;
    int64_t created_at;
};

/* API token scopes, a bit set. */
enum {
    STORE_SCOPE_NOTIFY = 1 << 0,
    STORE_SCOPE_DOCUMENTS = 1 << 1,
    STORE_SCOPE_READ = 1 << 2,
};

struct store_api_token {
    int64_t id;
    uint8_t token_hash[STORE_HASH_LEN]; /* SHA-256 of the token; the token is never stored */
    char name[STORE_KEY_MAX + 1];
    uint32_t scopes;
    int64_t staff_id; /* owner, 0 for an IMSS system */
    int64_t created_at;
    int64_t expires_at;
    int64_t revoked_at;
};

/* Lineamientos 5.9: a request for guidance or clarification and its answer. */
enum { STORE_CLARIFICATION_TEXT_MAX = 4000 };

struct store_clarification {
    int64_t id;
    int64_t particular_id;
    char rfc[STORE_RFC_MAX + 1];    /* read only: the particular's RFC */
    char topic[STORE_CODE_MAX + 1]; /* "rfc", "regpat", "contacts" or "operation" */
    char *text;                     /* heap, 1..STORE_CLARIFICATION_TEXT_MAX bytes */
    int64_t filed_at;
    char unit[STORE_KEY_MAX + 1]; /* administrative unit that answers it */
    char *answer;                 /* heap; NULL until answered */
    int64_t answered_at;          /* 0 until answered */
    int64_t answered_by;          /* staff id; 0 until answered */
};

/* What the mailbox summary shows of a particular, read by one statement (5.1-5.4). */
struct store_mailbox_summary {
    int64_t particular_id;
    enum store_mailbox_state mailbox_state;
    int64_t enabled_at;
    int32_t enable_deadline;     /* YYYYMMDD */
    int64_t emails;              /* the RFC's own e-mails, not cancelled */
    int64_t mobiles;             /* the RFC's own mobiles, not cancelled */
    int64_t pending;             /* contact means pending, any registro patronal */
    int64_t confirmed;           /* contact means confirmed, any registro patronal */
    int64_t validation_deadline; /* earliest deadline of a pending one; 0 when none */
    int64_t terms_signed_at;     /* latest acceptance of the terms; 0 when none */
};

/* Release the heap members of a record (in-out; may be NULL) and set them to NULL. */
void store_filing_cleanup(struct store_filing *f);
void store_communication_cleanup(struct store_communication *c);
void store_receipt_cleanup(struct store_receipt *r);
void store_receipt_pending_cleanup(struct store_receipt_pending *p);
/* Free a list of n pending receipts (may be NULL) and their heap members. */
void store_receipt_pending_list_free(struct store_receipt_pending *items, size_t n);
void store_audit_event_cleanup(struct store_audit_event *e);
/* Free a list of n audit events (may be NULL) and their heap members. */
void store_audit_event_list_free(struct store_audit_event *items, size_t n);
void store_outbox_cleanup(struct store_outbox *o);
void store_clarification_cleanup(struct store_clarification *c);
/* Free a list of n requests for guidance (may be NULL) and their heap members. */
void store_clarification_list_free(struct store_clarification *items, size_t n);
/* Free a list of n outbox messages (may be NULL) and their heap members. */
void store_outbox_list_free(struct store_outbox *items, size_t n);

/* ---------------------------------------------------------------------------------------- */
/* The table of operations                                                                   */

enum store_tx_mode {
    /* A consistent snapshot that writes nothing (PostgreSQL REPEATABLE READ READ ONLY). */
    STORE_TX_READ = 0,
    /* Reads and writes as if alone (PostgreSQL SERIALIZABLE; SQLite BEGIN IMMEDIATE). */
    STORE_TX_WRITE = 1,
    /* Queue work: claims with FOR UPDATE SKIP LOCKED and updates the claimed rows only
     * (PostgreSQL READ COMMITTED, where SKIP LOCKED does what several workers need). */
    STORE_TX_QUEUE = 2,
};

struct store;
struct store_tx;

/*
 * Every operation takes the transaction (in) first and err (out, may be NULL) last, and
 * returns enum store_status. "list" operations allocate *items (out; NULL when *n is 0).
 */
struct store_ops {
    const char *name; /* "sqlite" or "postgresql" */

    /* Transactions. begin: *tx (out) until commit or rollback, which release it. */
    int (*begin)(struct store *s, enum store_tx_mode mode, struct store_tx **tx, struct error *err);
    /* Durable before it returns STORE_OK. On failure the transaction was rolled back. */
    int (*commit)(struct store_tx *tx, struct error *err);
    void (*rollback)(struct store_tx *tx);

    /* Particulars (design.md section 5). */
    int (*particular_insert)(struct store_tx *tx, struct store_particular *p, struct error *err);
    int (*particular_get)(struct store_tx *tx, int64_t id, struct store_particular *out,
                          struct error *err);
    int (*particular_get_by_rfc)(struct store_tx *tx, const char *rfc, struct store_particular *out,
                                 struct error *err);
    /* Set mailbox_state and enabled_at of particular id; updated_at = at. */
    int (*particular_set_mailbox)(struct store_tx *tx, int64_t id, enum store_mailbox_state st,
                                  int64_t enabled_at, int64_t at, struct error *err);
    int (*regpat_insert)(struct store_tx *tx, const struct store_regpat *r, struct error *err);
    int (*regpat_list)(struct store_tx *tx, int64_t particular_id, struct store_regpat **items,
                       size_t *n, struct error *err);

    /* Contact means (5.1, 5.2). Insert refuses a sixth e-mail or a second mobile
     * (STORE_INVALID, "store_limit"). */
    int (*contact_insert)(struct store_tx *tx, struct store_contact *c, struct error *err);
    int (*contact_list)(struct store_tx *tx, int64_t particular_id, struct store_contact **items,
                        size_t *n, struct error *err);
    int (*contact_get)(struct store_tx *tx, int64_t id, struct store_contact *out,
                       struct error *err);
    /* Write state, deadline, confirmed_at, code_hash, attempts, code_salt and link_hash of
     * c->id. */
    int (*contact_update)(struct store_tx *tx, const struct store_contact *c, struct error *err);
    /* Worker sweep (5.2): cancel pending contacts whose deadline is <= now; *n (out) counts. */
    int (*contact_cancel_expired)(struct store_tx *tx, int64_t now, size_t *n, struct error *err);
    /* The particulars (at most limit, oldest deadline first) with a pending contact whose
     * deadline is <= now: *ids (out, free()) of *n. */
    int (*contact_due_particulars)(struct store_tx *tx, int64_t now, size_t limit, int64_t **ids,
                                   size_t *n, struct error *err);

    /* Terms and conditions signed with e.firma (5.3). */
    int (*terms_insert)(struct store_tx *tx, struct store_terms *t, struct error *err);
    int (*terms_latest)(struct store_tx *tx, int64_t particular_id, struct store_terms *out,
                        struct error *err);

    /* Blobs, content-addressed. put: stores len bytes (in) if new and writes their SHA-256
     * into sha256 (out); putting the same content twice is STORE_OK. Durable at commit: the
     * SQLite backend writes and fsyncs the file before its row, so a committed row always
     * has its content. get: *data (out, heap, caller frees) of *len bytes; the content is
     * checked against its name (STORE_ERROR "store_blob_corrupt"). */
    int (*blob_put)(struct store_tx *tx, const void *data, size_t len, const char *media_type,
                    uint8_t sha256[STORE_HASH_LEN], struct error *err);
    int (*blob_get)(struct store_tx *tx, const uint8_t sha256[STORE_HASH_LEN], void **data,
                    size_t *len, struct error *err);

    /* Filings (6.1-6.5) with their attachments, whose blobs must exist. */
    int (*filing_insert)(struct store_tx *tx, struct store_filing *f,
                         const struct store_attachment *atts, size_t n_atts, struct error *err);
    /* out gets a heap fields_json (store_filing_cleanup); *atts (out, free()) may be NULL. */
    int (*filing_get)(struct store_tx *tx, int64_t id, struct store_filing *out,
                      struct store_attachment **atts, size_t *n_atts, struct error *err);
    int (*filing_set_state)(struct store_tx *tx, int64_t id, enum store_filing_state st,
                            struct error *err);

    /* Notifications (7.1-7.10). */
    int (*notification_insert)(struct store_tx *tx, struct store_notification *n,
                               struct error *err);
    int (*notification_get)(struct store_tx *tx, int64_t id, struct store_notification *out,
                            struct error *err);
    /* Write state and every instant/date of notification n->id. */
    int (*notification_update)(struct store_tx *tx, const struct store_notification *n,
                               struct error *err);
    /* The mailbox page ("Mis notificaciones"): newest first, at most limit (<=
     * STORE_PAGE_MAX) notifications of particular_id older than the cursor (before_created_at,
     * before_id); a zero cursor starts at the newest. */
    int (*notification_page)(struct store_tx *tx, int64_t particular_id, int64_t before_created_at,
                             int64_t before_id, size_t limit, struct store_notification **items,
                             size_t *n, struct error *err);
    /* Queue (7.5): lock up to limit notifications with an aviso sent whose window ended at or
     * before now, oldest first, skipping rows other workers hold (STORE_TX_QUEUE). */
    int (*notification_claim_due)(struct store_tx *tx, int64_t now, size_t limit,
                                  struct store_notification **items, size_t *n, struct error *err);
    int (*aviso_insert)(struct store_tx *tx, struct store_aviso *a, struct error *err);
    int (*aviso_mark_sent)(struct store_tx *tx, int64_t id, int64_t sent_at, const char *reply,
                           struct error *err);
    int (*aviso_list)(struct store_tx *tx, int64_t notification_id, struct store_aviso **items,
                      size_t *n, struct error *err);

    /* Estrados (7.8). active: published, not withdrawn at now. */
    int (*estrados_insert)(struct store_tx *tx, struct store_estrados *e, struct error *err);
    int (*estrados_list_active)(struct store_tx *tx, int64_t now, size_t limit,
                                struct store_estrados **items, size_t *n, struct error *err);

    /* Communications (8) and read receipts. list: for particular_id (those to all, to the
     * particular, and to segment when not empty), newest first, with read_at filled and body
     * NULL. mark_read twice is STORE_DUPLICATE. */
    int (*communication_insert)(struct store_tx *tx, struct store_communication *c,
                                struct error *err);
    int (*communication_get)(struct store_tx *tx, int64_t id, struct store_communication *out,
                             struct error *err);
    int (*communication_list)(struct store_tx *tx, int64_t particular_id, const char *segment,
                              size_t limit, struct store_communication **items, size_t *n,
                              struct error *err);
    int (*communication_mark_read)(struct store_tx *tx, int64_t communication_id,
                                   int64_t particular_id, int64_t at, struct error *err);

    /* Published documents (8). */
    int (*document_insert)(struct store_tx *tx, struct store_document *d, struct error *err);
    int (*document_list)(struct store_tx *tx, int64_t particular_id, size_t limit,
                         struct store_document **items, size_t *n, struct error *err);

    /* Authorizations (services 9.1, 9.3, 9.6). revoke of a revoked one is STORE_NOT_FOUND. */
    int (*authorization_insert)(struct store_tx *tx, struct store_authorization *a,
                                struct error *err);
    int (*authorization_revoke)(struct store_tx *tx, int64_t id, int64_t at, struct error *err);
    int (*authorization_list)(struct store_tx *tx, int64_t particular_id,
                              struct store_authorization **items, size_t *n, struct error *err);

    /* Receipts (design.md section 7); folio is unique. get fills a heap cadena. */
    int (*receipt_insert)(struct store_tx *tx, struct store_receipt *r, struct error *err);
    int (*receipt_get)(struct store_tx *tx, const char *folio, struct store_receipt *out,
                       struct error *err);

    /* Merkle log (RFC 9162). append: leaf_hash (in, the RFC 9162 leaf hash) becomes leaf
     * *index (out) = the old tree size; receipt_id (0 for none) gets that leaf_index. Appends
     * are serialized: indexes are dense. leaves: copy up to count hashes from index from into
     * hashes (out, caller's array of count), *n (out) how many. */
    int (*merkle_append)(struct store_tx *tx, const uint8_t leaf_hash[STORE_HASH_LEN],
                         int64_t receipt_id, int64_t *index, struct error *err);
    int (*merkle_size)(struct store_tx *tx, int64_t *size, struct error *err);
    int (*merkle_leaves)(struct store_tx *tx, int64_t from, size_t count,
                         uint8_t (*hashes)[STORE_HASH_LEN], size_t *n, struct error *err);
    int (*tree_head_insert)(struct store_tx *tx, const struct store_tree_head *h,
                            struct error *err);
    int (*tree_head_latest)(struct store_tx *tx, struct store_tree_head *out, struct error *err);

    /* Audit (Lineamientos 10). list: the events q (in) selects, newest first, with their
     * detail_json (store_audit_event_list_free). */
    int (*audit_insert)(struct store_tx *tx, struct store_audit_event *e, struct error *err);
    int (*audit_list)(struct store_tx *tx, const struct store_audit_query *q,
                      struct store_audit_event **items, size_t *n, struct error *err);

    /* Outbox of avisos (design.md section 9). enqueue: *created (out) false when the
     * idempotency key was already there (nothing changes). claim: lock up to limit messages
     * whose channel's bit (1 << channel) is in channels and that are due at now: PENDING ones
     * and SENDING ones whose lease ran out (in_doubt is then set: the attempt that held the
     * lease never finished); mark them SENDING with attempts + 1 and next_attempt_at =
     * lease_until, and return them (store_outbox_list_free) oldest due first, with the due
     * time they had before the claim in next_attempt_at. With STORE_TX_QUEUE on PostgreSQL
     * rows other workers are claiming are skipped (FOR UPDATE SKIP LOCKED). finish: record
     * outcome o (in) of the attempt of message id that the claim numbered attempts; when the
     * message is no longer SENDING with that attempt number (the lease ran out and another
     * worker took it) STORE_NOT_FOUND and nothing changes. stats: *pending (out) messages
     * PENDING or SENDING, *oldest_due (out) the earliest next_attempt_at of a PENDING message
     * due at now (0: none). */
    int (*outbox_enqueue)(struct store_tx *tx, struct store_outbox *o, bool *created,
                          struct error *err);
    int (*outbox_claim)(struct store_tx *tx, int64_t now, int64_t lease_until, unsigned channels,
                        size_t limit, struct store_outbox **items, size_t *n, struct error *err);
    int (*outbox_finish)(struct store_tx *tx, int64_t id, int32_t attempts,
                         const struct store_outbox_outcome *o, struct error *err);
    int (*outbox_stats)(struct store_tx *tx, int64_t now, int64_t *pending, int64_t *oldest_due,
                        struct error *err);
    /* The message with key (in) into out (out, store_outbox_cleanup). */
    int (*outbox_get)(struct store_tx *tx, const char *key, struct store_outbox *out,
                      struct error *err);

    /* Calendar of declared non-business days. put replaces the day's entry. */
    int (*calendar_put)(struct store_tx *tx, const struct store_calendar_day *d, struct error *err);
    int (*calendar_delete)(struct store_tx *tx, int32_t date, struct error *err);
    int (*calendar_list)(struct store_tx *tx, int32_t from, int32_t to,
                         struct store_calendar_day **items, size_t *n, struct error *err);

    /* Login challenges and sessions. consume: marks the nonce used at now; STORE_NOT_FOUND
     * when unknown, expired or already used (single use). session_get: STORE_NOT_FOUND when
     * expired at now. purge: deletes expired sessions and challenges, *n (out) how many. */
    int (*challenge_insert)(struct store_tx *tx, const struct store_challenge *c,
                            struct error *err);
    int (*challenge_consume)(struct store_tx *tx, const uint8_t nonce_hash[STORE_HASH_LEN],
                             int64_t now, struct error *err);
    int (*session_insert)(struct store_tx *tx, const struct store_session *s, struct error *err);
    int (*session_get)(struct store_tx *tx, const uint8_t token_hash[STORE_HASH_LEN], int64_t now,
                       struct store_session *out, struct error *err);
    int (*session_delete)(struct store_tx *tx, const uint8_t token_hash[STORE_HASH_LEN],
                          struct error *err);
    int (*session_purge)(struct store_tx *tx, int64_t now, size_t *n, struct error *err);

    /* Staff and API tokens. staff_update writes name, roles, unit and active of st->id.
     * staff_list: every official by id. api_token_get: STORE_NOT_FOUND when revoked or expired
     * at now. api_token_list: every token by id, revoked and expired ones too. */
    int (*staff_insert)(struct store_tx *tx, struct store_staff *st, struct error *err);
    int (*staff_get)(struct store_tx *tx, int64_t id, struct store_staff *out, struct error *err);
    int (*staff_get_by_rfc)(struct store_tx *tx, const char *rfc, struct store_staff *out,
                            struct error *err);
    int (*staff_update)(struct store_tx *tx, const struct store_staff *st, struct error *err);
    int (*staff_list)(struct store_tx *tx, struct store_staff **items, size_t *n,
                      struct error *err);
    int (*api_token_insert)(struct store_tx *tx, struct store_api_token *t, struct error *err);
    int (*api_token_get)(struct store_tx *tx, const uint8_t token_hash[STORE_HASH_LEN], int64_t now,
                         struct store_api_token *out, struct error *err);
    int (*api_token_revoke)(struct store_tx *tx, int64_t id, int64_t at, struct error *err);
    int (*api_token_list)(struct store_tx *tx, struct store_api_token **items, size_t *n,
                          struct error *err);

    /* Merkle log nodes above the leaves (level >= 1): the hash of the perfect subtree of
     * 2^level leaves starting at leaf index << level. put: written once (a second put of the
     * same node is STORE_DUPLICATE); get: STORE_NOT_FOUND when never written. Level 0 is the
     * leaves themselves (merkle_append, merkle_leaves). */
    int (*merkle_node_put)(struct store_tx *tx, unsigned level, int64_t index,
                           const uint8_t hash[STORE_HASH_LEN], struct error *err);
    int (*merkle_node_get)(struct store_tx *tx, unsigned level, int64_t index,
                           uint8_t hash[STORE_HASH_LEN], struct error *err);

    /* Folios: the next sequence number of year (2000..9999) into *seq (out), 0 for the
     * year's first. Transactional: a rollback gives the number back, so folios are dense. */
    int (*folio_next)(struct store_tx *tx, int year, int64_t *seq, struct error *err);

    /* Receipts pending their seal. insert assigns p->id. list: the oldest first, at most
     * limit (<= STORE_PAGE_MAX) with id > after_id (store_receipt_pending_list_free). delete:
     * STORE_NOT_FOUND when already gone (another worker sealed it). */
    int (*receipt_pending_insert)(struct store_tx *tx, struct store_receipt_pending *p,
                                  struct error *err);
    int (*receipt_pending_list)(struct store_tx *tx, int64_t after_id, size_t limit,
                                struct store_receipt_pending **items, size_t *n, struct error *err);
    int (*receipt_pending_delete)(struct store_tx *tx, int64_t id, struct error *err);

    /* Requests for guidance (5.9). insert assigns c->id (answer fields ignored). get fills
     * heap text and answer (store_clarification_cleanup). list: newest first, at most limit
     * (<= STORE_PAGE_MAX) with id < before_id (0: from the newest), of particular_id when
     * not 0 and of unit when not NULL (store_clarification_list_free). answer: sets the
     * answer of id once; STORE_NOT_FOUND when there is no such request or it was answered. */
    int (*clarification_insert)(struct store_tx *tx, struct store_clarification *c,
                                struct error *err);
    int (*clarification_get)(struct store_tx *tx, int64_t id, struct store_clarification *out,
                             struct error *err);
    int (*clarification_list)(struct store_tx *tx, int64_t particular_id, const char *unit,
                              int64_t before_id, size_t limit, struct store_clarification **items,
                              size_t *n, struct error *err);
    int (*clarification_answer)(struct store_tx *tx, int64_t id, const char *answer, int64_t at,
                                int64_t staff_id, struct error *err);

    /* The summary of the mailbox of rfc in one statement (the API's cheapest authenticated
     * read): STORE_NOT_FOUND when the RFC has no record. */
    int (*mailbox_summary)(struct store_tx *tx, const char *rfc, struct store_mailbox_summary *out,
                           struct error *err);
};

/* The public face of an open store: backends extend it. */
struct store {
    const struct store_ops *ops;
};

/* ---------------------------------------------------------------------------------------- */
/* Opening, migrations, the transaction runner                                               */

struct store_options {
    const char *url;          /* "sqlite:PATH" or "postgresql://..." / "postgres://..." */
    const char *data_dir;     /* base of a relative sqlite: PATH; blobs go beside the database */
    unsigned pool_size;       /* connections; 0: 4 */
    unsigned busy_timeout_ms; /* SQLite busy timeout; 0: 5000 */
    bool migrate;             /* apply pending migrations while opening */
};

/*
 * Open the store at opts->url (in). Refuses a database whose schema is newer than this program
 * ("store_schema_too_new") and, unless opts->migrate, one that is older ("store_schema_old").
 * Returns 0 and *out (caller closes with store_close); STORE_INVALID for a URL of no known
 * kind; STORE_CONFLICT when SQLite's write lock stayed busy past the busy timeout; otherwise
 * STORE_ERROR; err filled. *applied (out, may be NULL) counts the migrations applied. After
 * migrating it runs store_maintain once.
 */
int store_open(const struct store_options *opts, struct store **out, int *applied,
               struct error *err);

/* Close s (may be NULL). No transaction may be in flight. */
void store_close(struct store *s);

/* The newest schema version this program knows, and the database's (out). */
int store_schema_version(struct store *s, int *db_version, int *program_version, struct error *err);

/*
 * Run fn(tx, arg, err) in a transaction of mode on s, committing when it returns 0 and rolling
 * back otherwise. When fn or the commit returns STORE_CONFLICT the whole transaction runs
 * again, at most STORE_RUN_ATTEMPTS times in all, with a short growing pause. fn must have no
 * effect outside the transaction (it may run more than once). Returns fn's or commit's status.
 */
enum { STORE_RUN_ATTEMPTS = 5 };
int store_run(struct store *s, enum store_tx_mode mode,
              int (*fn)(struct store_tx *tx, void *arg, struct error *err), void *arg,
              struct error *err);

/*
 * Upkeep the worker runs daily (and store_open runs once): on PostgreSQL, create the monthly
 * partitions of notifications from the month before now (in, microseconds) to three months
 * after it. Nothing on SQLite. Returns a store status with err filled.
 */
int store_maintain(struct store *s, int64_t now, struct error *err);

/* The store a transaction belongs to, for calling its ops. */
struct store *store_tx_store(struct store_tx *tx);

#endif

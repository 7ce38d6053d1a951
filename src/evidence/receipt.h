/*
 * receipt.h - the receipt (acuse) of a legally relevant event: what it says and
 * how it is checked before it is sealed (design.md section 7; legal-rules.md
 * section 9).
 *
 * A receipt names its kind, the particular's RFC, the instants of the event in
 * UTC, the particular's legal zone (so the instants can be shown in Centro and
 * legal time, Lineamientos 5.7 and 5.8), references (identifiers of the filing,
 * the notification, the addresses an aviso went to, the rule numbers the legal
 * clock applied...), the SHA-256 of every document it covers, and the number of
 * the e.firma certificate when a particular signed. The folio and the seal
 * certificate number are set when it is sealed (seal.h).
 *
 * Each kind requires some references and instants by name (evidence_kind_spec);
 * further named references and instants may follow, so a kind can carry more
 * without a new format version. The order of the arrays is the order of the
 * cadena original (docs/receipts.md).
 *
 * Ownership: every string of a receipt is heap-allocated and owned by it;
 * evidence_receipt_init and evidence_receipt_cleanup bracket its life, the _add
 * functions copy their arguments. Not thread-safe while being built; read-only
 * afterwards.
 */
#ifndef BUZON_EVIDENCE_RECEIPT_H
#define BUZON_EVIDENCE_RECEIPT_H

#include "core/error.h"
#include "core/folio.h"

#include <stddef.h>
#include <stdint.h>

enum evidence_kind {
    EVIDENCE_CONTACT_REGISTRATION,  /* registro de medios de contacto (Lineamientos 5.1) */
    EVIDENCE_CONTACT_VALIDATION,    /* validación de un medio de contacto (5.2) */
    EVIDENCE_TERMS_SIGNED,          /* firma de términos y condiciones (5.3) */
    EVIDENCE_FILING_RECEIVED,       /* promoción recibida (6.1-6.5) */
    EVIDENCE_AVISO_SENT,            /* aviso de notificación enviado (7.1) */
    EVIDENCE_NOTIFICATION_OPENED,   /* notificación abierta (7.2) */
    EVIDENCE_DEEMED_NOTIFICATION,   /* notificación sin apertura, cuarto día (7.4, 7.5) */
    EVIDENCE_ESTRADOS_PUBLICATION,  /* publicación en estrados (7.8) */
    EVIDENCE_AUTHORIZATION_GRANTED, /* autorización otorgada a un tercero */
    EVIDENCE_AUTHORIZATION_REVOKED, /* autorización revocada */
    EVIDENCE_CLARIFICATION_FILED,   /* solicitud de orientación o aclaración (5.9) */
    EVIDENCE_KIND_COUNT
};

enum { EVIDENCE_SPEC_MAX = 6 };

/* What a kind is called and what it must carry. */
struct evidence_kind_spec {
    const char *code;  /* stable, in the cadena and the JSON: "promocion_recibida" */
    const char *title; /* Spanish, for the PDF: "Acuse de recibo de promoción" */
    const char *references[EVIDENCE_SPEC_MAX]; /* required names, NULL-terminated */
    const char *instants[EVIDENCE_SPEC_MAX];   /* required names, NULL-terminated */
    int min_documents;
    int needs_signer; /* 1 when a particular signs this act with e.firma */
};

struct evidence_reference {
    char *name; /* [a-z0-9_]+ */
    char *value;
};

struct evidence_instant {
    char *name;
    int64_t utc_us; /* microseconds since 1970-01-01T00:00:00Z */
};

struct evidence_document {
    char *name; /* file name or role of the document */
    uint8_t sha256[32];
};

struct evidence_receipt {
    unsigned version; /* cadena original version, EVIDENCE_CADENA_VERSION when built */
    char folio[FOLIO_MAX];
    enum evidence_kind kind;
    char *rfc;
    int64_t issued_us;        /* when the receipt was sealed */
    char *legal_zone;         /* IANA name, e.g. "America/Tijuana" */
    char *signer_cert_number; /* NULL when no particular signed */
    char *seal_cert_number;   /* set by evidence_seal */
    struct evidence_reference *references;
    size_t n_references;
    struct evidence_instant *instants;
    size_t n_instants;
    struct evidence_document *documents;
    size_t n_documents;
};

/* The spec of kind (in), or NULL when kind is out of range. */
const struct evidence_kind_spec *evidence_kind_spec(enum evidence_kind kind);

/* The kind whose code is code (in). Returns 0 and *kind, or -1 with err "receipt_kind". */
int evidence_kind_parse(const char *code, enum evidence_kind *kind, struct error *err);

/* Start an empty receipt (out) of kind, for rfc and legal_zone (in, copied). */
void evidence_receipt_init(struct evidence_receipt *r, enum evidence_kind kind, const char *rfc,
                           const char *legal_zone);

/* Release everything r (in-out) owns and zero it. Accepts a zeroed receipt. */
void evidence_receipt_cleanup(struct evidence_receipt *r);

/* Append a reference, an instant, a document hash; name and value are copied. */
void evidence_receipt_add_reference(struct evidence_receipt *r, const char *name,
                                    const char *value);
void evidence_receipt_add_instant(struct evidence_receipt *r, const char *name, int64_t utc_us);
void evidence_receipt_add_document(struct evidence_receipt *r, const char *name,
                                   const uint8_t sha256[32]);

/* Set (replacing) the signer's certificate number; NULL clears it. */
void evidence_receipt_set_signer(struct evidence_receipt *r, const char *cert_number);

/*
 * Check r (in) is complete and well-formed for its kind: the folio, RFC, zone,
 * names and values (valid UTF-8 without control characters), the required
 * references and instants, documents and signer. Returns 0, or -1 with err
 * "receipt_invalid" and a Spanish message naming the field. need_seal: also
 * require the folio and the seal certificate number.
 */
int evidence_receipt_check(const struct evidence_receipt *r, int need_seal, struct error *err);

/*
 * Write instant us as RFC 3339 UTC with microseconds,
 * "2026-12-03T18:22:39.123456Z", into buf (out, EVIDENCE_UTC_MAX bytes).
 * evidence_utc_parse reads exactly that form back. Returns 0, or -1 with err
 * "instant_format".
 */
enum { EVIDENCE_UTC_MAX = 32 };
void evidence_utc_format(int64_t us, char buf[EVIDENCE_UTC_MAX]);
int evidence_utc_parse(const char *text, int64_t *us, struct error *err);

/*
 * The instant us as local time in IANA zone (in) for people: "03/12/2026
 * 12:22:39 (UTC-06:00)" into buf (out, len bytes); a zone without rules is
 * shown in UTC with a note. The single point where receipts depend on the time
 * zone rules, read through the legal clock's core/tz.
 * Thread-safe: the database is opened once and its zones are shared read-only.
 */
void evidence__format_local(int64_t us, const char *zone, char *buf, size_t len);

/* The year of issue of a receipt sealed at us: the year in Centro time
 * (America/Mexico_City), or in UTC when the zone database is missing. */
int evidence__issue_year(int64_t us);

#endif

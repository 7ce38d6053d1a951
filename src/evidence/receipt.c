/* receipt.c - the receipt model and its checks (see receipt.h). */
#include "evidence/receipt.h"

#include "core/ident.h"
#include "core/mem.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * What each kind must carry. The instants and references follow what a court
 * asks to see (legal-rules.md section 9, TFJA IX-J-1aS-7): for an aviso, the
 * instant the document was placed in the mailbox, where the aviso went and the
 * three business days to open it; for a deemed notification, the fourth day and
 * the data of the act.
 */
static const struct evidence_kind_spec specs[EVIDENCE_KIND_COUNT] = {
    [EVIDENCE_CONTACT_REGISTRATION] = {"registro_medios_contacto",
                                       "Acuse de registro de medios de contacto",
                                       {"medio", NULL},
                                       {"registro", NULL},
                                       0,
                                       1},
    [EVIDENCE_CONTACT_VALIDATION] = {"validacion_medio_contacto",
                                     "Acuse de validación de medio de contacto",
                                     {"medio", NULL},
                                     {"validacion", NULL},
                                     0,
                                     0},
    [EVIDENCE_TERMS_SIGNED] = {"firma_terminos",
                               "Acuse de firma de términos y condiciones",
                               {"terminos_version", NULL},
                               {"firma", NULL},
                               1,
                               1},
    [EVIDENCE_FILING_RECEIVED] = {"promocion_recibida",
                                  "Acuse de recibo de promoción",
                                  {"servicio", "promocion", NULL},
                                  {"recepcion", "recepcion_legal", NULL},
                                  1,
                                  1},
    [EVIDENCE_AVISO_SENT] = {"aviso_enviado",
                             "Constancia de envío de aviso de notificación",
                             {"notificacion", "destino", "plazo_dias_habiles", NULL},
                             {"deposito", "envio", NULL},
                             1,
                             0},
    [EVIDENCE_NOTIFICATION_OPENED] = {"notificacion_abierta",
                                      "Acuse de notificación electrónica",
                                      {"notificacion", NULL},
                                      {"deposito", "apertura", NULL},
                                      1,
                                      1},
    [EVIDENCE_DEEMED_NOTIFICATION] = {"notificacion_sin_apertura",
                                      "Constancia de notificación por falta de apertura",
                                      {"notificacion", "documento", "emisor", "cuarto_dia", NULL},
                                      {"deposito", "notificacion", NULL},
                                      1,
                                      0},
    [EVIDENCE_ESTRADOS_PUBLICATION] = {"publicacion_estrados",
                                       "Constancia de publicación en estrados electrónicos",
                                       {"notificacion", NULL},
                                       {"publicacion", NULL},
                                       1,
                                       0},
    [EVIDENCE_AUTHORIZATION_GRANTED] = {"autorizacion_otorgada",
                                        "Acuse de autorización a un tercero",
                                        {"autorizado_rfc", "alcance", NULL},
                                        {"otorgamiento", NULL},
                                        0,
                                        1},
    [EVIDENCE_AUTHORIZATION_REVOKED] = {"autorizacion_revocada",
                                        "Acuse de revocación de autorización",
                                        {"autorizado_rfc", NULL},
                                        {"revocacion", NULL},
                                        0,
                                        1},
    [EVIDENCE_CLARIFICATION_FILED] = {"solicitud_aclaracion",
                                      "Acuse de recibo de solicitud de orientación o aclaración",
                                      {"solicitud", "tema", NULL},
                                      {"presentacion", NULL},
                                      1,
                                      0},
};

const struct evidence_kind_spec *
evidence_kind_spec(enum evidence_kind kind)
{
    if ((int)kind < 0 || kind >= EVIDENCE_KIND_COUNT)
        return NULL;
    return &specs[kind];
}

int
evidence_kind_parse(const char *code, enum evidence_kind *kind, struct error *err)
{
    for (int k = 0; k < EVIDENCE_KIND_COUNT; k++) {
        if (strcmp(specs[k].code, code) == 0) {
            *kind = (enum evidence_kind)k;
            return 0;
        }
    }
    return error_set(err, "receipt_kind", "tipo de acuse desconocido");
}

void
evidence_receipt_init(struct evidence_receipt *r, enum evidence_kind kind, const char *rfc,
                      const char *legal_zone)
{
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    r->rfc = mem_strdup(rfc);
    r->legal_zone = mem_strdup(legal_zone);
}

void
evidence_receipt_cleanup(struct evidence_receipt *r)
{
    for (size_t i = 0; i < r->n_references; i++) {
        free(r->references[i].name);
        free(r->references[i].value);
    }
    for (size_t i = 0; i < r->n_instants; i++)
        free(r->instants[i].name);
    for (size_t i = 0; i < r->n_documents; i++)
        free(r->documents[i].name);
    free(r->references);
    free(r->instants);
    free(r->documents);
    free(r->rfc);
    free(r->legal_zone);
    free(r->signer_cert_number);
    free(r->seal_cert_number);
    memset(r, 0, sizeof(*r));
}

void
evidence_receipt_add_reference(struct evidence_receipt *r, const char *name, const char *value)
{
    r->references = mem_realloc(r->references, (r->n_references + 1) * sizeof(*r->references));
    r->references[r->n_references].name = mem_strdup(name);
    r->references[r->n_references].value = mem_strdup(value);
    r->n_references++;
}

void
evidence_receipt_add_instant(struct evidence_receipt *r, const char *name, int64_t utc_us)
{
    r->instants = mem_realloc(r->instants, (r->n_instants + 1) * sizeof(*r->instants));
    r->instants[r->n_instants].name = mem_strdup(name);
    r->instants[r->n_instants].utc_us = utc_us;
    r->n_instants++;
}

void
evidence_receipt_add_document(struct evidence_receipt *r, const char *name,
                              const uint8_t sha256[32])
{
    r->documents = mem_realloc(r->documents, (r->n_documents + 1) * sizeof(*r->documents));
    r->documents[r->n_documents].name = mem_strdup(name);
    memcpy(r->documents[r->n_documents].sha256, sha256, 32);
    r->n_documents++;
}

void
evidence_receipt_set_signer(struct evidence_receipt *r, const char *cert_number)
{
    free(r->signer_cert_number);
    r->signer_cert_number = cert_number ? mem_strdup(cert_number) : NULL;
}

enum { TEXT_MAX = 4096, NAME_MAX_LEN = 64 };

/* Length of the UTF-8 sequence at p (RFC 3629 section 4), or 0 when it is not valid. */
static size_t
utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf)
        return (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xe0 && p[0] <= 0xef) {
        if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            return 0;
        if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f))
            return 0; /* overlong or a UTF-16 surrogate */
        return 3;
    }
    if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
            return 0;
        if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
            return 0;
        return 4;
    }
    return 0;
}

/* Valid UTF-8, no control characters but tab and line breaks, not blank, bounded. */
static bool
text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    bool blank = true;

    if (s == NULL || strlen(s) > TEXT_MAX)
        return false;
    while (*p != '\0') {
        size_t n = utf8_sequence(p);

        if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
            return false;
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            blank = false;
        p += n;
    }
    return !blank;
}

/* Every character of s in set, length 1..max. */
static bool
chars_in(const char *s, const char *set, size_t max)
{
    size_t len = s ? strlen(s) : 0;

    return len > 0 && len <= max && strspn(s, set) == len;
}

static bool
name_ok(const char *s)
{
    return chars_in(s, "abcdefghijklmnopqrstuvwxyz0123456789_", NAME_MAX_LEN);
}

/*
 * A valid RFC (core/ident: structure, date; a mismatching check character is
 * only a warning there, as SAT has issued such RFCs) written in its normalised
 * form, so that the cadena of a receipt has one spelling of it.
 */
static bool
rfc_ok(const char *s)
{
    struct ident id;
    struct error err;

    if (s == NULL || ident_parse_rfc(s, strlen(s), &id, &err) != 0)
        return false;
    return strcmp(id.normalized, s) == 0;
}

static bool
zone_ok(const char *s)
{
    return chars_in(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/+-",
                    NAME_MAX_LEN) &&
           s[0] != '/' && strstr(s, "..") == NULL;
}

static bool
cert_number_ok(const char *s)
{
    return chars_in(s, "0123456789abcdef", NAME_MAX_LEN);
}

/* Instants from 1970 to the end of 9999, the range of the RFC 3339 form we write. */
static bool
instant_ok(int64_t us)
{
    return us >= 0 && us < INT64_C(253402300800000000);
}

static int
invalid(struct error *err, const char *what)
{
    return error_set(err, "receipt_invalid", "el acuse no es válido: %s", what);
}

static bool
has_reference(const struct evidence_receipt *r, const char *name)
{
    for (size_t i = 0; i < r->n_references; i++)
        if (strcmp(r->references[i].name, name) == 0)
            return true;
    return false;
}

static bool
has_instant(const struct evidence_receipt *r, const char *name)
{
    for (size_t i = 0; i < r->n_instants; i++)
        if (strcmp(r->instants[i].name, name) == 0)
            return true;
    return false;
}

/* The parts every kind shares. */
static int
check_header(const struct evidence_receipt *r, int need_seal, struct error *err)
{
    char canonical[FOLIO_MAX];

    if (need_seal && (folio_parse(r->folio, NULL, NULL, canonical, err) != 0 ||
                      strcmp(canonical, r->folio) != 0))
        return invalid(err, "el folio no es válido");
    if (!rfc_ok(r->rfc))
        return invalid(err, "el RFC no es válido");
    if (!zone_ok(r->legal_zone))
        return invalid(err, "la zona horaria legal no es un nombre IANA");
    if (!instant_ok(r->issued_us))
        return invalid(err, "el instante de emisión está fuera de rango");
    if (r->signer_cert_number != NULL && !cert_number_ok(r->signer_cert_number))
        return invalid(err, "el número de certificado del firmante no es válido");
    if (need_seal && !cert_number_ok(r->seal_cert_number))
        return invalid(err, "el número de certificado del sello no es válido");
    return 0;
}

int
evidence_receipt_check(const struct evidence_receipt *r, int need_seal, struct error *err)
{
    const struct evidence_kind_spec *spec = evidence_kind_spec(r->kind);

    if (spec == NULL)
        return error_set(err, "receipt_kind", "tipo de acuse desconocido");
    if (r->version != 0 && r->version != 1)
        return invalid(err, "versión de cadena original desconocida");
    if (check_header(r, need_seal, err) != 0)
        return -1;

    for (size_t i = 0; i < r->n_references; i++)
        if (!name_ok(r->references[i].name) || !text_ok(r->references[i].value))
            return invalid(err, "una referencia tiene nombre o valor no válido");
    for (size_t i = 0; i < r->n_instants; i++)
        if (!name_ok(r->instants[i].name) || !instant_ok(r->instants[i].utc_us))
            return invalid(err, "un instante tiene nombre o valor no válido");
    for (size_t i = 0; i < r->n_documents; i++)
        if (!text_ok(r->documents[i].name))
            return invalid(err, "un documento tiene un nombre no válido");

    for (int i = 0; spec->references[i] != NULL; i++)
        if (!has_reference(r, spec->references[i]))
            return error_set(err, "receipt_invalid", "al acuse le falta la referencia «%s»",
                             spec->references[i]);
    for (int i = 0; spec->instants[i] != NULL; i++)
        if (!has_instant(r, spec->instants[i]))
            return error_set(err, "receipt_invalid", "al acuse le falta el instante «%s»",
                             spec->instants[i]);
    if ((int)r->n_documents < spec->min_documents)
        return invalid(err, "faltan los documentos que ampara");
    if (spec->needs_signer && r->signer_cert_number == NULL)
        return invalid(err, "falta el número de certificado de quien firmó");
    return 0;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm). */
static void
civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static int64_t
days_from_civil(int y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void
evidence_utc_format(int64_t us, char buf[EVIDENCE_UTC_MAX])
{
    int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    int64_t frac = us - secs * 1000000, days = secs / 86400, rem = secs % 86400;
    unsigned m, d;
    int y;

    if (rem < 0) {
        rem += 86400;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, EVIDENCE_UTC_MAX, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", y, m, d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)frac);
}

/* n decimal digits at s as a number, or -1. */
static int
digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int
evidence_utc_parse(const char *text, int64_t *us, struct error *err)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    static const unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, s, f;

    if (strlen(text) != sizeof(shape) - 1)
        goto bad;
    for (size_t i = 0; shape[i] != '\0'; i++)
        if (shape[i] != 'd' && shape[i] != text[i])
            goto bad;
    y = digits(text, 4);
    mo = digits(text + 5, 2);
    d = digits(text + 8, 2);
    h = digits(text + 11, 2);
    mi = digits(text + 14, 2);
    s = digits(text + 17, 2);
    f = digits(text + 20, 6);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || (unsigned)d > month_days[mo - 1] || h < 0 ||
        h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || f < 0)
        goto bad;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        goto bad;
    *us = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s) *
           1000000) +
          f;
    return 0;

bad:
    return error_set(err, "instant_format",
                     "el instante debe escribirse AAAA-MM-DDTHH:MM:SS.ffffffZ (UTC)");
}

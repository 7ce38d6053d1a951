/* problem.c - RFC 9457 problem details from error codes (problem.h). */
#include "http/problem.h"

#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Error codes with a fixed status. Handlers added later put their codes here
 * (or use one of the suffixes below) so that one table says how every error
 * reaches the client.
 */
static const struct {
    const char *code;
    unsigned status;
} known_codes[] = {
    {"bad_request", 400},
    {"json_syntax", 400},
    {"json_type", 400},
    {"query_invalid", 400},
    {"unauthenticated", 401},
    {"session_expired", 401},
    {"forbidden", 403},
    {"not_found", 404},
    {"method_not_allowed", 405},
    {"request_timeout", 408},
    {"conflict", 409},
    {"body_too_large", 413},
    {"unsupported_media_type", 415},
    {"validation", 422},
    {"rate_limited", 429},
    {"headers_too_large", 431},
    {"internal", 500},
    {"not_implemented", 501},
    {"not_ready", 503},
    {"unavailable", 503},
    /* e.firma login (app/login.h, docs/authentication.md) */
    {"login_request_invalid", 422},
    {"login_instant_invalid", 422},
    {"login_certificate_invalid", 422},
    {"login_signature_invalid", 401},
    {"login_certificate_csd", 403},
    {"login_certificate_expired", 403},
    {"login_certificate_untrusted", 403},
    {"login_certificate_revoked", 403},
    {"login_rfc_mismatch", 403},
    {"login_nonce_replayed", 409},
    {"login_nonce_expired", 410},
    {"login_rate_limited", 429},
    {"login_revocation_unavailable", 503},
    {"store_unreachable", 503},
    /* authorization (app/authz.h): another's record is not found, to reveal nothing */
    {"not_own_mailbox", 404},
    /* mailbox summary, terms and conditions, requests for guidance (docs/openapi.yaml) */
    {"mailbox_rfc_invalid", 422},
    {"receipts_unavailable", 503},
    {"terms_unavailable", 503},
    {"terms_request_invalid", 422},
    {"terms_instant_invalid", 422},
    {"terms_contacts_pending", 409},
    {"terms_already_signed", 409},
    {"terms_version_stale", 409},
    {"terms_signature_invalid", 422},
    {"terms_certificate_invalid", 422},
    {"terms_certificate_csd", 403},
    {"terms_certificate_expired", 403},
    {"terms_certificate_untrusted", 403},
    {"terms_certificate_revoked", 403},
    {"terms_certificate_rfc_mismatch", 403},
    {"terms_revocation_unavailable", 503},
    {"clarification_invalid", 422},
    {"clarification_not_found", 404},
    {"clarification_already_answered", 409},
    /* contact means (app/contacts.h, docs/delivery.md) */
    {"contacts_invalid", 422},
    {"contact_not_found", 404},
    {"contact_code_invalid", 422},
    {"contact_code_exhausted", 403},
    {"contact_expired", 410},
    {"contact_already_confirmed", 409},
    {"login_not_staff", 403},
    {"challenge_rate_limited", 429},
    /* authorization, staff, tokens, audit, receipts (docs/authorization.md) */
    {"staff_invalid", 422},
    {"staff_duplicate", 409},
    {"token_invalid", 422},
    {"token_not_found", 404},
    {"audit_query_invalid", 422},
    {"receipt_not_found", 404},
};

static const struct {
    const char *suffix;
    unsigned status;
} known_suffixes[] = {
    {"_invalid", 422}, {"_not_found", 404}, {"_forbidden", 403},    {"_conflict", 409},
    {"_expired", 410}, {"_too_large", 413}, {"_rate_limited", 429}, {"_unavailable", 503},
};

static const char *
title_for(unsigned status)
{
    switch (status) {
    case 400:
        return "Solicitud mal formada";
    case 401:
        return "Se requiere iniciar sesión";
    case 403:
        return "Acceso denegado";
    case 404:
        return "No encontrado";
    case 405:
        return "Método no permitido";
    case 408:
        return "Tiempo de solicitud agotado";
    case 409:
        return "Conflicto";
    case 410:
        return "Plazo vencido";
    case 413:
        return "Cuerpo demasiado grande";
    case 415:
        return "Tipo de contenido no admitido";
    case 422:
        return "Datos no válidos";
    case 429:
        return "Demasiadas solicitudes";
    case 431:
        return "Encabezados demasiado grandes";
    case 501:
        return "No implementado";
    case 503:
        return "Servicio no disponible";
    default:
        return status >= 500 ? "Error interno" : "Solicitud no válida";
    }
}

unsigned
http_problem_status(const char *code, const char **title)
{
    size_t clen = strlen(code);
    unsigned status = 500;

    for (size_t i = 0; i < sizeof(known_codes) / sizeof(known_codes[0]); i++) {
        if (strcmp(code, known_codes[i].code) == 0) {
            status = known_codes[i].status;
            goto out;
        }
    }
    for (size_t i = 0; i < sizeof(known_suffixes) / sizeof(known_suffixes[0]); i++) {
        size_t slen = strlen(known_suffixes[i].suffix);

        if (clen > slen && strcmp(code + clen - slen, known_suffixes[i].suffix) == 0) {
            status = known_suffixes[i].status;
            goto out;
        }
    }

out:
    if (title != NULL)
        *title = title_for(status);
    return status;
}

static bool
utf8_ok(const char *s)
{
    json_t *probe = json_string(s);

    json_decref(probe);
    return probe != NULL;
}

static void
answer(struct http_request *req, struct http_response *resp, unsigned status, const char *code,
       const char *detail, const struct http_field_error *errors, size_t n)
{
    char type[ERROR_CODE_MAX + 32];
    json_t *root;

    snprintf(type, sizeof(type), "urn:buzon-imss:problema:%s", code);
    /* Text that is not UTF-8 (a client's bytes in a detail) cannot be JSON: say so instead. */
    if (!utf8_ok(detail))
        detail = "La solicitud contiene texto que no es UTF-8 válido.";
    root = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "type", type, "title", title_for(status),
                     "status", (json_int_t)status, "code", code, "detail", detail, "request_id",
                     req->id);
    if (n > 0 && errors != NULL) {
        json_t *list = json_array();

        for (size_t i = 0; i < n; i++)
            json_array_append_new(list,
                                  json_pack("{s:s, s:s, s:s}", "field", errors[i].field, "code",
                                            errors[i].code, "detail", errors[i].detail));
        json_object_set_new(root, "errors", list);
    }
    http_response_json(req, resp, status, root);
    resp->content_type = "application/problem+json";
}

void
http_problem_error(struct http_request *req, struct http_response *resp, const struct error *err,
                   const struct http_field_error *errors, size_t n)
{
    const char *code = err->code[0] != '\0' ? err->code : "internal";
    unsigned status = http_problem_status(code, NULL);
    char generic[160];

    if (status < 500) {
        answer(req, resp, status, code, err->message, errors, n);
        return;
    }

    /* Our failure: the person gets a folio to quote, the log gets the reason. */
    log_error("http_error", LOG_STR("request_id", req->id), LOG_STR("code", code),
              LOG_STR("message", err->message), LOG_STR("detail", err->detail));
    snprintf(generic, sizeof(generic),
             "Ocurrió un error en el servidor. Intente más tarde; si persiste, reporte el "
             "folio %s.",
             req->id);
    answer(req, resp, status, status == 503 ? code : "internal", generic, NULL, 0);
}

void
http_problem(struct http_request *req, struct http_response *resp, unsigned status,
             const char *code, const char *fmt, ...)
{
    char detail[ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    answer(req, resp, status, code, detail, NULL, 0);
}

/*
 * contacts.c - contact means and their validation (docs/openapi.yaml; docs/delivery.md):
 * /api/v1/mailbox/contacts, /api/v1/contacts/confirm-link and the page /confirmar that the
 * validation e-mail links to. The decisions are in app/contacts.h; this file only carries
 * them.
 */
#include "app/contacts.h"

#include "base/log.h"
#include "core/civil.h"
#include "core/mem.h"
#include "http/auth.h"
#include "http/json.h"
#include "http/problem.h"
#include "http/query.h"
#include "http/routes.h"
#include "http/shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The pages have no script and no style: a form is all they need. */
#define PAGE_CSP "default-src 'none'; form-action 'self'; frame-ancestors 'none'"

static json_t *
contact_json(const struct app_contact *c)
{
    static const char *const states[] = {"pending", "confirmed", "cancelled"};
    char deadline[CIVIL_INSTANT_LEN], confirmed[CIVIL_INSTANT_LEN];
    json_t *o;

    civil_format_utc(c->deadline, deadline);
    civil_format_utc(c->confirmed_at, confirmed);
    o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:i}", "id", (json_int_t)c->id, "kind",
                  c->kind == APP_CONTACT_EMAIL ? "email" : "mobile", "address", c->address, "state",
                  states[(unsigned)c->state < 3 ? c->state : 2], "deadline", deadline,
                  "confirmed_at", c->confirmed_at != 0 ? json_string(confirmed) : json_null(),
                  "attempts_left", c->attempts_left);
    if (c->regpat[0] != '\0')
        json_object_set_new(o, "regpat", json_string(c->regpat));
    return o;
}

static json_t *
receipt_json(const struct app_receipt_ref *r)
{
    char url[96];

    if (r->folio[0] == '\0')
        return json_null();
    snprintf(url, sizeof(url), "/api/v1/receipts/%s", r->folio);
    return json_pack("{s:s, s:s, s:s}", "folio", r->folio, "kind", r->kind, "url", url);
}

static void
post_contacts(struct http_request *req, struct http_response *resp)
{
    const char *emails[APP_CONTACTS_MAX_EMAILS + 1];
    struct app_contacts_request rq = {emails, 0, NULL, NULL, req->id};
    struct app_contacts_result out;
    struct app_actor who;
    struct error err = {0};
    json_t *body, *list, *arr, *mobile, *regpat;
    size_t i;
    json_t *v;

    if (http_no_app(req, resp))
        return;
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    list = json_object_get(body, "emails");
    mobile = json_object_get(body, "mobile");
    regpat = json_object_get(body, "regpat");
    if (!json_is_array(list) || json_array_size(list) > APP_CONTACTS_MAX_EMAILS ||
        (mobile != NULL && !json_is_string(mobile) && !json_is_null(mobile)) ||
        (regpat != NULL && !json_is_string(regpat) && !json_is_null(regpat))) {
        http_problem(req, resp, 422, "contacts_invalid",
                     "Envíe \"emails\" (lista de 1 a %d correos), \"mobile\" (texto) y, si se "
                     "trata de un registro patronal, \"regpat\".",
                     APP_CONTACTS_MAX_EMAILS);
        return;
    }
    json_array_foreach(list, i, v)
    {
        if (!json_is_string(v)) {
            http_problem(req, resp, 422, "contacts_invalid",
                         "Cada correo electrónico debe ser un texto.");
            return;
        }
        emails[i] = json_string_value(v);
    }
    rq.n_emails = json_array_size(list);
    rq.mobile = json_string_value(mobile);
    rq.regpat = json_string_value(regpat);

    http_principal_actor(&req->principal, &who);
    if (app_contacts_register(req->app, &who, &rq, &out, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    log_info("contacts_registered", LOG_STR("request_id", req->id),
             LOG_STR("session_id", req->principal.session_id), LOG_INT("contacts", out.n),
             LOG_STR("folio", out.receipt.folio));

    arr = json_array();
    for (i = 0; i < out.n; i++)
        json_array_append_new(arr, contact_json(&out.contacts[i]));
    free(out.contacts);
    http_response_json(
        req, resp, 201,
        json_pack("{s:o, s:o}", "contacts", arr, "receipt", receipt_json(&out.receipt)));
}

static void
get_contacts(struct http_request *req, struct http_response *resp)
{
    struct app_contact *items = NULL;
    struct app_actor who;
    struct error err = {0};
    size_t n = 0;
    json_t *arr;

    if (http_no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    if (app_contacts_list(req->app, &who, &items, &n, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, contact_json(&items[i]));
    free(items);
    http_response_json(req, resp, 200, json_pack("{s:o}", "contacts", arr));
}

static json_t *
confirm_json(const struct app_confirm_result *r)
{
    return json_pack("{s:o, s:s, s:o}", "contact", contact_json(&r->contact), "mailbox_state",
                     r->mailbox_state, "receipt", receipt_json(&r->receipt));
}

static void
post_confirm(struct http_request *req, struct http_response *resp)
{
    struct app_confirm_result out;
    struct app_actor who;
    struct error err = {0};
    int64_t id = http_parse_id(http_request_param(req, "id"));
    json_t *body;

    if (http_no_app(req, resp))
        return;
    if (id == 0) {
        http_problem(req, resp, 404, "contact_not_found", "No existe ese medio de contacto.");
        return;
    }
    body = http_json_body(req, &err);
    if (body == NULL) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_principal_actor(&req->principal, &who);
    if (app_contacts_confirm_code(req->app, &who, id,
                                  json_string_value(json_object_get(body, "code")), &out,
                                  &err) != 0) {
        log_info("contact_confirm_refused", LOG_STR("request_id", req->id),
                 LOG_STR("code", err.code), LOG_INT("contact", id));
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    log_info("contact_confirmed", LOG_STR("request_id", req->id), LOG_INT("contact", id),
             LOG_STR("mailbox_state", out.mailbox_state), LOG_STR("folio", out.receipt.folio));
    http_response_json(req, resp, 200, confirm_json(&out));
}

/* ---- the link of the e-mail, and its page ---- */

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"es-MX\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Buzón IMSS: confirmar medio de contacto</title>\n</head>\n<body>\n"
    "<h1>Buzón IMSS</h1>\n";
static const char page_tail[] = "</body>\n</html>\n";

static void
send_page(struct http_request *req, struct http_response *resp, unsigned status, const char *html)
{
    http_response_header(req, resp, "Content-Security-Policy", PAGE_CSP);
    http_response_header(req, resp, "Cache-Control", "no-store");
    http_response_header(req, resp, "Referrer-Policy", "no-referrer");
    http_response_bytes(req, resp, status, "text/html; charset=utf-8", html, strlen(html));
}

/* Only [A-Za-z0-9_-] pass into the page: the key and the id are written into it. */
static bool
plain(const char *s, size_t max)
{
    size_t n = 0;

    for (; s != NULL && *s != '\0'; s++, n++) {
        char c = *s;

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return s != NULL && n > 0 && n <= max;
}

static void
get_confirm_page(struct http_request *req, struct http_response *resp)
{
    const char *c = http_request_query(req, "c"), *k = http_request_query(req, "k");
    char html[2048];

    if (!plain(c, 18) || !plain(k, APP_CONTACT_KEY_LEN) || http_parse_id(c) == 0) {
        snprintf(html, sizeof(html),
                 "%s<p>El enlace de confirmación está incompleto. Cópielo completo desde el "
                 "correo que recibió, o escriba el código de 6 dígitos en el Buzón "
                 "IMSS.</p>\n%s",
                 page_head, page_tail);
        send_page(req, resp, 400, html);
        return;
    }
    /* A GET changes nothing (mail scanners follow links): the particular presses the button. */
    snprintf(html, sizeof(html),
             "%s<p>Para confirmar esta dirección de correo electrónico como medio de contacto "
             "del Buzón IMSS (numeral 5.2 de los Lineamientos), oprima el botón.</p>\n"
             "<form method=\"post\" action=\"/api/v1/contacts/confirm-link\">\n"
             "<input type=\"hidden\" name=\"contact\" value=\"%s\">\n"
             "<input type=\"hidden\" name=\"key\" value=\"%s\">\n"
             "<button type=\"submit\">Confirmar mi correo electrónico</button>\n</form>\n"
             "<p>Si usted no registró esta dirección, cierre esta página: sin "
             "confirmación no se usará.</p>\n%s",
             page_head, c, k, page_tail);
    send_page(req, resp, 200, html);
}

static bool
is_form(const struct http_request *req)
{
    const char *ct = http_request_header(req, "Content-Type");

    return ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

/* The answer to the page's form: a page, not JSON. */
static void
confirm_link_page(struct http_request *req, struct http_response *resp,
                  const struct app_confirm_result *out, const struct error *err)
{
    char html[2048];

    if (err != NULL || out == NULL) {
        char text[700];

        /* The message is ours (Spanish, no markup); no user text reaches it. */
        snprintf(text, sizeof(text), "%s", err != NULL ? err->message : "error interno");
        for (char *p = text; *p != '\0'; p++) {
            if (*p == '<' || *p == '>' || *p == '&' || *p == '"')
                *p = ' ';
        }
        snprintf(html, sizeof(html),
                 "%s<p>No se pudo confirmar el correo electrónico: %s.</p>\n"
                 "<p>Puede escribir el código de 6 dígitos en el Buzón IMSS o registrar "
                 "de nuevo sus medios de contacto.</p>\n%s",
                 page_head, text, page_tail);
        send_page(req, resp, err != NULL ? http_problem_status(err->code, NULL) : 500, html);
        return;
    }
    snprintf(html, sizeof(html), "%s<p>Su correo electrónico quedó confirmado.</p>\n%s%s%s%s",
             page_head,
             out->receipt.folio[0] != '\0'
                 ? "<p>Todos sus medios de contacto están confirmados; se emitió el acuse de "
                   "validación con folio "
                 : "<p>Confirme también los demás medios de contacto que registró, dentro del "
                   "plazo que indica el mensaje de validación",
             out->receipt.folio, out->receipt.folio[0] != '\0' ? ".</p>\n" : ".</p>\n", page_tail);
    send_page(req, resp, 200, html);
}

static void
post_confirm_link(struct http_request *req, struct http_response *resp)
{
    struct app_confirm_result out;
    struct error err = {0};
    char id_text[24], key[64];
    const char *k = NULL;
    int64_t id = 0;
    bool form = is_form(req);
    json_t *body = NULL;

    /* The body is read before the application is asked for, so that the fuzzer, which runs
     * without one, reaches the form parser. */
    if (form) {
        const char *text = req->body != NULL ? (const char *)req->body : "";

        if (http_form_value(text, "contact", id_text, sizeof(id_text)) == 0)
            id = http_parse_id(id_text);
        if (http_form_value(text, "key", key, sizeof(key)) == 0)
            k = key;
    } else {
        json_t *c;

        body = http_json_body(req, &err);
        if (body == NULL) {
            http_problem_error(req, resp, &err, NULL, 0);
            return;
        }
        c = json_object_get(body, "contact");
        id = json_is_integer(c) ? (int64_t)json_integer_value(c) : 0;
        k = json_string_value(json_object_get(body, "key"));
    }
    if (http_no_app(req, resp))
        return;

    if (id <= 0) {
        error_set(&err, "contact_not_found", "no existe ese medio de contacto");
    } else if (app_contacts_confirm_link(req->app, id, k, &out, &err) == 0) {
        log_info("contact_confirmed", LOG_STR("request_id", req->id), LOG_INT("contact", id),
                 LOG_STR("by", "link"), LOG_STR("mailbox_state", out.mailbox_state),
                 LOG_STR("folio", out.receipt.folio));
        if (form)
            confirm_link_page(req, resp, &out, NULL);
        else
            http_response_json(req, resp, 200, confirm_json(&out));
        mem_wipe(key, sizeof(key));
        return;
    }
    mem_wipe(key, sizeof(key));
    log_info("contact_confirm_refused", LOG_STR("request_id", req->id), LOG_STR("code", err.code),
             LOG_INT("contact", id), LOG_STR("by", "link"));
    if (form)
        confirm_link_page(req, resp, NULL, &err);
    else
        http_problem_error(req, resp, &err, NULL, 0);
}

const struct http_route http_contacts_routes[] = {
    {"GET", "/api/v1/mailbox/contacts", get_contacts, HTTP_ROUTE_AUTH, HTTP_PRINCIPAL_PARTICULAR,
     0},
    {"POST", "/api/v1/mailbox/contacts", post_contacts, HTTP_ROUTE_AUTH, HTTP_PRINCIPAL_PARTICULAR,
     16384},
    {"POST", "/api/v1/mailbox/contacts/{id}/confirm", post_confirm, HTTP_ROUTE_AUTH,
     HTTP_PRINCIPAL_PARTICULAR, 1024},
    {"POST", "/api/v1/contacts/confirm-link", post_confirm_link, 0, 0, 1024},
    {"GET", "/confirmar", get_confirm_page, 0, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

/*
 * mailbox.c - /api/v1/mailbox: the summary of a mailbox (state, enable deadline, contact
 * means, terms). A particular reads its own (the session's RFC, never one from the request);
 * staff and IMSS systems name the RFC with ?rfc= and their read is audited (app/mailbox.h).
 */
#include "http/mailbox.h"

#include "app/mailbox.h"
#include "core/civil.h"
#include "http/json.h"
#include "http/problem.h"
#include "http/routes.h"
#include "http/shared.h"

#include <stdio.h>
#include <string.h>

json_t *
http_mailbox_summary_json(const struct app_mailbox_summary *s)
{
    char date[CIVIL_DATE_LEN];
    json_t *contacts, *terms;

    civil_format_date(s->enable_deadline, date);
    contacts =
        json_pack("{s:I, s:b, s:I, s:I, s:o}", "emails", (json_int_t)s->emails, "mobile", s->mobile,
                  "pending", (json_int_t)s->pending, "confirmed", (json_int_t)s->confirmed,
                  "validation_deadline", http_json_instant(s->validation_deadline));
    terms = json_pack("{s:s, s:o}", "version", s->terms_version, "signed_at",
                      http_json_instant(s->terms_signed_at));
    return json_pack("{s:s, s:s, s:o, s:s, s:I, s:o, s:o}", "rfc", s->rfc, "state",
                     app_mailbox_state_name(s->state), "enabled_at",
                     http_json_instant(s->enabled_at), "enable_deadline", date, "days_left",
                     (json_int_t)s->days_left, "contacts", contacts, "terms", terms);
}

static void
get_mailbox(struct http_request *req, struct http_response *resp)
{
    struct app_mailbox_summary s;
    struct app_actor who;
    struct error err = {0};
    const char *rfc;

    if (http_no_app(req, resp))
        return;
    http_principal_actor(&req->principal, &who);
    rfc = req->principal.kind == HTTP_PRINCIPAL_PARTICULAR ? req->principal.rfc
                                                           : http_request_query(req, "rfc");
    if (app_mailbox_summary(req->app, &who, rfc, req->id, &s, &err) != 0) {
        http_problem_error(req, resp, &err, NULL, 0);
        return;
    }
    http_response_json(req, resp, 200, http_mailbox_summary_json(&s));
}

const struct http_route http_mailbox_routes[] = {
    {"GET", "/api/v1/mailbox", get_mailbox, HTTP_ROUTE_AUTH, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

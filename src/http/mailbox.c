/*
 * mailbox.c - /api/v1/mailbox: the summary of a mailbox (state, enable deadline, contact
 * means, terms). A particular reads its own (the session's RFC, never one from the request);
 * staff and IMSS systems name the RFC with ?rfc= and their read is audited (app/mailbox.h).
 */
#include "http/mailbox.h"

#include "app/mailbox.h"
#include "core/civil.h"
#include "http/problem.h"
#include "http/routes.h"
#include "http/shared.h"

#include <stdio.h>
#include <string.h>

/* s as the body of a JSON string: quotes, backslashes and control characters escaped;
 * other bytes (UTF-8) as they are. Stops before overflowing out (cap bytes). */
static void
json_escape(const char *s, char *out, size_t cap)
{
    size_t o = 0;

    for (; s != NULL && *s != '\0' && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

/* An instant as a JSON value: "YYYY-MM-DDTHH:MM:SSZ", or null for 0. */
static void
instant(int64_t us, char out[32])
{
    char utc[CIVIL_INSTANT_LEN];

    if (us == 0) {
        snprintf(out, 32, "null");
        return;
    }
    civil_format_utc(us / 1000000 * 1000000, utc);
    snprintf(out, 32, "\"%.19sZ\"", utc);
}

size_t
http_mailbox_summary_text(const struct app_mailbox_summary *s, char buf[HTTP_MAILBOX_SUMMARY_MAX])
{
    char rfc[6 * 16], version[6 * 20], date[CIVIL_DATE_LEN], enabled[32], validation[32],
        signed_at[32];
    int n;

    json_escape(s->rfc, rfc, sizeof(rfc));
    json_escape(s->terms_version, version, sizeof(version));
    civil_format_date(s->enable_deadline, date);
    instant(s->enabled_at, enabled);
    instant(s->validation_deadline, validation);
    instant(s->terms_signed_at, signed_at);
    n = snprintf(buf, HTTP_MAILBOX_SUMMARY_MAX,
                 "{\"rfc\":\"%s\",\"state\":\"%s\",\"enabled_at\":%s,"
                 "\"enable_deadline\":\"%s\",\"days_left\":%lld,"
                 "\"contacts\":{\"emails\":%u,\"mobile\":%s,\"pending\":%u,"
                 "\"confirmed\":%u,\"validation_deadline\":%s},"
                 "\"terms\":{\"version\":\"%s\",\"signed_at\":%s}}",
                 rfc, app_mailbox_state_name(s->state), enabled, date, (long long)s->days_left,
                 s->emails, s->mobile ? "true" : "false", s->pending, s->confirmed, validation,
                 version, signed_at);
    return n < 0                                  ? 0
           : (size_t)n < HTTP_MAILBOX_SUMMARY_MAX ? (size_t)n
                                                  : HTTP_MAILBOX_SUMMARY_MAX - 1;
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
    {
        char body[HTTP_MAILBOX_SUMMARY_MAX];
        size_t len = http_mailbox_summary_text(&s, body);

        http_response_bytes(req, resp, 200, "application/json", body, len);
    }
}

const struct http_route http_mailbox_routes[] = {
    {"GET", "/api/v1/mailbox", get_mailbox, HTTP_ROUTE_AUTH, 0, 0},
    {NULL, NULL, NULL, 0, 0, 0},
};

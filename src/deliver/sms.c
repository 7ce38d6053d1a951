/* sms.c - the SMS channel through an HTTP gateway, Kannel's sendsms (see sms.h). */
#include "deliver/sms.h"

#include "core/mem.h"
#include "deliver/buf.h"
#include "deliver/gsm.h"
#include "deliver/secret.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct deliver_sms {
    CURL *curl;
    char *url;
    char *user;
    char *password;
    char *from;
    char *dlr_url;
    long timeout_s;
};

static char *
opt_str(const struct config *cfg, const char *key)
{
    const char *v = config_str(cfg, "deliver", key);

    return v[0] != '\0' ? mem_strdup(v) : NULL;
}

struct deliver_sms *
deliver_sms_new(const struct config *cfg, struct error *err)
{
    struct deliver_sms *s;

    if (config_str(cfg, "deliver", "sms_url")[0] == '\0') {
        error_set(err, "deliver_sms_disabled", "el envío de SMS no está configurado");
        return NULL;
    }

    s = mem_calloc(1, sizeof(*s));
    s->url = opt_str(cfg, "sms_url");
    s->user = opt_str(cfg, "sms_user");
    s->from = opt_str(cfg, "sms_from");
    s->dlr_url = opt_str(cfg, "sms_dlr_url");
    s->timeout_s = (long)config_int(cfg, "deliver", "sms_timeout_s");
    if (strncmp(s->url, "http://", 7) != 0 && strncmp(s->url, "https://", 8) != 0) {
        error_set(err, "deliver_sms_config",
                  "[deliver] sms_url debe empezar con http:// o https://");
        goto fail;
    }
    if (deliver__read_secret(config_str(cfg, "deliver", "sms_password_file"), "sms_password_file",
                             &s->password, err) != 0)
        goto fail;

    s->curl = curl_easy_init();
    if (s->curl == NULL) {
        error_set(err, "deliver_sms_config", "no se pudo iniciar libcurl");
        goto fail;
    }
    return s;

fail:
    deliver_sms_free(s);
    return NULL;
}

void
deliver_sms_free(struct deliver_sms *s)
{
    if (s == NULL)
        return;
    if (s->curl != NULL)
        curl_easy_cleanup(s->curl);
    if (s->password != NULL)
        mem_wipe(s->password, strlen(s->password));
    free(s->password);
    free(s->url);
    free(s->user);
    free(s->from);
    free(s->dlr_url);
    free(s);
}

enum deliver_outcome
deliver_sms_classify(int curl_code, long http_status)
{
    if (curl_code != CURLE_OK || http_status == 0)
        return DELIVER_TRANSIENT;
    if (http_status >= 200 && http_status < 300)
        return DELIVER_DELIVERED;
    if (http_status == 401 || http_status == 403 || http_status == 408 || http_status == 429)
        return DELIVER_TRANSIENT;
    if (http_status >= 400 && http_status < 500)
        return DELIVER_PERMANENT;
    return DELIVER_TRANSIENT;
}

/* Append "&name=value" with value percent-encoded (RFC 3986). */
static void
add_param(struct deliver_sms *s, struct deliver__buf *b, const char *name, const char *value)
{
    char *enc = curl_easy_escape(s->curl, value, 0);

    deliver__buf_fmt(b, "%c%s=%s", strchr(b->p, '?') != NULL ? '&' : '?', name,
                     enc != NULL ? enc : "");
    curl_free(enc);
}

/* The sendsms URL for m; it holds the password, so the caller wipes it. */
static char *
build_url(struct deliver_sms *s, const struct deliver_message *m)
{
    struct deliver__buf b = {0};
    bool gsm7 = false;

    deliver__buf_str(&b, s->url);
    if (s->user != NULL)
        add_param(s, &b, "username", s->user);
    if (s->password != NULL)
        add_param(s, &b, "password", s->password);
    if (s->from != NULL)
        add_param(s, &b, "from", s->from);
    add_param(s, &b, "to", m->address);
    add_param(s, &b, "text", m->body);
    add_param(s, &b, "charset", "UTF-8");
    deliver_sms_parts(m->body, &gsm7);
    add_param(s, &b, "coding", gsm7 ? "0" : "2");
    if (s->dlr_url != NULL) {
        add_param(s, &b, "dlr-mask", "19");
        add_param(s, &b, "dlr-url", s->dlr_url);
    }
    return deliver__buf_take(&b);
}

struct reply {
    char text[DELIVER_REPLY_MAX];
    size_t len;
};

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    struct reply *r = userp;
    size_t n = size * nmemb;
    size_t room = sizeof(r->text) - 1 - r->len;
    size_t keep = n < room ? n : room;

    memcpy(r->text + r->len, data, keep);
    r->len += keep;
    r->text[r->len] = '\0';
    return n;
}

/* Evidence: "STATUS body", the body's line breaks folded to spaces. */
static void
record_reply(struct deliver_result *res, long status, const struct reply *r)
{
    size_t n = r->len;

    while (n > 0 && (r->text[n - 1] == '\n' || r->text[n - 1] == '\r' || r->text[n - 1] == ' '))
        n--;
    snprintf(res->reply, sizeof(res->reply), "%ld %.*s", status, (int)n, r->text);
    for (char *p = res->reply; *p; p++) {
        if (*p == '\r' || *p == '\n')
            *p = ' ';
    }
    snprintf(res->transcript, sizeof(res->transcript), "%s\n", res->reply);
}

/*
 * FIXME: Kannel's sendsms takes no idempotency key, so an SMS resent after a crash between the
 * gateway's 202 and the mark reaches the phone twice (docs/delivery.md, "Idempotency"); a
 * gateway that deduplicates by a client reference would close that window.
 * FIXME: delivery reports are requested when [deliver] sms_dlr_url is set, but no HTTP route
 * receives them yet: the evidence stops at the gateway's acceptance, not the handset's.
 */
static void
sms_send(void *ctx, const struct deliver_message *m, int64_t now_us, struct deliver_result *res)
{
    struct deliver_sms *s = ctx;
    struct reply r = {{0}, 0};
    char *url = build_url(s, m);
    long status = 0;
    CURLcode code;

    (void)now_us;
    deliver_result_init(res);
    curl_easy_reset(s->curl);
    curl_easy_setopt(s->curl, CURLOPT_URL, url);
    curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, s->timeout_s);
    curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, s->timeout_s);
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);

    code = curl_easy_perform(s->curl);
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, NULL);
    mem_wipe(url, strlen(url));
    free(url);

    res->reply_code = (int)status;
    if (status != 0)
        record_reply(res, status, &r);
    res->outcome = deliver_sms_classify((int)code, status);
    if (res->outcome == DELIVER_PERMANENT)
        error_set(&res->err, "deliver_sms_rejected",
                  "la pasarela de SMS rechazó el mensaje (respuesta %ld)", status);
    else if (res->outcome == DELIVER_TRANSIENT)
        error_set(&res->err, "deliver_sms_deferred",
                  "no se pudo entregar el SMS a la pasarela; se reintentará");
    if (res->outcome != DELIVER_DELIVERED)
        error_detail(&res->err, "curl %d: %s; http %ld", (int)code, curl_easy_strerror(code),
                     status);
}

void
deliver_sms_channel(struct deliver_sms *s, struct deliver_channel *out)
{
    out->name = "sms";
    out->send = sms_send;
    out->ctx = s;
}

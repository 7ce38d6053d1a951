/* smtp.c - the e-mail channel through SMTP with libcurl (see smtp.h). */
#include "deliver/smtp.h"

#include "core/email.h"
#include "core/mem.h"
#include "deliver/mime.h"
#include "deliver/secret.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct deliver_smtp {
    CURL *curl;
    char *url;
    char *from;
    char *from_name;
    char *user;
    char *password;
    char *ca_file;
    bool tls;
    long timeout_s;
};

int
deliver_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
deliver_global_cleanup(void)
{
    curl_global_cleanup();
}

static char *
opt_str(const struct config *cfg, const char *key)
{
    const char *v = config_str(cfg, "deliver", key);

    return v[0] != '\0' ? mem_strdup(v) : NULL;
}

/* True when host (in, as libcurl parsed it) names the loopback interface and nothing else. */
static bool
host_is_loopback(const char *host)
{
    unsigned a, b, c, d;
    char tail;

    if (strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
        return true;
    /* 127.0.0.0/8, written as four decimal numbers (not a name such as 127.example.mx). */
    return sscanf(host, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
           c < 256 && d < 256;
}

/*
 * Parse url with libcurl's own parser, as the transfer will: refuse credentials in it (they
 * belong in smtp_user and smtp_password_file) and tell whether its host is loopback.
 */
static int
inspect_url(const char *url, bool *loopback, struct error *err)
{
    CURLU *u = curl_url();
    char *host = NULL;
    char *user = NULL;
    int rc = -1;

    *loopback = false;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        error_set(err, "deliver_smtp_config", "[deliver] smtp_url no es un URL válido");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
        error_set(err, "deliver_smtp_config",
                  "[deliver] smtp_url no debe llevar usuario ni contraseña: use smtp_user y "
                  "smtp_password_file");
        goto out;
    }
    *loopback = host_is_loopback(host);
    rc = 0;

out:
    curl_free(host);
    curl_free(user);
    curl_url_cleanup(u);
    return rc;
}

static int
check_settings(const struct deliver_smtp *s, const char *tls, struct error *err)
{
    bool implicit_url = strncmp(s->url, "smtps://", 8) == 0;
    bool loopback;

    if (!implicit_url && strncmp(s->url, "smtp://", 7) != 0)
        return error_set(err, "deliver_smtp_config",
                         "[deliver] smtp_url debe empezar con smtp:// o smtps://");
    if (implicit_url != (strcmp(tls, "implicit") == 0))
        return error_set(err, "deliver_smtp_config",
                         "[deliver] smtp_tls = implicit va con smtps://, y starttls o none con "
                         "smtp://");
    if (s->from == NULL || email_check(s->from, err) != 0)
        return error_set(err, "deliver_smtp_config",
                         "[deliver] smtp_from debe ser una dirección de correo válida");
    if (inspect_url(s->url, &loopback, err) != 0)
        return -1;
    if (s->password != NULL && s->user == NULL)
        return error_set(err, "deliver_smtp_config",
                         "[deliver] smtp_password_file requiere smtp_user");
    if (s->user != NULL && !s->tls && !loopback)
        return error_set(err, "deliver_smtp_config",
                         "[deliver] no se envía la contraseña SMTP sin TLS a otro equipo: use "
                         "smtp_tls = starttls o implicit");
    return 0;
}

struct deliver_smtp *
deliver_smtp_new(const struct config *cfg, struct error *err)
{
    struct deliver_smtp *s;
    const char *tls = config_str(cfg, "deliver", "smtp_tls");

    if (config_str(cfg, "deliver", "smtp_url")[0] == '\0') {
        error_set(err, "deliver_smtp_disabled", "el envío de correo no está configurado");
        return NULL;
    }

    s = mem_calloc(1, sizeof(*s));
    s->url = opt_str(cfg, "smtp_url");
    s->from = opt_str(cfg, "smtp_from");
    s->from_name = opt_str(cfg, "smtp_from_name");
    s->user = opt_str(cfg, "smtp_user");
    s->ca_file = opt_str(cfg, "smtp_ca_file");
    s->tls = strcmp(tls, "none") != 0;
    s->timeout_s = (long)config_int(cfg, "deliver", "smtp_timeout_s");
    if (deliver__read_secret(config_str(cfg, "deliver", "smtp_password_file"), "smtp_password_file",
                             &s->password, err) != 0)
        goto fail;
    if (check_settings(s, tls, err) != 0)
        goto fail;

    s->curl = curl_easy_init();
    if (s->curl == NULL) {
        error_set(err, "deliver_smtp_config", "no se pudo iniciar libcurl");
        goto fail;
    }
    return s;

fail:
    deliver_smtp_free(s);
    return NULL;
}

void
deliver_smtp_free(struct deliver_smtp *s)
{
    if (s == NULL)
        return;
    if (s->curl != NULL)
        curl_easy_cleanup(s->curl);
    if (s->password != NULL)
        mem_wipe(s->password, strlen(s->password));
    free(s->password);
    free(s->url);
    free(s->from);
    free(s->from_name);
    free(s->user);
    free(s->ca_file);
    free(s);
}

enum deliver_outcome
deliver_smtp_classify(int curl_code, long reply_code)
{
    if (curl_code == CURLE_OK && reply_code >= 200 && reply_code < 300)
        return DELIVER_DELIVERED;
    /* RFC 4954 section 6: authentication required, too weak, failed, needs encryption. */
    if (reply_code == 530 || reply_code == 534 || reply_code == 535 || reply_code == 538)
        return DELIVER_TRANSIENT;
    if (reply_code >= 500 && reply_code < 600)
        return DELIVER_PERMANENT;
    return DELIVER_TRANSIENT;
}

/* State of one upload: the message text and the replies seen. */
struct upload {
    const char *text;
    size_t len, sent;
    struct deliver_result *res;
    size_t transcript_len;
};

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *userp)
{
    struct upload *u = userp;
    size_t n = size * nmemb;

    if (n > u->len - u->sent)
        n = u->len - u->sent;
    memcpy(buf, u->text + u->sent, n);
    u->sent += n;
    return n;
}

/* Keep one reply line: append to the transcript, and it becomes the last reply. */
static void
keep_line(struct upload *u, const char *line, size_t n)
{
    struct deliver_result *res = u->res;

    /* 334 lines are SASL challenges (RFC 4954): not evidence, and they echo credentials. */
    if (n == 0 || strncmp(line, "334", n < 3 ? n : 3) == 0)
        return;
    /* 221 answers the QUIT libcurl sends when it drops a connection after a refusal: the
     * reply that matters is the one before it (RFC 5321 4.2.2). */
    if (strncmp(line, "221", n < 3 ? n : 3) != 0)
        snprintf(res->reply, sizeof(res->reply), "%.*s", (int)n, line);
    if (u->transcript_len + n + 2 < sizeof(res->transcript)) {
        memcpy(res->transcript + u->transcript_len, line, n);
        u->transcript_len += n;
        res->transcript[u->transcript_len++] = '\n';
        res->transcript[u->transcript_len] = '\0';
    }
}

/* libcurl shows the server's replies as CURLINFO_HEADER_IN; nothing we send is recorded. */
static int
debug_cb(CURL *curl, curl_infotype type, char *data, size_t size, void *userp)
{
    const char *p = data;
    const char *end = data + size;

    (void)curl;
    if (type != CURLINFO_HEADER_IN)
        return 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl != NULL ? nl : end;
        size_t n = (size_t)(stop - p);

        if (n > 0 && p[n - 1] == '\r')
            n--;
        keep_line(userp, p, n);
        p = nl != NULL ? nl + 1 : end;
    }
    return 0;
}

static void
set_options(struct deliver_smtp *s, struct curl_slist *rcpt, struct upload *u, char *from)
{
    CURL *c = s->curl;

    curl_easy_reset(c); /* keeps the open connection for the next message */
    curl_easy_setopt(c, CURLOPT_URL, s->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, u);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->len);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, s->timeout_s);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, u);

    /* STARTTLS or implicit TLS is required, never optional: CURLUSESSL_ALL fails rather than
     * going on in clear text when the server does not offer it. */
    if (s->tls)
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    if (s->ca_file != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
    if (s->user != NULL) {
        curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, s->password != NULL ? s->password : "");
    }
}

static void
describe_failure(struct deliver_result *res, int code)
{
    if (res->outcome == DELIVER_PERMANENT)
        error_set(&res->err, "deliver_smtp_rejected",
                  "el servidor de correo rechazó el mensaje (respuesta %d)", res->reply_code);
    else if (res->reply_code >= 400)
        error_set(&res->err, "deliver_smtp_deferred",
                  "el servidor de correo no aceptó el mensaje por ahora (respuesta %d); se "
                  "reintentará",
                  res->reply_code);
    else
        error_set(&res->err, "deliver_smtp_unreachable",
                  "no se pudo entregar el mensaje al servidor de correo; se reintentará");
    /* libcurl's text names the step, never the addresses. */
    error_detail(&res->err, "curl %d: %s", code, curl_easy_strerror((CURLcode)code));
}

static void
smtp_send(void *ctx, const struct deliver_message *m, int64_t now_us, struct deliver_result *res)
{
    struct deliver_smtp *s = ctx;
    struct deliver_mail mail = {s->from, s->from_name, m->address, m->subject,
                                m->body, m->key,       now_us};
    struct upload u = {0};
    struct curl_slist *rcpt = NULL;
    char addr[EMAIL_MAX + 3];
    char from[EMAIL_MAX + 3];
    char *text;
    long reply = 0;
    CURLcode code;

    deliver_result_init(res);
    text = deliver_mime_build(&mail, &res->err);
    if (text == NULL)
        return;
    deliver_mime_message_id(m->key, s->from, res->reference, sizeof(res->reference), NULL);

    snprintf(addr, sizeof(addr), "<%s>", m->address);
    snprintf(from, sizeof(from), "<%s>", s->from);
    rcpt = curl_slist_append(NULL, addr);
    u = (struct upload){text, strlen(text), 0, res, 0};
    set_options(s, rcpt, &u, from);

    code = curl_easy_perform(s->curl);
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &reply);
    res->reply_code = (int)reply;

    /* The handle outlives this call (its connection is reused): it must not keep pointers to
     * this stack frame, or the QUIT sent at cleanup would reach a dead callback state. */
    curl_easy_setopt(s->curl, CURLOPT_VERBOSE, 0L);
    curl_easy_setopt(s->curl, CURLOPT_DEBUGFUNCTION, NULL);
    curl_easy_setopt(s->curl, CURLOPT_DEBUGDATA, NULL);
    curl_easy_setopt(s->curl, CURLOPT_READDATA, NULL);
    curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
    res->outcome = deliver_smtp_classify((int)code, reply);
    if (res->outcome != DELIVER_DELIVERED)
        describe_failure(res, (int)code);

    curl_slist_free_all(rcpt);
    free(text);
}

void
deliver_smtp_channel(struct deliver_smtp *s, struct deliver_channel *out)
{
    out->name = "smtp";
    out->send = smtp_send;
    out->ctx = s;
}

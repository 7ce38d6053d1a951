/*
 * send.c - test program: deliver messages read from stdin through the real channels.
 *
 * Reads the configuration from BUZON_* variables (as `buzon` does), then one JSON object per
 * line of stdin:
 *   {"kind": "email"|"sms", "to": "...", "key": "...",
 *    "template": "validation_email"|"validation_sms"|"aviso_email"|"aviso_sms",
 *    "params": {"name": "value", ...}}
 * or, instead of template and params, "subject" and "body". Every message goes into an
 * in-memory outbox; a worker with the SMTP and SMS channels drains it until nothing is due
 * before the last retry could happen (policy from [deliver]). Then one JSON object per message
 * is printed: key, state, attempts, outcome, reply_code, reply, reference, transcript, error.
 * Exit status: 0 when every message was handled, 1 on a usage or configuration error.
 */
#include "base/config.h"
#include "base/log.h"
#include "deliver/outbox_memory.h"
#include "deliver/service.h"
#include "deliver/smtp.h"
#include "deliver/templates.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { KEYS_MAX = 10000, PARAMS_MAX = 8 };

static const char *const template_names[] = {"validation_email", "validation_sms", "aviso_email",
                                             "aviso_sms"};

static int
render(json_t *obj, struct deliver_message *m, struct error *err)
{
    const char *name = json_string_value(json_object_get(obj, "template"));
    struct deliver_param params[PARAMS_MAX];
    json_t *p = json_object_get(obj, "params");
    const char *k;
    json_t *v;
    size_t n = 0;

    if (name == NULL) {
        m->subject = json_string_value(json_object_get(obj, "subject"))
                         ? strdup(json_string_value(json_object_get(obj, "subject")))
                         : NULL;
        m->body = strdup(json_string_value(json_object_get(obj, "body")));
        return 0;
    }
    json_object_foreach(p, k, v)
    {
        if (n < PARAMS_MAX)
            params[n++] = (struct deliver_param){k, json_string_value(v)};
    }
    for (size_t t = 0; t < 4; t++) {
        if (strcmp(name, template_names[t]) == 0)
            return deliver_template_render((enum deliver_template)t, params, n, &m->subject,
                                           &m->body, err);
    }
    return error_set(err, "usage", "unknown template %s", name);
}

static int
enqueue_stdin(struct deliver_memory *mem, char **keys, size_t *n_keys, int64_t now)
{
    char line[8192];

    while (fgets(line, sizeof(line), stdin) != NULL) {
        json_t *obj = json_loads(line, 0, NULL);
        struct deliver_message m = {0};
        struct error err;
        int rc;

        if (obj == NULL)
            continue;
        if (*n_keys == KEYS_MAX) {
            fprintf(stderr, "more than %d messages\n", KEYS_MAX);
            json_decref(obj);
            return -1;
        }
        m.kind = strcmp(json_string_value(json_object_get(obj, "kind")), "sms") == 0
                     ? DELIVER_SMS
                     : DELIVER_EMAIL;
        m.key = strdup(json_string_value(json_object_get(obj, "key")));
        m.address = strdup(json_string_value(json_object_get(obj, "to")));
        rc = render(obj, &m, &err);
        if (rc == 0)
            rc = deliver_memory_add(mem, &m, now, NULL, &err);
        if (rc != 0)
            fprintf(stderr, "%s: %s: %s\n", m.key, err.code, err.message);
        else
            keys[(*n_keys)++] = strdup(m.key);
        deliver_message_cleanup(&m);
        json_decref(obj);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static void
print_row(struct deliver_memory *mem, const char *key)
{
    static const char *const states[] = {"pending", "delivered", "failed"};
    static const char *const outcomes[] = {"delivered", "transient", "permanent"};
    struct deliver_memory_row row;
    json_t *o;
    char *text;

    if (deliver_memory_get(mem, key, &row) != 0)
        return;
    o = json_pack("{s:s, s:s, s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "key", key, "state",
                  states[row.state], "attempts", row.msg.attempts, "outcome",
                  outcomes[row.last.outcome], "reply_code", row.last.reply_code, "reply",
                  row.last.reply, "reference", row.last.reference, "transcript",
                  row.last.transcript, "error", row.last.err.code, "message", row.last.err.message);
    text = json_dumps(o, JSON_COMPACT);
    printf("%s\n", text);
    free(text);
    json_decref(o);
    deliver_message_cleanup(&row.msg);
}

/* Run passes until nothing is pending, or 60 seconds pass. */
static void
drain(struct deliver_worker *w, struct deliver_memory *mem)
{
    struct timespec pause = {0, 100000000};

    for (int i = 0; i < 600 && deliver_memory_pending(mem) > 0; i++) {
        struct error err;
        size_t n;

        if (deliver_worker_run_once(w, &n, &err) != 0) {
            fprintf(stderr, "claim: %s\n", err.message);
            return;
        }
        if (n == 0)
            nanosleep(&pause, NULL);
    }
}

int
main(void)
{
    struct config *cfg = config_new();
    struct deliver_memory *mem = deliver_memory_new();
    struct deliver_service *svc = NULL;
    struct deliver_backend backend;
    char **keys = calloc(KEYS_MAX, sizeof(*keys));
    size_t n_keys = 0;
    struct error err;
    bool email, sms;
    int rc = 1;

    deliver_global_init();
    log_set_level(LOG_ERROR);
    deliver_memory_backend(mem, &backend);
    if (config_load_env(cfg, &err) != 0) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        goto out;
    }
    svc = deliver_service_new(cfg, &backend, &err);
    if (svc == NULL) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        goto out;
    }
    /* A channel left unconfigured is reported and its messages wait, as in the server. */
    deliver_service_channels(svc, &email, &sms);
    fprintf(stderr, "email %s, sms %s\n", email ? "on" : "off", sms ? "on" : "off");

    if (enqueue_stdin(mem, keys, &n_keys, deliver_service_worker(svc)->now_us(NULL)) != 0)
        goto out;
    drain(deliver_service_worker(svc), mem);
    for (size_t i = 0; i < n_keys; i++)
        print_row(mem, keys[i]);
    rc = 0;

out:
    for (size_t i = 0; i < n_keys; i++)
        free(keys[i]);
    free(keys);
    deliver_service_free(svc);
    deliver_memory_free(mem);
    config_free(cfg);
    deliver_global_cleanup();
    return rc;
}

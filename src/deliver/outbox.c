/* outbox.c - outbox messages, retry policy and the worker that drains the outbox. */
#include "deliver/outbox.h"

#include "core/email.h"
#include "core/phone.h"
#include "deliver/gsm.h"

#include <stdlib.h>
#include <string.h>

void
deliver_message_cleanup(struct deliver_message *m)
{
    if (m == NULL)
        return;
    free(m->key);
    free(m->address);
    free(m->subject);
    free(m->body);
    memset(m, 0, sizeof(*m));
}

static int
check_key(const char *key, struct error *err)
{
    size_t len = key != NULL ? strlen(key) : 0;

    if (len == 0 || len > DELIVER_KEY_MAX)
        return error_set(err, "deliver_key",
                         "la clave de idempotencia del mensaje debe tener de 1 a %d caracteres",
                         DELIVER_KEY_MAX);
    /* The key becomes the left part of the Message-ID (RFC 5322 3.6.4, dot-atom-text). */
    for (size_t i = 0; i < len; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return error_set(err, "deliver_key",
                             "la clave de idempotencia del mensaje solo admite letras sin acento, "
                             "dígitos, punto, guion y guion bajo");
    }
    if (key[0] == '.' || key[len - 1] == '.' || strstr(key, "..") != NULL)
        return error_set(err, "deliver_key",
                         "la clave de idempotencia del mensaje no puede empezar ni terminar con "
                         "punto, ni tener dos puntos seguidos");
    return 0;
}

static int
check_email(const struct deliver_message *m, struct error *err)
{
    size_t len;

    if (m->address == NULL)
        return error_set(err, "email_empty", "falta la dirección de correo electrónico");
    if (email_check(m->address, err) != 0)
        return -1;

    len = m->subject != NULL ? strlen(m->subject) : 0;
    if (len == 0 || len > DELIVER_SUBJECT_MAX || strpbrk(m->subject, "\r\n") != NULL)
        return error_set(err, "deliver_subject",
                         "el asunto del correo debe tener de 1 a %d caracteres, en una línea",
                         DELIVER_SUBJECT_MAX);

    len = m->body != NULL ? strlen(m->body) : 0;
    if (len == 0 || len > DELIVER_BODY_MAX)
        return error_set(err, "deliver_body", "el texto del correo debe tener de 1 a %d caracteres",
                         DELIVER_BODY_MAX);
    return 0;
}

static int
check_sms(const struct deliver_message *m, struct error *err)
{
    char e164[PHONE_E164_MAX];
    bool gsm7;
    int parts;

    if (m->address == NULL)
        return error_set(err, "phone_empty", "falta el número celular");
    /* The outbox holds numbers already normalised: anything else is refused, not rewritten. */
    if (phone_normalize_mx(m->address, e164, err) != 0)
        return -1;
    if (strcmp(e164, m->address) != 0)
        return error_set(err, "phone_format",
                         "el número celular debe estar en formato internacional (+52 y 10 "
                         "dígitos, sin espacios)");

    parts = m->body != NULL ? deliver_sms_parts(m->body, &gsm7) : 0;
    if (parts <= 0 || parts > DELIVER_SMS_PARTS_MAX)
        return error_set(err, "deliver_body",
                         "el texto del SMS debe tener de 1 a %d partes (160 caracteres por parte "
                         "sin acentos, 70 con ellos)",
                         DELIVER_SMS_PARTS_MAX);
    return 0;
}

int
deliver_message_check(const struct deliver_message *m, struct error *err)
{
    if (check_key(m->key, err) != 0)
        return -1;

    switch (m->kind) {
    case DELIVER_EMAIL:
        return check_email(m, err);
    case DELIVER_SMS:
        return check_sms(m, err);
    }
    return error_set(err, "deliver_kind", "el medio de contacto debe ser correo o SMS");
}

void
deliver_result_init(struct deliver_result *res)
{
    memset(res, 0, sizeof(*res));
    res->outcome = DELIVER_TRANSIENT;
}

int64_t
deliver_backoff_us(const struct deliver_policy *p, int attempts, uint64_t rnd)
{
    int64_t d = p->base_us;
    int64_t half;

    /* Double per failed attempt, stopping at the cap before it can overflow. */
    for (int i = 1; i < attempts && d < p->max_us; i++)
        d = d > p->max_us / 2 ? p->max_us : d * 2;
    if (d > p->max_us)
        d = p->max_us;

    half = d / 2;
    return d - half + (int64_t)(rnd % (uint64_t)(half + 1));
}

enum deliver_decision
deliver_decide(const struct deliver_policy *p, int attempts, enum deliver_outcome outcome)
{
    switch (outcome) {
    case DELIVER_DELIVERED:
        return DELIVER_MARK_DELIVERED;
    case DELIVER_PERMANENT:
        return DELIVER_MARK_FAILED;
    case DELIVER_TRANSIENT:
        break;
    }
    return attempts >= p->max_attempts ? DELIVER_MARK_FAILED : DELIVER_MARK_RETRY;
}

int
deliver_policy_load(const struct config *cfg, struct deliver_policy *p, struct error *err)
{
    long long lease = config_int(cfg, "deliver", "lease_s");
    long long smtp = config_int(cfg, "deliver", "smtp_timeout_s");
    long long sms = config_int(cfg, "deliver", "sms_timeout_s");
    long long base = config_int(cfg, "deliver", "backoff_base_s");
    long long max = config_int(cfg, "deliver", "backoff_max_s");

    if (lease < (smtp > sms ? smtp : sms) + 10)
        return error_set(err, "deliver_policy",
                         "[deliver] lease_s (%lld) debe superar en al menos 10 segundos a "
                         "smtp_timeout_s y sms_timeout_s",
                         lease);
    if (max < base)
        return error_set(err, "deliver_policy",
                         "[deliver] backoff_max_s no puede ser menor que backoff_base_s");

    p->max_attempts = (int)config_int(cfg, "deliver", "max_attempts");
    p->base_us = base * 1000000;
    p->max_us = max * 1000000;
    p->lease_us = lease * 1000000;
    p->batch = (size_t)config_int(cfg, "deliver", "batch");
    return 0;
}

/* service.c - the delivery worker assembled from the configuration (see service.h). */
#include "deliver/service.h"

#include "core/mem.h"
#include "deliver/sms.h"
#include "deliver/smtp.h"

#include <stdlib.h>
#include <string.h>

struct deliver_service {
    struct deliver_smtp *smtp;
    struct deliver_sms *sms;
    struct deliver_channel email_ch, sms_ch;
    struct deliver_worker worker;
    int64_t idle_us;
};

struct deliver_service *
deliver_service_new(const struct config *cfg, const struct deliver_backend *backend,
                    struct error *err)
{
    struct deliver_service *svc = mem_calloc(1, sizeof(*svc));
    struct deliver_policy policy;
    struct error cerr;

    if (deliver_policy_load(cfg, &policy, err) != 0)
        goto fail;
    deliver_worker_init(&svc->worker, backend, &policy);
    svc->idle_us = config_int(cfg, "deliver", "poll_ms") * 1000;

    /* An empty URL means the channel is not in use: not an error, its messages wait. */
    svc->smtp = deliver_smtp_new(cfg, &cerr);
    if (svc->smtp == NULL && strcmp(cerr.code, "deliver_smtp_disabled") != 0)
        goto channel_fail;
    svc->sms = deliver_sms_new(cfg, &cerr);
    if (svc->sms == NULL && strcmp(cerr.code, "deliver_sms_disabled") != 0)
        goto channel_fail;

    if (svc->smtp != NULL) {
        deliver_smtp_channel(svc->smtp, &svc->email_ch);
        svc->worker.email = &svc->email_ch;
    }
    if (svc->sms != NULL) {
        deliver_sms_channel(svc->sms, &svc->sms_ch);
        svc->worker.sms = &svc->sms_ch;
    }
    return svc;

channel_fail:
    if (err != NULL)
        *err = cerr;
fail:
    deliver_service_free(svc);
    return NULL;
}

void
deliver_service_free(struct deliver_service *svc)
{
    if (svc == NULL)
        return;
    deliver_smtp_free(svc->smtp);
    deliver_sms_free(svc->sms);
    free(svc);
}

struct deliver_worker *
deliver_service_worker(struct deliver_service *svc)
{
    return &svc->worker;
}

void
deliver_service_channels(const struct deliver_service *svc, bool *email, bool *sms)
{
    if (email != NULL)
        *email = svc->smtp != NULL;
    if (sms != NULL)
        *sms = svc->sms != NULL;
}

int
deliver_service_run(struct deliver_service *svc, const atomic_bool *stop)
{
    return deliver_worker_loop(&svc->worker, stop, svc->idle_us);
}

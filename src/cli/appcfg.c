/* appcfg.c - the application context described by a configuration (see appcfg.h). */
#include "cli/appcfg.h"

#include "base/clockconf.h"
#include "base/log.h"

#include <stdio.h>
#include <string.h>

int
cli_app_open(const struct config *cfg, struct store *st, struct crypto_trust *trust,
             struct evidence_ledger **ledger, struct app **app, struct error *err)
{
    struct app_options o = {.store = st, .trust = trust};
    struct clock_policy clock;
    char url[600];
    const char *public_url = config_str(cfg, "server", "public_url");

    *ledger = NULL;
    *app = NULL;
    if (clockconf_policy(cfg, &clock, err) != 0)
        return -1;
    if (evidence_ledger_from_config(cfg, st, ledger, err) != 0) {
        if (strcmp(err->code, "seal_missing") != 0)
            return -1;
        log_warn("receipts_unavailable", LOG_STR("reason", "evidence.seal_cert is not set"));
        error_clear(err);
    }

    /* Links in e-mails need an absolute URL: without server.public_url, the listen address. */
    if (public_url[0] == '\0') {
        snprintf(url, sizeof(url), "http://%s", config_str(cfg, "server", "listen"));
        public_url = url;
    }

    o.ledger = *ledger;
    o.policy.challenge_ttl_s = config_int(cfg, "auth", "challenge_ttl_s");
    o.policy.session_idle_s = config_int(cfg, "auth", "session_idle_s");
    o.policy.session_max_s = config_int(cfg, "auth", "session_max_s");
    o.policy.max_failures = (unsigned)config_int(cfg, "auth", "max_failures");
    o.policy.failure_window_s = config_int(cfg, "auth", "failure_window_s");
    o.contacts.validation_hours = clock.contact_validation_hours;
    o.contacts.max_attempts = (int)config_int(cfg, "contacts", "max_attempts");
    o.contacts.public_url = public_url;
    *app = app_new(&o);
    return 0;
}

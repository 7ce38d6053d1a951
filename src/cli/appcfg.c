/* appcfg.c - the configured application context (see appcfg.h). */
#include "cli/appcfg.h"

#include "base/clockconf.h"
#include "base/log.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/mem.h"
#include "evidence/ledger.h"
#include "evidence/seal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TERMS_MAX = 1 << 20 };

/* The seal of [evidence]: without one the server still runs, and acts that issue a receipt are
 * refused (receipts_unavailable). */
static int
open_ledger(const struct config *cfg, struct store *store, struct cli_app_parts *parts,
            struct error *err)
{
    if (evidence_ledger_from_config(cfg, store, &parts->ledger, err) == 0)
        return 0;
    parts->ledger = NULL;
    if (strcmp(err->code, "seal_missing") != 0)
        return -1;
    log_warn("receipts_unavailable", LOG_STR("reason", "evidence.seal_cert is not set"));
    error_clear(err);
    return 0;
}

/* The terms of terms.file, when set, instead of the text embedded at build time. */
static int
read_terms(const struct config *cfg, struct cli_app_parts *parts, struct app_options *o,
           struct error *err)
{
    const char *file = config_str(cfg, "terms", "file");
    size_t len = 0;
    json_t *probe;

    if (file[0] == '\0')
        return 0;
    o->terms_version = config_str(cfg, "terms", "version");
    if (o->terms_version[0] == '\0')
        return error_set(err, "config_value", "terms.file está definido pero falta terms.version");
    if (cli_read_file(file, TERMS_MAX, &parts->terms_text, &len, err) != 0)
        return -1;

    probe = json_stringn(parts->terms_text, len); /* NULL unless UTF-8 */
    if (probe == NULL || len == 0 || strlen(parts->terms_text) != len) {
        json_decref(probe);
        return error_set(err, "config_value", "terms.file (%s) está vacío o no es texto UTF-8",
                         file);
    }
    json_decref(probe);
    o->terms_text = parts->terms_text;
    o->terms_len = len;
    return 0;
}

int
cli_app_open(const struct config *cfg, struct store *store, struct crypto_trust *trust,
             bool with_ledger, struct cli_app_parts *parts, struct app **out, struct error *err)
{
    struct app_options o = {.store = store, .trust = trust};
    struct clock_policy policy;
    const char *public_url = config_str(cfg, "server", "public_url");

    memset(parts, 0, sizeof(*parts));
    *out = NULL;
    if (clockconf_policy(cfg, &policy, err) != 0)
        return -1;
    if ((with_ledger && open_ledger(cfg, store, parts, err) != 0) ||
        read_terms(cfg, parts, &o, err) != 0) {
        cli_app_parts_free(parts);
        return -1;
    }

    o.ledger = parts->ledger;
    o.policy.challenge_ttl_s = config_int(cfg, "auth", "challenge_ttl_s");
    o.policy.session_idle_s = config_int(cfg, "auth", "session_idle_s");
    o.policy.session_max_s = config_int(cfg, "auth", "session_max_s");
    o.policy.session_cache_ms = config_int(cfg, "auth", "session_cache_ms");
    o.policy.max_failures = (unsigned)config_int(cfg, "auth", "max_failures");
    o.policy.failure_window_s = config_int(cfg, "auth", "failure_window_s");
    o.policy.max_challenges = (unsigned)config_int(cfg, "auth", "max_challenges");
    o.policy.challenge_window_s = config_int(cfg, "auth", "challenge_window_s");
    o.policy.api_token_days = config_int(cfg, "auth", "api_token_days");
    evidence_verification_base(cfg, parts->verification_base, sizeof(parts->verification_base));
    o.verification_base = parts->verification_base;
    o.transitional_end = policy.transitional_end;
    o.clarification_unit = config_str(cfg, "mailbox", "clarification_unit");

    /* Links in e-mails need an absolute URL: without server.public_url, the listen address. */
    if (public_url[0] != '\0')
        snprintf(parts->public_url, sizeof(parts->public_url), "%s", public_url);
    else
        snprintf(parts->public_url, sizeof(parts->public_url), "http://%s",
                 config_str(cfg, "server", "listen"));
    o.contacts.validation_hours = policy.contact_validation_hours;
    o.contacts.max_attempts = (int)config_int(cfg, "contacts", "max_attempts");
    o.contacts.public_url = parts->public_url;

    /* Centro time for legal dates (5.7). Without it the server still runs, an hour off in the
     * summers before October 2022. */
    parts->tz = tz_db_open(policy.zoneinfo_dir[0] != '\0' ? policy.zoneinfo_dir : NULL,
                           policy.tzdata_min_version, err);
    if (parts->tz != NULL)
        o.centro = tz_db_zone(parts->tz, CLOCK_CENTRO_ZONE, err);
    if (o.centro == NULL) {
        log_warn("tz_unavailable", LOG_STR("code", err->code), LOG_STR("message", err->message));
        error_clear(err);
    }
    *out = app_new(&o);
    return 0;
}

void
cli_app_parts_free(struct cli_app_parts *parts)
{
    if (parts == NULL)
        return;
    evidence_ledger_free(parts->ledger);
    parts->ledger = NULL;
    MEM_FREE(parts->terms_text);
    tz_db_free(parts->tz);
    parts->tz = NULL;
}

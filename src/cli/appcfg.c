/* appcfg.c - the configured application context (see appcfg.h). */
#include "cli/appcfg.h"

#include "base/clockconf.h"
#include "base/log.h"
#include "core/clock.h"
#include "cli/cli.h"
#include "core/mem.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { TERMS_MAX = 1 << 20 };

int
cli_app_new(const struct config *cfg, struct store *store, struct crypto_trust *trust,
            struct evidence_ledger *ledger, struct cli_app_parts *parts, struct app **out,
            struct error *err)
{
    struct app_options o = {.store = store, .trust = trust, .ledger = ledger};
    struct clock_policy policy;
    const char *file = config_str(cfg, "terms", "file");
    size_t len = 0;

    memset(parts, 0, sizeof(*parts));
    *out = NULL;
    o.policy.challenge_ttl_s = config_int(cfg, "auth", "challenge_ttl_s");
    o.policy.session_idle_s = config_int(cfg, "auth", "session_idle_s");
    o.policy.session_max_s = config_int(cfg, "auth", "session_max_s");
    o.policy.max_failures = (unsigned)config_int(cfg, "auth", "max_failures");
    o.policy.failure_window_s = config_int(cfg, "auth", "failure_window_s");
    if (clockconf_policy(cfg, &policy, err) != 0)
        return -1;
    o.transitional_end = policy.transitional_end;

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
    o.clarification_unit = config_str(cfg, "mailbox", "clarification_unit");

    if (file[0] != '\0') {
        o.terms_version = config_str(cfg, "terms", "version");
        if (o.terms_version[0] == '\0')
            return error_set(err, "config_value",
                             "terms.file está definido pero falta terms.version");
        if (cli_read_file(file, TERMS_MAX, &parts->terms_text, &len, err) != 0)
            return -1;
        json_t *probe = json_stringn(parts->terms_text, len); /* NULL unless UTF-8 */

        if (probe == NULL || len == 0 || strlen(parts->terms_text) != len) {
            json_decref(probe);
            cli_app_parts_free(parts);
            return error_set(err, "config_value", "terms.file (%s) está vacío o no es texto UTF-8",
                             file);
        }
        json_decref(probe);
        o.terms_text = parts->terms_text;
        o.terms_len = len;
    }
    *out = app_new(&o);
    return 0;
}

void
cli_app_parts_free(struct cli_app_parts *parts)
{
    if (parts == NULL)
        return;
    MEM_FREE(parts->terms_text);
    tz_db_free(parts->tz);
    parts->tz = NULL;
}

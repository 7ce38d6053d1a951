/* appcfg.c - the configured application context (see appcfg.h). */
#include "cli/appcfg.h"

#include "base/clockconf.h"
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
    if (parts != NULL)
        MEM_FREE(parts->terms_text);
}

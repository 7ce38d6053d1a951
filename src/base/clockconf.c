/* clockconf.c - [clock] configuration keys into a struct clock_policy (see clockconf.h). */
#include "base/clockconf.h"

#include <string.h>

int
clockconf_policy(const struct config *cfg, struct clock_policy *policy, struct error *err)
{
    clock_policy_default(policy);
    for (const struct config_key *k = config_schema; k->section != NULL; k++) {
        if (strcmp(k->section, "clock") != 0)
            continue;
        if (clock_policy_set(policy, k->key, config_str(cfg, k->section, k->key), err) != 0) {
            error_prefix(err, "clock.");
            if (err != NULL)
                memcpy(err->code, "config_value", sizeof("config_value"));
            return -1;
        }
    }
    if (clock_policy_check(policy, err) != 0) {
        error_prefix(err, "clock: ");
        return -1;
    }
    return 0;
}

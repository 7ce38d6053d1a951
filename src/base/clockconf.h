/*
 * clockconf.h - the legal clock's policy from the [clock] section of the
 * configuration.
 *
 * The values are parsed by clock_policy_set (core/clock_policy.h), the same
 * parser as `buzon clock --policy`, so that a key means the same in a file, in
 * the environment and on the command line. A process that uses the clock calls
 * this once at start-up and stops on error.
 *
 * config_check sees the clock.* keys as plain strings (length only); every
 * `buzon` command calls this through cli_load_config, so a bad value still
 * stops the process at start-up.
 */
#ifndef BUZON_BASE_CLOCKCONF_H
#define BUZON_BASE_CLOCKCONF_H

#include "base/config.h"
#include "core/clock_policy.h"
#include "core/error.h"

/*
 * Fill policy (out) with the defaults, then every clock.* key of cfg (in).
 * Returns 0, or -1 with err (code "config_value", message naming clock.KEY, the
 * value and what is expected).
 */
int clockconf_policy(const struct config *cfg, struct clock_policy *policy, struct error *err);

#endif

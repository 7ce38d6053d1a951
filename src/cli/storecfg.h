/*
 * storecfg.h - opening the store described by a configuration's [store] section, for the
 * subcommands that need it (serve, migrate).
 */
#ifndef BUZON_CLI_STORECFG_H
#define BUZON_CLI_STORECFG_H

#include "base/config.h"
#include "store/store.h"

/*
 * Open the store of cfg (in): store.url, a relative sqlite: path under server.data_dir, pool
 * size and busy timeout from [store]. migrate (in) applies pending migrations. Returns 0 and
 * *out (caller closes with store_close) and *applied (out, may be NULL), or a negative store
 * status with err filled in Spanish.
 */
int cli_store_open(const struct config *cfg, bool migrate, struct store **out, int *applied,
                   struct error *err);

#endif

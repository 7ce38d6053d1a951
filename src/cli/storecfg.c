/* storecfg.c - open the configured store (see storecfg.h). */
#include "cli/storecfg.h"

int
cli_store_open(const struct config *cfg, bool migrate, struct store **out, int *applied,
               struct error *err)
{
    struct store_options opts = {0};

    opts.url = config_str(cfg, "store", "url");
    opts.data_dir = config_str(cfg, "server", "data_dir");
    opts.pool_size = (unsigned)config_int(cfg, "store", "pool_size");
    opts.busy_timeout_ms = (unsigned)config_int(cfg, "store", "busy_timeout_ms");
    opts.migrate = migrate;
    return store_open(&opts, out, applied, err);
}

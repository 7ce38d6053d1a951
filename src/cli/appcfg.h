/*
 * appcfg.h - the application context described by a configuration, for the subcommands that
 * run use cases (serve, worker): the [auth] policy, the contact validation policy, and the
 * evidence ledger of [evidence].
 */
#ifndef BUZON_CLI_APPCFG_H
#define BUZON_CLI_APPCFG_H

#include "app/app.h"
#include "base/config.h"
#include "evidence/ledger.h"
#include "store/store.h"

/*
 * Open the ledger of cfg's [evidence] seal on st into *ledger (out; NULL, with a warning
 * logged, when no seal is configured: use cases that issue receipts then answer
 * receipts_unavailable) and build the app for st, trust (may be NULL) and *ledger into *app
 * (out; app_free, then evidence_ledger_free). Returns 0, or -1 with err (a seal that is
 * configured but cannot be opened, a bad [clock] value).
 */
int cli_app_open(const struct config *cfg, struct store *st, struct crypto_trust *trust,
                 struct evidence_ledger **ledger, struct app **app, struct error *err);

#endif

/*
 * appcfg.h - the application context (app/app.h) as the configuration describes it, for the
 * subcommands that run use cases (serve, mailbox): the [auth] policy, the transitional
 * deadline of [clock], the terms of [terms], the unit of [mailbox].
 */
#ifndef BUZON_CLI_APPCFG_H
#define BUZON_CLI_APPCFG_H

#include "app/app.h"
#include "base/config.h"
#include "core/tz.h"

/* What the context borrows from the configuration and must outlive it. */
struct cli_app_parts {
    char *terms_text; /* heap: the text of terms.file, when set */
    struct tz_db *tz; /* the tz database, for Centro time */
};

/*
 * A new context over store, trust and ledger (borrowed; trust and ledger may be NULL) as cfg
 * (in) says, into *out (app_free), parts (out) released with cli_app_parts_free after it.
 * Returns 0, or -1 with err (terms.file unreadable or not UTF-8, terms.version missing). A tz
 * database that cannot be opened is logged and Centro time falls back to UTC-06:00.
 */
int cli_app_new(const struct config *cfg, struct store *store, struct crypto_trust *trust,
                struct evidence_ledger *ledger, struct cli_app_parts *parts, struct app **out,
                struct error *err);

void cli_app_parts_free(struct cli_app_parts *parts);

#endif

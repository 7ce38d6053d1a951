/*
 * appcfg.h - the application context (app/app.h) as the configuration describes it, for the
 * subcommands that run use cases (serve, worker, mailbox): the [auth] policy, contact
 * validation ([clock] contact_validation_hours, [contacts]), the transitional deadline of
 * [clock], the terms of [terms], the unit of [mailbox] and the evidence ledger of [evidence].
 */
#ifndef BUZON_CLI_APPCFG_H
#define BUZON_CLI_APPCFG_H

#include "app/app.h"
#include "base/config.h"
#include "core/tz.h"

#include <stdbool.h>

/* What the context borrows and must outlive it; released by cli_app_parts_free after app_free. */
struct cli_app_parts {
    struct evidence_ledger *ledger; /* NULL when no seal is configured or none was asked for */
    char *terms_text;               /* heap: the text of terms.file, when set */
    struct tz_db *tz;               /* the tz database, for Centro time */
    char public_url[600];           /* base of links in e-mails */
    char verification_base[512];    /* base of receipts' public verification URLs */
};

/*
 * A new context over store and trust (borrowed; trust may be NULL) as cfg (in) says, into
 * *out (app_free), parts (out) released with cli_app_parts_free after it. With with_ledger,
 * the [evidence] seal is opened (none configured: a warning is logged and acts that issue a
 * receipt answer receipts_unavailable). Returns 0, or -1 with err (a configured seal that
 * cannot be opened, a bad [clock] value, terms.file unreadable or not UTF-8, terms.version
 * missing). A tz database that cannot be opened is logged and Centro time falls back to
 * UTC-06:00.
 */
int cli_app_open(const struct config *cfg, struct store *store, struct crypto_trust *trust,
                 bool with_ledger, struct cli_app_parts *parts, struct app **out,
                 struct error *err);

/* Release parts (may be NULL): the ledger, the terms' text, the tz database. */
void cli_app_parts_free(struct cli_app_parts *parts);

#endif

/*
 * mailbox.h - a particular's mailbox: its summary (state, deadlines, contact means, terms),
 * the record created on first use, and the import of mailboxes enabled under the 2020 rules
 * (Lineamientos 5.1-5.4 and the first transitory article; legal-rules.md R30).
 *
 * The enable deadline is the last of the 180 natural days the first transitory article gives
 * from the Lineamientos' entry into force (R30: 1 February 2025, [clock] transitional_end).
 * Mailboxes enabled under the 2020 rules have the obligations of 5.1-5.3 met (5.4): the
 * import gives them the state enabled_2020 with their original date.
 *
 * Thread-safety: every function may run on any thread at once.
 */
#ifndef BUZON_APP_MAILBOX_H
#define BUZON_APP_MAILBOX_H

#include "app/app.h"
#include "app/authz.h"
#include "core/error.h"
#include "store/store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct app_mailbox_summary {
    char rfc[STORE_RFC_MAX + 1];
    enum store_mailbox_state state;
    int64_t enabled_at;      /* 0 when not enabled */
    int32_t enable_deadline; /* day number (core/civil.h) */
    int64_t days_left;       /* natural days from today (Centro) to the deadline; 0 after it */
    bool in_transitional;    /* today is within the 180 days */
    unsigned emails;         /* the RFC's own e-mails, not cancelled */
    bool mobile;             /* the RFC's own mobile, not cancelled */
    unsigned pending;        /* contact means waiting for confirmation */
    unsigned confirmed;
    int64_t validation_deadline;            /* earliest deadline of a pending one; 0 when none */
    char terms_version[STORE_CODE_MAX + 1]; /* the version offered now */
    int64_t terms_signed_at;                /* 0 when never signed */
};

/* "not_enabled", "contacts_registered", ... as in the API; NULL for an unknown state. */
const char *app_mailbox_state_name(enum store_mailbox_state st);

/*
 * The summary of the mailbox of rfc (in) as who (in) may see it (APP_ACTION_MAILBOX_READ),
 * into out (out). A particular reads its own in one read transaction; staff and systems
 * read any, and the read is recorded in the audit log in the same transaction. An RFC with
 * no record yet reads as not_enabled. Returns 0, or -1 / a negative store status with err.
 */
int app_mailbox_summary(struct app *a, const struct app_actor *who, const char *rfc,
                        const char *request_id, struct app_mailbox_summary *out, struct error *err);

/*
 * The particular of rfc (in) inside tx, created when absent (kind from the RFC's length, zone
 * America/Mexico_City, the enable deadline of the first transitory article, name (in, may be
 * NULL) as its e.firma certificate gives it) at now. Fills *out. Returns a store status with
 * err.
 */
int app_particular_ensure(struct app *a, struct store_tx *tx, const char *rfc, const char *name,
                          int64_t now, struct store_particular *out, struct error *err);

/* One row of the 2020 import: the RFC as validated, the original enabling date, a name. */
struct app_import_row {
    char rfc[STORE_RFC_MAX + 1];
    int32_t enabled_date; /* day number */
    char name[STORE_NAME_MAX + 1];
    long line;
};

struct app_import_result {
    size_t rows;      /* rows read */
    size_t imported;  /* set to enabled_2020 now (new or changed) */
    size_t unchanged; /* already enabled_2020 with that date: nothing to do */
    size_t enabled;   /* already enabled under the current rules: left as they are */
};

/*
 * Read and check the CSV in (in): `rfc,enabled_date[,name]` per line (UTF-8, a header line
 * allowed, empty lines ignored). Every RFC is validated with core/ident (a generic RFC is
 * refused), every date is YYYY-MM-DD within the 2020 rules' life (from 9 July 2020 to the
 * Lineamientos' entry into force), an RFC appears once. On the first bad row returns -1 with
 * err naming its line (code "import_row_invalid") and *rows is NULL. Otherwise 0 with *rows
 * (out, heap, caller frees) and *n. progress (may be NULL) gets a line every 10000 rows.
 */
int app_import_2020_parse(struct app *a, FILE *in, struct app_import_row **rows, size_t *n,
                          FILE *progress, struct error *err);

/*
 * Apply rows (in) for who (APP_ACTION_IMPORT_2020) in one transaction: all or nothing.
 * Running it again with the same rows changes nothing. Fills *res (out). Returns 0, or -1 /
 * a negative store status with err.
 */
int app_import_2020_apply(struct app *a, const struct app_actor *who,
                          const struct app_import_row *rows, size_t n, FILE *progress,
                          struct app_import_result *res, struct error *err);

/* The date in Centro time of instant now (microseconds), as a day number. */
int32_t app__date_centro(const struct app *a, int64_t now);

/* The instant (microseconds) at which date (a day number) begins in Centro time. */
int64_t app__midnight_centro(const struct app *a, int32_t date);

#endif

/*
 * issue_receipt - issues one receipt (a contact validation, Lineamientos 5.2) for an RFC into
 * the store of a data directory, through the evidence ledger, as the enablement use cases do;
 * for the HTTP tests that read receipts back (test only).
 *
 *   issue_receipt DATA_DIR SEAL_CERT SEAL_KEY RFC
 *
 * Prints the folio on stdout; exit 0 on success.
 */
#include "evidence/ledger.h"
#include "evidence/receipt.h"
#include "store/store.h"

#include <stdio.h>
#include <time.h>

int
main(int argc, char **argv)
{
    struct store_options opts = {.url = "sqlite:buzon.db", .migrate = true};
    struct evidence_ledger *l = NULL;
    struct evidence_receipt r = {0};
    struct evidence_sealed sealed = {0};
    struct store *st = NULL;
    struct error err = {0};
    struct timespec ts;
    int64_t now;
    int rc = 1;

    if (argc != 5) {
        fprintf(stderr, "uso: issue_receipt DATA_DIR SEAL_CERT SEAL_KEY RFC\n");
        return 2;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    opts.data_dir = argv[1];
    if (store_open(&opts, &st, NULL, &err) != STORE_OK ||
        evidence_ledger_open(st, argv[2], argv[3], NULL, &l, &err) != 0)
        goto out;

    evidence_receipt_init(&r, EVIDENCE_CONTACT_VALIDATION, argv[4], "America/Mexico_City");
    evidence_receipt_add_reference(&r, "medio", "correo electrónico");
    evidence_receipt_add_instant(&r, "validacion", now);
    if (evidence_issue(l, &r, 1, now, now, &sealed, &err) != 0)
        goto out;
    printf("%s\n", r.folio);
    rc = 0;

out:
    if (rc != 0)
        fprintf(stderr, "%s: %s (%s)\n", err.code, err.message, err.detail);
    evidence_sealed_cleanup(&sealed);
    evidence_receipt_cleanup(&r);
    evidence_ledger_free(l);
    store_close(st);
    return rc;
}

/*
 * receipt_bundle - prints the JSON bundle of a stored receipt (evidence_ledger_bundle), for
 * tests/http/contacts.py and enable.py to check with `buzon verify` (test only).
 *
 *   receipt_bundle STORE_URL DATA_DIR SEAL_CERT SEAL_KEY PASSWORD_FILE FOLIO
 *
 * Exit 0 with the bundle on stdout, 1 with the error on stderr.
 */
#include "evidence/ledger.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
    struct store_options so = {0};
    struct store *st = NULL;
    struct evidence_ledger *l = NULL;
    struct error err = {0};
    struct timespec ts;
    char *json = NULL;
    int rc = 1;

    if (argc != 7) {
        fprintf(stderr, "usage: receipt_bundle URL DATA_DIR CERT KEY PASSWORD_FILE FOLIO\n");
        return 2;
    }
    so.url = argv[1];
    so.data_dir = argv[2];
    clock_gettime(CLOCK_REALTIME, &ts);
    if (store_open(&so, &st, NULL, &err) != 0 ||
        evidence_ledger_open(st, argv[3], argv[4], argv[5], &l, &err) != 0 ||
        evidence_ledger_bundle(l, argv[6], (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, &json,
                               &err) != 0) {
        fprintf(stderr, "%s: %s (%s)\n", err.code, err.message, err.detail);
        goto out;
    }
    fputs(json, stdout);
    rc = 0;

out:
    free(json);
    evidence_ledger_free(l);
    store_close(st);
    return rc;
}

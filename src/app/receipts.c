/* receipts.c - a receipt's bundle and PDF for whoever may read it (receipts.h). */
#include "app/receipts.h"

#include "app/audit.h"
#include "core/mem.h"
#include "evidence/cadena.h"
#include "evidence/ledger.h"
#include "evidence/pdf.h"
#include "evidence/seal.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PDF_MAX = 16 << 20 };

struct read_ctx {
    struct app *a;
    const struct app_actor *who;
    const char *folio;
    const char *request_id;
    struct store_receipt r;
    bool audit; /* the read must be recorded before anything is handed out */
};

static int
not_own(struct error *err)
{
    return error_set(err, "not_own_mailbox",
                     "El recurso solicitado no existe o no corresponde a su buzón.");
}

/* Read the receipt and decide whether who may read it, and whether the read is recorded. */
static int
read_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct read_ctx *c = arg;
    struct app_target target = {0};
    int rc;

    store_receipt_cleanup(&c->r);
    rc = store_tx_store(tx)->ops->receipt_get(tx, c->folio, &c->r, err);
    if (rc == STORE_NOT_FOUND) {
        /* A particular cannot tell another's folio from one that does not exist. */
        if (c->who->kind == APP_ACTOR_PARTICULAR)
            return not_own(err);
        return error_set(err, "receipt_not_found", "no existe un acuse con el folio %s", c->folio);
    }
    if (rc != STORE_OK)
        return rc;

    target.rfc = c->r.rfc;
    return app_authorize(c->who, APP_ACTION_RECEIPT_READ, &target, &c->audit, err) != 0 ? -1 : 0;
}

static int
record_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct read_ctx *c = arg;
    char subject[STORE_KEY_MAX + 1];

    snprintf(subject, sizeof(subject), "receipt:%s", c->r.folio);
    return app_audit_record(tx, c->who, app_action_name(APP_ACTION_RECEIPT_READ), subject, c->r.rfc,
                            app_now(c->a), c->request_id, err);
}

/*
 * Record a staff or system read (Lineamientos 10) once what is read was built, and before it
 * is handed out: a read is never given without its event, nor recorded when it failed.
 */
static int
record_read(struct read_ctx *c, struct error *err)
{
    return c->audit ? store_run(c->a->store, STORE_TX_WRITE, record_tx, c, err) : 0;
}

static int
read_receipt(struct read_ctx *c, struct error *err)
{
    size_t len = c->folio != NULL ? strlen(c->folio) : 0;

    if (c->who == NULL)
        return error_set(err, "forbidden", "No tiene permiso para realizar esta acción.");
    if (len == 0 || len > STORE_FOLIO_MAX)
        return c->who->kind == APP_ACTOR_PARTICULAR
                   ? not_own(err)
                   : error_set(err, "receipt_not_found", "el folio no tiene la forma de un folio");
    if (c->a->ledger == NULL)
        return error_set(err, "receipts_unavailable",
                         "los acuses no están disponibles: el servidor no tiene configurado el "
                         "sello (evidence.seal_cert, evidence.seal_key)");

    return store_run(c->a->store, STORE_TX_READ, read_tx, c, err);
}

int
app_receipt_bundle(struct app *a, const struct app_actor *who, const char *folio,
                   const char *request_id, char **json, struct error *err)
{
    struct read_ctx c = {.a = a, .who = who, .folio = folio, .request_id = request_id};
    int rc = read_receipt(&c, err);

    *json = NULL;
    if (rc == 0)
        rc = evidence_ledger_bundle(a->ledger, folio, app_now(a), json, err);
    if (rc == 0 && record_read(&c, err) != 0) {
        free(*json);
        *json = NULL;
        rc = -1;
    }
    store_receipt_cleanup(&c.r);
    return rc;
}

/* Read the whole file at path into a heap buffer. */
static int
slurp(const char *path, unsigned char **out, size_t *len, struct error *err)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0, got;

    if (f == NULL)
        return error_set(err, "pdf_write", "no se pudo leer el PDF del acuse: %s", strerror(errno));
    do {
        if (n == cap) {
            cap = cap == 0 ? 65536 : cap * 2;
            buf = mem_realloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0 && n < PDF_MAX);
    fclose(f);
    *out = buf;
    *len = n;
    return 0;
}

int
app_receipt_pdf(struct app *a, const struct app_actor *who, const char *folio,
                const char *request_id, unsigned char **pdf, size_t *len, struct error *err)
{
    struct read_ctx c = {.a = a, .who = who, .folio = folio, .request_id = request_id};
    struct evidence_receipt r = {0};
    const char *tmp = getenv("TMPDIR");
    char path[1024];
    char url[1024];
    int rc = read_receipt(&c, err), fd = -1;

    *pdf = NULL;
    *len = 0;
    if (rc != 0)
        goto out;
    rc = evidence_cadena_parse(c.r.cadena, &r, err);
    if (rc != 0)
        goto out;

    /* cairo writes to a file: a private temporary one (mode 0600), removed at once. */
    snprintf(path, sizeof(path), "%s/buzon-acuse-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    fd = mkstemp(path);
    if (fd < 0) {
        rc = error_set(err, "pdf_write", "no se pudo crear un archivo temporal: %s",
                       strerror(errno));
        goto out;
    }
    close(fd);
    evidence_verification_url(a->verification_base, c.r.folio, c.r.sello, url, sizeof(url));
    rc = evidence_pdf_write(&r, c.r.cadena, c.r.sello, url, path, err);
    if (rc == 0)
        rc = slurp(path, pdf, len, err);
    unlink(path);
    if (rc == 0 && record_read(&c, err) != 0) {
        free(*pdf);
        *pdf = NULL;
        *len = 0;
        rc = -1;
    }

out:
    evidence_receipt_cleanup(&r);
    store_receipt_cleanup(&c.r);
    return rc;
}

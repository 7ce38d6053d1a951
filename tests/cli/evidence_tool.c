/*
 * evidence_tool - builds, seals and bundles receipts for the tests of `buzon verify` (test
 * only; the server seals receipts through app and the store).
 *
 *   evidence_tool receipts CERT KEY PASSWORD_FILE OUTDIR COUNT
 *       seals COUNT receipts (every kind in turn) into an in-memory log and writes
 *       OUTDIR/receipt-I.json for each, OUTDIR/receipt-0.pdf, OUTDIR/head-half.json (a head
 *       signed after COUNT/2 receipts), OUTDIR/head-full.json (after all, with its
 *       consistency proof from COUNT/2) and OUTDIR/receipt-early-head.json (the last
 *       receipt proved against a head signed just before it was issued).
 *   evidence_tool forge CERT KEY PASSWORD_FILE OUTDIR OLD NEW rewrite|drop INDEX
 *       writes OUTDIR/head-old.json, an honest head of OLD leaves, then rewrites or drops leaf
 *       INDEX as someone with access to the database could, appends up to NEW leaves, and
 *       writes OUTDIR/head-new.json, re-signed with the seal key, with the consistency proof
 *       the forged log yields.
 *
 * PASSWORD_FILE may be "-" for an unencrypted key. Exit 0 on success.
 */
#include "core/mem.h"
#include "crypto/merkle.h"
#include "evidence/bundle.h"
#include "evidence/pdf.h"
#include "evidence/receipt.h"
#include "evidence/seal.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char url_base[] = "https://buzon.imss.gob.mx/verificar";

static int64_t
now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "no se pudo escribir %s\n", path);
        return -1;
    }
    return 0;
}

/* A receipt of kind k carrying what its kind requires, with values that need escaping. */
static void
sample_receipt(struct evidence_receipt *r, enum evidence_kind k, uint64_t seq, int64_t t)
{
    const struct evidence_kind_spec *spec = evidence_kind_spec(k);
    uint8_t sha[32];

    evidence_receipt_init(r, k, seq % 2 ? "AAA010101AAA" : "PEÑA800101AB1",
                          seq % 3 ? "America/Tijuana" : "America/Mexico_City");
    folio_encode(2026, seq, r->folio, NULL);
    for (int i = 0; spec->references[i] != NULL; i++)
        evidence_receipt_add_reference(r, spec->references[i],
                                       i == 0 ? "Solicitud  de\tdevolución | pago \\ 2026 "
                                              : "contacto@ejemplo.mx");
    evidence_receipt_add_reference(r, "regla", "R12");
    for (int i = 0; spec->instants[i] != NULL; i++)
        evidence_receipt_add_instant(r, spec->instants[i], t - 60000000 + i * 1000);
    for (int i = 0; i < spec->min_documents + 1; i++) {
        memset(sha, (int)(seq + (uint64_t)i), sizeof(sha));
        evidence_receipt_add_document(r, i == 0 ? "escrito.pdf" : "anexo 1.xml", sha);
    }
    if (spec->needs_signer)
        evidence_receipt_set_signer(r, "30001000000300023685");
}

/* Seal count receipts; keep the first (its PDF) and write every bundle after sth is signed. */
static int
make_receipts(struct evidence_sealer *s, const char *dir, int count)
{
    struct evidence_receipt *r = calloc((size_t)count, sizeof(*r));
    struct evidence_sealed *sealed = calloc((size_t)count, sizeof(*sealed));
    struct merkle_tree_head half = {0}, full = {0};
    struct error err = {0};
    char *json = NULL, name[64], url[512];
    int rc = -1;

    for (int i = 0; i < count; i++) {
        int64_t t = now_us();

        sample_receipt(&r[i], (enum evidence_kind)(i % EVIDENCE_KIND_COUNT), (uint64_t)i, t);
        if (evidence_seal(s, &r[i], t, &sealed[i], &err) != 0)
            goto out;
        if (i + 1 == count / 2 && evidence_sealer_tree_head(s, now_us(), &half, &err) != 0)
            goto out;
    }
    if (evidence_sealer_tree_head(s, now_us(), &full, &err) != 0)
        goto out;

    for (int i = 0; i < count; i++) {
        if (evidence_bundle_make(s, &r[i], &sealed[i], &full, &json, &err) != 0)
            goto out;
        snprintf(name, sizeof(name), "receipt-%d.json", i);
        if (write_file(dir, name, json) != 0)
            goto out;
        MEM_FREE(json);
    }
    /* A head whose instant precedes the last receipt: what a back-dated head looks like. */
    merkle_tree_head_cleanup(&full);
    if (evidence_sealer_tree_head(s, r[count - 1].issued_us - 1, &full, &err) != 0 ||
        evidence_bundle_make(s, &r[count - 1], &sealed[count - 1], &full, &json, &err) != 0 ||
        write_file(dir, "receipt-early-head.json", json) != 0)
        goto out;
    MEM_FREE(json);
    merkle_tree_head_cleanup(&full);
    if (evidence_sealer_tree_head(s, now_us(), &full, &err) != 0)
        goto out;

    evidence_verification_url(url_base, r[0].folio, sealed[0].sello, url, sizeof(url));
    snprintf(name, sizeof(name), "%s/receipt-0.pdf", dir);
    if (evidence_pdf_write(&r[0], sealed[0].cadena, sealed[0].sello, url, name, &err) != 0 ||
        write_file(dir, "receipt-0.url", url) != 0)
        goto out;

    if (evidence_tree_head_make(&half, evidence_sealer_cert(s), NULL, 0, &json, &err) != 0 ||
        write_file(dir, "head-half.json", json) != 0)
        goto out;
    MEM_FREE(json);
    if (evidence_tree_head_make(&full, evidence_sealer_cert(s), evidence_sealer_log(s), half.size,
                                &json, &err) != 0 ||
        write_file(dir, "head-full.json", json) != 0)
        goto out;
    rc = 0;

out:
    if (rc != 0 && err.code[0] != '\0')
        fprintf(stderr, "%s: %s\n", err.code, err.message);
    free(json);
    for (int i = 0; i < count; i++) {
        evidence_receipt_cleanup(&r[i]);
        evidence_sealed_cleanup(&sealed[i]);
    }
    free(r);
    free(sealed);
    merkle_tree_head_cleanup(&half);
    merkle_tree_head_cleanup(&full);
    return rc;
}

/* Seal receipts 0..n-1 into s; the one at index changed is altered, the one at dropped
 * omitted (both -1 for an honest log). */
static int
fill_log(struct evidence_sealer *s, int64_t t0, int from, int n, int changed, int dropped,
         struct error *err)
{
    for (int i = from; i < n; i++) {
        struct evidence_receipt r;
        struct evidence_sealed sealed;
        int rc;

        if (i == dropped)
            continue;
        sample_receipt(&r, (enum evidence_kind)(i % EVIDENCE_KIND_COUNT), (uint64_t)i, t0 + i);
        if (i == changed) /* back-dated by a day */
            r.instants[0].utc_us -= INT64_C(86400000000);
        rc = evidence_seal(s, &r, t0 + i, &sealed, err);
        evidence_receipt_cleanup(&r);
        evidence_sealed_cleanup(&sealed);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int
write_head(struct evidence_sealer *s, uint64_t from, const char *dir, const char *name,
           struct error *err)
{
    struct merkle_tree_head sth;
    char *json = NULL;
    int rc = -1;

    if (evidence_sealer_tree_head(s, now_us(), &sth, err) != 0)
        return -1;
    if (evidence_tree_head_make(&sth, evidence_sealer_cert(s), evidence_sealer_log(s), from, &json,
                                err) == 0)
        rc = write_file(dir, name, json);
    free(json);
    merkle_tree_head_cleanup(&sth);
    return rc;
}

static int
forge(char **argv, const char *password)
{
    struct merkle_store *honest_store = merkle_memstore_new();
    struct merkle_store *forged_store = merkle_memstore_new();
    struct evidence_sealer *honest = NULL, *forged = NULL;
    int old_n = (int)strtol(argv[6], NULL, 10), new_n = (int)strtol(argv[7], NULL, 10),
        index = (int)strtol(argv[9], NULL, 10);
    int drop = strcmp(argv[8], "drop") == 0;
    int64_t t0 = now_us();
    struct error err = {0};
    int rc = -1;

    if (evidence_sealer_new(argv[2], argv[3], password, honest_store, 0, &honest, &err) != 0 ||
        evidence_sealer_new(argv[2], argv[3], password, forged_store, 0, &forged, &err) != 0)
        goto out;
    if (fill_log(honest, t0, 0, old_n, -1, -1, &err) != 0 ||
        write_head(honest, 0, argv[5], "head-old.json", &err) != 0 ||
        fill_log(honest, t0, old_n, new_n, -1, -1, &err) != 0 ||
        write_head(honest, (uint64_t)old_n, argv[5], "head-honest.json", &err) != 0)
        goto out;
    if (fill_log(forged, t0, 0, new_n, drop ? -1 : index, drop ? index : -1, &err) != 0 ||
        write_head(forged, (uint64_t)old_n, argv[5], "head-new.json", &err) != 0)
        goto out;
    rc = 0;

out:
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", err.code, err.message);
    evidence_sealer_free(honest);
    evidence_sealer_free(forged);
    merkle_memstore_free(honest_store);
    merkle_memstore_free(forged_store);
    return rc;
}

int
main(int argc, char **argv)
{
    struct merkle_store *store = NULL;
    struct evidence_sealer *s = NULL;
    struct error err = {0};
    const char *password;
    int rc = 1;

    if (argc < 7 || (strcmp(argv[1], "forge") == 0 && argc != 10)) {
        fprintf(stderr, "uso: evidence_tool receipts|forge CERT KEY PASSWORD_FILE OUTDIR ...\n");
        return 2;
    }
    password = strcmp(argv[4], "-") == 0 ? NULL : argv[4];
    if (strcmp(argv[1], "forge") == 0)
        return forge(argv, password) == 0 ? 0 : 1;

    store = merkle_memstore_new();
    if (evidence_sealer_new(argv[2], argv[3], password, store, 0, &s, &err) != 0)
        fprintf(stderr, "%s: %s\n", err.code, err.message);
    else if (make_receipts(s, argv[5], (int)strtol(argv[6], NULL, 10)) == 0)
        rc = 0;
    evidence_sealer_free(s);
    merkle_memstore_free(store);
    /* Release the font caches so that the leak checker sees only our own allocations. */
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    return rc;
}

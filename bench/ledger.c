/*
 * bench_ledger - receipts issued per second through the store (one durable transaction each:
 * folio, cadena, sello, leaf and nodes, row, commit) beside the same store's rate of bare
 * durable write transactions measured in the same run, and bundles (proofs read from the
 * stored log) per second.
 *
 * The bare transaction allocates one folio number and commits: its rate is the ceiling the
 * fsync at every commit sets (docs/storage.md, "Durability"); issuing adds the RSA-2048 sello
 * and the log's rows to it.
 *
 * Usage: bench_ledger [SECONDS_PER_PHASE] [STORE_URL]   (defaults 3 and a temporary SQLite)
 * The seal is SAT's public test CSD (BUZON_TEST_DATA/fixtures/sat, by default tests/ of the
 * source root, run from there). Build without sanitizers for meaningful figures:
 * meson setup build && ninja -C build.
 */
#include "crypto/sign.h"
#include "evidence/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t
wall_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
die(const char *what, const struct error *err)
{
    fprintf(stderr, "bench_ledger: %s: %s %s\n", what, err->code, err->message);
    exit(1);
}

/* The first line of path into buf, without its line break. */
static int
read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");

    if (f == NULL || fgets(buf, (int)len, f) == NULL) {
        if (f != NULL)
            fclose(f);
        return -1;
    }
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int
bare_fn(struct store_tx *tx, void *arg, struct error *err)
{
    int64_t seq;

    (void)arg;
    return store_tx_store(tx)->ops->folio_next(tx, 2000, &seq, err);
}

static void
receipt(struct evidence_receipt *r, long i)
{
    uint8_t sha[32];
    char ref[32];

    memset(sha, (int)(i & 0xff), sizeof(sha));
    snprintf(ref, sizeof(ref), "P-%ld", i);
    evidence_receipt_init(r, EVIDENCE_FILING_RECEIVED, "AAA010101AAA", "America/Mexico_City");
    evidence_receipt_add_reference(r, "servicio", "Aclaración de cédula de determinación");
    evidence_receipt_add_reference(r, "promocion", ref);
    evidence_receipt_add_instant(r, "recepcion", INT64_C(1559390400000000));
    evidence_receipt_add_instant(r, "recepcion_legal", INT64_C(1559390400000000));
    evidence_receipt_add_document(r, "escrito.pdf", sha);
    evidence_receipt_set_signer(r, "30001000000500003416");
}

int
main(int argc, char **argv)
{
    double seconds = argc > 1 ? strtod(argv[1], NULL) : 3.0, t0;
    const char *shared = getenv("BUZON_TEST_DATA") ? getenv("BUZON_TEST_DATA") : "tests";
    char dir[] = "/tmp/buzon-bench-ledger-XXXXXX", url[600], cert[512], key[512], pw[512];
    struct store_options opts = {.migrate = true, .pool_size = 1};
    struct evidence_ledger *l = NULL;
    struct store *s = NULL;
    struct error err = {0};
    long bare = 0, signs = 0, issued = 0, bundles = 0;
    struct crypto_key *k = NULL;
    double ceiling;
    char secret[128];

    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(url, sizeof(url), "%s", argc > 2 ? argv[2] : "sqlite:bench.db");
    snprintf(cert, sizeof(cert), "%s/fixtures/sat/CSD01_AAA010101AAA/certificate.cer", shared);
    snprintf(key, sizeof(key), "%s/fixtures/sat/CSD01_AAA010101AAA/private_key.key", shared);
    snprintf(pw, sizeof(pw), "%s/fixtures/sat/CSD01_AAA010101AAA/password.txt", shared);
    opts.url = url;
    opts.data_dir = dir;
    if (store_open(&opts, &s, NULL, &err) != STORE_OK)
        die("store_open", &err);
    if (evidence_ledger_open(s, cert, key, pw, &l, &err) != 0)
        die("ledger", &err);

    for (t0 = now_s(); now_s() - t0 < seconds; bare++)
        if (store_run(s, STORE_TX_WRITE, bare_fn, NULL, &err) != STORE_OK)
            die("bare", &err);
    printf("store: %.0f bare durable write transactions/s (%s)\n", bare / seconds, s->ops->name);

    /* The sello alone: the seal key signing a cadena-sized text, through crypto/sign.h. */
    if (read_line(pw, secret, sizeof(secret)) != 0 || crypto_key_load(key, secret, &k, &err) != 0)
        die("key", &err);
    for (t0 = now_s(); now_s() - t0 < seconds; signs++) {
        char *b64 = NULL;

        if (crypto_sign(k, url, sizeof(url), &b64, &err) != 0)
            die("sign", &err);
        free(b64);
    }
    crypto_key_free(k);
    /* One after the other in each receipt: the ceiling is the harmonic sum of both rates. */
    ceiling = 1.0 / (seconds / (double)bare + seconds / (double)signs);
    printf("crypto: %.0f RSA-2048 sellos/s; ceiling for sign + commit in series: %.0f/s\n",
           signs / seconds, ceiling);

    for (t0 = now_s(); now_s() - t0 < seconds; issued++) {
        struct evidence_receipt r;
        struct evidence_sealed sealed;

        receipt(&r, issued);
        if (evidence_issue(l, &r, issued + 1, r.instants[0].utc_us, wall_us(), &sealed, &err))
            die("issue", &err);
        evidence_sealed_cleanup(&sealed);
        evidence_receipt_cleanup(&r);
    }
    printf("ledger: %.0f receipts issued/s, one transaction each (%.0f%% of the ceiling)\n",
           issued / seconds, 100.0 * (double)issued / seconds / ceiling);

    for (t0 = now_s(); now_s() - t0 < seconds; bundles++) {
        char folio[FOLIO_MAX], *json = NULL;

        folio_encode((unsigned)evidence__issue_year(wall_us()), (uint64_t)(rand() % issued), folio,
                     NULL);
        if (evidence_ledger_bundle(l, folio, wall_us(), &json, &err) != 0)
            die("bundle", &err);
        free(json);
    }
    printf("ledger: %.0f bundles/s with inclusion proofs read from a log of %ld leaves\n",
           bundles / seconds, issued);

    evidence_ledger_free(l);
    store_close(s);
    if (argc <= 2) {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            return 1;
    }
    return 0;
}

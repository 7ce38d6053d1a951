/*
 * store.c - the store's throughput and latency beside the raw engine's, in the same run.
 *
 *   bench_store URL MAILBOXES NOTIFICATIONS [FILINGS] [READS]
 *
 * URL is sqlite:PATH or postgresql://... naming an empty database. The program loads
 * MAILBOXES particulars and NOTIFICATIONS notifications (plain SQL through the engine's own
 * client; not measured), then measures, each through the store and through the raw engine
 * with the same rows and the same durability (SQLite WAL + synchronous=FULL; PostgreSQL
 * synchronous_commit=on):
 *   1. FILINGS filings, each with three attachments, one transaction each (the durable write
 *      path a receipt waits on): store API against `sqlite3` running the same INSERTs /
 *      `pgbench -M prepared` with the same INSERTs;
 *   2. READS mailbox pages (a random mailbox's newest 20 notifications): store API against
 *      the same SELECT through `sqlite3 .timer` / `pgbench -l`.
 * NOTIFICATIONS 0 skips the load and FILINGS 0 the inserts, to measure reads again on a
 * database loaded before. Run by hand (docs/performance.md), with a release build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/sha256.h"
#include "store/store.h"

enum { T0_S = 1704067200 };                             /* 2024-01-01T00:00:00Z */
static const int64_t span_us = 730LL * 86400 * 1000000; /* 24 months of notifications */

static const char *url;
static bool is_sqlite;
static char tmpdir[] = "/tmp/buzon-bench-XXXXXX";
static uint8_t att_sha[3][32], doc_sha[32];
static char att_hex[3][65], doc_hex[65];

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const struct error *err)
{
    fprintf(stderr, "bench: %s: %s %s\n", what, err ? err->message : "", err ? err->detail : "");
    exit(1);
}

static void
shell(const char *cmd)
{
    if (system(cmd) != 0) {
        fprintf(stderr, "bench: failed: %s\n", cmd);
        exit(1);
    }
}

/* Run sql (a file's content) with the engine's client. */
static void
run_sql_file(const char *path)
{
    char cmd[1024];

    if (is_sqlite)
        snprintf(cmd, sizeof(cmd), "sqlite3 -bail '%s' < '%s' > /dev/null", url + 7, path);
    else
        snprintf(cmd, sizeof(cmd), "psql -q -X -v ON_ERROR_STOP=1 '%s' -f '%s' > /dev/null", url,
                 path);
    shell(cmd);
}

static void
hex_literal(const char *hex, char *out, size_t size)
{
    snprintf(out, size, is_sqlite ? "X'%s'" : "'\\x%s'::bytea", hex);
}

static void
load(long mailboxes, long notifications)
{
    char path[256], doc[160];
    FILE *f;

    snprintf(path, sizeof(path), "%s/load.sql", tmpdir);
    f = fopen(path, "w");
    hex_literal(doc_hex, doc, sizeof(doc));
    if (is_sqlite) {
        fprintf(f,
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;\nBEGIN;\n"
                "INSERT INTO particulars (id, rfc, name, kind, legal_zone, mailbox_state, "
                "created_at, updated_at) WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT "
                "i + 1 FROM c WHERE i < %ld) SELECT i, printf('B%%011d', i), 'Patrón ' || i, "
                "2, 'America/Mexico_City', 3, %lld, %lld FROM c;\n",
                mailboxes, (long long)T0_S * 1000000, (long long)T0_S * 1000000);
        fprintf(f,
                "INSERT INTO notifications (created_at, particular_id, type_code, subject, "
                "document_sha256, state) WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT "
                "i + 1 FROM c WHERE i < %ld) SELECT %lld + i * %lld, "
                "(i * 7919) %% %ld + 1, '7.6', 'Oficio ' || i, %s, 2 FROM c;\nCOMMIT;\n"
                "ANALYZE;\n",
                notifications, (long long)T0_S * 1000000, (long long)(span_us / notifications),
                mailboxes, doc);
    } else {
        fprintf(f, "SELECT buzon_ensure_partitions('notifications', %lld, 25);\n",
                (long long)T0_S * 1000000);
        fprintf(f,
                "INSERT INTO particulars (rfc, name, kind, legal_zone, mailbox_state, "
                "created_at, updated_at) SELECT 'B' || lpad(i::text, 11, '0'), 'Patrón ' || "
                "i, 2, 'America/Mexico_City', 3, %lld, %lld FROM generate_series(1, %ld) i;\n",
                (long long)T0_S * 1000000, (long long)T0_S * 1000000, mailboxes);
        fprintf(f,
                "INSERT INTO notifications (created_at, particular_id, type_code, subject, "
                "document_sha256, state) SELECT %lld + i * %lld, (i * 7919) %% %ld + 1, "
                "'7.6', 'Oficio ' || i, %s, 2 FROM generate_series(1::bigint, %ld) i;\n"
                "VACUUM ANALYZE;\n",
                (long long)T0_S * 1000000, (long long)(span_us / notifications), mailboxes, doc,
                notifications);
    }
    fclose(f);
    run_sql_file(path);
}

static void
put_blobs(struct store *s)
{
    struct store_tx *tx = NULL;
    struct error err = {0};
    char text[64];

    if (s->ops->begin(s, STORE_TX_WRITE, &tx, &err) != STORE_OK)
        die("begin", &err);
    for (int j = 0; j < 3; j++) {
        snprintf(text, sizeof(text), "anexo de prueba %d", j);
        if (s->ops->blob_put(tx, text, strlen(text), "application/pdf", att_sha[j], &err) != 0)
            die("blob_put", &err);
        sha256_hex(att_sha[j], att_hex[j]);
    }
    if (s->ops->blob_put(tx, "oficio", 6, "application/pdf", doc_sha, &err) != STORE_OK ||
        s->ops->commit(tx, &err) != STORE_OK)
        die("blob_put", &err);
    sha256_hex(doc_sha, doc_hex);
}

/* Store API: n filings with three attachments, one durable transaction each. */
static double
store_inserts(struct store *s, long n, long mailboxes)
{
    static char fields[] = "{\"asunto\":\"aclaración\"}";
    double t0 = now_s();

    for (long i = 0; i < n; i++) {
        struct store_filing f = {.particular_id = rand() % mailboxes + 1};
        struct store_attachment a[3] = {{0}};
        struct store_tx *tx = NULL;
        struct error err = {0};

        snprintf(f.service_code, sizeof(f.service_code), "6.1");
        f.fields_json = fields;
        snprintf(f.signature, sizeof(f.signature), "c2lnbmF0dXJl");
        snprintf(f.cert_number, sizeof(f.cert_number), "30001000000500003416");
        f.received_at = f.legal_received_at = 1720000000000000 + i;
        for (int j = 0; j < 3; j++) {
            a[j].ordinal = j;
            snprintf(a[j].name, sizeof(a[j].name), "anexo-%d.pdf", j);
            snprintf(a[j].media_type, sizeof(a[j].media_type), "application/pdf");
            a[j].size = 17;
            memcpy(a[j].sha256, att_sha[j], 32);
        }
        if (s->ops->begin(s, STORE_TX_WRITE, &tx, &err) != STORE_OK ||
            s->ops->filing_insert(tx, &f, a, 3, &err) != STORE_OK ||
            s->ops->commit(tx, &err) != STORE_OK)
            die("filing", &err);
    }
    return (double)n / (now_s() - t0);
}

static void
attachment_values(FILE *f, const char *filing_id)
{
    for (int j = 0; j < 3; j++) {
        char lit[160];
        hex_literal(att_hex[j], lit, sizeof(lit));
        fprintf(f,
                "INSERT INTO filing_attachments (filing_id, ordinal, name, media_type, size, "
                "sha256) VALUES (%s, %d, 'anexo-%d.pdf', 'application/pdf', 17, %s);\n",
                filing_id, j, j, lit);
    }
}

/* The raw engine: the same rows, one transaction each, same durability. */
static double
raw_inserts(long n, long mailboxes)
{
    char path[256], cmd[1024];
    double t0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/inserts.sql", tmpdir);
    f = fopen(path, "w");
    if (is_sqlite) {
        fprintf(f, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;\n");
        for (long i = 0; i < n; i++) {
            fprintf(f,
                    "BEGIN IMMEDIATE;\nINSERT INTO filings (particular_id, service_code, "
                    "fields_json, signature, cert_number, received_at, legal_received_at, "
                    "state) VALUES (%ld, '6.1', '{\"asunto\":\"aclaración\"}', "
                    "'c2lnbmF0dXJl', '30001000000500003416', %ld, %ld, 0);\n",
                    rand() % mailboxes + 1, 1720000000000000L + i, 1720000000000000L + i);
            attachment_values(f, "last_insert_rowid()");
            fprintf(f, "COMMIT;\n");
        }
        fclose(f);
        snprintf(cmd, sizeof(cmd), "sqlite3 -bail '%s' < '%s' > /dev/null", url + 7, path);
        t0 = now_s();
        shell(cmd);
        return (double)n / (now_s() - t0);
    }

    fprintf(f,
            "\\set pid random(1, %ld)\nBEGIN;\nINSERT INTO filings (particular_id, "
            "service_code, fields_json, signature, cert_number, received_at, "
            "legal_received_at, state) VALUES (:pid, '6.1', '{\"asunto\":\"aclaración\"}', "
            "'c2lnbmF0dXJl', '30001000000500003416', 1, 1, 0) RETURNING id AS fid \\gset\n",
            mailboxes);
    attachment_values(f, ":fid");
    fprintf(f, "END;\n");
    fclose(f);
    snprintf(cmd, sizeof(cmd), "pgbench -n -M prepared -c 1 -t %ld -f '%s' '%s' > /dev/null", n,
             path, url);
    t0 = now_s();
    shell(cmd);
    return (double)n / (now_s() - t0);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void
report_latency(const char *who, double *v, long n)
{
    double sum = 0;

    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    for (long i = 0; i < n; i++)
        sum += v[i];
    printf("  %-28s p50 %6.3f  p90 %6.3f  p99 %6.3f  p99.9 %6.3f  mean %6.3f ms (%ld pages)\n", who,
           v[n / 2] * 1e3, v[(n * 9) / 10] * 1e3, v[(n * 99) / 100] * 1e3,
           v[(n * 999) / 1000] * 1e3, sum / (double)n * 1e3, n);
}

static void
store_reads(struct store *s, long n, long mailboxes)
{
    double *lat = malloc((size_t)n * sizeof(*lat));

    /* A tenth more, untimed first, as a running server's cache would be warm. */
    for (long i = -n / 10; i < n; i++) {
        struct store_notification *page = NULL;
        struct store_tx *tx = NULL;
        struct error err = {0};
        size_t got = 0;
        double t0 = now_s();

        if (s->ops->begin(s, STORE_TX_READ, &tx, &err) != STORE_OK ||
            s->ops->notification_page(tx, rand() % mailboxes + 1, 0, 0, 20, &page, &got, &err) !=
                STORE_OK)
            die("page", &err);
        s->ops->rollback(tx);
        if (i >= 0)
            lat[i] = now_s() - t0;
        free(page);
    }
    report_latency("store (begin+page+end)", lat, n);
    free(lat);
}

static const char page_sql[] =
    "SELECT id, created_at, particular_id, type_code, issuer_staff_id, subject, "
    "document_sha256, state, aviso_sent_at, window_ends_at, opened_at, deemed_at, notified_at, "
    "effective_date, response_deadline FROM notifications WHERE particular_id = %s "
    "ORDER BY created_at DESC, id DESC LIMIT 20;\n";

/* The raw engine's own timing of the same query. */
static void
raw_reads(long n, long mailboxes)
{
    char path[256], cmd[1200], line[256];
    double *lat = malloc((size_t)n * sizeof(*lat));
    long got = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/reads.sql", tmpdir);
    f = fopen(path, "w");
    if (is_sqlite) {
        /* The CLI's .timer rounds to milliseconds: time the whole run for a mean instead. */
        double t0;
        for (long i = 0; i < n; i++) {
            char pid[32];
            snprintf(pid, sizeof(pid), "%ld", rand() % mailboxes + 1);
            fprintf(f, page_sql, pid);
        }
        fclose(f);
        snprintf(cmd, sizeof(cmd), "sqlite3 '%s' < '%s' > /dev/null", url + 7, path);
        t0 = now_s();
        shell(cmd);
        printf("  %-28s mean %7.3f ms over %ld pages, whole run incl. process start "
               "(the CLI times in whole ms)\n",
               "sqlite3 CLI", (now_s() - t0) / (double)n * 1e3, n);
    } else {
        fprintf(f, "\\set pid random(1, %ld)\n", mailboxes);
        fprintf(f, page_sql, ":pid");
        fclose(f);
        snprintf(cmd, sizeof(cmd),
                 "cd '%s' && pgbench -n -M prepared -c 1 -t %ld -l --log-prefix=reads -f '%s' "
                 "'%s' > /dev/null && cat reads.*",
                 tmpdir, n, path, url);
        f = popen(cmd, "r");
        while (got < n && fgets(line, sizeof(line), f) != NULL) {
            long client, tx, us;
            if (sscanf(line, "%ld %ld %ld", &client, &tx, &us) == 3)
                lat[got++] = (double)us / 1e6;
        }
        pclose(f);
        report_latency("pgbench (-M prepared, -l)", lat, got);
    }
    free(lat);
}

int
main(int argc, char **argv)
{
    struct store_options opts = {0};
    struct store *s = NULL;
    struct error err = {0};
    long mailboxes, notifications, filings, reads;
    double t0, store_rate = 0, raw_rate = 0;

    if (argc < 4) {
        fprintf(stderr, "uso: %s URL BUZONES NOTIFICACIONES [ACTUACIONES] [LECTURAS]\n", argv[0]);
        return 2;
    }
    url = argv[1];
    is_sqlite = strncmp(url, "sqlite:", 7) == 0;
    mailboxes = strtol(argv[2], NULL, 10);
    notifications = strtol(argv[3], NULL, 10);
    filings = argc > 4 ? strtol(argv[4], NULL, 10) : 2000;
    reads = argc > 5 ? strtol(argv[5], NULL, 10) : 10000;
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    srand(42);

    opts.url = url;
    opts.migrate = true;
    opts.pool_size = 1;
    if (store_open(&opts, &s, NULL, &err) != STORE_OK)
        die("store_open", &err);
    put_blobs(s);

    printf("store bench: %s, %ld mailboxes, %ld notifications\n", s->ops->name, mailboxes,
           notifications);
    if (notifications > 0) {
        t0 = now_s();
        load(mailboxes, notifications);
        printf("  load (engine's client, not measured against anything): %.1f s\n", now_s() - t0);
    }

    /* Alternate the two in rounds: fsync latency on a shared machine drifts over seconds,
     * and alternating spreads the drift over both instead of favouring one. */
    if (filings > 0) {
        double store_s = 0, raw_s = 0;
        long chunk = filings / 10 > 0 ? filings / 10 : 1;
        for (long done = 0; done < filings; done += chunk) {
            store_s += (double)chunk / store_inserts(s, chunk, mailboxes);
            raw_s += (double)chunk / raw_inserts(chunk, mailboxes);
        }
        filings = (filings + chunk - 1) / chunk * chunk;
        store_rate = (double)filings / store_s;
        raw_rate = (double)filings / raw_s;
    }
    if (filings > 0) {
        printf("filings with 3 attachments, one durable transaction each (%ld, alternating in "
               "rounds of a tenth):\n",
               filings);
        printf("  store API %8.0f tx/s   raw engine %8.0f tx/s   ratio %3.0f%%\n", store_rate,
               raw_rate, 100.0 * store_rate / raw_rate);
    }

    printf("mailbox page (newest 20 of one random mailbox):\n");
    store_reads(s, reads, mailboxes);
    raw_reads(reads, mailboxes);

    store_close(s);
    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
        shell(cmd);
    }
    return 0;
}

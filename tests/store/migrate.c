/*
 * migrate.c - a database made by an older program, with data in it, migrated by this one
 * (docs/storage.md, "Migrations"; "Receipt kinds"), on the backend named by the first argument.
 *
 * The old database is built from the migration files of the source tree up to OLD_VERSION with
 * the engine's own client, and filled with SQL as that program would have left it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "store/store.h"

enum { OLD_VERSION = 5, OLD_KINDS = 9 };

static const char *backend;

/* The kind codes of the cadena (docs/receipts.md) of the old store kinds 1..9. */
static const char *const old_codes[OLD_KINDS + 1] = {
    "",
    "registro_medios_contacto",
    "validacion_medio_contacto",
    "firma_terminos",
    "promocion_recibida",
    "aviso_enviado",
    "notificacion_abierta",
    "notificacion_sin_apertura",
    "publicacion_estrados",
    "autorizacion_otorgada",
};

struct fixture {
    char url[512], dir[256];
    int newer; /* migration files above OLD_VERSION */
};

#define OK(call)                                                                          \
    do {                                                                                  \
        struct error e_ = {0};                                                            \
        int rc_ = (call);                                                                 \
        if (rc_ != STORE_OK)                                                              \
            fail_msg("%s = %d: %s: %s (%s)", #call, rc_, e_.code, e_.message, e_.detail); \
    } while (0)
#define ERR(e_) (&e_)

static bool
is_sqlite(const struct fixture *f)
{
    return strncmp(f->url, "sqlite:", 7) == 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int
is_migration(const struct dirent *d)
{
    size_t n = strlen(d->d_name);

    return n > 9 && strcmp(d->d_name + n - 4, ".sql") == 0;
}

/* Apply the source tree's migrations up to OLD_VERSION and record them as the runner does. */
static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct dirent **files = NULL;
    char dir[512], path[1024], record[256];
    int n;

    if (harness_fresh(backend, "migrate", f->url, sizeof(f->url), f->dir, sizeof(f->dir)) != 0)
        return -1;
    snprintf(dir, sizeof(dir), "%s/src/store/%s/migrations", getenv("BUZON_SOURCE_ROOT"),
             is_sqlite(f) ? "sqlite" : "postgres");
    n = scandir(dir, &files, is_migration, by_name);
    assert_true(n > OLD_VERSION);
    assert_int_equal(harness_sql(f->url, "CREATE TABLE schema_migrations (version BIGINT "
                                         "PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT "
                                         "NOT NULL)"),
                     0);
    for (int i = 0; i < n; i++) {
        int version = atoi(files[i]->d_name);

        if (version > OLD_VERSION) {
            f->newer++;
        } else {
            snprintf(path, sizeof(path), "%s/%s", dir, files[i]->d_name);
            assert_int_equal(harness_sql_file(f->url, path), 0);
            snprintf(record, sizeof(record), "INSERT INTO schema_migrations VALUES (%d, '%.*s', 0)",
                     version, (int)strlen(files[i]->d_name) - 4, files[i]->d_name);
            assert_int_equal(harness_sql(f->url, record), 0);
        }
        free(files[i]);
    }
    free(files);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    harness_cleanup(f->dir);
    free(f);
    return 0;
}

/* The answer of a one-value query. */
static void
query_is(const struct fixture *f, const char *sql, const char *want)
{
    char got[4096];

    if (harness_query(f->url, sql, got, sizeof(got)) != 0)
        fail_msg("query failed: %s", sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", sql, got, want);
}

static void
sql_ok(const struct fixture *f, const char *sql)
{
    if (harness_sql(f->url, sql) != 0)
        fail_msg("SQL failed: %s", sql);
}

/* Receipt i (1..11) as the old program stored it: ids with gaps, so that keeping them shows. */
static int64_t
old_id(int i)
{
    return 1000 + 7 * i;
}

static int
old_kind(int i)
{
    return i <= OLD_KINDS ? i : 4; /* 10: a request for guidance; 11: a filing */
}

static void
old_cadena(int i, char *out, size_t size)
{
    if (i <= OLD_KINDS)
        snprintf(out, size, "||1|OLD-%02d|%s|CRA010101AAA|0|0||", i, old_codes[i]);
    else if (i == 10)
        snprintf(out, size, "||1|OLD-10|solicitud_aclaracion|CRA010101AAA|0|1|tema|rfc||");
    else /* the request's code as a value of a filing's reference: still a filing */
        snprintf(out, size,
                 "||1|OLD-11|promocion_recibida|CRA010101AAA|0|1|servicio|"
                 "solicitud_aclaracion||");
}

/* Receipts of every old kind, a leaf for each, and two pending marks, at OLD_VERSION. */
static void
fill_old_database(const struct fixture *f)
{
    const char *hash = is_sqlite(f) ? "zeroblob(32)" : "decode(repeat('00', 32), 'hex')";
    char sql[1024], cadena[256];

    for (int i = 1; i <= 11; i++) {
        old_cadena(i, cadena, sizeof(cadena));
        snprintf(sql, sizeof(sql),
                 "INSERT INTO receipts (id, folio, kind, rfc, subject_id, issued_at, legal_at, "
                 "cadena, sello, cert_number, leaf_index) VALUES (%lld, 'OLD-%02d', %d, "
                 "'CRA010101AAA', %d, 1, 1, '%s', 'c2VsbG8=', '00001000000500000001', %d)",
                 (long long)old_id(i), i, old_kind(i), 50 + i, cadena, i - 1);
        sql_ok(f, sql);
        snprintf(sql, sizeof(sql), "INSERT INTO merkle_leaves VALUES (%d, %s, %lld)", i - 1, hash,
                 (long long)old_id(i));
        sql_ok(f, sql);
    }
    sql_ok(f, "UPDATE merkle_state SET size = 11");
    if (!is_sqlite(f)) /* the identity goes on after the ids given, as it would have */
        sql_ok(f, "SELECT setval(pg_get_serial_sequence('receipts', 'id'), max(id)) FROM "
                  "receipts");
    sql_ok(f, "INSERT INTO receipt_pending (id, kind, subject_id, legal_at, created_at, "
              "request_json) VALUES (3, 4, 60, 1, 1, '{\"folio\":\"\",\"kind\":\"promocion_"
              "recibida\"}'), (8, 4, 61, 1, 1, '{\"folio\":\"\",\"kind\":\"solicitud_"
              "aclaracion\"}')");
}

static struct store *
open_migrating(const struct fixture *f, int *applied, struct error *err)
{
    struct store_options opts = {.url = f->url, .data_dir = f->dir, .migrate = true};
    struct store *s = NULL;

    return store_open(&opts, &s, applied, err) == STORE_OK ? s : NULL;
}

/* -------------------------------------------------------------------------------------- */

static void
receipts_of_every_old_kind_keep_their_ids_leaves_and_keys(void **state)
{
    struct fixture *f = *state;
    struct store_receipt r = {0}, got;
    struct store_tx *tx = NULL;
    struct error err = {0};
    uint8_t leaf[32] = {0};
    char sql[1024], cadena[256], want[64];
    int applied = -1, dbv = 0, progv = 0;
    int64_t idx = -1;
    struct store *s;

    fill_old_database(f);
    s = open_migrating(f, &applied, &err);
    if (s == NULL)
        fail_msg("store_open: %s: %s (%s)", err.code, err.message, err.detail);
    assert_int_equal(applied, f->newer);
    OK(store_schema_version(s, &dbv, &progv, ERR(e_)));
    assert_int_equal(dbv, progv);

    /* Every row, its id, its fields and its leaf; the request for guidance now under its kind. */
    query_is(f, "SELECT count(*) FROM receipts", "11");
    query_is(f, "SELECT count(*) FROM merkle_leaves", "11");
    for (int i = 1; i <= 11; i++) {
        int kind = i == 10 ? STORE_RECEIPT_CLARIFICATION : old_kind(i);

        old_cadena(i, cadena, sizeof(cadena));
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM receipts r JOIN merkle_leaves l ON l.receipt_id = r.id "
                 "WHERE r.id = %lld AND r.folio = 'OLD-%02d' AND r.kind = %d AND r.subject_id = "
                 "%d AND r.cadena = '%s' AND r.leaf_index = %d AND l.idx = %d",
                 (long long)old_id(i), i, kind, 50 + i, cadena, i - 1, i - 1);
        query_is(f, sql, "1");
    }
    query_is(f, "SELECT id, kind FROM receipt_pending ORDER BY id", "3|4\n8|10");
    if (is_sqlite(f)) {
        query_is(f, "PRAGMA foreign_key_check", "");
        query_is(f, "PRAGMA integrity_check", "ok");
        query_is(f,
                 "SELECT name FROM sqlite_schema WHERE tbl_name IN ('receipts', "
                 "'receipt_pending') AND type = 'index' AND sql IS NOT NULL ORDER BY name",
                 "receipt_pending_subject\nreceipts_subject");
    }

    /* Through the store, whose connections enforce foreign keys: a leaf or a receipt that
     * points at nothing is refused; the new kind is stored as itself. */
    OK(s->ops->begin(s, STORE_TX_WRITE, &tx, ERR(e_)));
    assert_int_equal(s->ops->merkle_append(tx, leaf, 999999, &idx, &err), STORE_INVALID);
    s->ops->rollback(tx);
    snprintf(r.rfc, sizeof(r.rfc), "CRA010101AAA");
    r.cadena = cadena;
    snprintf(r.sello, sizeof(r.sello), "c2VsbG8=");
    snprintf(r.cert_number, sizeof(r.cert_number), "00001000000500000001");
    r.leaf_index = -1;
    snprintf(r.folio, sizeof(r.folio), "NEW-11");
    r.kind = (enum store_receipt_kind)(STORE_RECEIPT_CLARIFICATION + 1);
    OK(s->ops->begin(s, STORE_TX_WRITE, &tx, ERR(e_)));
    assert_int_equal(s->ops->receipt_insert(tx, &r, &err), STORE_INVALID);
    s->ops->rollback(tx);
    snprintf(r.folio, sizeof(r.folio), "NEW-10");
    r.kind = STORE_RECEIPT_CLARIFICATION;
    OK(s->ops->begin(s, STORE_TX_WRITE, &tx, ERR(e_)));
    OK(s->ops->receipt_insert(tx, &r, ERR(e_)));
    OK(s->ops->merkle_append(tx, leaf, r.id, &idx, ERR(e_)));
    assert_int_equal(idx, 11);
    OK(s->ops->commit(tx, ERR(e_)));
    assert_true(r.id > old_id(11));

    OK(s->ops->begin(s, STORE_TX_READ, &tx, ERR(e_)));
    OK(s->ops->receipt_get(tx, "OLD-10", &got, ERR(e_)));
    assert_int_equal(got.id, old_id(10));
    assert_int_equal(got.kind, STORE_RECEIPT_CLARIFICATION);
    store_receipt_cleanup(&got);
    OK(s->ops->receipt_get(tx, "NEW-10", &got, ERR(e_)));
    assert_int_equal(got.kind, STORE_RECEIPT_CLARIFICATION);
    assert_int_equal(got.leaf_index, 11);
    store_receipt_cleanup(&got);
    s->ops->rollback(tx);
    store_close(s);

    snprintf(want, sizeof(want), "%d", progv);
    query_is(f, "SELECT max(version) FROM schema_migrations", want);
    if (is_sqlite(f))
        query_is(f, "PRAGMA foreign_key_check", "");
}

static void
a_dangling_reference_stops_the_migration_and_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct error err = {0};
    int applied = -1;
    char old_schema[4096];

    /* Only SQLite can hold one: its client does not enforce foreign keys; PostgreSQL always
     * does, and checks every row again when 0006 adds its key. */
    if (!is_sqlite(f))
        skip();
    fill_old_database(f);
    sql_ok(f, "INSERT INTO merkle_leaves VALUES (11, zeroblob(32), 424242)");
    assert_int_equal(harness_query(f->url,
                                   "SELECT group_concat(sql, ';') FROM sqlite_schema WHERE name IN "
                                   "('receipts', 'receipt_pending')",
                                   old_schema, sizeof(old_schema)),
                     0);

    assert_null(open_migrating(f, &applied, &err));
    assert_string_equal(err.code, "store_migration_check");
    assert_non_null(strstr(err.message, "merkle_leaves"));

    query_is(f,
             "SELECT group_concat(sql, ';') FROM sqlite_schema WHERE name IN ('receipts', "
             "'receipt_pending')",
             old_schema);
    query_is(f, "SELECT max(version) FROM schema_migrations", "5");
    query_is(f, "SELECT count(*) FROM sqlite_schema WHERE name = 'receipt_kinds'", "0");
    query_is(f, "SELECT count(*) FROM receipts WHERE kind = 4", "3");
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(receipts_of_every_old_kind_keep_their_ids_leaves_and_keys),
        T(a_dangling_reference_stops_the_migration_and_changes_nothing),
#undef T
    };
    char url[512], dir[256];

    if (argc < 2) {
        fprintf(stderr, "uso: %s sqlite|postgresql\n", argv[0]);
        return 2;
    }
    backend = argv[1];
    if (harness_fresh(backend, "probe", url, sizeof(url), dir, sizeof(dir)) != 0) {
        fprintf(stderr, "%s: no disponible (¿BUZON_TEST_PG_URL?); prueba omitida\n", backend);
        return HARNESS_SKIP;
    }
    harness_cleanup(dir);
    cmocka_set_message_output(CM_OUTPUT_STDOUT);
    return cmocka_run_group_tests_name(backend, tests, NULL, NULL);
}

/*
 * driver.c - the SQLite backend's driver (see store/impl.h).
 *
 * Each connection is used by one thread at a time (the pool hands it out for one transaction),
 * so SQLite's own mutexes are off (SQLITE_OPEN_NOMUTEX). Every connection runs in WAL mode with
 * synchronous=FULL: a commit returns only after the WAL is fsynced, because a receipt may be
 * handed out only after what it attests is durable (design.md section 7; docs/storage.md).
 * Statements are prepared once per connection and kept (SQLITE_PREPARE_PERSISTENT).
 */
#include "store/impl.h"

#include "core/mem.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

enum { TX_BEGIN_READ, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK, TX_N };

struct conn {
    sqlite3 *db;
    sqlite3_stmt *tx[TX_N]; /* transaction control, prepared once */
    sqlite3_stmt *stmts[STORE__MAX_QUERIES];
};

struct store__rows {
    struct conn *c;
    sqlite3_stmt *st;
};

/* Map an SQLite result code to a store status with a Spanish message. */
static int
map_error(sqlite3 *db, int rc, struct error *err)
{
    int status;

    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        error_set(err, "store_duplicate", "ya existe un registro con esa clave");
        status = STORE_DUPLICATE;
        break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        error_set(err, "store_foreign_key", "el registro hace referencia a otro que no existe");
        status = STORE_INVALID;
        break;
    case SQLITE_TOOBIG:
        error_set(err, "store_too_long", "un campo excede el tamaño permitido");
        status = STORE_INVALID;
        break;
    default:
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
            error_set(err, "store_invalid", "un campo tiene un valor no permitido");
            status = STORE_INVALID;
        } else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
            error_set(err, "store_conflict", "la base de datos está ocupada; inténtelo de nuevo");
            status = STORE_CONFLICT;
        } else {
            error_set(err, "store_error", "error de la base de datos");
            status = STORE_ERROR;
        }
    }
    error_detail(err, "sqlite %d: %s", rc, db != NULL ? sqlite3_errmsg(db) : "");
    return status;
}

static void
sq_disconnect(void *p)
{
    struct conn *c = p;

    if (c == NULL)
        return;
    for (int i = 0; i < STORE__MAX_QUERIES; i++)
        sqlite3_finalize(c->stmts[i]);
    for (int i = 0; i < TX_N; i++)
        sqlite3_finalize(c->tx[i]);
    sqlite3_close_v2(c->db);
    free(c);
}

static int
sq_connect(struct store__db *db, void **out, struct error *err)
{
    /* WAL lets readers run beside the one writer; FULL fsyncs the WAL at every commit. */
    static const char pragmas[] = "PRAGMA journal_mode = WAL;"
                                  "PRAGMA synchronous = FULL;"
                                  "PRAGMA foreign_keys = ON;"
                                  "PRAGMA trusted_schema = OFF;";
    struct conn *c = mem_calloc(1, sizeof(*c));
    int rc = sqlite3_open_v2(
        db->target, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);

    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(c->db, 1);
        sqlite3_busy_timeout(c->db, (int)db->busy_timeout_ms);
        rc = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
    }
    for (int i = 0; i < TX_N && rc == SQLITE_OK; i++) {
        static const char *const sql[TX_N] = {"BEGIN DEFERRED", "BEGIN IMMEDIATE", "COMMIT",
                                              "ROLLBACK"};
        rc = sqlite3_prepare_v3(c->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &c->tx[i], NULL);
    }
    if (rc != SQLITE_OK) {
        int status = map_error(c->db, rc, err);
        error_prefix(err, "no se pudo abrir la base de datos %s: ", db->target);
        sq_disconnect(c);
        return status == STORE_CONFLICT ? STORE_CONFLICT : STORE_ERROR;
    }
    *out = c;
    return STORE_OK;
}

static int
run_simple(struct conn *c, const char *sql, struct error *err)
{
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? STORE_OK : map_error(c->db, rc, err);
}

static int
step_tx(struct conn *c, int which, struct error *err)
{
    int rc = sqlite3_step(c->tx[which]);

    sqlite3_reset(c->tx[which]);
    return rc == SQLITE_DONE ? STORE_OK : map_error(c->db, rc, err);
}

static int
sq_begin(void *p, enum store_tx_mode mode, struct error *err)
{
    /* IMMEDIATE takes the write lock now, so that a writer waits at begin (busy timeout)
     * rather than failing at its first write after reading. */
    return step_tx(p, mode == STORE_TX_READ ? TX_BEGIN_READ : TX_BEGIN_WRITE, err);
}

static int
sq_commit(void *p, struct error *err)
{
    struct conn *c = p;
    int rc = step_tx(c, TX_COMMIT, err);

    if (rc != STORE_OK && !sqlite3_get_autocommit(c->db))
        step_tx(c, TX_ROLLBACK, NULL);
    return rc;
}

static void
sq_rollback(void *p)
{
    struct conn *c = p;

    if (!sqlite3_get_autocommit(c->db))
        step_tx(c, TX_ROLLBACK, NULL);
}

static int
bind_args(sqlite3_stmt *st, const struct store__arg *args, int n_args)
{
    int rc = SQLITE_OK;

    for (int i = 0; i < n_args && rc == SQLITE_OK; i++) {
        const struct store__arg *a = &args[i];
        switch (a->type) {
        case STORE__NULL:
            rc = sqlite3_bind_null(st, i + 1);
            break;
        case STORE__I64:
            rc = sqlite3_bind_int64(st, i + 1, a->i);
            break;
        case STORE__TEXT:
            rc = sqlite3_bind_text(st, i + 1, a->p, -1, SQLITE_STATIC);
            break;
        case STORE__BLOB:
            rc = sqlite3_bind_blob64(st, i + 1, a->p, a->len, SQLITE_STATIC);
            break;
        }
    }
    return rc;
}

static int
statement(struct conn *c, struct store__query *q, sqlite3_stmt **out, struct error *err)
{
    int id = store__query_id(q);
    int rc;

    if (c->stmts[id] == NULL) {
        /* SQLite numbers named parameters ($1) by first appearance; ?NNN is positional. */
        char *sql = mem_strdup(q->sql);
        for (char *p = sql; *p != '\0'; p++) {
            if (p[0] == '$' && p[1] >= '0' && p[1] <= '9')
                *p = '?';
        }
        rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->stmts[id], NULL);
        free(sql);
        if (rc != SQLITE_OK)
            return map_error(c->db, rc, err);
    }
    *out = c->stmts[id];
    return STORE_OK;
}

static int
sq_exec(void *p, struct store__query *q, const struct store__arg *args, int n_args,
        struct store__rows **rows, struct error *err)
{
    struct conn *c = p;
    sqlite3_stmt *st = NULL;
    int rc = statement(c, q, &st, err);

    if (rc != STORE_OK)
        return rc;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    rc = bind_args(st, args, n_args);
    if (rc != SQLITE_OK)
        return map_error(c->db, rc, err);

    if (rows != NULL) {
        struct store__rows *r = mem_alloc(sizeof(*r));
        r->c = c;
        r->st = st;
        *rows = r;
        return STORE_OK;
    }

    /* Step to the end so that a RETURNING clause or trigger completes. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? STORE_OK : map_error(c->db, rc, err);
}

static int
sq_next(struct store__rows *r, struct error *err)
{
    int rc = sqlite3_step(r->st);

    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return map_error(r->c->db, rc, err);
}

static bool
sq_is_null(struct store__rows *r, int col)
{
    return sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

static int64_t
sq_i64(struct store__rows *r, int col)
{
    return sqlite3_column_int64(r->st, col);
}

static const char *
sq_text(struct store__rows *r, int col, size_t *len)
{
    const char *s = (const char *)sqlite3_column_text(r->st, col);

    *len = (size_t)sqlite3_column_bytes(r->st, col);
    return s;
}

static const void *
sq_blob(struct store__rows *r, int col, size_t *len)
{
    const void *b = sqlite3_column_blob(r->st, col);

    *len = (size_t)sqlite3_column_bytes(r->st, col);
    return b;
}

static void
sq_done(struct store__rows *r)
{
    sqlite3_reset(r->st);
    free(r);
}

static int
sq_script(void *p, const char *sql, struct error *err)
{
    return run_simple(p, sql, err);
}

static int
sq_migration_lock(void *p, struct error *err)
{
    /* BEGIN IMMEDIATE already holds the database's one write lock. */
    (void)p;
    (void)err;
    return STORE_OK;
}

/*
 * A migration may rebuild a table others reference (create the new table, copy, drop the old,
 * rename: https://sqlite.org/lang_altertable.html section 7). With foreign keys enforced, the
 * DROP deletes the old rows first and fails on the rows that reference them, and the pragma
 * that turns enforcement off does nothing inside a transaction: it is set here, before the
 * migrations' transaction, and sq_migration_check verifies every key before the commit.
 */
static int
sq_migration_prepare(void *p, struct error *err)
{
    return run_simple(p, "PRAGMA foreign_keys = OFF", err);
}

static int
sq_migration_check(void *p, struct error *err)
{
    struct conn *c = p;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db, "PRAGMA foreign_key_check", -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        error_set(err, "store_migration_check",
                  "la migración dejaría registros de %s que hacen referencia a registros de %s "
                  "que no existen; la base de datos no se modificó",
                  (const char *)sqlite3_column_text(st, 0),
                  (const char *)sqlite3_column_text(st, 2));
        sqlite3_finalize(st);
        return STORE_ERROR;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? STORE_OK : map_error(c->db, rc, err);
}

const struct store__driver store__sqlite_driver = {
    .name = "sqlite",
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .exec = sq_exec,
    .next = sq_next,
    .is_null = sq_is_null,
    .i64 = sq_i64,
    .text = sq_text,
    .blob = sq_blob,
    .done = sq_done,
    .script = sq_script,
    .migration_lock = sq_migration_lock,
    .migration_prepare = sq_migration_prepare,
    .migration_check = sq_migration_check,
    .maintain = NULL,
};

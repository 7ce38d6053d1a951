/*
 * driver.c - the PostgreSQL backend's driver, on libpq (see store/impl.h).
 *
 * Each query is prepared once per connection (PQprepare, named "q<id>") and then run with
 * PQexecPrepared: parameters go as text, except bytea, which goes in binary; results come back
 * as text. Isolation per transaction mode: READ is REPEATABLE READ READ ONLY (one snapshot),
 * WRITE is SERIALIZABLE (a conflict shows up as SQLSTATE 40001 and the runner tries again),
 * QUEUE is READ COMMITTED, the level at which FOR UPDATE SKIP LOCKED hands each worker rows no
 * one else holds without serialization failures on rows it skipped.
 */
#include "store/impl.h"

#include "core/mem.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn {
    PGconn *pg;
    const char *pending_begin; /* BEGIN not sent yet: it goes with the first statement */
    bool rollback_in_flight;   /* ROLLBACK sent, its result not read yet */
    bool prepared[STORE__MAX_QUERIES];
};

struct store__rows {
    PGresult *res;
    int row, n_rows;
    unsigned char *scratch; /* the last bytea decoded */
};

static bool
sqlstate_is(const char *state, const char *prefix)
{
    return state != NULL && strncmp(state, prefix, strlen(prefix)) == 0;
}

/* Map a failed result (res may be NULL) to a store status with a Spanish message. */
static int
map_error(PGconn *pg, const PGresult *res, struct error *err)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    int status;

    if (sqlstate_is(state, "23505")) {
        error_set(err, "store_duplicate", "ya existe un registro con esa clave");
        status = STORE_DUPLICATE;
    } else if (sqlstate_is(state, "23503")) {
        error_set(err, "store_foreign_key", "el registro hace referencia a otro que no existe");
        status = STORE_INVALID;
    } else if (sqlstate_is(state, "23") || sqlstate_is(state, "22") || sqlstate_is(state, "54")) {
        error_set(err, "store_invalid", "un campo tiene un valor no permitido");
        status = STORE_INVALID;
    } else if (sqlstate_is(state, "40001") || sqlstate_is(state, "40P01") ||
               sqlstate_is(state, "55P03")) {
        error_set(err, "store_conflict",
                  "la operación chocó con otra simultánea; inténtelo de nuevo");
        status = STORE_CONFLICT;
    } else {
        error_set(err, "store_error", "error de la base de datos");
        status = STORE_ERROR;
    }
    error_detail(err, "postgresql %s: %s", state != NULL ? state : "-",
                 res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(pg));
    return status;
}

/* The store does not log (design.md section 3); server notices are dropped. */
static void
ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static void
pg_disconnect(void *p)
{
    struct conn *c = p;

    if (c == NULL)
        return;
    PQfinish(c->pg);
    free(c);
}

static int
run_simple(struct conn *c, const char *sql, struct error *err)
{
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = STORE_OK;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = map_error(c->pg, res, err);
    PQclear(res);
    return rc;
}

static int
pg_connect(struct store__db *db, void **out, struct error *err)
{
    struct conn *c = mem_calloc(1, sizeof(*c));
    int rc;

    c->pg = PQconnectdb(db->target);
    PQsetNoticeProcessor(c->pg, ignore_notice, NULL);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        error_set(err, "store_connect", "no se pudo conectar con PostgreSQL");
        error_detail(err, "%s", PQerrorMessage(c->pg));
        pg_disconnect(c);
        return STORE_ERROR;
    }

    /* Commits wait for the WAL flush (the server default, made explicit): see storage.md. */
    rc = run_simple(c,
                    "SET synchronous_commit = on; SET client_encoding = 'UTF8'; "
                    "SET TIME ZONE 'UTC'",
                    err);
    if (rc != STORE_OK) {
        pg_disconnect(c);
        return STORE_ERROR;
    }
    *out = c;
    return STORE_OK;
}

static int
pg_begin(void *p, enum store_tx_mode mode, struct error *err)
{
    static const char *const sql[] = {
        [STORE_TX_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        [STORE_TX_WRITE] = "BEGIN ISOLATION LEVEL SERIALIZABLE",
        [STORE_TX_QUEUE] = "BEGIN ISOLATION LEVEL READ COMMITTED",
    };
    struct conn *c = p;

    /* The previous transaction's ROLLBACK result, read now rather than waited for then. */
    (void)err;
    if (c->rollback_in_flight) {
        PGresult *r;
        while ((r = PQgetResult(c->pg)) != NULL)
            PQclear(r);
        c->rollback_in_flight = false;
    }

    /* A connection the server dropped is reopened here, before any work depends on it. */
    if (PQstatus(c->pg) != CONNECTION_OK) {
        PQreset(c->pg);
        memset(c->prepared, 0, sizeof(c->prepared));
    }

    /* Sent in one pipeline with the first statement: a round trip less per transaction. */
    c->pending_begin = sql[mode];
    return STORE_OK;
}

/* Send a BEGIN still pending on its own (before scripts and locks). */
static int
flush_begin(struct conn *c, struct error *err)
{
    const char *begin = c->pending_begin;

    c->pending_begin = NULL;
    return begin != NULL ? run_simple(c, begin, err) : STORE_OK;
}

static int
pg_commit(void *p, struct error *err)
{
    struct conn *c = p;
    PGresult *res;
    int rc = STORE_OK;

    if (c->pending_begin != NULL) {
        c->pending_begin = NULL; /* nothing was done: nothing to commit */
        return STORE_OK;
    }
    res = PQexec(c->pg, "COMMIT");

    /* COMMIT of an aborted transaction "succeeds" with the tag ROLLBACK. */
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = map_error(c->pg, res, err);
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
        error_set(err, "store_tx_failed", "la transacción no pudo confirmarse y se deshizo");
        rc = STORE_ERROR;
    }
    PQclear(res);
    return rc;
}

static void
pg_rollback(void *p)
{
    struct conn *c = p;

    if (c->pending_begin != NULL) {
        c->pending_begin = NULL;
        return;
    }
    /* Nothing waits on a rollback's answer: send it and read the result at the next begin
     * (a round trip less for every read-only transaction). */
    if (PQsendQuery(c->pg, "ROLLBACK") == 1)
        c->rollback_in_flight = true;
}

static int
prepare(struct conn *c, struct store__query *q, int n_args, char *name, size_t name_len,
        struct error *err)
{
    int id = store__query_id(q);
    PGresult *res;
    int rc = STORE_OK;

    snprintf(name, name_len, "q%d", id);
    if (c->prepared[id])
        return STORE_OK;

    res = PQprepare(c->pg, name, q->pg_sql != NULL ? q->pg_sql : q->sql, n_args, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = map_error(c->pg, res, err);
    else
        c->prepared[id] = true;
    PQclear(res);
    return rc;
}

/* Drain the results of one pipelined query up to its NULL; return the first, cleared others. */
static PGresult *
take_result(PGconn *pg)
{
    PGresult *first = PQgetResult(pg), *more;

    while (first != NULL && (more = PQgetResult(pg)) != NULL)
        PQclear(more);
    return first;
}

/* The pending BEGIN and the statement in one pipeline (libpq pipeline mode, PostgreSQL 14+
 * client): one round trip for both. Returns the statement's result, or BEGIN's on failure. */
static PGresult *
exec_with_begin(struct conn *c, const char *name, int n_args, const char *const *values,
                const int *lengths, const int *formats)
{
    const char *begin = c->pending_begin;
    PGresult *b, *res, *sync;

    c->pending_begin = NULL;
    if (PQenterPipelineMode(c->pg) != 1 ||
        PQsendQueryParams(c->pg, begin, 0, NULL, NULL, NULL, NULL, 0) != 1 ||
        PQsendQueryPrepared(c->pg, name, n_args, values, lengths, formats, 0) != 1 ||
        PQpipelineSync(c->pg) != 1) {
        PQexitPipelineMode(c->pg);
        return NULL;
    }
    b = take_result(c->pg);
    res = take_result(c->pg);
    sync = PQgetResult(c->pg); /* PGRES_PIPELINE_SYNC */
    PQclear(sync);
    PQexitPipelineMode(c->pg);

    if (PQresultStatus(b) != PGRES_COMMAND_OK) {
        PQclear(res);
        return b;
    }
    PQclear(b);
    return res;
}

static int
pg_exec(void *p, struct store__query *q, const struct store__arg *args, int n_args,
        struct store__rows **rows, struct error *err)
{
    struct conn *c = p;
    const char *values[STORE__MAX_ARGS];
    int lengths[STORE__MAX_ARGS], formats[STORE__MAX_ARGS];
    char nums[STORE__MAX_ARGS][24], name[16];
    PGresult *res;
    int rc = prepare(c, q, n_args, name, sizeof(name), err);

    if (rc != STORE_OK)
        return rc;
    for (int i = 0; i < n_args; i++) {
        lengths[i] = 0;
        formats[i] = 0;
        values[i] = NULL;
        if (args[i].type == STORE__I64) {
            snprintf(nums[i], sizeof(nums[i]), "%lld", (long long)args[i].i);
            values[i] = nums[i];
        } else if (args[i].type == STORE__TEXT) {
            values[i] = args[i].p;
        } else if (args[i].type == STORE__BLOB) {
            values[i] = args[i].p != NULL ? args[i].p : "";
            lengths[i] = (int)args[i].len;
            formats[i] = 1;
        }
    }

    if (c->pending_begin != NULL)
        res = exec_with_begin(c, name, n_args, values, lengths, formats);
    else
        res = PQexecPrepared(c->pg, name, n_args, values, lengths, formats, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = map_error(c->pg, res, err);
        PQclear(res);
        return rc;
    }
    if (rows == NULL) {
        PQclear(res);
        return STORE_OK;
    }
    *rows = mem_calloc(1, sizeof(**rows));
    (*rows)->res = res;
    (*rows)->row = -1;
    (*rows)->n_rows = PQntuples(res);
    return STORE_OK;
}

static int
pg_next(struct store__rows *r, struct error *err)
{
    (void)err;
    if (r->row + 1 >= r->n_rows)
        return 0;
    r->row++;
    return 1;
}

static bool
pg_is_null(struct store__rows *r, int col)
{
    return PQgetisnull(r->res, r->row, col);
}

static int64_t
pg_i64(struct store__rows *r, int col)
{
    return strtoll(PQgetvalue(r->res, r->row, col), NULL, 10);
}

static const char *
pg_text(struct store__rows *r, int col, size_t *len)
{
    *len = (size_t)PQgetlength(r->res, r->row, col);
    return PQgetvalue(r->res, r->row, col);
}

static const void *
pg_blob(struct store__rows *r, int col, size_t *len)
{
    size_t n = 0;

    /* Text results give bytea in hex ("\x..."); decode it into scratch. */
    PQfreemem(r->scratch);
    r->scratch = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, r->row, col), &n);
    *len = n;
    return r->scratch;
}

static void
pg_done(struct store__rows *r)
{
    PQfreemem(r->scratch);
    PQclear(r->res);
    free(r);
}

static int
pg_script(void *p, const char *sql, struct error *err)
{
    int rc = flush_begin(p, err);

    return rc != STORE_OK ? rc : run_simple(p, sql, err);
}

static int
pg_migration_lock(void *p, struct error *err)
{
    /* Several nodes may start at once: one migrates, the others wait and then see it done. */
    int rc = flush_begin(p, err);

    return rc != STORE_OK ? rc : run_simple(p, "SELECT pg_advisory_xact_lock(2024071501)", err);
}

static int
pg_maintain(struct store__db *db, void *p, int64_t now, struct error *err)
{
    char sql[160];

    /* Monthly partitions of notifications from last month to three ahead (storage.md). */
    (void)db;
    snprintf(sql, sizeof(sql), "SELECT buzon_ensure_partitions('notifications', %lld, 3)",
             (long long)now);
    return run_simple(p, sql, err);
}

const struct store__driver store__postgres_driver = {
    .name = "postgresql",
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .exec = pg_exec,
    .next = pg_next,
    .is_null = pg_is_null,
    .i64 = pg_i64,
    .text = pg_text,
    .blob = pg_blob,
    .done = pg_done,
    .script = pg_script,
    .migration_lock = pg_migration_lock,
    .maintain = pg_maintain,
};

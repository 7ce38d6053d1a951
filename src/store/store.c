/* store.c - opening a store by URL, the connection pool, transactions, migrations. */
#include "store/impl.h"

#include "core/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum { DEFAULT_POOL = 4, DEFAULT_BUSY_MS = 5000 };

static int
acquire(struct store__db *db, void **conn, struct error *err)
{
    int rc = STORE_OK;

    pthread_mutex_lock(&db->mu);
    while (db->n_idle == 0 && db->n_open >= db->pool_size)
        pthread_cond_wait(&db->cv, &db->mu);
    if (db->n_idle > 0) {
        *conn = db->idle[--db->n_idle];
        pthread_mutex_unlock(&db->mu);
        return STORE_OK;
    }
    db->n_open++;
    pthread_mutex_unlock(&db->mu);

    /* Connect outside the lock: it may take a network round trip. */
    rc = db->drv->connect(db, conn, err);
    if (rc != STORE_OK) {
        pthread_mutex_lock(&db->mu);
        db->n_open--;
        pthread_cond_signal(&db->cv);
        pthread_mutex_unlock(&db->mu);
    }
    return rc;
}

/* Return conn to the pool, or close it when it may be broken (broken = true). */
static void
release(struct store__db *db, void *conn, bool broken)
{
    if (broken)
        db->drv->disconnect(conn);

    pthread_mutex_lock(&db->mu);
    if (broken)
        db->n_open--;
    else
        db->idle[db->n_idle++] = conn;
    pthread_cond_signal(&db->cv);
    pthread_mutex_unlock(&db->mu);
}

/* Begin a transaction of mode on conn (taken from the pool; released on failure). */
static int
tx_begin_on(struct store__db *db, void *conn, enum store_tx_mode mode, struct store_tx **out,
            struct error *err)
{
    struct store_tx *tx;
    int rc = db->drv->begin(conn, mode, err);

    *out = NULL;
    if (rc != STORE_OK) {
        release(db, conn, true);
        return rc;
    }
    tx = mem_calloc(1, sizeof(*tx));
    tx->db = db;
    tx->conn = conn;
    tx->mode = mode;
    *out = tx;
    return STORE_OK;
}

static int
tx_begin(struct store *s, enum store_tx_mode mode, struct store_tx **out, struct error *err)
{
    struct store__db *db = (struct store__db *)s;
    void *conn = NULL;
    int rc = acquire(db, &conn, err);

    *out = NULL;
    if (rc != STORE_OK)
        return rc;
    return tx_begin_on(db, conn, mode, out, err);
}

static void
tx_rollback(struct store_tx *tx)
{
    if (tx == NULL)
        return;
    tx->db->drv->rollback(tx->conn);
    release(tx->db, tx->conn, tx->discard);
    free(tx);
}

static int
tx_commit(struct store_tx *tx, struct error *err)
{
    struct store__db *db = tx->db;
    int rc;

    if (tx->failed) {
        tx_rollback(tx);
        error_set(err, "store_tx_failed",
                  "la transacción falló antes de confirmarse "
                  "y se deshizo");
        return STORE_ERROR;
    }

    rc = db->drv->commit(tx->conn, err);
    if (rc != STORE_OK) {
        /* The driver rolled back; a connection that failed to commit is not trusted again. */
        release(db, tx->conn, rc != STORE_CONFLICT || tx->discard);
        free(tx);
        return rc;
    }
    release(db, tx->conn, tx->discard);
    free(tx);
    return STORE_OK;
}

struct store *
store_tx_store(struct store_tx *tx)
{
    return &tx->db->base;
}

int
store__db_init(struct store__db *db, const struct store__driver *drv,
               const struct store__migration *migrations, unsigned pool_size, struct error *err)
{
    (void)err;
    db->drv = drv;
    db->migrations = migrations;
    db->pool_size = pool_size == 0 ? DEFAULT_POOL : pool_size;
    db->idle = mem_calloc(db->pool_size, sizeof(void *));
    pthread_mutex_init(&db->mu, NULL);
    pthread_cond_init(&db->cv, NULL);

    db->ops.name = drv->name;
    db->ops.begin = tx_begin;
    db->ops.commit = tx_commit;
    db->ops.rollback = tx_rollback;
    store__ops_mailbox(&db->ops);
    store__ops_filing(&db->ops);
    store__ops_notification(&db->ops);
    store__ops_publication(&db->ops);
    store__ops_evidence(&db->ops);
    store__ops_log(&db->ops);
    store__ops_clarification(&db->ops);
    store__ops_access(&db->ops);
    db->base.ops = &db->ops;
    return STORE_OK;
}

void
store__db_free(struct store__db *db)
{
    if (db == NULL)
        return;
    for (size_t i = 0; i < db->n_idle; i++)
        db->drv->disconnect(db->idle[i]);
    pthread_mutex_destroy(&db->mu);
    pthread_cond_destroy(&db->cv);
    free(db->idle);
    free(db->target);
    free(db->blob_dir);
    free(db);
}

static int
program_version(const struct store__db *db)
{
    int v = 0;

    for (const struct store__migration *m = db->migrations; m->version != 0; m++)
        v = m->version > v ? m->version : v;
    return v;
}

static struct store__query q_migrations_table =
    STORE__QUERY("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                 "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
static struct store__query q_db_version =
    STORE__QUERY("SELECT coalesce(max(version), 0) FROM schema_migrations");
static struct store__query q_migration_recorded =
    STORE__QUERY("SELECT version FROM schema_migrations WHERE version = $1");
static struct store__query q_record_migration =
    STORE__QUERY("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");

int64_t
store__now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
read_db_version(struct store_tx *tx, int *version, struct error *err)
{
    struct store__rows *rows = NULL;
    int rc = store__query(tx, &q_db_version, NULL, 0, &rows, err);

    if (rc == STORE_OK && (rc = store__next(tx, rows, err)) == 1) {
        *version = (int)store__i64(tx, rows, 0);
        rc = STORE_OK;
    }
    store__done(tx, rows);
    return rc;
}

static void
read_version(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

/* Whether migration version is recorded in the database: 1, 0, or a negative store status. */
static int
migration_recorded(struct store_tx *tx, int version, struct error *err)
{
    struct store__arg args[] = {SA_I64(version)};
    int64_t got = 0;
    int rc = store__one(tx, &q_migration_recorded, args, 1, read_version, &got, err);

    if (rc == STORE_NOT_FOUND)
        return 0;
    return rc == STORE_OK ? 1 : rc;
}

/*
 * Apply, in one transaction, every embedded migration the database has not recorded (when
 * apply), in version order. Versions are not necessarily consecutive: a change may own a
 * number whose predecessor is merged later, and the database then receives it afterwards.
 */
static int
migrate_in(struct store_tx *tx, bool apply, int *db_version, int *applied, struct error *err)
{
    struct store__db *db = tx->db;
    int have = program_version(db), missing = 0;
    int rc = db->drv->migration_lock(tx->conn, err);

    if (rc == STORE_OK)
        rc = store__exec(tx, &q_migrations_table, NULL, 0, err);
    if (rc == STORE_OK)
        rc = read_db_version(tx, db_version, err);
    if (rc != STORE_OK)
        return store__fail(tx, rc);

    if (*db_version > have) {
        error_set(err, "store_schema_too_new",
                  "la base de datos tiene el esquema versión %d, más nuevo que el de este "
                  "programa (%d); use una versión de buzon igual o más reciente",
                  *db_version, have);
        return store__fail(tx, STORE_ERROR);
    }
    for (const struct store__migration *m = db->migrations; m->version != 0; m++) {
        rc = migration_recorded(tx, m->version, err);
        if (rc < 0)
            return store__fail(tx, rc);
        missing += rc == 0;
    }
    if (missing > 0 && !apply) {
        error_set(err, "store_schema_old",
                  "la base de datos tiene el esquema versión %d y a este programa le faltan %d "
                  "migraciones (hasta la %d); ejecute 'buzon migrate'",
                  *db_version, missing, have);
        return store__fail(tx, STORE_ERROR);
    }

    for (const struct store__migration *m = db->migrations; m->version != 0; m++) {
        struct store__arg args[] = {SA_I64(m->version), SA_TEXT(m->name), SA_I64(store__now_us())};

        rc = migration_recorded(tx, m->version, err);
        if (rc < 0)
            return store__fail(tx, rc);
        if (rc == 1)
            continue;
        rc = db->drv->script(tx->conn, m->sql, err);
        if (rc != STORE_OK) {
            error_prefix(err, "migración %s: ", m->name);
            return store__fail(tx, rc);
        }
        rc = store__exec(tx, &q_record_migration, args, 3, err);
        if (rc != STORE_OK)
            return rc;
        (*applied)++;
    }

    if (*applied > 0 && db->drv->migration_check != NULL) {
        rc = db->drv->migration_check(tx->conn, err);
        if (rc != STORE_OK)
            return store__fail(tx, rc);
    }
    return STORE_OK;
}

int
store__migrate(struct store__db *db, bool apply, int *applied, struct error *err)
{
    struct store_tx *tx = NULL;
    void *conn = NULL;
    int version = 0, n = 0;
    int rc = acquire(db, &conn, err);

    if (rc != STORE_OK)
        return rc;

    /* The driver may change the connection's settings for the migrations (SQLite turns foreign
     * key enforcement off, which only takes effect outside a transaction): that connection is
     * then closed at the end, so no other transaction ever runs with those settings. */
    if (db->drv->migration_prepare != NULL)
        rc = db->drv->migration_prepare(conn, err);
    if (rc != STORE_OK) {
        release(db, conn, true);
        return rc;
    }
    rc = tx_begin_on(db, conn, STORE_TX_WRITE, &tx, err);
    if (rc != STORE_OK)
        return rc;
    tx->discard = db->drv->migration_prepare != NULL;

    rc = migrate_in(tx, apply, &version, &n, err);
    if (rc != STORE_OK) {
        tx_rollback(tx);
        return rc;
    }
    rc = tx_commit(tx, err);
    if (rc != STORE_OK)
        return rc;

    if (applied != NULL)
        *applied = n;
    return store_maintain(&db->base, store__now_us(), err);
}

int
store_maintain(struct store *s, int64_t now, struct error *err)
{
    struct store__db *db = (struct store__db *)s;
    void *conn = NULL;
    int rc;

    if (db->drv->maintain == NULL)
        return STORE_OK;
    rc = acquire(db, &conn, err);
    if (rc != STORE_OK)
        return rc;
    rc = db->drv->maintain(db, conn, now, err);
    release(db, conn, rc != STORE_OK);
    return rc;
}

int
store_schema_version(struct store *s, int *db_version, int *prog_version, struct error *err)
{
    struct store__db *db = (struct store__db *)s;
    struct store_tx *tx = NULL;
    int rc = tx_begin(s, STORE_TX_READ, &tx, err);

    *prog_version = program_version(db);
    *db_version = 0;
    if (rc != STORE_OK)
        return rc;
    rc = read_db_version(tx, db_version, err);
    tx_rollback(tx);
    return rc;
}

/* sqlite:PATH, relative to data_dir unless absolute. */
static char *
sqlite_path(const char *rest, const char *data_dir)
{
    size_t n;
    char *path;

    if (rest[0] == '/' || data_dir == NULL || data_dir[0] == '\0')
        return mem_strdup(rest);
    n = strlen(data_dir) + strlen(rest) + 2;
    path = mem_alloc(n);
    snprintf(path, n, "%s/%s", data_dir, rest);
    return path;
}

static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return mem_strdup(".");
    if (slash == path)
        return mem_strdup("/");
    return mem_strndup(path, (size_t)(slash - path));
}

/* Create the directories above path (a file's path), mode 0700: they hold personal data. */
static int
make_parents(const char *path, struct error *err)
{
    char *dir = mem_strdup(path);
    int rc = STORE_OK;

    for (char *p = dir + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            error_set(err, "store_open", "no se pudo crear el directorio %s: %s", dir,
                      strerror(errno));
            rc = STORE_ERROR;
            break;
        }
        *p = '/';
    }
    free(dir);
    return rc;
}

static int
open_backend(const struct store_options *opts, struct store__db **out, struct error *err)
{
    const char *url = opts->url;
    struct store__db *db = mem_calloc(1, sizeof(*db));

    *out = NULL;
    if (strncmp(url, "sqlite:", 7) == 0 && url[7] != '\0') {
        store__db_init(db, &store__sqlite_driver, store__sqlite_migrations, opts->pool_size, err);
        store__sqlite_ops(&db->ops);
        db->target = sqlite_path(url + 7, opts->data_dir);
        if (make_parents(db->target, err) != STORE_OK) {
            store__db_free(db);
            return STORE_ERROR;
        }
        {
            char *dir = dir_of(db->target);
            size_t n = strlen(dir) + sizeof("/blobs");
            db->blob_dir = mem_alloc(n);
            snprintf(db->blob_dir, n, "%s/blobs", dir);
            free(dir);
        }
        *out = db;
        return STORE_OK;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        store__db_init(db, &store__postgres_driver, store__postgres_migrations, opts->pool_size,
                       err);
        store__postgres_ops(&db->ops);
        db->target = mem_strdup(url);
        *out = db;
        return STORE_OK;
    }
    free(db);
    error_set(err, "store_url",
              "URL de almacenamiento no reconocida: se espera sqlite:RUTA o postgresql://...");
    return STORE_INVALID;
}

int
store_open(const struct store_options *opts, struct store **out, int *applied, struct error *err)
{
    struct store__db *db = NULL;
    int rc;

    *out = NULL;
    if (applied != NULL)
        *applied = 0;
    if (opts->url == NULL) {
        error_set(err, "store_url", "falta la URL de almacenamiento");
        return STORE_INVALID;
    }
    rc = open_backend(opts, &db, err);
    if (rc != STORE_OK)
        return rc;
    db->busy_timeout_ms = opts->busy_timeout_ms == 0 ? DEFAULT_BUSY_MS : opts->busy_timeout_ms;

    rc = store__migrate(db, opts->migrate, applied, err);
    if (rc != STORE_OK) {
        store__db_free(db);
        return rc;
    }
    *out = &db->base;
    return STORE_OK;
}

void
store_close(struct store *s)
{
    store__db_free((struct store__db *)s);
}

int
store_run(struct store *s, enum store_tx_mode mode,
          int (*fn)(struct store_tx *tx, void *arg, struct error *err), void *arg,
          struct error *err)
{
    int rc = STORE_ERROR;

    for (int attempt = 0; attempt < STORE_RUN_ATTEMPTS; attempt++) {
        struct store_tx *tx = NULL;

        if (attempt > 0) {
            /* A growing pause with jitter lets the competing transaction finish. */
            struct timespec ts = {0, (long)((1L << attempt) * 1000000L + rand() % 1000000)};
            nanosleep(&ts, NULL);
        }
        rc = s->ops->begin(s, mode, &tx, err);
        if (rc == STORE_OK) {
            rc = fn(tx, arg, err);
            if (rc == STORE_OK)
                rc = s->ops->commit(tx, err);
            else
                s->ops->rollback(tx);
        }
        if (rc != STORE_CONFLICT)
            return rc;
    }
    return rc;
}

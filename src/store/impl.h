/*
 * impl.h - internals shared by the files of src/store/ (never included outside it).
 *
 * Both backends implement the same small driver (connect, transactions, run a query, read
 * its rows); the domain operations of store.h are written once over it in ops_*.c, with the
 * SQL next to the operation. SQL uses $1, $2... placeholders, which PostgreSQL and SQLite
 * both accept; where the dialects differ a query carries a PostgreSQL variant.
 *
 * Ownership: a struct store__rows belongs to the driver until done() releases it; the text and
 * blob pointers its getters return are valid until the next next() or done().
 */
#ifndef BUZON_STORE_IMPL_H
#define BUZON_STORE_IMPL_H

#include "store/store.h"

#include <pthread.h>
#include <stdatomic.h>

enum { STORE__MAX_QUERIES = 192, STORE__MAX_ARGS = 16 };

/* A query, identified by its address; id is assigned on first use, for per-connection caches
 * of prepared statements. */
struct store__query {
    const char *sql;
    const char *pg_sql; /* NULL: same text as sql */
    atomic_int id;      /* 0 until first use */
};

#define STORE__QUERY(sql) \
    {                     \
        (sql), NULL, 0    \
    }
#define STORE__QUERY2(sql, pgsql) \
    {                             \
        (sql), (pgsql), 0         \
    }

enum store__arg_type { STORE__NULL, STORE__I64, STORE__TEXT, STORE__BLOB };

struct store__arg {
    enum store__arg_type type;
    int64_t i;
    const void *p;
    size_t len;
};

#define SA_NULL       ((struct store__arg){STORE__NULL, 0, NULL, 0})
#define SA_I64(v)     ((struct store__arg){STORE__I64, (int64_t)(v), NULL, 0})
#define SA_TEXT(s)    ((struct store__arg){STORE__TEXT, 0, (s), 0})
#define SA_BLOB(b, n) ((struct store__arg){STORE__BLOB, 0, (b), (n)})
/* Optional values: 0 and "" are stored as NULL. */
#define SA_I64N(v)  ((v) == 0 ? SA_NULL : SA_I64(v))
#define SA_TEXTN(s) ((s)[0] == '\0' ? SA_NULL : SA_TEXT(s))

struct store__rows;
struct store__db;

struct store__driver {
    const char *name;
    /* One connection to db; *conn (out) released by disconnect. */
    int (*connect)(struct store__db *db, void **conn, struct error *err);
    void (*disconnect)(void *conn);
    int (*begin)(void *conn, enum store_tx_mode mode, struct error *err);
    int (*commit)(void *conn, struct error *err);
    void (*rollback)(void *conn);
    /* Run q with args. rows (out, may be NULL to discard results) must be released by done. */
    int (*exec)(void *conn, struct store__query *q, const struct store__arg *args, int n_args,
                struct store__rows **rows, struct error *err);
    /* 1: a row is current; 0: no more rows; negative: an error status. */
    int (*next)(struct store__rows *r, struct error *err);
    bool (*is_null)(struct store__rows *r, int col);
    int64_t (*i64)(struct store__rows *r, int col);
    const char *(*text)(struct store__rows *r, int col, size_t *len);
    const void *(*blob)(struct store__rows *r, int col, size_t *len);
    void (*done)(struct store__rows *r);
    /* Run several statements (a migration) inside the current transaction. */
    int (*script)(void *conn, const char *sql, struct error *err);
    /* Lock that serializes migrations between processes, inside the current transaction. */
    int (*migration_lock)(void *conn, struct error *err);
    /* May be NULL. prepare: set conn up for migrations, before their transaction begins (the
     * connection is closed afterwards, never pooled again). check: after the migrations, in
     * their transaction, refuse a database they left inconsistent (store_migration_check). */
    int (*migration_prepare)(void *conn, struct error *err);
    int (*migration_check)(void *conn, struct error *err);
    /* Upkeep at open and from store_maintain (PostgreSQL: monthly partitions around now). */
    int (*maintain)(struct store__db *db, void *conn, int64_t now, struct error *err);
};

struct store__migration {
    int version;
    const char *name;
    const char *sql;
};

/* A backend's state: the public struct store first, then the shared pool. */
struct store__db {
    struct store base;
    struct store_ops ops;
    const struct store__driver *drv;
    const struct store__migration *migrations; /* ends with version 0 */
    char *target;   /* sqlite: database path; postgresql: the conninfo URL */
    char *blob_dir; /* sqlite: directory of blob files */
    unsigned busy_timeout_ms;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    void **idle;
    size_t n_idle, n_open, pool_size;
};

struct store_tx {
    struct store__db *db;
    void *conn;
    enum store_tx_mode mode;
    bool failed;  /* an error other than NOT_FOUND happened: only rollback remains */
    bool discard; /* close the connection at the end instead of returning it to the pool */
};

/* Backends. */
extern const struct store__driver store__sqlite_driver;
extern const struct store__driver store__postgres_driver;
extern const struct store__migration store__sqlite_migrations[];
extern const struct store__migration store__postgres_migrations[];

/* Per-backend operations that the shared SQL cannot express (blob content). */
void store__sqlite_ops(struct store_ops *ops);
void store__postgres_ops(struct store_ops *ops);

/* Fill ops with the shared implementations (ops_*.c). */
void store__ops_mailbox(struct store_ops *ops);
void store__ops_filing(struct store_ops *ops);
void store__ops_notification(struct store_ops *ops);
void store__ops_publication(struct store_ops *ops);
void store__ops_evidence(struct store_ops *ops);
void store__ops_access(struct store_ops *ops);
void store__ops_log(struct store_ops *ops);
void store__ops_clarification(struct store_ops *ops);

/* The id of q, assigned on first use (1..STORE__MAX_QUERIES-1); aborts past the limit. */
int store__query_id(struct store__query *q);

/* Helpers over the driver for the operations (sql.c). Each refuses to run on a failed
 * transaction and marks it failed on any error but STORE_NOT_FOUND. */
int store__exec(struct store_tx *tx, struct store__query *q, const struct store__arg *args,
                int n_args, struct error *err);
int store__query(struct store_tx *tx, struct store__query *q, const struct store__arg *args,
                 int n_args, struct store__rows **rows, struct error *err);
int store__next(struct store_tx *tx, struct store__rows *r, struct error *err);
void store__done(struct store_tx *tx, struct store__rows *r);
/* Run q expecting exactly one row; read it with read(tx, rows, out) into out. NOT_FOUND when
 * there is no row. */
int store__one(struct store_tx *tx, struct store__query *q, const struct store__arg *args,
               int n_args, void (*read)(struct store_tx *, struct store__rows *, void *), void *out,
               struct error *err);
/* Run q and append each row (read into a record of size bytes) to *items, at most limit. */
int store__many(struct store_tx *tx, struct store__query *q, const struct store__arg *args,
                int n_args, void (*read)(struct store_tx *, struct store__rows *, void *),
                size_t size, size_t limit, void **items, size_t *n, struct error *err);
/* The same for records with heap members: when a later row fails, cleanup (in) releases the
 * members of every record already read before the list is freed. */
int store__many_owned(struct store_tx *tx, struct store__query *q, const struct store__arg *args,
                      int n_args, void (*read)(struct store_tx *, struct store__rows *, void *),
                      void (*cleanup)(void *), size_t size, size_t limit, void **items, size_t *n,
                      struct error *err);
/* Run q and count the rows it returns into *n (out). */
int store__count(struct store_tx *tx, struct store__query *q, const struct store__arg *args,
                 int n_args, size_t *n, struct error *err);
/* Mark tx failed with status rc (< 0, not NOT_FOUND) and return rc. */
int store__fail(struct store_tx *tx, int rc);

/* Column readers: NULL reads as 0 or "". */
int64_t store__i64(struct store_tx *tx, struct store__rows *r, int col);
void store__text(struct store_tx *tx, struct store__rows *r, int col, char *buf, size_t size);
char *store__strdup(struct store_tx *tx, struct store__rows *r, int col);
void store__hash(struct store_tx *tx, struct store__rows *r, int col, uint8_t out[STORE_HASH_LEN]);

/* Input checks: a fixed text field of size bytes must hold a NUL (STORE_INVALID
 * "store_too_long" naming field otherwise); heap text at most STORE_TEXT_MAX bytes. */
int store__check_fixed(struct store_tx *tx, const char *field, const char *s, size_t size,
                       struct error *err);
int store__check_heap(struct store_tx *tx, const char *field, const char *s, bool required,
                      struct error *err);
#define STORE__CHECK(tx, rec, member, err) \
    store__check_fixed((tx), #member, (rec)->member, sizeof((rec)->member), (err))

/* Mark the transaction failed with an "invalid input" error. */
int store__invalid(struct store_tx *tx, struct error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The wall clock in microseconds since the epoch, for rows the store itself stamps. */
int64_t store__now_us(void);

/* Open the pool (store.c). */
int store__db_init(struct store__db *db, const struct store__driver *drv,
                   const struct store__migration *migrations, unsigned pool_size,
                   struct error *err);
void store__db_free(struct store__db *db);
int store__migrate(struct store__db *db, bool apply, int *applied, struct error *err);

#endif

/*
 * harness.h - what the store tests share: a fresh store of the backend under test.
 *
 * The backend is the first argument of the test program ("sqlite" or "postgresql"). SQLite
 * gets a new temporary directory; PostgreSQL a new schema (named in the URL's search_path) on
 * the server whose URL is in BUZON_TEST_PG_URL (scripts/services.sh starts one), made with
 * psql.
 */
#ifndef BUZON_TESTS_STORE_HARNESS_H
#define BUZON_TESTS_STORE_HARNESS_H

#include "store/store.h"

#include <stdbool.h>

enum { HARNESS_SKIP = 77 }; /* Meson's exit status for a skipped test */

/* Prepare an empty database named name (in) for backend (in) and write its store URL into
 * url (out, size bytes) and the data directory into dir (out). Returns 0, or -1 when the
 * backend cannot be reached (the test then skips). */
int harness_fresh(const char *backend, const char *name, char *url, size_t url_size, char *dir,
                  size_t dir_size);

/* Run sql (in) against the database behind url (in) with the engine's own client (sqlite3 or
 * psql). Returns the client's exit status. */
int harness_sql(const char *url, const char *sql);

/* Run the SQL file at path (in) against url (in) with the engine's own client, in one
 * transaction on PostgreSQL. Returns the client's exit status. */
int harness_sql_file(const char *url, const char *path);

/* Run the query sql (in) against url (in) and write what it prints into out (out, size bytes):
 * unaligned rows, one a line, '|' between columns, without the last line feed. Returns the
 * client's exit status (-1 when the output did not fit). */
int harness_query(const char *url, const char *sql, char *out, size_t size);

/* Remove a directory tree made by harness_fresh (best effort). */
void harness_cleanup(const char *dir);

/* The wall clock, microseconds since the epoch. */
int64_t harness_now(void);

#endif

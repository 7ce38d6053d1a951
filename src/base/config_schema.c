/*
 * config_schema.c - every configuration key, its type, default and meaning.
 *
 * Keep docs/configuration.md in step: tests/unit/base/config.c fails when a key is here and not
 * there, or the reverse. Defaults must let `buzon serve` run with no file at all.
 */
#include "base/config.h"

#include <stddef.h>

const struct config_key config_schema[] = {
    /* [server] */
    {"server", "listen", CONFIG_LISTEN, "127.0.0.1:8080", 0, 0, NULL,
     "Address and port the HTTP server listens on."},
    {"server", "data_dir", CONFIG_STRING, "var", 0, 1024, NULL,
     "Directory for the SQLite database, blobs and generated keys."},
    {"server", "threads", CONFIG_INT, "0", 0, 256, NULL,
     "HTTP worker threads; 0 means one per processor."},
    {"server", "public_url", CONFIG_STRING, "", 0, 512, NULL,
     "URL under which users reach the server (links in e-mails and QR codes); empty: derived "
     "from listen."},
    {"server", "max_body_bytes", CONFIG_INT, "1048576", 1024, 1073741824, NULL,
     "Largest request body accepted, in bytes, for JSON requests."},
    {"server", "request_timeout_s", CONFIG_INT, "30", 1, 3600, NULL,
     "Seconds a connection may stay idle before it is closed."},

    /* [log] */
    {"log", "level", CONFIG_ENUM, "info", 0, 0, "debug|info|warn|error",
     "Lowest level of log lines written to stderr."},
    {"log", "rfc_hash_key", CONFIG_STRING, "buzon", 0, 256, NULL,
     "Key of the keyed hash by which logs name a particular; change it per deployment."},

    /* [store] */
    {"store", "url", CONFIG_STORE_URL, "sqlite:buzon.db", 0, 0, NULL,
     "Storage backend: sqlite:PATH (relative to data_dir) or postgresql://..."},
    {"store", "migrate_on_start", CONFIG_BOOL, "true", 0, 0, NULL,
     "Apply pending schema migrations when the server starts."},
    {"store", "pool_size", CONFIG_INT, "8", 1, 256, NULL,
     "Database connections kept open; each transaction in flight holds one."},
    {"store", "busy_timeout_ms", CONFIG_INT, "5000", 1, 600000, NULL,
     "SQLite: milliseconds a writer waits for the write lock before reporting a conflict."},

    {NULL, NULL, CONFIG_STRING, NULL, 0, 0, NULL, NULL},
};

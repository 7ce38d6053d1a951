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

    /* [deliver] */
    {"deliver", "smtp_url", CONFIG_STRING, "", 0, 512, NULL,
     "SMTP server for e-mail avisos: smtp://HOST:PORT or smtps://HOST:PORT; empty: no e-mail."},
    {"deliver", "smtp_tls", CONFIG_ENUM, "starttls", 0, 0, "none|starttls|implicit",
     "TLS to the SMTP server: STARTTLS required, implicit (smtps://), or none."},
    {"deliver", "smtp_ca_file", CONFIG_STRING, "", 0, 1024, NULL,
     "PEM file of the CAs that sign the SMTP server's certificate; empty: the system's."},
    {"deliver", "smtp_user", CONFIG_STRING, "", 0, 256, NULL,
     "SMTP user name; empty: no authentication."},
    {"deliver", "smtp_password_file", CONFIG_STRING, "", 0, 1024, NULL,
     "File whose first line is the SMTP password."},
    {"deliver", "smtp_from", CONFIG_STRING, "", 0, 254, NULL,
     "Sender address of the e-mails; its domain is the right part of every Message-ID."},
    {"deliver", "smtp_from_name", CONFIG_STRING, "Buzón IMSS", 0, 100, NULL,
     "Display name of the sender."},
    {"deliver", "smtp_timeout_s", CONFIG_INT, "30", 1, 600, NULL,
     "Seconds one SMTP attempt may take, connection included."},
    {"deliver", "sms_url", CONFIG_STRING, "", 0, 512, NULL,
     "sendsms URL of the SMS gateway (Kannel smsbox); empty: no SMS."},
    {"deliver", "sms_user", CONFIG_STRING, "", 0, 256, NULL, "User name at the SMS gateway."},
    {"deliver", "sms_password_file", CONFIG_STRING, "", 0, 1024, NULL,
     "File whose first line is the SMS gateway password."},
    {"deliver", "sms_from", CONFIG_STRING, "", 0, 20, NULL,
     "Sender shown on the SMS (short code or name); empty: the gateway's default."},
    {"deliver", "sms_dlr_url", CONFIG_STRING, "", 0, 512, NULL,
     "URL the gateway calls with delivery reports; empty: none requested."},
    {"deliver", "sms_timeout_s", CONFIG_INT, "30", 1, 600, NULL,
     "Seconds one request to the SMS gateway may take."},
    {"deliver", "max_attempts", CONFIG_INT, "12", 1, 100, NULL,
     "Attempts per message, the first included, before it is marked failed."},
    {"deliver", "backoff_base_s", CONFIG_INT, "60", 1, 86400, NULL,
     "Delay after the first failed attempt; doubles per attempt, with jitter."},
    {"deliver", "backoff_max_s", CONFIG_INT, "3600", 1, 604800, NULL,
     "Longest delay between two attempts, before jitter."},
    {"deliver", "lease_s", CONFIG_INT, "300", 10, 86400, NULL,
     "Seconds a claimed message is reserved to one worker; must exceed the channel timeouts."},
    {"deliver", "batch", CONFIG_INT, "32", 1, 1000, NULL, "Messages a worker claims per pass."},
    {"deliver", "poll_ms", CONFIG_INT, "1000", 10, 60000, NULL,
     "Pause of an idle worker before it looks for due messages again."},

    {NULL, NULL, CONFIG_STRING, NULL, 0, 0, NULL, NULL},
};

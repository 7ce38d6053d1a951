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

    /* [clock]: legal-rules.md section 11; values are checked by core/clock_policy.c. */
    {"clock", "declared_days", CONFIG_STRING, "", 0, 1024, NULL,
     "Calendar text of IMSS declared non-business days and suspensions (R3, R4); empty: none."},
    {"clock", "suspensions", CONFIG_STRING, "", 0, 1024, NULL,
     "Further calendar text of suspensions of plazos (R4); empty: none."},
    {"clock", "transmission_day", CONFIG_STRING, "OCT1", 0, 1024, NULL,
     "Transfer-of-power day: OCT1, DEC1 (literal CFF 12) or BOTH (A2)."},
    {"clock", "calendar_mode", CONFIG_STRING, "PROCEDURAL", 0, 1024, NULL,
     "PROCEDURAL, or PAYMENT for plazos to pay and file returns (R6)."},
    {"clock", "legal_zone_policy", CONFIG_STRING, "DOMICILE", 0, 1024, NULL,
     "Zone of legal dates: DOMICILE (Lineamientos 5.8) or CENTRO (A4)."},
    {"clock", "notify_window", CONFIG_STRING, "09:30:00-18:00:00", 0, 1024, NULL,
     "Notification window, inclusive (R18, A7)."},
    {"clock", "notify_window_zone", CONFIG_STRING, "CENTRO", 0, 1024, NULL,
     "Wall clock of the notification window: CENTRO (7.2) or DOMICILE (A4)."},
    {"clock", "early_open_policy", CONFIG_STRING, "NEXT_BUSINESS_DAY", 0, 1024, NULL,
     "Openings before the window: NEXT_BUSINESS_DAY or SAME_DAY_0930 (A6)."},
    {"clock", "deemed_time", CONFIG_STRING, "09:30:00", 0, 1024, NULL,
     "Time of a deemed notification on its day (A8)."},
    {"clock", "open_window_days", CONFIG_STRING, "3", 0, 1024, NULL,
     "Business days to open a notification (R20)."},
    {"clock", "deemed_on_day", CONFIG_STRING, "4", 0, 1024, NULL,
     "Business day after the aviso on which notification is deemed made (R22)."},
    {"clock", "filing_nonbusiness_time", CONFIG_STRING, "00:00:00", 0, 1024, NULL,
     "Receipt time of a filing made on a non-business day, next business day (A5)."},
    {"clock", "estrados_days", CONFIG_STRING, "10", 0, 1024, NULL,
     "Days of publication on the estrados (R28)."},
    {"clock", "estrados_day_kind", CONFIG_STRING, "BUSINESS", 0, 1024, NULL,
     "Kind of estrados days: BUSINESS or CALENDAR (A10)."},
    {"clock", "contact_validation_hours", CONFIG_STRING, "72", 0, 1024, NULL,
     "Elapsed hours to confirm a contact means (R29, A13)."},
    {"clock", "transitional_end", CONFIG_STRING, "2025-02-01", 0, 1024, NULL,
     "Nominal end of the 180-day transitional period (R30, A12)."},
    {"clock", "estrados_nonenabled_from", CONFIG_STRING, "2025-02-05", 0, 1024, NULL,
     "First act date for which non-enablement alone allows estrados (A12)."},
    {"clock", "retention_years", CONFIG_STRING, "5", 0, 1024, NULL,
     "Years receipts and notified documents stay available (R31)."},
    {"clock", "tzdata_min_version", CONFIG_STRING, "2022g", 0, 1024, NULL,
     "Oldest tz data release accepted; empty disables the check."},
    {"clock", "zoneinfo_dir", CONFIG_STRING, "/usr/share/zoneinfo", 0, 1024, NULL,
     "Directory of the tz database (TZif files)."},

    {NULL, NULL, CONFIG_STRING, NULL, 0, 0, NULL, NULL},
};

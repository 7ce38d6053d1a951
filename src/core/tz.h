/*
 * tz.h - the system's time zone database, read directly (TZif, RFC 8536).
 *
 * Why not glibc or ICU: localtime_r follows the process-wide TZ and so cannot
 * convert for several zones at once, and Debian's ICU carries tz 2022e, which
 * is wrong for Mexico (design.md section 4). This reader takes the version 2+
 * 64-bit data of each file and, for instants past its last transition, the
 * POSIX TZ string of its footer (RFC 8536 section 3.3).
 *
 * A struct tz_db is a directory of zone files (default /usr/share/zoneinfo)
 * whose zones are loaded on first use and cached until tz_db_free. Opening it
 * checks the tz data's release against a minimum (default 2022g: the first
 * release with America/Ciudad_Juarez and Mexico's 2022 law; legal-rules.md
 * section 8) and refuses older data.
 *
 * Instants here are seconds since the epoch (UTC, no leap seconds); local times
 * are "local seconds": the seconds since 1970-01-01T00:00 of the wall clock.
 *
 * Thread-safety: tz_db_zone may be called from any thread (a mutex guards the
 * cache). A struct tz_zone is immutable once returned; every function taking a
 * const zone is reentrant and allocation-free, so the conversions can be used
 * from any number of threads at once.
 */
#ifndef BUZON_CORE_TZ_H
#define BUZON_CORE_TZ_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_DEFAULT_DIR         "/usr/share/zoneinfo"
#define TZ_DEFAULT_MIN_VERSION "2022g"

enum {
    TZ_NAME_MAX = 128,   /* longest IANA zone name accepted */
    TZ_VERSION_MAX = 16, /* "2025b" and room */
};

struct tz_db;
struct tz_zone;

/*
 * Open the tz database in dir (in; NULL: TZ_DEFAULT_DIR). Its release is read
 * from the first line of dir/tzdata.zi ("# version 2025b"), or from
 * dir/+VERSION, and compared with min_version (in; NULL:
 * TZ_DEFAULT_MIN_VERSION; "" disables the check). Returns the database (caller
 * frees with tz_db_free) or NULL with err: "tz_version_unknown" when no release
 * can be read, "tz_too_old" when it is older than the minimum.
 */
struct tz_db *tz_db_open(const char *dir, const char *min_version, struct error *err);

/* Release db (may be NULL) and every zone it loaded: their pointers become invalid. */
void tz_db_free(struct tz_db *db);

/* The release of db's data, e.g. "2025b" (owned by db). */
const char *tz_db_version(const struct tz_db *db);

/*
 * The zone named name (in, an IANA id such as "America/Mexico_City"), loaded on
 * first use. Returns a pointer owned by db, valid until tz_db_free, or NULL
 * with err: "tz_unknown_zone" (no such zone file or a malformed name) or
 * "tz_bad_file" (not a valid TZif file). Thread-safe.
 */
const struct tz_zone *tz_db_zone(struct tz_db *db, const char *name, struct error *err);

/*
 * Parse TZif data (in, len bytes) as the zone called name (in, copied). Returns
 * 0 with *out set (caller frees with tz_zone_free) or -1 with err
 * ("tz_bad_file"). Used by tz_db_zone; exposed for tests and fuzzing.
 */
int tz_zone_parse(const char *name, const unsigned char *data, size_t len, struct tz_zone **out,
                  struct error *err);

/* Release a zone from tz_zone_parse (may be NULL). Never call it on a zone of a tz_db. */
void tz_zone_free(struct tz_zone *z);

/* The IANA name of z (owned by z). */
const char *tz_zone_name(const struct tz_zone *z);

/* Offset from UTC (seconds east) in force in z at instant utc_sec. */
int32_t tz_offset(const struct tz_zone *z, int64_t utc_sec);

/* True when daylight saving time is in force in z at utc_sec. */
bool tz_is_dst(const struct tz_zone *z, int64_t utc_sec);

/* Local seconds of instant utc_sec in z. */
int64_t tz_to_local(const struct tz_zone *z, int64_t utc_sec);

/* How a wall-clock time maps to instants. */
enum tz_match {
    TZ_UNIQUE,  /* exactly one instant */
    TZ_GAP,     /* skipped by a forward change: no instant shows this time */
    TZ_OVERLAP, /* repeated by a backward change: two instants show it */
};

/*
 * The instants at which z's clocks show local_sec (in). UNIQUE: *first ==
 * *second, the instant. OVERLAP: *first is the earlier instant (before the
 * change), *second the later. GAP: both hold the instant that local_sec names
 * with the offset in force before the gap, which the clocks show as local_sec
 * plus the size of the gap (as mktime does). first and second (out) may be
 * NULL.
 */
enum tz_match tz_from_local(const struct tz_zone *z, int64_t local_sec, int64_t *first,
                            int64_t *second);

/*
 * Compare two tz release names ("2022g", "2025b"): negative, 0 or positive like
 * strcmp. A name that is not four digits and letters sorts before every valid
 * one.
 */
int tz_version_compare(const char *a, const char *b);

#endif

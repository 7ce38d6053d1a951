/*
 * localtime.c - instants shown in local time for people: evidence__format_local
 * (receipt.h).
 *
 * Reads the zone's compiled rules (TZif, RFC 8536) from the system's time zone
 * database and takes the UTC offset of the last transition at or before the
 * instant.
 *
 * FIXME: this stands in for the legal clock's tz module (core/tz), which owns
 * Mexico's zone rules (legal-rules.md section 8) and must replace it so
 * receipts and deadlines agree on one source. Missing here: the POSIX TZ footer
 * of a TZif file is not read, so for zones with daylight saving time (the
 * northern border) instants after the file's last transition (2037 in Debian's
 * files) take that transition's offset; and a zone whose file cannot be read is
 * shown in UTC only, with a note.
 */
#include "evidence/receipt.h"

#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TZIF_MAX = 1 << 16, TZIF_HEADER = 44 };

static const char zoneinfo[] = "/usr/share/zoneinfo";

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

/* Read the six counts of the header at p; 0 when the header is valid. */
static int
counts(const unsigned char *p, size_t avail, struct tzif_counts *c)
{
    if (avail < TZIF_HEADER || memcmp(p, "TZif", 4) != 0)
        return -1;
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    return c->type == 0 || c->time > TZIF_MAX || c->type > 256 ? -1 : 0;
}

static size_t
block_len(const struct tzif_counts *c, size_t time_size)
{
    return c->time * time_size + c->time + c->type * 6 + c->chars + c->leap * (time_size + 4) +
           c->isstd + c->isut;
}

/* The UTC offset in seconds at unix time t from the TZif data (RFC 8536 section 3). */
static int
tzif_offset(const unsigned char *d, size_t len, int64_t t, int32_t *offset)
{
    struct tzif_counts c;
    size_t time_size = 4, type_at;
    const unsigned char *times;
    uint32_t type = 0;

    if (counts(d, len, &c) != 0)
        return -1;
    /* Version 2 and later repeat the data with 64-bit times after the version 1 block. */
    if (d[4] >= '2') {
        size_t skip = TZIF_HEADER + block_len(&c, 4);

        if (skip > len || counts(d + skip, len - skip, &c) != 0)
            return -1;
        d += skip;
        len -= skip;
        time_size = 8;
    }
    if (TZIF_HEADER + block_len(&c, time_size) > len)
        return -1;

    times = d + TZIF_HEADER;
    for (uint32_t i = 0; i < c.time; i++) {
        int64_t at = time_size == 8 ? be64(times + 8 * i) : (int32_t)be32(times + 4 * i);

        if (at > t)
            break;
        type = times[c.time * time_size + i];
    }
    if (type >= c.type)
        return -1;
    type_at = TZIF_HEADER + c.time * time_size + c.time + 6 * type;
    *offset = (int32_t)be32(d + type_at);
    return 0;
}

static int
zone_offset(const char *zone, int64_t t, int32_t *offset)
{
    unsigned char *data = mem_alloc(TZIF_MAX);
    char path[256];
    size_t len;
    FILE *f;
    int rc = -1;

    if (strstr(zone, "..") != NULL || zone[0] == '/')
        goto out;
    snprintf(path, sizeof(path), "%s/%s", zoneinfo, zone);
    f = fopen(path, "rb");
    if (f == NULL)
        goto out;
    len = fread(data, 1, TZIF_MAX, f);
    fclose(f);
    rc = tzif_offset(data, len, t, offset);

out:
    free(data);
    return rc;
}

void
evidence__format_local(int64_t us, const char *zone, char *buf, size_t len)
{
    int64_t t = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
    char utc[EVIDENCE_UTC_MAX];
    int32_t offset = 0;
    int32_t abs_off;

    if (zone_offset(zone, t, &offset) != 0) {
        evidence_utc_format(us, utc);
        snprintf(buf, len, "%.10s %.8s UTC (sin reglas de la zona %s)", utc, utc + 11, zone);
        return;
    }
    /* Local civil time is UTC shifted by the offset; reuse the UTC formatter on it. */
    evidence_utc_format(us + (int64_t)offset * 1000000, utc);
    abs_off = offset < 0 ? -offset : offset;
    snprintf(buf, len, "%.2s/%.2s/%.4s %.8s (UTC%c%02d:%02d)", utc + 8, utc + 5, utc, utc + 11,
             offset < 0 ? '-' : '+', (int)(abs_off / 3600), (int)(abs_off / 60 % 60));
}

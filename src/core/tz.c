/*
 * tz.c - TZif reader (RFC 8536) with the POSIX TZ footer, and a thread-safe
 * cache of zones.
 *
 * Lookups are a binary search over the transition table. At load, the footer's
 * rule is expanded into explicit transitions up to FOOTER_TABLE_END_YEAR, so
 * that the common case (Tijuana's daylight saving time, in a "slim" file whose
 * table stops in 2007) is the same search; instants later than that evaluate
 * the footer directly.
 */
#include "core/tz.h"

#include "core/civil.h"
#include "core/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TZIF_HEADER_LEN = 44,
    TZIF_MAX_FILE = 1 << 20, /* the largest real zone file is under 4 KiB */
    FOOTER_TABLE_END_YEAR = 2200,
    MAX_TYPES = 256,
};

/* One rule date of a POSIX TZ string: Jn, n or Mm.w.d, and the local time of the change. */
struct posix_rule {
    char kind; /* 'J' (1-365, no 29 Feb), 'D' (0-365), 'M' (month.week.day) */
    int a, b, c;
    int32_t time; /* seconds after local midnight; may be negative or past 24 h */
};

struct posix_tz {
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    struct posix_rule start, end;
};

struct tz_type {
    int32_t utoff;
    bool isdst;
};

struct tz_zone {
    char *name;
    size_t n_trans;
    int64_t *trans; /* ascending instants */
    uint8_t *idx;   /* type index of each transition */
    struct tz_type *types;
    size_t n_types;
    bool has_footer;
    struct posix_tz footer;
};

struct tz_db {
    char *dir;
    char version[TZ_VERSION_MAX];
    pthread_mutex_t lock;
    struct tz_zone **zones;
    size_t n_zones, cap_zones;
};

/* ---- Big-endian fields and the TZif layout ---- */

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

static int
read_header(const unsigned char *p, size_t len, struct tzif_counts *c)
{
    if (len < TZIF_HEADER_LEN || memcmp(p, "TZif", 4) != 0)
        return -1;
    c->isut = be32(p + 20);
    c->isstd = be32(p + 24);
    c->leap = be32(p + 28);
    c->time = be32(p + 32);
    c->type = be32(p + 36);
    c->chars = be32(p + 40);
    /* RFC 8536 section 3.1: typecnt and charcnt must not be zero; isut/isstd are 0 or typecnt. */
    if (c->type == 0 || c->type > MAX_TYPES || c->chars == 0 || c->time > 100000 ||
        c->leap > 10000 || c->chars > 100000 || (c->isut != 0 && c->isut != c->type) ||
        (c->isstd != 0 && c->isstd != c->type))
        return -1;
    return 0;
}

/* Size of a data block with time fields of tsize bytes. */
static size_t
block_len(const struct tzif_counts *c, size_t tsize)
{
    return (size_t)c->time * tsize + c->time + (size_t)c->type * 6 + c->chars +
           (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

/* ---- POSIX TZ strings (RFC 8536 section 3.3; POSIX.1-2017 section 8.3) ---- */

static bool
parse_name(const char **p)
{
    const char *s = *p;
    size_t n = 0;

    if (*s == '<') {
        for (s++; *s != '>' && *s != '\0'; s++)
            n++;
        if (*s != '>' || n < 3)
            return false;
        *p = s + 1;
        return true;
    }
    for (; (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'); s++)
        n++;
    *p = s;
    return n >= 3;
}

/* Parse a number of at most max, at least one digit. */
static bool
parse_num(const char **p, int max, int *out)
{
    const char *s = *p;
    int v = 0;

    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    *p = s;
    return true;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h; returns seconds. */
static bool
parse_hms(const char **p, int max_h, int32_t *out)
{
    int sign = 1, h, m = 0, s = 0;

    if (**p == '+' || **p == '-') {
        sign = **p == '-' ? -1 : 1;
        (*p)++;
    }
    if (!parse_num(p, max_h, &h))
        return false;
    if (**p == ':') {
        (*p)++;
        if (!parse_num(p, 59, &m))
            return false;
        if (**p == ':') {
            (*p)++;
            if (!parse_num(p, 59, &s))
                return false;
        }
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return true;
}

static bool
parse_rule(const char **p, struct posix_rule *r)
{
    r->time = 2 * 3600;
    if (**p == 'J') {
        (*p)++;
        r->kind = 'J';
        if (!parse_num(p, 365, &r->a) || r->a < 1)
            return false;
    } else if (**p == 'M') {
        (*p)++;
        r->kind = 'M';
        if (!parse_num(p, 12, &r->a) || r->a < 1 || *(*p)++ != '.' || !parse_num(p, 5, &r->b) ||
            r->b < 1 || *(*p)++ != '.' || !parse_num(p, 6, &r->c))
            return false;
    } else {
        r->kind = 'D';
        if (!parse_num(p, 365, &r->a))
            return false;
    }
    if (**p == '/') {
        (*p)++;
        /* RFC 8536 section 3.3.1 extends the hours to -167..167. */
        if (!parse_hms(p, 167, &r->time))
            return false;
    }
    return true;
}

static int
parse_posix(const char *s, struct posix_tz *tz)
{
    int32_t off;

    memset(tz, 0, sizeof(*tz));
    if (!parse_name(&s) || !parse_hms(&s, 24, &off))
        return -1;
    tz->std_off = -off; /* POSIX offsets count west of Greenwich */
    if (*s == '\0')
        return 0;

    if (!parse_name(&s))
        return -1;
    tz->has_dst = true;
    tz->dst_off = tz->std_off + 3600;
    if (*s != ',' && *s != '\0') {
        if (!parse_hms(&s, 24, &off))
            return -1;
        tz->dst_off = -off;
    }
    if (*s == '\0') {
        /* No rule: POSIX leaves it to the implementation; glibc uses the US rule. */
        tz->start = (struct posix_rule){'M', 3, 2, 0, 7200};
        tz->end = (struct posix_rule){'M', 11, 1, 0, 7200};
        return 0;
    }
    if (*s++ != ',' || !parse_rule(&s, &tz->start) || *s++ != ',' || !parse_rule(&s, &tz->end))
        return -1;
    return *s == '\0' ? 0 : -1;
}

/* Day number on which rule r falls in year y. */
static int32_t
rule_day(int y, const struct posix_rule *r)
{
    int32_t jan1 = civil_from_ymd(y, 1, 1);
    int32_t first, d;
    bool leap = civil_month_days(y, 2) == 29;

    switch (r->kind) {
    case 'J':
        /* Julian day 1-365, 29 February never counted. */
        return jan1 + r->a - 1 + (leap && r->a >= 60);
    case 'D':
        return jan1 + r->a;
    default:
        /* Week b (5 = last) of month a, weekday c (0 = Sunday). */
        first = civil_from_ymd(y, r->a, 1);
        d = first + (r->c - civil_weekday(first) + 7) % 7 + (r->b - 1) * 7;
        while (d >= first + civil_month_days(y, r->a))
            d -= 7;
        return d;
    }
}

/* Start and end of daylight saving time of year y, as instants. */
static void
footer_year(const struct posix_tz *f, int y, int64_t *start, int64_t *end)
{
    *start = (int64_t)rule_day(y, &f->start) * CIVIL_SEC_PER_DAY + f->start.time - f->std_off;
    *end = (int64_t)rule_day(y, &f->end) * CIVIL_SEC_PER_DAY + f->end.time - f->dst_off;
}

static int
year_of(int64_t sec)
{
    int64_t days = sec / CIVIL_SEC_PER_DAY - (sec % CIVIL_SEC_PER_DAY < 0);
    int y;

    if (days > INT32_MAX / 2)
        days = INT32_MAX / 2;
    if (days < INT32_MIN / 2)
        days = INT32_MIN / 2;
    civil_to_ymd((int32_t)days, &y, NULL, NULL);
    return y;
}

static bool
footer_dst(const struct posix_tz *f, int64_t t)
{
    int64_t start, end;

    if (!f->has_dst)
        return false;
    footer_year(f, year_of(t + f->std_off), &start, &end);
    if (start < end)
        return t >= start && t < end;
    return !(t >= end && t < start); /* southern hemisphere */
}

/* ---- Zones ---- */

static size_t
type_index(struct tz_zone *z, int32_t utoff, bool isdst)
{
    for (size_t i = 0; i < z->n_types; i++)
        if (z->types[i].utoff == utoff && z->types[i].isdst == isdst)
            return i;
    z->types = mem_realloc(z->types, (z->n_types + 1) * sizeof(*z->types));
    z->types[z->n_types] = (struct tz_type){utoff, isdst};
    return z->n_types++;
}

/* Append the footer's transitions after the table, up to FOOTER_TABLE_END_YEAR. */
static void
expand_footer(struct tz_zone *z)
{
    int64_t last = z->n_trans > 0 ? z->trans[z->n_trans - 1] : INT64_MIN;
    int y0 = z->n_trans > 0 ? year_of(last) : 1970;
    size_t cap = z->n_trans + 2 * (size_t)(FOOTER_TABLE_END_YEAR - y0 + 1);
    size_t i_std, i_dst;

    if (!z->footer.has_dst || y0 > FOOTER_TABLE_END_YEAR || z->n_types + 2 > MAX_TYPES)
        return;
    i_std = type_index(z, z->footer.std_off, false);
    i_dst = type_index(z, z->footer.dst_off, true);
    z->trans = mem_realloc(z->trans, cap * sizeof(*z->trans));
    z->idx = mem_realloc(z->idx, cap);

    for (int y = y0; y <= FOOTER_TABLE_END_YEAR; y++) {
        int64_t start, end;
        int64_t t[2];
        size_t k[2];

        footer_year(&z->footer, y, &start, &end);
        t[0] = start < end ? start : end;
        t[1] = start < end ? end : start;
        k[0] = start < end ? i_dst : i_std;
        k[1] = start < end ? i_std : i_dst;
        for (int j = 0; j < 2; j++) {
            if (t[j] <= last)
                continue;
            z->trans[z->n_trans] = t[j];
            z->idx[z->n_trans++] = (uint8_t)k[j];
            last = t[j];
        }
    }
}

/* Copy the version 2+ data block at p (its counts c) into z. */
static int
load_block(struct tz_zone *z, const unsigned char *p, const struct tzif_counts *c)
{
    const unsigned char *idx = p + (size_t)c->time * 8;
    const unsigned char *types = idx + c->time;

    z->n_trans = c->time;
    z->trans = mem_alloc((c->time + 1) * sizeof(*z->trans));
    z->idx = mem_alloc(c->time + 1);
    z->n_types = c->type;
    z->types = mem_alloc(c->type * sizeof(*z->types));
    for (uint32_t i = 0; i < c->time; i++) {
        z->trans[i] = be64(p + (size_t)i * 8);
        z->idx[i] = idx[i];
        if (idx[i] >= c->type || (i > 0 && z->trans[i] <= z->trans[i - 1]))
            return -1;
    }
    for (uint32_t i = 0; i < c->type; i++) {
        int32_t off = (int32_t)be32(types + (size_t)i * 6);

        /* RFC 8536 section 3.2: utoff must not be -2^31; real offsets are within a day. */
        if (off <= -25 * 3600 || off >= 26 * 3600 || types[i * 6 + 4] > 1 ||
            types[i * 6 + 5] >= c->chars)
            return -1;
        z->types[i] = (struct tz_type){off, types[i * 6 + 4] == 1};
    }
    return 0;
}

/* The footer "\nTZ\n" at p (end at e) into z. */
static int
load_footer(struct tz_zone *z, const unsigned char *p, const unsigned char *e)
{
    const unsigned char *nl;
    char buf[128];
    size_t n;

    if (p >= e || *p != '\n')
        return -1;
    nl = memchr(p + 1, '\n', (size_t)(e - p - 1));
    if (nl == NULL || (n = (size_t)(nl - p - 1)) >= sizeof(buf))
        return -1;
    if (n == 0)
        return 0; /* an empty footer: no rule past the table */
    memcpy(buf, p + 1, n);
    buf[n] = '\0';
    if (parse_posix(buf, &z->footer) != 0)
        return -1;
    z->has_footer = true;
    return 0;
}

int
tz_zone_parse(const char *name, const unsigned char *data, size_t len, struct tz_zone **out,
              struct error *err)
{
    struct tzif_counts c1, c2;
    struct tz_zone *z = mem_calloc(1, sizeof(*z));
    size_t v1_len, v2_len;

    z->name = mem_strdup(name);
    /* Version 1 files lack 64-bit data and the footer; tz has written v2+ since 2005. */
    if (read_header(data, len, &c1) != 0 || data[4] < '2')
        goto bad;
    v1_len = block_len(&c1, 4);
    if (len - TZIF_HEADER_LEN < v1_len)
        goto bad;
    data += TZIF_HEADER_LEN + v1_len;
    len -= TZIF_HEADER_LEN + v1_len;
    if (read_header(data, len, &c2) != 0)
        goto bad;
    /* Leap-second ("right/") files count TAI-like seconds: not civil time. */
    v2_len = block_len(&c2, 8);
    if (c2.leap != 0 || len - TZIF_HEADER_LEN < v2_len)
        goto bad;
    if (load_block(z, data + TZIF_HEADER_LEN, &c2) != 0 ||
        load_footer(z, data + TZIF_HEADER_LEN + v2_len, data + len) != 0)
        goto bad;

    expand_footer(z);
    *out = z;
    return 0;

bad:
    tz_zone_free(z);
    return error_set(err, "tz_bad_file",
                     "el archivo de zona horaria «%.100s» no es un TZif válido (RFC 8536)", name);
}

void
tz_zone_free(struct tz_zone *z)
{
    if (z == NULL)
        return;
    free(z->name);
    free(z->trans);
    free(z->idx);
    free(z->types);
    free(z);
}

const char *
tz_zone_name(const struct tz_zone *z)
{
    return z->name;
}

/* The type in force at t, or NULL when the footer rules (past the table). */
static const struct tz_type *
lookup(const struct tz_zone *z, int64_t t)
{
    size_t lo = 0, hi = z->n_trans;

    if (z->n_trans == 0 || t < z->trans[0])
        return z->n_trans == 0 && z->has_footer ? NULL : &z->types[0];
    if (t >= z->trans[z->n_trans - 1])
        return z->has_footer ? NULL : &z->types[z->idx[z->n_trans - 1]];

    /* Invariant: trans[lo] <= t < trans[hi]. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return &z->types[z->idx[lo]];
}

int32_t
tz_offset(const struct tz_zone *z, int64_t utc_sec)
{
    const struct tz_type *ty = lookup(z, utc_sec);

    if (ty != NULL)
        return ty->utoff;
    return footer_dst(&z->footer, utc_sec) ? z->footer.dst_off : z->footer.std_off;
}

bool
tz_is_dst(const struct tz_zone *z, int64_t utc_sec)
{
    const struct tz_type *ty = lookup(z, utc_sec);

    return ty != NULL ? ty->isdst : footer_dst(&z->footer, utc_sec);
}

int64_t
tz_to_local(const struct tz_zone *z, int64_t utc_sec)
{
    return utc_sec + tz_offset(z, utc_sec);
}

enum tz_match
tz_from_local(const struct tz_zone *z, int64_t local_sec, int64_t *first, int64_t *second)
{
    /* Transitions are weeks apart, so the offsets a day either side bound the candidates. */
    int32_t before = tz_offset(z, local_sec - CIVIL_SEC_PER_DAY);
    int32_t after = tz_offset(z, local_sec + CIVIL_SEC_PER_DAY);
    int64_t cand[2] = {local_sec - before, local_sec - after};
    bool ok0 = tz_offset(z, cand[0]) == before;
    bool ok1 = before != after && tz_offset(z, cand[1]) == after;
    int64_t a, b;
    enum tz_match m;

    if (ok0 && ok1) {
        a = cand[0] < cand[1] ? cand[0] : cand[1];
        b = cand[0] < cand[1] ? cand[1] : cand[0];
        m = TZ_OVERLAP;
    } else if (ok0 || ok1) {
        a = b = ok0 ? cand[0] : cand[1];
        m = TZ_UNIQUE;
    } else {
        a = b = cand[0];
        m = TZ_GAP;
    }
    if (first != NULL)
        *first = a;
    if (second != NULL)
        *second = b;
    return m;
}

/* ---- Versions ---- */

int
tz_version_compare(const char *a, const char *b)
{
    bool va = strlen(a) >= 5 && strspn(a, "0123456789") == 4;
    bool vb = strlen(b) >= 5 && strspn(b, "0123456789") == 4;
    int c;

    if (!va || !vb)
        return (int)va - (int)vb;
    c = strncmp(a, b, 4);
    if (c != 0)
        return c;
    /* Releases go a..z, then aa, ab...: a longer suffix is later. */
    if (strlen(a) != strlen(b))
        return strlen(a) < strlen(b) ? -1 : 1;
    return strcmp(a + 4, b + 4);
}

/* Read the release of the data in dir into out. */
static int
read_version(const char *dir, char out[TZ_VERSION_MAX])
{
    static const char *const files[] = {"tzdata.zi", "+VERSION"};
    char path[1100], line[128];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        FILE *f;
        const char *v = line;
        size_t n;

        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        f = fopen(path, "r");
        if (f == NULL)
            continue;
        if (fgets(line, sizeof(line), f) == NULL)
            line[0] = '\0';
        fclose(f);
        if (i == 0) {
            if (strncmp(line, "# version ", 10) != 0)
                continue;
            v = line + 10;
        }
        n = strcspn(v, " \r\n");
        if (n == 0 || n >= TZ_VERSION_MAX)
            continue;
        memcpy(out, v, n);
        out[n] = '\0';
        return 0;
    }
    return -1;
}

struct tz_db *
tz_db_open(const char *dir, const char *min_version, struct error *err)
{
    struct tz_db *db;
    char version[TZ_VERSION_MAX] = "";

    if (dir == NULL)
        dir = TZ_DEFAULT_DIR;
    if (min_version == NULL)
        min_version = TZ_DEFAULT_MIN_VERSION;
    if (min_version[0] != '\0') {
        if (read_version(dir, version) != 0) {
            error_set(err, "tz_version_unknown",
                      "no se pudo leer la versión de la base de zonas horarias en %.200s "
                      "(tzdata.zi o +VERSION); se requiere %s o posterior",
                      dir, min_version);
            return NULL;
        }
        if (tz_version_compare(version, min_version) < 0) {
            error_set(err, "tz_too_old",
                      "la base de zonas horarias de %.200s es la versión %s, anterior a %s: "
                      "sus horas para México son incorrectas (Ley de los Husos Horarios de 2022); "
                      "actualice el paquete tzdata",
                      dir, version, min_version);
            return NULL;
        }
    } else {
        (void)read_version(dir, version);
    }

    db = mem_calloc(1, sizeof(*db));
    db->dir = mem_strdup(dir);
    memcpy(db->version, version, sizeof(version));
    pthread_mutex_init(&db->lock, NULL);
    return db;
}

void
tz_db_free(struct tz_db *db)
{
    if (db == NULL)
        return;
    for (size_t i = 0; i < db->n_zones; i++)
        tz_zone_free(db->zones[i]);
    free(db->zones);
    pthread_mutex_destroy(&db->lock);
    free(db->dir);
    free(db);
}

const char *
tz_db_version(const struct tz_db *db)
{
    return db->version;
}

/* IANA names: letters, digits, '_', '-', '+', '.', and '/' between non-dot components. */
static bool
valid_name(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len > TZ_NAME_MAX || name[0] == '/' || name[0] == '.' ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+./") != len)
        return false;
    return strstr(name, "/.") == NULL && strstr(name, "//") == NULL && name[len - 1] != '/';
}

static struct tz_zone *
load_zone(const char *dir, const char *name, struct error *err)
{
    char path[1200];
    unsigned char *buf = mem_alloc(TZIF_MAX_FILE);
    struct tz_zone *z = NULL;
    size_t len;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        error_set(err, "tz_unknown_zone", "zona horaria desconocida: «%.100s»", name);
        goto out;
    }
    len = fread(buf, 1, TZIF_MAX_FILE, f);
    fclose(f);
    if (tz_zone_parse(name, buf, len, &z, err) != 0)
        z = NULL;

out:
    free(buf);
    return z;
}

const struct tz_zone *
tz_db_zone(struct tz_db *db, const char *name, struct error *err)
{
    struct tz_zone *z = NULL;

    if (!valid_name(name)) {
        error_set(err, "tz_unknown_zone", "zona horaria desconocida: «%.100s»", name);
        return NULL;
    }

    pthread_mutex_lock(&db->lock);
    for (size_t i = 0; i < db->n_zones; i++) {
        if (strcmp(db->zones[i]->name, name) == 0) {
            z = db->zones[i];
            goto out;
        }
    }
    z = load_zone(db->dir, name, err);
    if (z == NULL)
        goto out;
    if (db->n_zones == db->cap_zones) {
        db->cap_zones = db->cap_zones ? 2 * db->cap_zones : 16;
        db->zones = mem_realloc(db->zones, db->cap_zones * sizeof(*db->zones));
    }
    db->zones[db->n_zones++] = z;

out:
    pthread_mutex_unlock(&db->lock);
    return z;
}

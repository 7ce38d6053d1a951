/*
 * civil.c - Gregorian day numbers and ISO 8601 text.
 *
 * The day-number conversions are Howard Hinnant's "chrono-compatible low-level
 * date algorithms" (days_from_civil, civil_from_days), exact over the whole
 * int32 range we use.
 */
#include "core/civil.h"

#include <stdio.h>
#include <string.h>

int32_t
civil_from_ymd(int y, int m, int d)
{
    int yy = y - (m <= 2);
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    int yoe = yy - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (int32_t)(era * 146097 + doe - 719468);
}

void
civil_to_ymd(int32_t days, int *y, int *m, int *d)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;

    if (y != NULL)
        *y = (int)(yoe + era * 400 + (mm <= 2));
    if (m != NULL)
        *m = (int)mm;
    if (d != NULL)
        *d = (int)dd;
}

static bool
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
civil_month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && is_leap(y))
        return 29;
    return days[m - 1];
}

bool
civil_valid(int y, int m, int d)
{
    if (y < CIVIL_YEAR_MIN || y > CIVIL_YEAR_MAX || m < 1 || m > 12 || d < 1)
        return false;
    return d <= civil_month_days(y, m);
}

int
civil_weekday(int32_t days)
{
    /* 1970-01-01 was a Thursday (4). */
    int w = (int)(((int64_t)days + 4) % 7);

    return w < 0 ? w + 7 : w;
}

int64_t
civil_us_to_sec(int64_t us)
{
    int64_t s = us / CIVIL_US_PER_SEC;

    return (us % CIVIL_US_PER_SEC < 0) ? s - 1 : s;
}

/* Read exactly n decimal digits at s into *out. */
static bool
digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int
civil_parse_date_n(const char *s, size_t len, int32_t *out, struct error *err)
{
    int y, m, d;

    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d))
        return error_set(err, "date_syntax", "fecha mal escrita: «%.*s»; se espera AAAA-MM-DD",
                         (int)(len > 40 ? 40 : len), s);
    if (!civil_valid(y, m, d))
        return error_set(err, "date_invalid", "la fecha %.10s no existe en el calendario", s);
    *out = civil_from_ymd(y, m, d);
    return 0;
}

int
civil_parse_date(const char *s, int32_t *out, struct error *err)
{
    return civil_parse_date_n(s, strlen(s), out, err);
}

/* Parse "[.ffffff]" at *p (advanced); at most 6 digits. */
static bool
parse_fraction(const char **p, int32_t *usec)
{
    int32_t v = 0, scale = 100000;
    const char *s = *p;

    *usec = 0;
    if (*s != '.' && *s != ',')
        return true;
    s++;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (scale == 0)
            return false;
        v += (*s - '0') * scale;
        scale /= 10;
    }
    *usec = v;
    *p = s;
    return true;
}

/* Parse "Z", "±HH:MM", "±HHMM" or nothing at s into t; true when s is fully consumed. */
static bool
parse_offset(const char *s, struct civil_time *t)
{
    int hh, mm;

    t->has_offset = false;
    t->offset_s = 0;
    if (*s == '\0')
        return true;
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
        t->has_offset = true;
        return true;
    }
    if ((*s != '+' && *s != '-') || !digits(s + 1, 2, &hh))
        return false;
    if (s[3] == ':' && digits(s + 4, 2, &mm) && s[6] == '\0') {
        /* ±HH:MM */
    } else if (digits(s + 3, 2, &mm) && s[5] == '\0') {
        /* ±HHMM */
    } else {
        return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    t->has_offset = true;
    t->offset_s = (*s == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return true;
}

int
civil_parse_time(const char *s, struct civil_time *out, struct error *err)
{
    struct civil_time t = {0};
    int hh, mi, ss = 0;
    const char *p;
    size_t len = strlen(s);

    if (len < 16 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        goto syntax;
    if (civil_parse_date_n(s, 10, &t.date, err) != 0) {
        if (strcmp(err != NULL ? err->code : "", "date_invalid") == 0)
            return error_set(err, "instant_invalid", "el instante «%.40s» no existe: %s", s,
                             err->message);
        goto syntax;
    }

    p = s + 11;
    if (!digits(p, 2, &hh) || p[2] != ':' || !digits(p + 3, 2, &mi))
        goto syntax;
    p += 5;
    if (*p == ':') {
        if (!digits(p + 1, 2, &ss))
            goto syntax;
        p += 3;
    }
    if (!parse_fraction(&p, &t.usec) || !parse_offset(p, &t))
        goto syntax;
    if (hh > 23 || mi > 59 || ss > 59)
        return error_set(err, "instant_invalid",
                         "la hora de «%.40s» no existe (horas 00-23, minutos y segundos 00-59)", s);

    t.sec_of_day = hh * 3600 + mi * 60 + ss;
    *out = t;
    return 0;

syntax:
    return error_set(err, "instant_syntax",
                     "instante mal escrito: «%.40s»; se espera AAAA-MM-DDTHH:MM:SS con desfase "
                     "(Z o ±HH:MM), p. ej. 2025-03-10T09:30:00-06:00",
                     s);
}

int64_t
civil_time_instant(const struct civil_time *t)
{
    int64_t sec = (int64_t)t->date * CIVIL_SEC_PER_DAY + t->sec_of_day - t->offset_s;

    return sec * CIVIL_US_PER_SEC + t->usec;
}

void
civil_format_date(int32_t days, char buf[CIVIL_DATE_LEN])
{
    int y, m, d;

    civil_to_ymd(days, &y, &m, &d);
    snprintf(buf, CIVIL_DATE_LEN, "%04d-%02d-%02d", y, m, d);
}

void
civil_format_offset(int32_t offset_s, char buf[8])
{
    int32_t a = offset_s < 0 ? -offset_s : offset_s;

    snprintf(buf, 8, "%c%02d:%02d", offset_s < 0 ? '-' : '+', (int)(a / 3600 % 100),
             (int)(a / 60 % 60));
}

/* "YYYY-MM-DDTHH:MM:SS" of local seconds sec into buf; returns the length written. */
static int
format_local(int64_t sec, char *buf, size_t len)
{
    int64_t days = sec / CIVIL_SEC_PER_DAY;
    int64_t rem = sec % CIVIL_SEC_PER_DAY;
    int y, m, d;

    if (rem < 0) {
        rem += CIVIL_SEC_PER_DAY;
        days--;
    }
    civil_to_ymd((int32_t)days, &y, &m, &d);
    return snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, (int)(rem / 3600),
                    (int)(rem / 60 % 60), (int)(rem % 60));
}

void
civil_format_instant(int64_t us, int32_t offset_s, char buf[CIVIL_INSTANT_LEN])
{
    int n = format_local(civil_us_to_sec(us) + offset_s, buf, CIVIL_INSTANT_LEN);

    if (n > 0 && n < CIVIL_INSTANT_LEN - 7)
        civil_format_offset(offset_s, buf + n);
}

void
civil_format_utc(int64_t us, char buf[CIVIL_INSTANT_LEN])
{
    int n = format_local(civil_us_to_sec(us), buf, CIVIL_INSTANT_LEN);

    if (n > 0 && n < CIVIL_INSTANT_LEN - 2)
        memcpy(buf + n, "Z", 2);
}

/*
 * calendar.c - statutory days of CFF art. 12, declared days and suspensions as
 * data, and fast business-day arithmetic over a precomputed table.
 */
#include "core/calendar.h"

#include "core/civil.h"
#include "core/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct calendar {
    enum calendar_mode mode;
    enum calendar_transmission transmission;
    struct calendar_entry *entries; /* deep copy of the list */
    size_t n_entries;
    int32_t first; /* day number of the table's first day */
    size_t n_days;
    uint8_t *why; /* enum calendar_why per day */
    int32_t *cum; /* business days in [first, first + i] */
};

/* ---- Statutory days (CFF art. 12 ¶1; legal-rules.md section 6) ---- */

/* The Monday of week `nth` (1-based) of month m of year y. */
static int32_t
nth_monday(int y, int m, int nth)
{
    int32_t first = civil_from_ymd(y, m, 1);

    return first + (8 - civil_weekday(first)) % 7 + 7 * (nth - 1);
}

/* Years of the transfer of federal executive power: every six years, 2024 + 6k (A2). */
static bool
is_transfer_year(int y)
{
    return y >= 1934 && (y - 2024) % 6 == 0;
}

/*
 * FIXME: the list is today's CFF 12 list, applied to every year. The Monday
 * rules (first Monday of February, third of March and November) and 5 May came
 * into the text by reforms whose effective dates are not recorded here, so
 * dates before them may come out wrong; the section 11 "statutory_rules
 * versioned by effective date" accepts only CFF12. Costs nothing for plazos
 * from 2022 on; matters only to recompute old cases.
 */
static const char *
statutory(enum calendar_transmission tr, int32_t d)
{
    int y, m, dd;

    civil_to_ymd(d, &y, &m, &dd);
    if (m == 1 && dd == 1)
        return "1 de enero, Año Nuevo";
    if (m == 2 && d == nth_monday(y, 2, 1))
        return "primer lunes de febrero, Día de la Constitución";
    if (m == 3 && d == nth_monday(y, 3, 3))
        return "tercer lunes de marzo, natalicio de Benito Juárez";
    if (m == 5 && dd == 1)
        return "1 de mayo, Día del Trabajo";
    /* In the CFF list though not in the LFT's (A1). */
    if (m == 5 && dd == 5)
        return "5 de mayo, Batalla de Puebla";
    if (m == 9 && dd == 16)
        return "16 de septiembre, Independencia";
    if (m == 11 && d == nth_monday(y, 11, 3))
        return "tercer lunes de noviembre, Revolución";
    if (m == 12 && dd == 25)
        return "25 de diciembre, Navidad";

    if (!is_transfer_year(y))
        return NULL;
    /* CPEUM art. 83 (DOF 10 Feb 2014) moved the inauguration to 1 October from 2024 (A2). */
    if (m == 10 && dd == 1 && y >= 2024 && tr != CALENDAR_TRANSMISSION_DEC1)
        return "1 de octubre, transmisión del Poder Ejecutivo Federal";
    if (m == 12 && dd == 1 && (tr != CALENDAR_TRANSMISSION_OCT1 || y < 2024))
        return "1 de diciembre, transmisión del Poder Ejecutivo Federal";
    return NULL;
}

const char *
calendar_statutory(const struct calendar *cal, int32_t d)
{
    return statutory(cal->transmission, d);
}

/* ---- Calendar texts ---- */

/* Lower-case ASCII folding of the Spanish accented letters, for prefix matching. */
static bool
prefix_folded(const char *s, const char *ascii_prefix, const char **rest)
{
    static const char *const accents[][2] = {{"á", "a"}, {"é", "e"}, {"í", "i"}, {"ó", "o"},
                                             {"ú", "u"}, {"Á", "a"}, {"É", "e"}, {"Í", "i"},
                                             {"Ó", "o"}, {"Ú", "u"}};
    const char *p = ascii_prefix;

    while (*p != '\0') {
        bool matched = false;

        for (size_t i = 0; i < sizeof(accents) / sizeof(accents[0]); i++) {
            size_t n = strlen(accents[i][0]);

            if (strncmp(s, accents[i][0], n) == 0 && *p == accents[i][1][0]) {
                s += n;
                p++;
                matched = true;
                break;
            }
        }
        if (matched)
            continue;
        if (tolower((unsigned char)*s) != *p)
            return false;
        s++;
        p++;
    }
    *rest = s;
    return true;
}

static enum calendar_kind
kind_of(const char **desc)
{
    static const struct {
        const char *prefix;
        enum calendar_kind kind;
    } kinds[] = {{"suspension:", CALENDAR_SUSPENSION},
                 {"cierre:", CALENDAR_CLOSURE},
                 {"habilitacion:", CALENDAR_ENABLED}};
    const char *rest;

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (prefix_folded(*desc, kinds[i].prefix, &rest)) {
            while (*rest == ' ' || *rest == '\t')
                rest++;
            *desc = rest;
            return kinds[i].kind;
        }
    }
    return CALENDAR_DECLARED;
}

/* Agreement id ("ACDO....") and "DOF YYYY-MM-DD" found in the description of e. */
static void
find_references(struct calendar_entry *e)
{
    const char *a = strstr(e->description, "ACDO");
    const char *dof = strstr(e->description, "DOF");

    e->agreement[0] = '\0';
    e->dof_date = CIVIL_NO_DATE;
    if (a != NULL) {
        size_t n = strcspn(a, " \t,;()");

        while (n > 0 && a[n - 1] == '.')
            n--;
        if (n >= sizeof(e->agreement))
            n = sizeof(e->agreement) - 1;
        memcpy(e->agreement, a, n);
        e->agreement[n] = '\0';
    }
    if (dof != NULL) {
        const char *p = dof + 3;

        while (*p == ' ' || *p == ':')
            p++;
        if (strlen(p) >= 10 && civil_parse_date_n(p, 10, &e->dof_date, NULL) != 0)
            e->dof_date = CIVIL_NO_DATE;
    }
}

/* Parse one line (NUL-terminated, comment removed) into e; 1 when blank, 0 or -1. */
static int
parse_line(char *line, struct calendar_entry *e, struct error *err)
{
    char *p = line, *end;
    const char *desc;
    size_t tok;

    while (*p == ' ' || *p == '\t')
        p++;
    end = p + strlen(p);
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    if (*p == '\0')
        return 1;

    tok = strcspn(p, " \t");
    if (civil_parse_date_n(p, tok < 10 ? tok : 10, &e->first, err) != 0)
        return -1;
    e->last = e->first;
    if (tok == 22 && strncmp(p + 10, "..", 2) == 0) {
        if (civil_parse_date_n(p + 12, 10, &e->last, err) != 0)
            return -1;
    } else if (tok != 10) {
        return error_set(err, "calendar_line",
                         "se espera una fecha AAAA-MM-DD o un intervalo AAAA-MM-DD..AAAA-MM-DD");
    }
    if (e->last < e->first)
        return error_set(err, "calendar_line", "el intervalo termina antes de empezar");

    desc = p + tok;
    while (*desc == ' ' || *desc == '\t')
        desc++;
    e->kind = kind_of(&desc);
    if (*desc == '\0')
        return error_set(err, "calendar_line",
                         "falta la descripción (acuerdo y fecha de publicación en el DOF)");
    e->description = mem_strdup(desc);
    find_references(e);
    return 0;
}

int
calendar_list_parse(struct calendar_list *list, const char *text, size_t len, const char *source,
                    struct error *err)
{
    size_t n_before = list->n, pos = 0;
    char line[CALENDAR_LINE_MAX + 1];

    for (int lineno = 1; pos < len; lineno++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
        struct calendar_entry e = {0};
        int rc;

        if (n > CALENDAR_LINE_MAX || memchr(text + pos, '\0', n) != NULL) {
            error_set(err, "calendar_line", "%s, línea %d: línea demasiado larga o con bytes nulos",
                      source, lineno);
            goto fail;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        line[strcspn(line, "#")] = '\0';
        pos += n + 1;

        e.line = lineno;
        rc = parse_line(line, &e, err);
        if (rc < 0) {
            error_prefix(err, "%s, línea %d: ", source, lineno);
            if (err != NULL)
                memcpy(err->code, "calendar_line", sizeof("calendar_line"));
            goto fail;
        }
        if (rc > 0)
            continue;
        if (list->n == list->cap) {
            list->cap = list->cap ? 2 * list->cap : 16;
            list->items = mem_realloc(list->items, list->cap * sizeof(*list->items));
        }
        list->items[list->n++] = e;
    }
    return 0;

fail:
    while (list->n > n_before)
        free(list->items[--list->n].description);
    if (list->n == 0)
        calendar_list_free(list);
    return -1;
}

void
calendar_list_free(struct calendar_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i].description);
    free(list->items);
    memset(list, 0, sizeof(*list));
}

/* ---- Building the table ---- */

/* Whether entries of kind make days non-business in mode (R3, R4, R5, R6, A3). */
static bool
kind_counts(enum calendar_kind kind, enum calendar_mode mode)
{
    if (kind == CALENDAR_SUSPENSION)
        return true;
    /* R6: for payments and returns, general vacation days count as business days. */
    return kind == CALENDAR_DECLARED && mode == CALENDAR_PROCEDURAL;
}

/* Reason for d computed from the rules, without the table. */
static enum calendar_why
compute_why(const struct calendar *cal, int32_t d)
{
    int w = civil_weekday(d);

    if (w == 6)
        return CALENDAR_SATURDAY;
    if (w == 0)
        return CALENDAR_SUNDAY;
    if (statutory(cal->transmission, d) != NULL)
        return CALENDAR_STATUTORY;
    for (size_t i = 0; i < cal->n_entries; i++) {
        const struct calendar_entry *e = &cal->entries[i];

        if (d >= e->first && d <= e->last && kind_counts(e->kind, cal->mode))
            return e->kind == CALENDAR_SUSPENSION ? CALENDAR_SUSPENDED : CALENDAR_DECLARED_DAY;
    }
    return CALENDAR_BUSINESS;
}

static void
build_table(struct calendar *cal)
{
    int32_t last = civil_from_ymd(CALENDAR_TABLE_LAST_YEAR, 12, 31);
    int32_t count = 0;

    cal->first = civil_from_ymd(CALENDAR_TABLE_FIRST_YEAR, 1, 1);
    cal->n_days = (size_t)(last - cal->first + 1);
    cal->why = mem_alloc(cal->n_days);
    cal->cum = mem_alloc(cal->n_days * sizeof(*cal->cum));

    /* Rules without the entries first, then the entries over their (clipped) ranges. */
    for (size_t i = 0; i < cal->n_days; i++) {
        int32_t d = cal->first + (int32_t)i;
        int w = civil_weekday(d);

        cal->why[i] = w == 6                                    ? CALENDAR_SATURDAY
                      : w == 0                                  ? CALENDAR_SUNDAY
                      : statutory(cal->transmission, d) != NULL ? CALENDAR_STATUTORY
                                                                : CALENDAR_BUSINESS;
    }
    for (size_t k = 0; k < cal->n_entries; k++) {
        const struct calendar_entry *e = &cal->entries[k];
        int32_t from = e->first > cal->first ? e->first : cal->first;
        int32_t to = e->last < last ? e->last : last;

        if (!kind_counts(e->kind, cal->mode))
            continue;
        for (int32_t d = from; d <= to; d++) {
            if (cal->why[d - cal->first] == CALENDAR_BUSINESS)
                cal->why[d - cal->first] =
                    e->kind == CALENDAR_SUSPENSION ? CALENDAR_SUSPENDED : CALENDAR_DECLARED_DAY;
        }
    }
    for (size_t i = 0; i < cal->n_days; i++) {
        count += cal->why[i] == CALENDAR_BUSINESS;
        cal->cum[i] = count;
    }
}

struct calendar *
calendar_new(const struct calendar_list *list, enum calendar_transmission transmission,
             enum calendar_mode mode)
{
    struct calendar *cal = mem_calloc(1, sizeof(*cal));

    cal->mode = mode;
    cal->transmission = transmission;
    if (list != NULL && list->n > 0) {
        cal->n_entries = list->n;
        cal->entries = mem_alloc(list->n * sizeof(*cal->entries));
        for (size_t i = 0; i < list->n; i++) {
            cal->entries[i] = list->items[i];
            cal->entries[i].description = mem_strdup(list->items[i].description);
        }
    }
    build_table(cal);
    return cal;
}

void
calendar_free(struct calendar *cal)
{
    if (cal == NULL)
        return;
    for (size_t i = 0; i < cal->n_entries; i++)
        free(cal->entries[i].description);
    free(cal->entries);
    free(cal->why);
    free(cal->cum);
    free(cal);
}

enum calendar_mode
calendar_get_mode(const struct calendar *cal)
{
    return cal->mode;
}

/* ---- Queries ---- */

static bool
in_table(const struct calendar *cal, int32_t d)
{
    return d >= cal->first && (size_t)(d - cal->first) < cal->n_days;
}

enum calendar_why
calendar_why(const struct calendar *cal, int32_t d)
{
    if (in_table(cal, d))
        return (enum calendar_why)cal->why[d - cal->first];
    return compute_why(cal, d);
}

bool
calendar_is_business(const struct calendar *cal, int32_t d)
{
    return calendar_why(cal, d) == CALENDAR_BUSINESS;
}

const struct calendar_entry *
calendar_entry_at(const struct calendar *cal, int32_t d, enum calendar_kind kind)
{
    for (size_t i = 0; i < cal->n_entries; i++) {
        const struct calendar_entry *e = &cal->entries[i];

        if (e->kind == kind && d >= e->first && d <= e->last)
            return e;
    }
    return NULL;
}

enum calendar_why
calendar_reason(const struct calendar *cal, int32_t d, char *buf, size_t len)
{
    enum calendar_why why = calendar_why(cal, d);
    const struct calendar_entry *e;

    switch (why) {
    case CALENDAR_BUSINESS:
        snprintf(buf, len, "%s", "");
        break;
    case CALENDAR_SATURDAY:
        snprintf(buf, len, "sábado (CFF art. 12, primer párrafo)");
        break;
    case CALENDAR_SUNDAY:
        snprintf(buf, len, "domingo (CFF art. 12, primer párrafo)");
        break;
    case CALENDAR_STATUTORY:
        snprintf(buf, len, "%s (CFF art. 12, primer párrafo)", statutory(cal->transmission, d));
        break;
    case CALENDAR_DECLARED_DAY:
        e = calendar_entry_at(cal, d, CALENDAR_DECLARED);
        snprintf(buf, len, "día inhábil declarado por el IMSS (CFF art. 12, segundo párrafo): %s",
                 e != NULL ? e->description : "");
        break;
    case CALENDAR_SUSPENDED:
        e = calendar_entry_at(cal, d, CALENDAR_SUSPENSION);
        snprintf(buf, len, "suspensión de plazos (CFF art. 12, último párrafo): %s",
                 e != NULL ? e->description : "");
        break;
    }
    return why;
}

int32_t
calendar_next(const struct calendar *cal, int32_t d)
{
    return calendar_add(cal, d, 1);
}

int32_t
calendar_roll(const struct calendar *cal, int32_t d)
{
    return calendar_is_business(cal, d) ? d : calendar_next(cal, d);
}

/* Day by day, for dates outside the table. */
static int32_t
add_slow(const struct calendar *cal, int32_t d, int n)
{
    while (n > 0) {
        d++;
        n -= calendar_is_business(cal, d);
    }
    return d;
}

int32_t
calendar_add(const struct calendar *cal, int32_t d, int n)
{
    size_t i, last;
    int32_t target;

    if (n <= 0)
        return d;
    if (!in_table(cal, d))
        return add_slow(cal, d, n);
    last = cal->n_days - 1;
    target = cal->cum[d - cal->first] + n;
    if (target > cal->cum[last])
        return add_slow(cal, d, n);

    /* The answer is the first day whose running count reaches target. It is
     * at least n days on, and each shortfall of the count is a lower bound
     * of the days still to go, so this jumps over whole weekends and
     * holidays: usually two or three steps, all nearby. */
    i = (size_t)(d - cal->first) + (size_t)n;
    while (cal->cum[i] < target)
        i += (size_t)(target - cal->cum[i]);
    return cal->first + (int32_t)i;
}

int
calendar_count(const struct calendar *cal, int32_t from, int32_t to)
{
    int n = 0;

    if (to <= from)
        return 0;
    if (in_table(cal, from) && in_table(cal, to))
        return cal->cum[to - cal->first] - cal->cum[from - cal->first];
    for (int32_t d = from + 1; d <= to; d++)
        n += calendar_is_business(cal, d);
    return n;
}

/* mailbox.c - the mailbox summary, the record on first use, the 2020 import (mailbox.h). */
#include "app/mailbox.h"

#include "app/audit.h"
#include "base/log.h"
#include "core/civil.h"
#include "core/clock.h"
#include "core/ident.h"
#include "core/mem.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    US = 1000000,
    DAY_S = 86400,
    /* Centro time without the tz database: UTC-06:00, true since October 2022 only. */
    CENTRO_OFFSET_S = -6 * 3600,
    PROGRESS_EVERY = 10000,
    LINE_MAX_BYTES = 1024,
};

#define ZONE_DEFAULT "America/Mexico_City"

const char *
app_mailbox_state_name(enum store_mailbox_state st)
{
    switch (st) {
    case STORE_MAILBOX_NOT_ENABLED:
        return "not_enabled";
    case STORE_MAILBOX_CONTACTS_REGISTERED:
        return "contacts_registered";
    case STORE_MAILBOX_CONTACTS_CONFIRMED:
        return "contacts_confirmed";
    case STORE_MAILBOX_ENABLED:
        return "enabled";
    case STORE_MAILBOX_ENABLED_2020:
        return "enabled_2020";
    }
    return NULL;
}

int32_t
app__date_centro(const struct app *a, int64_t now)
{
    int64_t s = now / US + CENTRO_OFFSET_S;

    if (a->centro != NULL)
        return clock_date_in(a->centro, now);
    /* FIXME(tz): without the tz database (it failed to open at start-up, logged), dates
     * before October 2022 in summer are an hour off. */
    return (int32_t)((s - (s % DAY_S + DAY_S) % DAY_S) / DAY_S);
}

int64_t
app__midnight_centro(const struct app *a, int32_t date)
{
    if (a->centro != NULL)
        return clock_wall_instant(a->centro, date, 0, NULL);
    return ((int64_t)date * DAY_S - CENTRO_OFFSET_S) * US;
}

/* A day number as the YYYYMMDD the store keeps. */
static int32_t
yyyymmdd(int32_t day)
{
    int y, m, d;

    civil_to_ymd(day, &y, &m, &d);
    return (int32_t)(y * 10000 + m * 100 + d);
}

static int32_t
from_yyyymmdd(int32_t v)
{
    return civil_from_ymd(v / 10000, v / 100 % 100, v % 100);
}

/* Drop a UTF-8 sequence cut short at the end of s (a name truncated to its field). */
static void
utf8_trim_partial(char *s)
{
    size_t n = strlen(s), start = n, need;

    while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    start--;
    need = ((unsigned char)s[start] & 0xE0) == 0xC0   ? 2
           : ((unsigned char)s[start] & 0xF0) == 0xE0 ? 3
           : ((unsigned char)s[start] & 0xF8) == 0xF0 ? 4
                                                      : 1;
    if (n - start < need)
        s[start] = '\0';
}

/* A new particular's record; name may be NULL or empty. */
static int
particular_create(struct app *a, struct store_tx *tx, const char *rfc, const char *name,
                  int64_t now, struct store_particular *out, struct error *err)
{
    const struct store_ops *ops = store_tx_store(tx)->ops;

    error_clear(err);
    memset(out, 0, sizeof(*out));
    snprintf(out->rfc, sizeof(out->rfc), "%s", rfc);
    /* The schema requires a name (1..254 characters). Logging in creates the record with the
     * certificate's name; a record made first by staff or an import without one carries the
     * RFC until its holder logs in. */
    snprintf(out->name, sizeof(out->name), "%s", name != NULL && name[0] != '\0' ? name : rfc);
    utf8_trim_partial(out->name);
    out->kind = strlen(rfc) == 12 ? STORE_PERSON_LEGAL : STORE_PERSON_NATURAL;
    snprintf(out->legal_zone, sizeof(out->legal_zone), ZONE_DEFAULT);
    out->mailbox_state = STORE_MAILBOX_NOT_ENABLED;
    out->enable_deadline = yyyymmdd(a->transitional_end);
    out->created_at = out->updated_at = now;
    return ops->particular_insert(tx, out, err);
}

int
app_particular_ensure(struct app *a, struct store_tx *tx, const char *rfc, const char *name,
                      int64_t now, struct store_particular *out, struct error *err)
{
    int rc = store_tx_store(tx)->ops->particular_get_by_rfc(tx, rfc, out, err);

    if (rc != STORE_NOT_FOUND)
        return rc;
    return particular_create(a, tx, rfc, name, now, out, err);
}

/* ---------------------------------------------------------------------------------------- */
/* Summary                                                                                   */

struct summary_ctx {
    struct app *a;
    const struct app_actor *who;
    const char *rfc;
    const char *request_id;
    bool audit;
    int64_t now;
    struct app_mailbox_summary *out;
};

static int
summary_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct summary_ctx *c = arg;
    struct app_mailbox_summary *out = c->out;
    struct store_mailbox_summary m;
    int rc;

    if (c->audit) {
        rc = app_audit_record(tx, c->who, "mailbox.read", "mailbox", c->rfc, c->now, c->request_id,
                              err);
        if (rc != STORE_OK)
            return rc;
    }
    rc = store_tx_store(tx)->ops->mailbox_summary(tx, c->rfc, &m, err);
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return STORE_OK; /* no record yet: not enabled */
    }
    if (rc != STORE_OK)
        return rc;
    out->state = m.mailbox_state;
    out->enabled_at = m.enabled_at;
    if (m.enable_deadline != 0)
        out->enable_deadline = from_yyyymmdd(m.enable_deadline);
    out->emails = (unsigned)m.emails;
    out->mobile = m.mobiles > 0;
    out->pending = (unsigned)m.pending;
    out->confirmed = (unsigned)m.confirmed;
    out->validation_deadline = m.validation_deadline;
    out->terms_signed_at = m.terms_signed_at;
    return STORE_OK;
}

int
app_mailbox_summary(struct app *a, const struct app_actor *who, const char *rfc,
                    const char *request_id, struct app_mailbox_summary *out, struct error *err)
{
    struct app_target target = {rfc, NULL};
    struct summary_ctx c = {a, who, rfc, request_id, false, app_now(a), out};
    char normalized[STORE_RFC_MAX + 4];
    struct ident id;
    int32_t today;
    int rc;

    memset(out, 0, sizeof(*out));
    if (rfc == NULL || rfc[0] == '\0' || strlen(rfc) > 64)
        return error_set(err, "mailbox_rfc_invalid",
                         "indique el RFC del buzón (12 caracteres persona moral, 13 persona "
                         "física)");
    /* Staff and systems type the RFC: checked and normalised as SAT writes it. A
     * particular's is its session's, checked at login. */
    if (who != NULL && who->kind != APP_ACTOR_PARTICULAR) {
        struct error ierr = {0};

        if (ident_parse_rfc(rfc, strlen(rfc), &id, &ierr) != 0)
            return error_set(err, "mailbox_rfc_invalid", "el RFC del buzón no es válido: %s",
                             ierr.message);
        snprintf(normalized, sizeof(normalized), "%s", id.normalized);
        rfc = normalized;
        target.rfc = normalized;
        c.rfc = normalized;
    }
    if (strlen(rfc) > STORE_RFC_MAX)
        return error_set(err, "mailbox_rfc_invalid", "el RFC del buzón no es válido");
    if (app_authorize(who, APP_ACTION_MAILBOX_READ, &target, &c.audit, err) != 0)
        return -1;

    snprintf(out->rfc, sizeof(out->rfc), "%s", rfc);
    out->state = STORE_MAILBOX_NOT_ENABLED;
    out->enable_deadline = a->transitional_end;
    snprintf(out->terms_version, sizeof(out->terms_version), "%s", a->terms.version);

    /* The particular's own read is one read transaction; an audited read also writes. */
    rc = store_run(a->store, c.audit ? STORE_TX_WRITE : STORE_TX_READ, summary_tx, &c, err);
    if (rc != STORE_OK)
        return rc;

    today = app__date_centro(a, c.now);
    out->in_transitional = today <= out->enable_deadline;
    out->days_left = out->in_transitional ? (int64_t)out->enable_deadline - today : 0;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Import of mailboxes enabled under the 2020 rules (5.4)                                    */

/* The 2020 Lineamientos were published on 9 July 2020 (DOF); the 2024 ones entered into force
 * 180 natural days, counting that day as the first, before the transitional end (R30). */
static int32_t
rules_2020_start(void)
{
    return civil_from_ymd(2020, 7, 9);
}

static int32_t
entry_into_force(const struct app *a)
{
    return a->transitional_end - 179;
}

static char *
trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
        *--end = '\0';
    return s;
}

static int
row_error(struct error *err, long line, const char *what)
{
    return error_set(err, "import_row_invalid", "línea %ld: %s; no se importó nada", line, what);
}

static int
parse_row(struct app *a, char *text, long line, struct app_import_row *row, struct error *err)
{
    char *fields[4] = {0}, *p = text, why[ERROR_MESSAGE_MAX];
    struct error ierr = {0};
    struct ident id;
    int nf = 0, y = 0, m = 0, d = 0;

    while (nf < 4) {
        char *comma = strchr(p, ',');

        fields[nf++] = p;
        if (comma == NULL)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    if (nf < 2 || nf > 3)
        return row_error(err, line, "se esperan los campos rfc,fecha_de_habilitacion[,nombre]");
    for (int i = 0; i < nf; i++)
        fields[i] = trim(fields[i]);

    if (ident_parse_rfc(fields[0], strlen(fields[0]), &id, &ierr) != 0) {
        snprintf(why, sizeof(why), "RFC «%.20s» inválido: %s", fields[0], ierr.message);
        return row_error(err, line, why);
    }
    if (id.generic)
        return row_error(err, line, "un RFC genérico no tiene buzón");
    snprintf(row->rfc, sizeof(row->rfc), "%s", id.normalized);

    if (strlen(fields[1]) != 10 || sscanf(fields[1], "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        fields[1][4] != '-' || fields[1][7] != '-' || !civil_valid(y, m, d))
        return row_error(err, line, "la fecha de habilitación debe escribirse AAAA-MM-DD");
    row->enabled_date = civil_from_ymd(y, m, d);
    if (row->enabled_date < rules_2020_start() || row->enabled_date > entry_into_force(a))
        return row_error(err, line,
                         "la fecha de habilitación debe caer entre el 9 de julio de 2020 y la "
                         "entrada en vigor de los Lineamientos vigentes");

    row->name[0] = '\0';
    if (nf == 3 && fields[2][0] != '\0') {
        if (strlen(fields[2]) > STORE_NAME_MAX)
            return row_error(err, line, "el nombre excede 254 bytes");
        snprintf(row->name, sizeof(row->name), "%s", fields[2]);
    }
    row->line = line;
    return 0;
}

static int
by_rfc(const void *x, const void *y)
{
    const struct app_import_row *a = x, *b = y;
    int c = strcmp(a->rfc, b->rfc);

    return c != 0 ? c : (a->line > b->line) - (a->line < b->line);
}

int
app_import_2020_parse(struct app *a, FILE *in, struct app_import_row **rows, size_t *n,
                      FILE *progress, struct error *err)
{
    struct app_import_row *out = NULL, *sorted = NULL;
    size_t count = 0, cap = 0;
    char buf[LINE_MAX_BYTES + 2];
    long line = 0;
    int rc = 0;

    *rows = NULL;
    *n = 0;
    while (fgets(buf, sizeof(buf), in) != NULL) {
        char *text;

        line++;
        if (strchr(buf, '\n') == NULL && !feof(in)) {
            rc = row_error(err, line, "la línea es demasiado larga");
            goto fail;
        }
        text = trim(buf);
        if (line == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
            text += 3; /* a byte order mark written by spreadsheets */
        if (text[0] == '\0')
            continue;
        if (line == 1 && strncasecmp(text, "rfc,", 4) == 0)
            continue; /* header */
        if (count == cap) {
            cap = cap != 0 ? cap * 2 : 256;
            out = mem_realloc(out, cap * sizeof(*out));
        }
        rc = parse_row(a, text, line, &out[count], err);
        if (rc != 0)
            goto fail;
        count++;
        if (progress != NULL && count % PROGRESS_EVERY == 0)
            fprintf(progress, "importación 2020: %zu filas revisadas\n", count);
    }
    if (ferror(in)) {
        rc = error_set(err, "import_read", "no se pudo leer el archivo de importación");
        goto fail;
    }

    /* An RFC may appear once: two rows could give two different dates. */
    if (count > 1) {
        sorted = mem_alloc(count * sizeof(*sorted));
        memcpy(sorted, out, count * sizeof(*sorted));
        qsort(sorted, count, sizeof(*sorted), by_rfc);
        for (size_t i = 1; i < count; i++) {
            if (strcmp(sorted[i].rfc, sorted[i - 1].rfc) == 0) {
                char why[96];

                snprintf(why, sizeof(why), "el RFC %s ya apareció en la línea %ld", sorted[i].rfc,
                         sorted[i - 1].line);
                rc = row_error(err, sorted[i].line, why);
                goto fail;
            }
        }
        free(sorted);
        sorted = NULL;
    }
    *rows = out;
    *n = count;
    return 0;

fail:
    free(sorted);
    free(out);
    return -1;
}

struct import_ctx {
    struct app *a;
    const struct app_import_row *rows;
    size_t n;
    FILE *progress;
    int64_t now;
    struct app_import_result res;
};

static int
import_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct import_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    struct store_audit_event e = {0};
    char json[160];
    int rc;

    memset(&c->res, 0, sizeof(c->res));
    c->res.rows = c->n;
    for (size_t i = 0; i < c->n; i++) {
        const struct app_import_row *r = &c->rows[i];
        /* The date's first instant in Centro time (5.7). */
        int64_t at = app__midnight_centro(c->a, r->enabled_date);
        struct store_particular p;

        rc = ops->particular_get_by_rfc(tx, r->rfc, &p, err);
        if (rc == STORE_NOT_FOUND)
            rc = particular_create(c->a, tx, r->rfc, r->name, c->now, &p, err);
        if (rc != STORE_OK)
            return rc;

        if (p.mailbox_state == STORE_MAILBOX_ENABLED) {
            c->res.enabled++; /* enabled under the current rules already: keep that */
        } else if (p.mailbox_state == STORE_MAILBOX_ENABLED_2020 && p.enabled_at == at) {
            c->res.unchanged++;
        } else {
            rc = ops->particular_set_mailbox(tx, p.id, STORE_MAILBOX_ENABLED_2020, at, c->now, err);
            if (rc != STORE_OK)
                return rc;
            c->res.imported++;
        }
        if (c->progress != NULL && (i + 1) % PROGRESS_EVERY == 0)
            fprintf(c->progress, "importación 2020: %zu de %zu filas escritas\n", i + 1, c->n);
    }

    snprintf(json, sizeof(json),
             "{\"rows\":%zu,\"imported\":%zu,\"unchanged\":%zu,"
             "\"enabled\":%zu}",
             c->res.rows, c->res.imported, c->res.unchanged, c->res.enabled);
    e.at = c->now;
    e.actor_kind = STORE_ACTOR_SYSTEM;
    snprintf(e.action, sizeof(e.action), "mailbox.import2020");
    snprintf(e.subject, sizeof(e.subject), "mailboxes");
    e.detail_json = json;
    return ops->audit_insert(tx, &e, err);
}

int
app_import_2020_apply(struct app *a, const struct app_actor *who, const struct app_import_row *rows,
                      size_t n, FILE *progress, struct app_import_result *res, struct error *err)
{
    struct import_ctx c = {a, rows, n, progress, app_now(a), {0}};
    int rc;

    memset(res, 0, sizeof(*res));
    if (app_authorize(who, APP_ACTION_IMPORT_2020, NULL, NULL, err) != 0)
        return -1;
    rc = store_run(a->store, STORE_TX_WRITE, import_tx, &c, err);
    if (rc != STORE_OK)
        return rc;
    *res = c.res;
    return 0;
}

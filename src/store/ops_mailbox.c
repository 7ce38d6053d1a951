/* ops_mailbox.c - particulars, registros patronales, contact means and terms (5.1-5.4). */
#include "store/impl.h"

#include <string.h>

#define PARTICULAR_COLS                                                             \
    "id, rfc, name, kind, legal_zone, mailbox_state, enabled_at, enable_deadline, " \
    "created_at, updated_at"

static void
read_particular(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_particular *p = out;

    p->id = store__i64(tx, r, 0);
    store__text(tx, r, 1, p->rfc, sizeof(p->rfc));
    store__text(tx, r, 2, p->name, sizeof(p->name));
    p->kind = (enum store_person_kind)store__i64(tx, r, 3);
    store__text(tx, r, 4, p->legal_zone, sizeof(p->legal_zone));
    p->mailbox_state = (enum store_mailbox_state)store__i64(tx, r, 5);
    p->enabled_at = store__i64(tx, r, 6);
    p->enable_deadline = (int32_t)store__i64(tx, r, 7);
    p->created_at = store__i64(tx, r, 8);
    p->updated_at = store__i64(tx, r, 9);
}

static void
read_id(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static struct store__query q_particular_insert = STORE__QUERY(
    "INSERT INTO particulars (rfc, name, kind, legal_zone, mailbox_state, enabled_at, "
    "enable_deadline, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
    "RETURNING id");

static int
particular_insert(struct store_tx *tx, struct store_particular *p, struct error *err)
{
    struct store__arg args[] = {SA_TEXT(p->rfc),
                                SA_TEXT(p->name),
                                SA_I64(p->kind),
                                SA_TEXT(p->legal_zone),
                                SA_I64(p->mailbox_state),
                                SA_I64N(p->enabled_at),
                                SA_I64N(p->enable_deadline),
                                SA_I64(p->created_at),
                                SA_I64(p->updated_at)};
    int rc = STORE__CHECK(tx, p, rfc, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, p, name, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, p, legal_zone, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_particular_insert, args, 9, read_id, &p->id, err));
}

static struct store__query q_particular_get =
    STORE__QUERY("SELECT " PARTICULAR_COLS " FROM particulars WHERE id = $1");
static struct store__query q_particular_by_rfc =
    STORE__QUERY("SELECT " PARTICULAR_COLS " FROM particulars WHERE rfc = $1");

static int
particular_get(struct store_tx *tx, int64_t id, struct store_particular *out, struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_particular_get, args, 1, read_particular, out, err);
}

static int
particular_get_by_rfc(struct store_tx *tx, const char *rfc, struct store_particular *out,
                      struct error *err)
{
    struct store__arg args[] = {SA_TEXT(rfc)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_particular_by_rfc, args, 1, read_particular, out, err);
}

static struct store__query q_particular_mailbox =
    STORE__QUERY("UPDATE particulars SET mailbox_state = $2, enabled_at = $3, updated_at = $4 "
                 "WHERE id = $1 RETURNING id");

static int
particular_set_mailbox(struct store_tx *tx, int64_t id, enum store_mailbox_state st,
                       int64_t enabled_at, int64_t at, struct error *err)
{
    struct store__arg args[] = {SA_I64(id), SA_I64(st), SA_I64N(enabled_at), SA_I64(at)};

    return store__one(tx, &q_particular_mailbox, args, 4, NULL, NULL, err);
}

static struct store__query q_regpat_insert =
    STORE__QUERY("INSERT INTO regpats (regpat, particular_id, added_at) VALUES ($1, $2, $3)");
static struct store__query q_regpat_list =
    STORE__QUERY("SELECT particular_id, regpat, added_at FROM regpats WHERE particular_id = $1 "
                 "ORDER BY regpat");

static int
regpat_insert(struct store_tx *tx, const struct store_regpat *r, struct error *err)
{
    struct store__arg args[] = {SA_TEXT(r->regpat), SA_I64(r->particular_id), SA_I64(r->added_at)};
    int rc = STORE__CHECK(tx, r, regpat, err);

    return rc != STORE_OK ? rc : store__exec(tx, &q_regpat_insert, args, 3, err);
}

static void
read_regpat(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_regpat *rp = out;

    rp->particular_id = store__i64(tx, r, 0);
    store__text(tx, r, 1, rp->regpat, sizeof(rp->regpat));
    rp->added_at = store__i64(tx, r, 2);
}

static int
regpat_list(struct store_tx *tx, int64_t particular_id, struct store_regpat **items, size_t *n,
            struct error *err)
{
    struct store__arg args[] = {SA_I64(particular_id)};

    return store__many(tx, &q_regpat_list, args, 1, read_regpat, sizeof(**items), (size_t)-1,
                       (void **)items, n, err);
}

#define CONTACT_COLS                                                             \
    "id, particular_id, regpat, kind, address, state, registered_at, deadline, " \
    "confirmed_at, code_hash, attempts, code_salt, link_hash"

static void
read_contact(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_contact *c = out;

    c->id = store__i64(tx, r, 0);
    c->particular_id = store__i64(tx, r, 1);
    store__text(tx, r, 2, c->regpat, sizeof(c->regpat));
    c->kind = (enum store_contact_kind)store__i64(tx, r, 3);
    store__text(tx, r, 4, c->address, sizeof(c->address));
    c->state = (enum store_contact_state)store__i64(tx, r, 5);
    c->registered_at = store__i64(tx, r, 6);
    c->deadline = store__i64(tx, r, 7);
    c->confirmed_at = store__i64(tx, r, 8);
    store__hash(tx, r, 9, c->code_hash);
    c->attempts = (int32_t)store__i64(tx, r, 10);
    store__hash(tx, r, 11, c->code_salt);
    store__hash(tx, r, 12, c->link_hash);
}

static struct store__query q_contact_count = STORE__QUERY(
    "SELECT count(*) FROM contacts WHERE particular_id = $1 AND coalesce(regpat, '') = $2 "
    "AND kind = $3 AND state <> 2");
static struct store__query q_contact_insert = STORE__QUERY(
    "INSERT INTO contacts (particular_id, regpat, kind, address, state, registered_at, "
    "deadline, confirmed_at, code_hash, attempts, code_salt, link_hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id");

/* Lineamientos 5.1: at most five e-mails and one mobile that are not cancelled. */
static int
check_contact_limit(struct store_tx *tx, const struct store_contact *c, struct error *err)
{
    struct store__arg args[] = {SA_I64(c->particular_id), SA_TEXT(c->regpat), SA_I64(c->kind)};
    int64_t count = 0;
    int rc = store__one(tx, &q_contact_count, args, 3, read_id, &count, err);

    if (rc != STORE_OK)
        return store__fail(tx, rc);
    if (c->kind == STORE_CONTACT_EMAIL && count >= STORE_MAX_EMAILS)
        return store__invalid(tx, err, "store_limit",
                              "ya hay %d correos electrónicos registrados, el máximo",
                              STORE_MAX_EMAILS);
    if (c->kind == STORE_CONTACT_MOBILE && count >= STORE_MAX_MOBILES)
        return store__invalid(tx, err, "store_limit", "ya hay un teléfono móvil registrado");
    return STORE_OK;
}

static int
contact_insert(struct store_tx *tx, struct store_contact *c, struct error *err)
{
    struct store__arg args[] = {SA_I64(c->particular_id),
                                SA_TEXTN(c->regpat),
                                SA_I64(c->kind),
                                SA_TEXT(c->address),
                                SA_I64(c->state),
                                SA_I64(c->registered_at),
                                SA_I64(c->deadline),
                                SA_I64N(c->confirmed_at),
                                SA_BLOB(c->code_hash, STORE_HASH_LEN),
                                SA_I64(c->attempts),
                                SA_BLOB(c->code_salt, STORE_HASH_LEN),
                                SA_BLOB(c->link_hash, STORE_HASH_LEN)};
    int rc = STORE__CHECK(tx, c, regpat, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, c, address, err);
    if (rc == STORE_OK && c->state != STORE_CONTACT_CANCELLED)
        rc = check_contact_limit(tx, c, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_contact_insert, args, 12, read_id, &c->id, err));
}

static struct store__query q_contact_list =
    STORE__QUERY("SELECT " CONTACT_COLS " FROM contacts WHERE particular_id = $1 ORDER BY id");

static int
contact_list(struct store_tx *tx, int64_t particular_id, struct store_contact **items, size_t *n,
             struct error *err)
{
    struct store__arg args[] = {SA_I64(particular_id)};

    return store__many(tx, &q_contact_list, args, 1, read_contact, sizeof(**items), (size_t)-1,
                       (void **)items, n, err);
}

static struct store__query q_contact_get =
    STORE__QUERY("SELECT " CONTACT_COLS " FROM contacts WHERE id = $1");

static int
contact_get(struct store_tx *tx, int64_t id, struct store_contact *out, struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_contact_get, args, 1, read_contact, out, err);
}

static struct store__query q_contact_update = STORE__QUERY(
    "UPDATE contacts SET state = $2, confirmed_at = $3, code_hash = $4, attempts = $5, "
    "code_salt = $6, link_hash = $7, deadline = $8 WHERE id = $1 RETURNING id");

static int
contact_update(struct store_tx *tx, const struct store_contact *c, struct error *err)
{
    struct store__arg args[] = {SA_I64(c->id),
                                SA_I64(c->state),
                                SA_I64N(c->confirmed_at),
                                SA_BLOB(c->code_hash, STORE_HASH_LEN),
                                SA_I64(c->attempts),
                                SA_BLOB(c->code_salt, STORE_HASH_LEN),
                                SA_BLOB(c->link_hash, STORE_HASH_LEN),
                                SA_I64(c->deadline)};

    return store__one(tx, &q_contact_update, args, 8, NULL, NULL, err);
}

static struct store__query q_contact_expire =
    STORE__QUERY("UPDATE contacts SET state = 2 WHERE state = 0 AND deadline <= $1 RETURNING id");

static int
contact_cancel_expired(struct store_tx *tx, int64_t now, size_t *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(now)};

    return store__count(tx, &q_contact_expire, args, 1, n, err);
}

static struct store__query q_contact_due =
    STORE__QUERY("SELECT particular_id FROM contacts WHERE state = 0 AND deadline <= $1 "
                 "GROUP BY particular_id ORDER BY min(deadline), particular_id LIMIT $2");

static int
contact_due_particulars(struct store_tx *tx, int64_t now, size_t limit, int64_t **ids, size_t *n,
                        struct error *err)
{
    struct store__arg args[2];

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    args[0] = SA_I64(now);
    args[1] = SA_I64(limit);
    return store__many(tx, &q_contact_due, args, 2, read_id, sizeof(**ids), limit, (void **)ids, n,
                       err);
}

static struct store__query q_terms_insert = STORE__QUERY(
    "INSERT INTO terms_acceptances (particular_id, version, signed_at, cert_number, signature) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id");
static struct store__query q_terms_latest = STORE__QUERY(
    "SELECT id, particular_id, version, signed_at, cert_number, signature "
    "FROM terms_acceptances WHERE particular_id = $1 ORDER BY signed_at DESC, id DESC LIMIT 1");

static int
terms_insert(struct store_tx *tx, struct store_terms *t, struct error *err)
{
    struct store__arg args[] = {SA_I64(t->particular_id), SA_TEXT(t->version), SA_I64(t->signed_at),
                                SA_TEXT(t->cert_number), SA_TEXT(t->signature)};
    int rc = STORE__CHECK(tx, t, version, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, t, cert_number, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, t, signature, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_terms_insert, args, 5, read_id, &t->id, err));
}

static void
read_terms(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_terms *t = out;

    t->id = store__i64(tx, r, 0);
    t->particular_id = store__i64(tx, r, 1);
    store__text(tx, r, 2, t->version, sizeof(t->version));
    t->signed_at = store__i64(tx, r, 3);
    store__text(tx, r, 4, t->cert_number, sizeof(t->cert_number));
    store__text(tx, r, 5, t->signature, sizeof(t->signature));
}

static int
terms_latest(struct store_tx *tx, int64_t particular_id, struct store_terms *out, struct error *err)
{
    struct store__arg args[] = {SA_I64(particular_id)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_terms_latest, args, 1, read_terms, out, err);
}

/* One statement: a summary is read at every visit to the mailbox. Contacts with a
 * registro patronal count as pending or confirmed but not as the RFC's own (5.1). */
static struct store__query q_mailbox_summary = STORE__QUERY(
    "SELECT p.id, p.mailbox_state, p.enabled_at, p.enable_deadline, "
    "(SELECT count(*) FROM contacts c WHERE c.particular_id = p.id AND c.regpat IS NULL "
    "AND c.kind = 1 AND c.state <> 2), "
    "(SELECT count(*) FROM contacts c WHERE c.particular_id = p.id AND c.regpat IS NULL "
    "AND c.kind = 2 AND c.state <> 2), "
    "(SELECT count(*) FROM contacts c WHERE c.particular_id = p.id AND c.state = 0), "
    "(SELECT count(*) FROM contacts c WHERE c.particular_id = p.id AND c.state = 1), "
    "(SELECT min(c.deadline) FROM contacts c WHERE c.particular_id = p.id AND c.state = 0), "
    "(SELECT max(t.signed_at) FROM terms_acceptances t WHERE t.particular_id = p.id) "
    "FROM particulars p WHERE p.rfc = $1");

static void
read_summary(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_mailbox_summary *m = out;

    m->particular_id = store__i64(tx, r, 0);
    m->mailbox_state = (enum store_mailbox_state)store__i64(tx, r, 1);
    m->enabled_at = store__i64(tx, r, 2);
    m->enable_deadline = (int32_t)store__i64(tx, r, 3);
    m->emails = store__i64(tx, r, 4);
    m->mobiles = store__i64(tx, r, 5);
    m->pending = store__i64(tx, r, 6);
    m->confirmed = store__i64(tx, r, 7);
    m->validation_deadline = store__i64(tx, r, 8);
    m->terms_signed_at = store__i64(tx, r, 9);
}

static int
mailbox_summary(struct store_tx *tx, const char *rfc, struct store_mailbox_summary *out,
                struct error *err)
{
    struct store__arg args[] = {SA_TEXT(rfc)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_mailbox_summary, args, 1, read_summary, out, err);
}

void
store__ops_mailbox(struct store_ops *ops)
{
    ops->particular_insert = particular_insert;
    ops->particular_get = particular_get;
    ops->particular_get_by_rfc = particular_get_by_rfc;
    ops->particular_set_mailbox = particular_set_mailbox;
    ops->regpat_insert = regpat_insert;
    ops->regpat_list = regpat_list;
    ops->contact_insert = contact_insert;
    ops->contact_list = contact_list;
    ops->contact_get = contact_get;
    ops->contact_update = contact_update;
    ops->contact_cancel_expired = contact_cancel_expired;
    ops->contact_due_particulars = contact_due_particulars;
    ops->terms_insert = terms_insert;
    ops->terms_latest = terms_latest;
    ops->mailbox_summary = mailbox_summary;
}

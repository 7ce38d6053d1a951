/* ops_access.c - the calendar of non-business days, login challenges, sessions, staff and
 * API tokens. */
#include "store/impl.h"

#include <string.h>

static void
read_id(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static struct store__query q_cal_put = STORE__QUERY(
    "INSERT INTO calendar_days (date, reason, declared_at, declared_by) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (date) DO UPDATE SET reason = excluded.reason, "
    "declared_at = excluded.declared_at, declared_by = excluded.declared_by");

static int
calendar_put(struct store_tx *tx, const struct store_calendar_day *d, struct error *err)
{
    struct store__arg args[] = {SA_I64(d->date), SA_TEXT(d->reason), SA_I64(d->declared_at),
                                SA_I64N(d->declared_by)};
    int rc = STORE__CHECK(tx, d, reason, err);

    return rc != STORE_OK ? rc : store__exec(tx, &q_cal_put, args, 4, err);
}

static struct store__query q_cal_delete =
    STORE__QUERY("DELETE FROM calendar_days WHERE date = $1 RETURNING date");

static int
calendar_delete(struct store_tx *tx, int32_t date, struct error *err)
{
    struct store__arg args[] = {SA_I64(date)};

    return store__one(tx, &q_cal_delete, args, 1, NULL, NULL, err);
}

static void
read_day(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_calendar_day *d = out;

    d->date = (int32_t)store__i64(tx, r, 0);
    store__text(tx, r, 1, d->reason, sizeof(d->reason));
    d->declared_at = store__i64(tx, r, 2);
    d->declared_by = store__i64(tx, r, 3);
}

static struct store__query q_cal_list =
    STORE__QUERY("SELECT date, reason, declared_at, declared_by FROM calendar_days "
                 "WHERE date BETWEEN $1 AND $2 ORDER BY date");

static int
calendar_list(struct store_tx *tx, int32_t from, int32_t to, struct store_calendar_day **items,
              size_t *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(from), SA_I64(to)};

    return store__many(tx, &q_cal_list, args, 2, read_day, sizeof(**items), (size_t)-1,
                       (void **)items, n, err);
}

static struct store__query q_chal_insert =
    STORE__QUERY("INSERT INTO login_challenges (nonce_hash, created_at, expires_at, used_at) "
                 "VALUES ($1, $2, $3, NULL)");
/* Single use: the conditional update succeeds once, whatever the number of racers. */
static struct store__query q_chal_consume = STORE__QUERY(
    "UPDATE login_challenges SET used_at = $2 WHERE nonce_hash = $1 AND used_at IS NULL "
    "AND expires_at > $2 RETURNING created_at");

static int
challenge_insert(struct store_tx *tx, const struct store_challenge *c, struct error *err)
{
    struct store__arg args[] = {SA_BLOB(c->nonce_hash, STORE_HASH_LEN), SA_I64(c->created_at),
                                SA_I64(c->expires_at)};

    return store__exec(tx, &q_chal_insert, args, 3, err);
}

static int
challenge_consume(struct store_tx *tx, const uint8_t nonce_hash[STORE_HASH_LEN], int64_t now,
                  struct error *err)
{
    struct store__arg args[] = {SA_BLOB(nonce_hash, STORE_HASH_LEN), SA_I64(now)};
    int rc = store__one(tx, &q_chal_consume, args, 2, NULL, NULL, err);

    if (rc == STORE_NOT_FOUND)
        error_set(err, "store_challenge_used",
                  "el reto de inicio de sesión no existe, ya se usó o venció");
    return rc;
}

static struct store__query q_sess_insert = STORE__QUERY(
    "INSERT INTO sessions (token_hash, subject_kind, subject_id, rfc, cert_number, created_at, "
    "expires_at, representative_rfc, representative_curp) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");

static int
session_insert(struct store_tx *tx, const struct store_session *s, struct error *err)
{
    struct store__arg args[] = {SA_BLOB(s->token_hash, STORE_HASH_LEN),
                                SA_I64(s->subject_kind),
                                SA_I64(s->subject_id),
                                SA_TEXT(s->rfc),
                                SA_TEXTN(s->cert_number),
                                SA_I64(s->created_at),
                                SA_I64(s->expires_at),
                                SA_TEXTN(s->representative_rfc),
                                SA_TEXTN(s->representative_curp)};
    int rc = STORE__CHECK(tx, s, rfc, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, s, cert_number, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, s, representative_rfc, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, s, representative_curp, err);
    return rc != STORE_OK ? rc : store__exec(tx, &q_sess_insert, args, 9, err);
}

static void
read_session(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_session *s = out;

    store__hash(tx, r, 0, s->token_hash);
    s->subject_kind = (enum store_subject_kind)store__i64(tx, r, 1);
    s->subject_id = store__i64(tx, r, 2);
    store__text(tx, r, 3, s->rfc, sizeof(s->rfc));
    store__text(tx, r, 4, s->cert_number, sizeof(s->cert_number));
    s->created_at = store__i64(tx, r, 5);
    s->expires_at = store__i64(tx, r, 6);
    store__text(tx, r, 7, s->representative_rfc, sizeof(s->representative_rfc));
    store__text(tx, r, 8, s->representative_curp, sizeof(s->representative_curp));
}

static struct store__query q_sess_get = STORE__QUERY(
    "SELECT token_hash, subject_kind, subject_id, rfc, cert_number, created_at, expires_at, "
    "representative_rfc, representative_curp FROM sessions "
    "WHERE token_hash = $1 AND expires_at > $2");
static struct store__query q_sess_delete =
    STORE__QUERY("DELETE FROM sessions WHERE token_hash = $1 RETURNING subject_id");
static struct store__query q_sess_purge =
    STORE__QUERY("DELETE FROM sessions WHERE expires_at <= $1 RETURNING subject_id");
static struct store__query q_chal_purge =
    STORE__QUERY("DELETE FROM login_challenges WHERE expires_at <= $1 RETURNING created_at");

static int
session_get(struct store_tx *tx, const uint8_t token_hash[STORE_HASH_LEN], int64_t now,
            struct store_session *out, struct error *err)
{
    struct store__arg args[] = {SA_BLOB(token_hash, STORE_HASH_LEN), SA_I64(now)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_sess_get, args, 2, read_session, out, err);
}

static int
session_delete(struct store_tx *tx, const uint8_t token_hash[STORE_HASH_LEN], struct error *err)
{
    struct store__arg args[] = {SA_BLOB(token_hash, STORE_HASH_LEN)};

    return store__one(tx, &q_sess_delete, args, 1, NULL, NULL, err);
}

static int
session_purge(struct store_tx *tx, int64_t now, size_t *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(now)};
    size_t sessions = 0, challenges = 0;
    int rc = store__count(tx, &q_sess_purge, args, 1, &sessions, err);

    if (rc == STORE_OK)
        rc = store__count(tx, &q_chal_purge, args, 1, &challenges, err);
    *n = sessions + challenges;
    return rc;
}

static struct store__query q_staff_insert =
    STORE__QUERY("INSERT INTO staff (rfc, name, roles, unit, active, created_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
#define STAFF_COLS "id, rfc, name, roles, unit, active, created_at"
static struct store__query q_staff_by_rfc =
    STORE__QUERY("SELECT " STAFF_COLS " FROM staff WHERE rfc = $1");
static struct store__query q_staff_get =
    STORE__QUERY("SELECT " STAFF_COLS " FROM staff WHERE id = $1");
static struct store__query q_staff_list =
    STORE__QUERY("SELECT " STAFF_COLS " FROM staff ORDER BY id");
static struct store__query q_staff_update = STORE__QUERY(
    "UPDATE staff SET name = $2, roles = $3, unit = $4, active = $5 WHERE id = $1 RETURNING id");

static int
staff_insert(struct store_tx *tx, struct store_staff *st, struct error *err)
{
    struct store__arg args[] = {SA_TEXT(st->rfc),           SA_TEXT(st->name),
                                SA_I64(st->roles),          SA_TEXT(st->unit),
                                SA_I64(st->active ? 1 : 0), SA_I64(st->created_at)};
    int rc = STORE__CHECK(tx, st, rfc, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, st, name, err);
    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, st, unit, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_staff_insert, args, 6, read_id, &st->id, err));
}

static void
read_staff(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_staff *st = out;

    st->id = store__i64(tx, r, 0);
    store__text(tx, r, 1, st->rfc, sizeof(st->rfc));
    store__text(tx, r, 2, st->name, sizeof(st->name));
    st->roles = (uint32_t)store__i64(tx, r, 3);
    store__text(tx, r, 4, st->unit, sizeof(st->unit));
    st->active = store__i64(tx, r, 5) != 0;
    st->created_at = store__i64(tx, r, 6);
}

static int
staff_get_by_rfc(struct store_tx *tx, const char *rfc, struct store_staff *out, struct error *err)
{
    struct store__arg args[] = {SA_TEXT(rfc)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_staff_by_rfc, args, 1, read_staff, out, err);
}

static int
staff_get(struct store_tx *tx, int64_t id, struct store_staff *out, struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_staff_get, args, 1, read_staff, out, err);
}

static int
staff_update(struct store_tx *tx, const struct store_staff *st, struct error *err)
{
    struct store__arg args[] = {SA_I64(st->id), SA_TEXT(st->name), SA_I64(st->roles),
                                SA_TEXT(st->unit), SA_I64(st->active ? 1 : 0)};
    int rc = STORE__CHECK(tx, st, name, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, st, unit, err);
    if (rc != STORE_OK)
        return rc;
    return store__one(tx, &q_staff_update, args, 5, NULL, NULL, err);
}

static int
staff_list(struct store_tx *tx, struct store_staff **items, size_t *n, struct error *err)
{
    return store__many(tx, &q_staff_list, NULL, 0, read_staff, sizeof(**items), (size_t)-1,
                       (void **)items, n, err);
}

static struct store__query q_token_insert = STORE__QUERY(
    "INSERT INTO api_tokens (token_hash, name, scopes, staff_id, created_at, expires_at, "
    "revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
#define TOKEN_COLS "id, token_hash, name, scopes, staff_id, created_at, expires_at, revoked_at"
static struct store__query q_token_get =
    STORE__QUERY("SELECT " TOKEN_COLS " FROM api_tokens WHERE token_hash = $1 "
                 "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)");
static struct store__query q_token_list =
    STORE__QUERY("SELECT " TOKEN_COLS " FROM api_tokens ORDER BY id");
static struct store__query q_token_revoke = STORE__QUERY(
    "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id");

static int
api_token_insert(struct store_tx *tx, struct store_api_token *t, struct error *err)
{
    struct store__arg args[] = {SA_BLOB(t->token_hash, STORE_HASH_LEN),
                                SA_TEXT(t->name),
                                SA_I64(t->scopes),
                                SA_I64N(t->staff_id),
                                SA_I64(t->created_at),
                                SA_I64N(t->expires_at),
                                SA_I64N(t->revoked_at)};
    int rc = STORE__CHECK(tx, t, name, err);

    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_token_insert, args, 7, read_id, &t->id, err));
}

static void
read_token(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_api_token *t = out;

    t->id = store__i64(tx, r, 0);
    store__hash(tx, r, 1, t->token_hash);
    store__text(tx, r, 2, t->name, sizeof(t->name));
    t->scopes = (uint32_t)store__i64(tx, r, 3);
    t->staff_id = store__i64(tx, r, 4);
    t->created_at = store__i64(tx, r, 5);
    t->expires_at = store__i64(tx, r, 6);
    t->revoked_at = store__i64(tx, r, 7);
}

static int
api_token_get(struct store_tx *tx, const uint8_t token_hash[STORE_HASH_LEN], int64_t now,
              struct store_api_token *out, struct error *err)
{
    struct store__arg args[] = {SA_BLOB(token_hash, STORE_HASH_LEN), SA_I64(now)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_token_get, args, 2, read_token, out, err);
}

static int
api_token_revoke(struct store_tx *tx, int64_t id, int64_t at, struct error *err)
{
    struct store__arg args[] = {SA_I64(id), SA_I64(at)};

    return store__one(tx, &q_token_revoke, args, 2, NULL, NULL, err);
}

static int
api_token_list(struct store_tx *tx, struct store_api_token **items, size_t *n, struct error *err)
{
    return store__many(tx, &q_token_list, NULL, 0, read_token, sizeof(**items), (size_t)-1,
                       (void **)items, n, err);
}

void
store__ops_access(struct store_ops *ops)
{
    ops->calendar_put = calendar_put;
    ops->calendar_delete = calendar_delete;
    ops->calendar_list = calendar_list;
    ops->challenge_insert = challenge_insert;
    ops->challenge_consume = challenge_consume;
    ops->session_insert = session_insert;
    ops->session_get = session_get;
    ops->session_delete = session_delete;
    ops->session_purge = session_purge;
    ops->staff_insert = staff_insert;
    ops->staff_get = staff_get;
    ops->staff_get_by_rfc = staff_get_by_rfc;
    ops->staff_update = staff_update;
    ops->staff_list = staff_list;
    ops->api_token_insert = api_token_insert;
    ops->api_token_get = api_token_get;
    ops->api_token_revoke = api_token_revoke;
    ops->api_token_list = api_token_list;
}

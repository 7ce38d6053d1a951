/* staff.c - officials and API tokens (staff.h). */
#include "app/staff.h"

#include "app/audit.h"
#include "app/secret.h"
#include "core/mem.h"
#include "core/sha256.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { US = 1000000, DAY_S = 86400, RANDOM_LEN = 32 };

_Static_assert((int)STORE_ROLE_ISSUER == (int)APP_ROLE_ISSUER &&
                   (int)STORE_ROLE_HANDLER == (int)APP_ROLE_HANDLER &&
                   (int)STORE_ROLE_ADMINISTRATOR == (int)APP_ROLE_ADMINISTRATOR &&
                   (int)STORE_ROLE_AUDITOR == (int)APP_ROLE_AUDITOR,
               "the roles of store and app must keep the same bits");
_Static_assert((int)STORE_SCOPE_NOTIFY == (int)APP_SCOPE_NOTIFY &&
                   (int)STORE_SCOPE_DOCUMENTS == (int)APP_SCOPE_DOCUMENTS &&
                   (int)STORE_SCOPE_READ == (int)APP_SCOPE_READ,
               "the scopes of store and app must keep the same bits");

static const struct {
    unsigned bit;
    const char *name;
} role_names[] = {
    {APP_ROLE_ISSUER, "issuer"},
    {APP_ROLE_HANDLER, "handler"},
    {APP_ROLE_ADMINISTRATOR, "administrator"},
    {APP_ROLE_AUDITOR, "auditor"},
};

static const struct {
    uint32_t bit;
    const char *name;
} scope_names[] = {
    {APP_SCOPE_NOTIFY, "notify"},
    {APP_SCOPE_DOCUMENTS, "documents"},
    {APP_SCOPE_READ, "read"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *
app_role_name(unsigned role)
{
    for (size_t i = 0; i < COUNT(role_names); i++) {
        if (role_names[i].bit == role)
            return role_names[i].name;
    }
    return NULL;
}

const char *
app_scope_name(uint32_t scope)
{
    for (size_t i = 0; i < COUNT(scope_names); i++) {
        if (scope_names[i].bit == scope)
            return scope_names[i].name;
    }
    return NULL;
}

/* One comma-separated list of names into bits; names[] given as (bit, name) by lookup. */
static int
parse_list(const char *text, bool roles, uint32_t *out)
{
    char buf[256];
    char *save = NULL;
    uint32_t bits = 0;

    *out = 0;
    if (text == NULL || strlen(text) >= sizeof(buf))
        return -1;
    snprintf(buf, sizeof(buf), "%s", text);
    for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        uint32_t bit = 0;

        while (*tok == ' ')
            tok++;
        for (size_t i = 0; roles && i < COUNT(role_names); i++) {
            if (strcmp(tok, role_names[i].name) == 0)
                bit = role_names[i].bit;
        }
        for (size_t i = 0; !roles && i < COUNT(scope_names); i++) {
            if (strcmp(tok, scope_names[i].name) == 0)
                bit = scope_names[i].bit;
        }
        if (bit == 0 || (bits & bit) != 0)
            return -1;
        bits |= bit;
    }
    if (bits == 0)
        return -1;
    *out = bits;
    return 0;
}

int
app_roles_parse(const char *text, unsigned *roles, struct error *err)
{
    uint32_t bits = 0;

    if (parse_list(text, true, &bits) != 0)
        return error_set(err, "staff_invalid",
                         "los roles se escriben separados por comas, sin repetir, entre: issuer, "
                         "handler, administrator, auditor");
    *roles = bits;
    return 0;
}

int
app_scopes_parse(const char *text, uint32_t *scopes, struct error *err)
{
    if (parse_list(text, false, scopes) != 0)
        return error_set(err, "token_invalid",
                         "los alcances se escriben separados por comas, sin repetir, entre: "
                         "notify, documents, read");
    return 0;
}

static void
format_bits(uint32_t bits, bool roles, char *out, size_t cap)
{
    size_t o = 0;

    out[0] = '\0';
    for (uint32_t bit = 1; bit != 0 && bit <= bits; bit <<= 1) {
        const char *name = (bits & bit) == 0 ? NULL
                           : roles           ? app_role_name(bit)
                                             : app_scope_name(bit);
        int w;

        if (name == NULL)
            continue;
        w = snprintf(out + o, cap - o, "%s%s", o > 0 ? "," : "", name);
        if (w < 0 || (size_t)w >= cap - o)
            break;
        o += (size_t)w;
    }
}

void
app_roles_format(unsigned roles, char *out, size_t cap)
{
    format_bits(roles, true, out, cap);
}

void
app_scopes_format(uint32_t scopes, char *out, size_t cap)
{
    format_bits(scopes, false, out, cap);
}

/* Allowed for who, or the command line (NULL). */
static int
allowed(const struct app_actor *who, enum app_action what, struct error *err)
{
    return who == NULL ? 0 : app_authorize(who, what, NULL, NULL, err);
}

static bool
rfc_shape(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n != 12 && n != 13)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '&'))
            return false;
    }
    return true;
}

/* A unit key: 1..31 of [A-Za-z0-9_-]. */
static bool
unit_shape(const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n == 0 || n > APP_ACTOR_UNIT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

static void
from_store(const struct store_staff *st, struct app_staff *out)
{
    *out = (struct app_staff){
        .id = st->id, .roles = st->roles, .active = st->active, .created_at = st->created_at};
    snprintf(out->rfc, sizeof(out->rfc), "%s", st->rfc);
    snprintf(out->name, sizeof(out->name), "%s", st->name);
    snprintf(out->unit, sizeof(out->unit), "%s", st->unit);
}

struct staff_ctx {
    struct app *a;
    const struct app_actor *who;
    const char *request_id;
    struct store_staff st;
};

static int
staff_add_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct staff_ctx *c = arg;
    char subject[STORE_KEY_MAX + 1];
    int rc = store_tx_store(tx)->ops->staff_insert(tx, &c->st, err);

    if (rc == STORE_DUPLICATE)
        error_set(err, "staff_duplicate", "el RFC %s ya está registrado como servidor público",
                  c->st.rfc);
    if (rc != STORE_OK)
        return rc;
    snprintf(subject, sizeof(subject), "staff:%" PRId64, c->st.id);
    return app_audit_record(tx, c->who, "staff.add", subject, NULL, c->st.created_at, c->request_id,
                            err);
}

int
app_staff_add(struct app *a, const struct app_actor *who, const struct app_staff *in,
              const char *request_id, struct app_staff *out, struct error *err)
{
    struct staff_ctx c = {.a = a, .who = who, .request_id = request_id};
    size_t name_len = strlen(in->name);
    int rc;

    if (allowed(who, APP_ACTION_STAFF_MANAGE, err) != 0)
        return -1;
    if (!rfc_shape(in->rfc) || name_len == 0 || name_len > STORE_NAME_MAX || in->roles == 0 ||
        (in->roles & ~(unsigned)(APP_ROLE_ISSUER | APP_ROLE_HANDLER | APP_ROLE_ADMINISTRATOR |
                                 APP_ROLE_AUDITOR)) != 0 ||
        !unit_shape(in->unit))
        return error_set(err, "staff_invalid",
                         "un servidor público se registra con su RFC (12 o 13 caracteres en "
                         "mayúsculas), su nombre, al menos un rol y la clave de su unidad "
                         "administrativa (letras, dígitos, - o _; \"00\" es la unidad central)");

    snprintf(c.st.rfc, sizeof(c.st.rfc), "%s", in->rfc);
    snprintf(c.st.name, sizeof(c.st.name), "%s", in->name);
    snprintf(c.st.unit, sizeof(c.st.unit), "%s", in->unit);
    c.st.roles = in->roles;
    c.st.active = true;
    c.st.created_at = app_now(a);
    rc = store_run(a->store, STORE_TX_WRITE, staff_add_tx, &c, err);
    if (rc == STORE_DUPLICATE)
        rc = -1;
    if (rc == STORE_OK && out != NULL)
        from_store(&c.st, out);
    return rc;
}

struct update_ctx {
    struct app *a;
    const struct app_actor *who;
    const char *request_id;
    const struct app_staff *in;
    int active;
    struct store_staff st;
};

static int
staff_update_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct update_ctx *c = arg;
    const struct store_ops *ops = store_tx_store(tx)->ops;
    char subject[STORE_KEY_MAX + 1];
    int rc = ops->staff_get_by_rfc(tx, c->in->rfc, &c->st, err);

    if (rc == STORE_NOT_FOUND)
        return error_set(err, "staff_not_found", "no hay un servidor público con el RFC %s",
                         c->in->rfc);
    if (rc != STORE_OK)
        return rc;
    if (c->in->name[0] != '\0')
        snprintf(c->st.name, sizeof(c->st.name), "%s", c->in->name);
    if (c->in->roles != 0)
        c->st.roles = c->in->roles;
    if (c->in->unit[0] != '\0')
        snprintf(c->st.unit, sizeof(c->st.unit), "%s", c->in->unit);
    if (c->active >= 0)
        c->st.active = c->active != 0;
    rc = ops->staff_update(tx, &c->st, err);
    if (rc != STORE_OK)
        return rc;
    snprintf(subject, sizeof(subject), "staff:%" PRId64, c->st.id);
    return app_audit_record(tx, c->who, "staff.update", subject, NULL, app_now(c->a), c->request_id,
                            err);
}

int
app_staff_update(struct app *a, const struct app_actor *who, const struct app_staff *in, int active,
                 const char *request_id, struct app_staff *out, struct error *err)
{
    struct update_ctx c = {
        .a = a, .who = who, .request_id = request_id, .in = in, .active = active};
    int rc;

    if (allowed(who, APP_ACTION_STAFF_MANAGE, err) != 0)
        return -1;
    if (!rfc_shape(in->rfc) || strlen(in->name) > STORE_NAME_MAX ||
        (in->roles & ~(unsigned)(APP_ROLE_ISSUER | APP_ROLE_HANDLER | APP_ROLE_ADMINISTRATOR |
                                 APP_ROLE_AUDITOR)) != 0 ||
        (in->unit[0] != '\0' && !unit_shape(in->unit)))
        return error_set(err, "staff_invalid",
                         "indique el RFC del servidor público y, si cambian, su nombre, roles "
                         "conocidos y la clave de su unidad administrativa");
    rc = store_run(a->store, STORE_TX_WRITE, staff_update_tx, &c, err);
    if (rc == STORE_OK && out != NULL)
        from_store(&c.st, out);
    return rc;
}

struct list_ctx {
    struct store_staff *staff;
    struct store_api_token *tokens;
    size_t n;
};

static int
staff_list_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct list_ctx *c = arg;

    free(c->staff);
    c->staff = NULL;
    return store_tx_store(tx)->ops->staff_list(tx, &c->staff, &c->n, err);
}

int
app_staff_list(struct app *a, const struct app_actor *who, struct app_staff **items, size_t *n,
               struct error *err)
{
    struct list_ctx c = {0};
    int rc;

    *items = NULL;
    *n = 0;
    if (allowed(who, APP_ACTION_STAFF_MANAGE, err) != 0)
        return -1;
    rc = store_run(a->store, STORE_TX_READ, staff_list_tx, &c, err);
    if (rc == STORE_OK && c.n > 0) {
        *items = mem_calloc(c.n, sizeof(**items));
        for (size_t i = 0; i < c.n; i++)
            from_store(&c.staff[i], &(*items)[i]);
        *n = c.n;
    }
    free(c.staff);
    return rc;
}

/* ---------------------------------------------------------------------------------------- */
/* API tokens                                                                                */

struct token_ctx {
    struct app *a;
    const struct app_actor *who;
    const char *request_id;
    struct store_api_token t;
    int64_t id;
    int64_t now;
};

static int
token_issue_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct token_ctx *c = arg;
    char subject[STORE_KEY_MAX + 1];
    int rc = store_tx_store(tx)->ops->api_token_insert(tx, &c->t, err);

    if (rc != STORE_OK)
        return rc;
    snprintf(subject, sizeof(subject), "token:%" PRId64, c->t.id);
    return app_audit_record(tx, c->who, "token.issue", subject, NULL, c->now, c->request_id, err);
}

int
app_token_issue(struct app *a, const struct app_actor *who, const char *name, uint32_t scopes,
                int64_t days, const char *request_id, struct app_token *out, struct error *err)
{
    struct token_ctx c = {.a = a, .who = who, .request_id = request_id, .now = app_now(a)};
    uint8_t raw[RANDOM_LEN];
    size_t name_len = name != NULL ? strlen(name) : 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (allowed(who, APP_ACTION_TOKEN_MANAGE, err) != 0)
        return -1;
    if (days == 0)
        days = a->policy.api_token_days > 0 ? a->policy.api_token_days : 365;
    if (name_len == 0 || name_len > APP_TOKEN_NAME_MAX || scopes == 0 ||
        (scopes & ~(uint32_t)(APP_SCOPE_NOTIFY | APP_SCOPE_DOCUMENTS | APP_SCOPE_READ)) != 0 ||
        days < 0 || days > APP_API_TOKEN_DAYS_MAX)
        return error_set(err, "token_invalid",
                         "una credencial de sistema lleva un nombre (hasta %d bytes), al menos un "
                         "alcance (notify, documents, read) y una vigencia de 1 a %d días",
                         APP_TOKEN_NAME_MAX, APP_API_TOKEN_DAYS_MAX);

    /* 256 random bits; only the hash of the whole token is stored. */
    app_random_bytes(raw, sizeof(raw));
    memcpy(out->token, APP_API_TOKEN_PREFIX, strlen(APP_API_TOKEN_PREFIX));
    app_b64url(raw, sizeof(raw), out->token + strlen(APP_API_TOKEN_PREFIX));
    mem_wipe(raw, sizeof(raw));
    sha256(out->token, strlen(out->token), c.t.token_hash);

    snprintf(c.t.name, sizeof(c.t.name), "%s", name);
    c.t.scopes = scopes;
    c.t.staff_id = who != NULL && who->kind == APP_ACTOR_STAFF ? who->id : 0;
    c.t.created_at = c.now;
    c.t.expires_at = c.now + days * DAY_S * US;
    rc = store_run(a->store, STORE_TX_WRITE, token_issue_tx, &c, err);
    if (rc != STORE_OK) {
        mem_wipe(out->token, sizeof(out->token));
        return rc;
    }
    out->id = c.t.id;
    snprintf(out->name, sizeof(out->name), "%s", c.t.name);
    out->scopes = scopes;
    out->created_at = c.t.created_at;
    out->expires_at = c.t.expires_at;
    return 0;
}

static int
token_revoke_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct token_ctx *c = arg;
    char subject[STORE_KEY_MAX + 1];
    int rc = store_tx_store(tx)->ops->api_token_revoke(tx, c->id, c->now, err);

    if (rc == STORE_NOT_FOUND)
        error_set(err, "token_not_found",
                  "no existe una credencial de sistema vigente con el número %" PRId64, c->id);
    if (rc != STORE_OK)
        return rc;
    snprintf(subject, sizeof(subject), "token:%" PRId64, c->id);
    return app_audit_record(tx, c->who, "token.revoke", subject, NULL, c->now, c->request_id, err);
}

int
app_token_revoke(struct app *a, const struct app_actor *who, int64_t id, const char *request_id,
                 struct error *err)
{
    struct token_ctx c = {.a = a, .who = who, .request_id = request_id, .id = id};

    if (allowed(who, APP_ACTION_TOKEN_MANAGE, err) != 0)
        return -1;
    c.now = app_now(a);
    return store_run(a->store, STORE_TX_WRITE, token_revoke_tx, &c, err);
}

static int
token_list_tx(struct store_tx *tx, void *arg, struct error *err)
{
    struct list_ctx *c = arg;

    free(c->tokens);
    c->tokens = NULL;
    return store_tx_store(tx)->ops->api_token_list(tx, &c->tokens, &c->n, err);
}

int
app_token_list(struct app *a, const struct app_actor *who, struct app_token **items, size_t *n,
               struct error *err)
{
    struct list_ctx c = {0};
    int rc;

    *items = NULL;
    *n = 0;
    if (allowed(who, APP_ACTION_TOKEN_MANAGE, err) != 0)
        return -1;
    rc = store_run(a->store, STORE_TX_READ, token_list_tx, &c, err);
    if (rc == STORE_OK && c.n > 0) {
        *items = mem_calloc(c.n, sizeof(**items));
        for (size_t i = 0; i < c.n; i++) {
            struct app_token *t = &(*items)[i];

            t->id = c.tokens[i].id;
            snprintf(t->name, sizeof(t->name), "%s", c.tokens[i].name);
            t->scopes = c.tokens[i].scopes;
            t->created_at = c.tokens[i].created_at;
            t->expires_at = c.tokens[i].expires_at;
            t->revoked_at = c.tokens[i].revoked_at;
        }
        *n = c.n;
    }
    free(c.tokens);
    return rc;
}

enum app_token_result
app_token_check(struct app *a, const char *token, struct app_actor *out, struct error *err)
{
    size_t plen = strlen(APP_API_TOKEN_PREFIX);
    uint8_t hash[SHA256_LEN];
    struct store_api_token t;
    struct store_tx *tx = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if (token == NULL || strlen(token) != APP_API_TOKEN_LEN ||
        strncmp(token, APP_API_TOKEN_PREFIX, plen) != 0)
        return APP_TOKEN_ABSENT;
    for (const char *p = token + plen; *p != '\0'; p++) {
        if (!app_b64url_char(*p))
            return APP_TOKEN_ABSENT;
    }
    sha256(token, strlen(token), hash);

    rc = a->store->ops->begin(a->store, STORE_TX_READ, &tx, err);
    if (rc == STORE_OK) {
        rc = a->store->ops->api_token_get(tx, hash, app_now(a), &t, err);
        a->store->ops->rollback(tx);
    }
    if (rc == STORE_NOT_FOUND) {
        error_clear(err);
        return APP_TOKEN_ABSENT;
    }
    if (rc != STORE_OK)
        return APP_TOKEN_FAILED;

    out->kind = APP_ACTOR_SYSTEM;
    out->id = t.id;
    out->scopes = t.scopes;
    snprintf(out->name, sizeof(out->name), "%s", t.name);
    snprintf(out->ref, sizeof(out->ref), "token:%" PRId64, t.id);
    return APP_TOKEN_OK;
}

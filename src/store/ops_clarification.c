/* ops_clarification.c - requests for guidance or clarification and their answers (5.9). */
#include "store/impl.h"

#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

#define CLARIFICATION_COLS                                                             \
    "c.id, c.particular_id, p.rfc, c.topic, c.text, c.filed_at, c.unit, c.answer, "    \
    "c.answered_at, c.answered_by FROM clarifications c JOIN particulars p ON p.id = " \
    "c.particular_id"

static void
read_id(struct store_tx *tx, struct store__rows *r, void *out)
{
    *(int64_t *)out = store__i64(tx, r, 0);
}

static void
read_clarification(struct store_tx *tx, struct store__rows *r, void *out)
{
    struct store_clarification *c = out;

    c->id = store__i64(tx, r, 0);
    c->particular_id = store__i64(tx, r, 1);
    store__text(tx, r, 2, c->rfc, sizeof(c->rfc));
    store__text(tx, r, 3, c->topic, sizeof(c->topic));
    c->text = store__strdup(tx, r, 4);
    c->filed_at = store__i64(tx, r, 5);
    store__text(tx, r, 6, c->unit, sizeof(c->unit));
    c->answer = store__strdup(tx, r, 7);
    c->answered_at = store__i64(tx, r, 8);
    c->answered_by = store__i64(tx, r, 9);
}

/* A required text of 1..STORE_CLARIFICATION_TEXT_MAX bytes of UTF-8. */
static int
check_text(struct store_tx *tx, const char *field, const char *s, struct error *err)
{
    int rc = store__check_heap(tx, field, s, true, err);

    if (rc != STORE_OK)
        return rc;
    if (s[0] == '\0' || strlen(s) > STORE_CLARIFICATION_TEXT_MAX)
        return store__invalid(tx, err, "store_too_long", "el campo %s debe tener de 1 a %d bytes",
                              field, STORE_CLARIFICATION_TEXT_MAX);
    return STORE_OK;
}

static struct store__query q_insert =
    STORE__QUERY("INSERT INTO clarifications (particular_id, topic, text, filed_at, unit) "
                 "VALUES ($1, $2, $3, $4, $5) RETURNING id");

static int
clarification_insert(struct store_tx *tx, struct store_clarification *c, struct error *err)
{
    struct store__arg args[] = {SA_I64(c->particular_id), SA_TEXT(c->topic), SA_TEXT(c->text),
                                SA_I64(c->filed_at), SA_TEXT(c->unit)};
    int rc = STORE__CHECK(tx, c, topic, err);

    if (rc == STORE_OK)
        rc = STORE__CHECK(tx, c, unit, err);
    if (rc == STORE_OK)
        rc = check_text(tx, "text", c->text, err);
    if (rc != STORE_OK)
        return rc;
    return store__fail(tx, store__one(tx, &q_insert, args, 5, read_id, &c->id, err));
}

static struct store__query q_get = STORE__QUERY("SELECT " CLARIFICATION_COLS " WHERE c.id = $1");

static int
clarification_get(struct store_tx *tx, int64_t id, struct store_clarification *out,
                  struct error *err)
{
    struct store__arg args[] = {SA_I64(id)};

    memset(out, 0, sizeof(*out));
    return store__one(tx, &q_get, args, 1, read_clarification, out, err);
}

/* $1: particular (0 any), $2: unit ('' any), $3: before id (0 none), $4: limit. */
static struct store__query q_list = STORE__QUERY(
    "SELECT " CLARIFICATION_COLS " WHERE (CAST($1 AS BIGINT) = 0 OR c.particular_id = $1) "
    "AND (CAST($2 AS TEXT) = '' OR c.unit = $2) AND (CAST($3 AS BIGINT) = 0 OR c.id < $3) "
    "ORDER BY c.id DESC LIMIT $4");

static void
clarification_cleanup(void *c)
{
    store_clarification_cleanup(c);
}

static int
clarification_list(struct store_tx *tx, int64_t particular_id, const char *unit, int64_t before_id,
                   size_t limit, struct store_clarification **items, size_t *n, struct error *err)
{
    struct store__arg args[] = {SA_I64(particular_id), SA_TEXT(unit != NULL ? unit : ""),
                                SA_I64(before_id), SA_I64(0)};

    if (limit == 0 || limit > STORE_PAGE_MAX)
        limit = STORE_PAGE_MAX;
    args[3] = SA_I64(limit);
    return store__many_owned(tx, &q_list, args, 4, read_clarification, clarification_cleanup,
                             sizeof(**items), limit, (void **)items, n, err);
}

static struct store__query q_answer =
    STORE__QUERY("UPDATE clarifications SET answer = $2, answered_at = $3, answered_by = $4 "
                 "WHERE id = $1 AND answered_at IS NULL RETURNING id");

static int
clarification_answer(struct store_tx *tx, int64_t id, const char *answer, int64_t at,
                     int64_t staff_id, struct error *err)
{
    struct store__arg args[] = {SA_I64(id), SA_TEXT(answer != NULL ? answer : ""), SA_I64(at),
                                SA_I64N(staff_id)};
    int rc = check_text(tx, "answer", answer, err);

    if (rc != STORE_OK)
        return rc;
    return store__one(tx, &q_answer, args, 4, NULL, NULL, err);
}

void
store_clarification_cleanup(struct store_clarification *c)
{
    if (c == NULL)
        return;
    MEM_FREE(c->text);
    MEM_FREE(c->answer);
}

void
store_clarification_list_free(struct store_clarification *items, size_t n)
{
    for (size_t i = 0; items != NULL && i < n; i++)
        store_clarification_cleanup(&items[i]);
    free(items);
}

void
store__ops_clarification(struct store_ops *ops)
{
    ops->clarification_insert = clarification_insert;
    ops->clarification_get = clarification_get;
    ops->clarification_list = clarification_list;
    ops->clarification_answer = clarification_answer;
}

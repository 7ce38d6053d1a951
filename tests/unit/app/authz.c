/*
 * Tests of app/authz.h against docs/authorization.md: the matrix table of the document is read
 * and every cell (action x column) is compared with what app_authorize decides for that actor,
 * so the document and the code cannot drift apart. Then the rules around the cells: the
 * central unit, missing RFCs and units, actors of no kind, officials without roles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/authz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OWN_RFC   "PELM800101AB1"
#define OTHER_RFC "EMP010101AB1"
#define UNIT      "07"
#define FOREIGN   "15"

enum column {
    COL_OWN,
    COL_OTHERS,
    COL_ISSUER,
    COL_HANDLER,
    COL_ADMINISTRATOR,
    COL_AUDITOR,
    COL_OTHER_UNIT,
    COL_NOTIFY,
    COL_DOCUMENTS,
    COL_READ,
    COL_COUNT
};

static const char *const column_names[COL_COUNT] = {
    "particular (own)", "particular (other's)", "issuer",
    "handler",          "administrator",        "auditor",
    "other unit",       "system notify",        "system documents",
    "system read",
};

/* The actor and target of a column: the target is always OWN_RFC's record of UNIT. */
static void
column_actor(enum column c, struct app_actor *who, struct app_target *target)
{
    static const unsigned roles[] = {[COL_ISSUER] = APP_ROLE_ISSUER,
                                     [COL_HANDLER] = APP_ROLE_HANDLER,
                                     [COL_ADMINISTRATOR] = APP_ROLE_ADMINISTRATOR,
                                     [COL_AUDITOR] = APP_ROLE_AUDITOR};
    static const uint32_t scopes[] = {[COL_NOTIFY] = APP_SCOPE_NOTIFY,
                                      [COL_DOCUMENTS] = APP_SCOPE_DOCUMENTS,
                                      [COL_READ] = APP_SCOPE_READ};

    memset(who, 0, sizeof(*who));
    *target = (struct app_target){.rfc = OWN_RFC, .unit = UNIT};
    switch (c) {
    case COL_OWN:
    case COL_OTHERS:
        who->kind = APP_ACTOR_PARTICULAR;
        snprintf(who->rfc, sizeof(who->rfc), "%s", c == COL_OWN ? OWN_RFC : OTHER_RFC);
        break;
    case COL_ISSUER:
    case COL_HANDLER:
    case COL_ADMINISTRATOR:
    case COL_AUDITOR:
        who->kind = APP_ACTOR_STAFF;
        who->roles = roles[c];
        snprintf(who->rfc, sizeof(who->rfc), "GOMA750505XY2");
        snprintf(who->unit, sizeof(who->unit), UNIT);
        break;
    case COL_OTHER_UNIT:
        who->kind = APP_ACTOR_STAFF;
        who->roles = APP_ROLE_ISSUER | APP_ROLE_HANDLER | APP_ROLE_ADMINISTRATOR | APP_ROLE_AUDITOR;
        snprintf(who->rfc, sizeof(who->rfc), "GOMA750505XY2");
        snprintf(who->unit, sizeof(who->unit), FOREIGN);
        break;
    case COL_NOTIFY:
    case COL_DOCUMENTS:
    case COL_READ:
        who->kind = APP_ACTOR_SYSTEM;
        who->scopes = scopes[c];
        break;
    case COL_COUNT:
        break;
    }
}

/* What app_authorize says, in the document's words. */
static const char *
decide(const struct app_actor *who, enum app_action what, const struct app_target *target,
       char *why, size_t cap)
{
    struct error err = {0};
    bool audit = true;

    if (app_authorize(who, what, target, &audit, &err) == 0)
        return audit ? "audit" : "allow";
    assert_false(audit);
    snprintf(why, cap, "%s", err.code);
    assert_true(strlen(err.message) > 10);
    if (strcmp(err.code, "forbidden") == 0)
        return "403";
    if (strcmp(err.code, "not_own_mailbox") == 0)
        return "404";
    return "unexpected code";
}

/* Split a markdown table row into trimmed cells (in place); returns how many. */
static size_t
split_row(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *p = strchr(line, '|');

    while (p != NULL && n < max) {
        char *start = p + 1, *end = strchr(start, '|');

        if (end == NULL)
            break;
        *end = '\0';
        while (*start == ' ')
            start++;
        for (char *t = end - 1; t >= start && (*t == ' ' || *t == '`'); t--)
            *t = '\0';
        if (*start == '`')
            start++;
        cells[n++] = start;
        p = end;
    }
    return n;
}

static void
every_cell_of_the_documented_matrix_is_what_the_code_decides(void **state)
{
    const char *root = getenv("BUZON_SOURCE_ROOT");
    char path[1024], line[1024];
    int col_of[COL_COUNT + 1];
    bool seen[APP_ACTION_COUNT] = {false};
    size_t rows = 0, cells_checked = 0;
    bool in_table = false, header = false;
    FILE *f;

    (void)state;
    assert_non_null(root);
    snprintf(path, sizeof(path), "%s/docs/authorization.md", root);
    f = fopen(path, "r");
    assert_non_null(f);

    while (fgets(line, sizeof(line), f) != NULL) {
        char *cells[COL_COUNT + 2];
        size_t n;

        line[strcspn(line, "\n")] = '\0';
        if (strstr(line, "<!-- matrix") != NULL) {
            in_table = true;
            continue;
        }
        if (!in_table)
            continue;
        if (line[0] != '|')
            break;
        n = split_row(line, cells, COL_COUNT + 2);
        assert_int_equal(n, COL_COUNT + 1);

        if (!header) {
            /* The header names the columns; each must be there exactly once. */
            assert_string_equal(cells[0], "action");
            for (int c = 0; c < COL_COUNT; c++) {
                col_of[c] = -1;
                for (size_t i = 1; i < n; i++) {
                    if (strcmp(cells[i], column_names[c]) == 0) {
                        assert_int_equal(col_of[c], -1);
                        col_of[c] = (int)i;
                    }
                }
                if (col_of[c] < 0)
                    fail_msg("column «%s» missing from docs/authorization.md", column_names[c]);
            }
            header = true;
            continue;
        }
        if (strncmp(cells[0], "---", 3) == 0)
            continue;

        {
            int action = -1;

            for (int a = 0; a < APP_ACTION_COUNT; a++) {
                if (strcmp(app_action_name((enum app_action)a), cells[0]) == 0)
                    action = a;
            }
            if (action < 0)
                fail_msg("docs/authorization.md lists «%s», which app/authz.h does not know",
                         cells[0]);
            assert_false(seen[action]);
            seen[action] = true;
            rows++;

            for (int c = 0; c < COL_COUNT; c++) {
                struct app_actor who;
                struct app_target target;
                char why[64] = "";
                const char *got;

                column_actor((enum column)c, &who, &target);
                got = decide(&who, (enum app_action)action, &target, why, sizeof(why));
                if (strcmp(got, cells[col_of[c]]) != 0)
                    fail_msg("%s / %s: the document says %s, app_authorize says %s (%s)", cells[0],
                             column_names[c], cells[col_of[c]], got, why);
                cells_checked++;
            }
        }
    }
    fclose(f);

    assert_true(header);
    for (int a = 0; a < APP_ACTION_COUNT; a++) {
        if (!seen[a])
            fail_msg("action %s is missing from docs/authorization.md",
                     app_action_name((enum app_action)a));
    }
    assert_int_equal(rows, APP_ACTION_COUNT);
    assert_int_equal(cells_checked, (size_t)APP_ACTION_COUNT * COL_COUNT);
}

static void
the_central_unit_sees_every_unit_and_others_only_their_own(void **state)
{
    struct app_actor who = {.kind = APP_ACTOR_STAFF, .roles = APP_ROLE_HANDLER};
    struct app_target t = {.rfc = OWN_RFC, .unit = UNIT};
    struct error err = {0};
    bool audit = false;

    (void)state;
    snprintf(who.unit, sizeof(who.unit), APP_UNIT_CENTRAL);
    assert_int_equal(app_authorize(&who, APP_ACTION_CLARIFICATION_ANSWER, &t, &audit, &err), 0);
    assert_true(audit);

    snprintf(who.unit, sizeof(who.unit), FOREIGN);
    assert_int_equal(app_authorize(&who, APP_ACTION_CLARIFICATION_ANSWER, &t, &audit, &err), -1);
    assert_string_equal(err.code, "not_own_mailbox");
    assert_false(audit);

    /* A record of no unit (a list across units is filtered by the use case). */
    t.unit = NULL;
    assert_int_equal(app_authorize(&who, APP_ACTION_CLARIFICATION_READ, &t, &audit, &err), 0);

    /* A unit rule applies to officials only: a system acts by scope anywhere. */
    who = (struct app_actor){.kind = APP_ACTOR_SYSTEM, .scopes = APP_SCOPE_NOTIFY};
    t.unit = FOREIGN;
    assert_int_equal(app_authorize(&who, APP_ACTION_NOTIFICATION_ISSUE, &t, &audit, &err), 0);
}

static void
reads_are_audited_only_when_they_name_a_particular(void **state)
{
    struct app_actor who = {.kind = APP_ACTOR_STAFF, .roles = APP_ROLE_AUDITOR};
    struct app_target t = {.rfc = OWN_RFC};
    struct error err = {0};
    bool audit = false;

    (void)state;
    assert_int_equal(app_authorize(&who, APP_ACTION_RECEIPT_READ, &t, &audit, &err), 0);
    assert_true(audit);
    t.rfc = "";
    assert_int_equal(app_authorize(&who, APP_ACTION_RECEIPT_READ, &t, &audit, &err), 0);
    assert_false(audit);
    assert_int_equal(app_authorize(&who, APP_ACTION_RECEIPT_READ, NULL, &audit, &err), 0);
    assert_false(audit);

    /* A particular's own reads are never audited as accesses. */
    who = (struct app_actor){.kind = APP_ACTOR_PARTICULAR, .rfc = OWN_RFC};
    t.rfc = OWN_RFC;
    assert_int_equal(app_authorize(&who, APP_ACTION_RECEIPT_READ, &t, &audit, &err), 0);
    assert_false(audit);
}

static void
particulars_without_a_target_and_nameless_actors_are_refused(void **state)
{
    struct app_actor who = {.kind = APP_ACTOR_PARTICULAR, .rfc = OWN_RFC};
    struct app_target t = {0};
    struct error err = {0};

    (void)state;
    /* No RFC in the target: not the particular's own mailbox. */
    assert_int_equal(app_authorize(&who, APP_ACTION_MAILBOX_READ, &t, NULL, &err), -1);
    assert_string_equal(err.code, "not_own_mailbox");
    assert_int_equal(app_authorize(&who, APP_ACTION_MAILBOX_READ, NULL, NULL, &err), -1);
    assert_string_equal(err.code, "not_own_mailbox");

    /* A particular without an RFC, an actor of no kind, no actor, an unknown action. */
    t.rfc = OWN_RFC;
    who.rfc[0] = '\0';
    assert_int_equal(app_authorize(&who, APP_ACTION_MAILBOX_READ, &t, NULL, &err), -1);
    assert_string_equal(err.code, "forbidden");
    who = (struct app_actor){0};
    assert_int_equal(app_authorize(&who, APP_ACTION_MAILBOX_READ, &t, NULL, &err), -1);
    assert_string_equal(err.code, "forbidden");
    assert_int_equal(app_authorize(NULL, APP_ACTION_MAILBOX_READ, &t, NULL, &err), -1);
    assert_string_equal(err.code, "forbidden");
    who = (struct app_actor){.kind = APP_ACTOR_STAFF, .roles = ~0u};
    assert_int_equal(app_authorize(&who, APP_ACTION_COUNT, &t, NULL, &err), -1);
    assert_null(app_action_name(APP_ACTION_COUNT));

    /* An official with no role, a system with no scope: nothing. */
    who = (struct app_actor){.kind = APP_ACTOR_STAFF};
    snprintf(who.unit, sizeof(who.unit), APP_UNIT_CENTRAL);
    for (int a = 0; a < APP_ACTION_COUNT; a++) {
        assert_int_equal(app_authorize(&who, (enum app_action)a, &t, NULL, &err), -1);
        assert_string_equal(err.code, "forbidden");
    }
    who = (struct app_actor){.kind = APP_ACTOR_SYSTEM};
    for (int a = 0; a < APP_ACTION_COUNT; a++)
        assert_int_equal(app_authorize(&who, (enum app_action)a, &t, NULL, &err), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_cell_of_the_documented_matrix_is_what_the_code_decides),
        cmocka_unit_test(the_central_unit_sees_every_unit_and_others_only_their_own),
        cmocka_unit_test(reads_are_audited_only_when_they_name_a_particular),
        cmocka_unit_test(particulars_without_a_target_and_nameless_actors_are_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Contact means and their validation (app/contacts.h) against a SQLite store, a test seal
 * and an injected clock: the 72 hours run out without sleeping (71:59:59 confirms, 72:00:00
 * is refused and cancels the set), every refusal code, attempts used up, codes and links
 * used twice, one kind confirmed alone, re-registration, a registro patronal's own set, and
 * the sweep the worker runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/contacts.h"
#include "base/log.h"
#include "crypto/testpki.h"
#include "deliver/outbox_store.h"
#include "evidence/ledger.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define US     1000000LL
#define HOUR   (3600 * US)
#define RFC    "CRA010101AAA"
#define OTHER  "GGG010101GGG"
#define REGPAT "Y1234567103"

static char dir[128];
static struct store *store;
static struct evidence_ledger *ledger;
static int64_t fake_now;

static int64_t
test_now(void *arg)
{
    (void)arg;
    return fake_now;
}

#define OK(call)                                                                          \
    do {                                                                                  \
        struct error e_ = {0};                                                            \
        int rc_ = (call);                                                                 \
        if (rc_ != 0)                                                                     \
            fail_msg("%s = %d: %s: %s (%s)", #call, rc_, e_.code, e_.message, e_.detail); \
    } while (0)
#define ERR(e_) (&e_)

#define REFUSED(call, expected)                                                  \
    do {                                                                         \
        struct error e_ = {0};                                                   \
        int rc_ = (call);                                                        \
        if (rc_ == 0 || strcmp(e_.code, (expected)) != 0)                        \
            fail_msg("%s = %d: %s, expected %s", #call, rc_, e_.code, expected); \
    } while (0)

static int
setup_group(void **state)
{
    struct crypto_testpki_subject seal = {.kind = CRYPTO_CERT_CSD,
                                          .name = "INSTITUTO MEXICANO DEL SEGURO SOCIAL",
                                          .rfc = "IMS421231I45",
                                          .password = "sello de pruebas"};
    struct store_options so = {0};
    struct error err = {0};
    char url[200], ca[160], prefix[200], cert[220], key[220], pass[220], number[48];
    FILE *f;

    (void)state;
    log_set_level(LOG_ERROR);
    snprintf(dir, sizeof(dir), "/tmp/buzon-app-contacts-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    fake_now = (int64_t)time(NULL) * US;
    snprintf(ca, sizeof(ca), "%s/ca", dir);
    snprintf(prefix, sizeof(prefix), "%s/sello", dir);
    snprintf(cert, sizeof(cert), "%s.cer", prefix);
    snprintf(key, sizeof(key), "%s.key", prefix);
    snprintf(pass, sizeof(pass), "%s.pass", prefix);
    seal.not_before = fake_now / US - 86400;
    seal.not_after = fake_now / US + 4 * 365 * 86400LL;
    if (crypto_testpki_create_ca(ca, &err) != 0 ||
        crypto_testpki_issue(ca, &seal, prefix, number, &err) != 0)
        return -1;
    f = fopen(pass, "w");
    if (f == NULL)
        return -1;
    fputs("sello de pruebas\n", f);
    fclose(f);

    snprintf(url, sizeof(url), "sqlite:%s/buzon.db", dir);
    so = (struct store_options){.url = url, .data_dir = dir, .migrate = true};
    if (store_open(&so, &store, NULL, &err) != 0 ||
        evidence_ledger_open(store, cert, key, pass, &ledger, &err) != 0) {
        fprintf(stderr, "%s: %s\n", err.code, err.message);
        return -1;
    }
    return 0;
}

static int
teardown_group(void **state)
{
    char cmd[160];

    (void)state;
    evidence_ledger_free(ledger);
    store_close(store);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static struct app *
new_app(void)
{
    struct app_options o = {.store = store, .ledger = ledger, .now = test_now};

    o.contacts = (struct app_contacts_policy){72, 5, "https://buzon.example.mx/"};
    return app_new(&o);
}

static int
setup(void **state)
{
    *state = new_app();
    return 0;
}

static int
teardown(void **state)
{
    app_free(*state);
    return 0;
}

static struct app_actor
particular(const char *rfc)
{
    struct app_actor who = {.kind = APP_ACTOR_PARTICULAR};

    snprintf(who.rfc, sizeof(who.rfc), "%s", rfc);
    snprintf(who.cert_number, sizeof(who.cert_number), "30001000000300023685");
    snprintf(who.ref, sizeof(who.ref), "sesion-de-prueba");
    return who;
}

/* The validation message of contact id, as the worker would send it. */
static void
message_of(int64_t id, char **subject, char **body)
{
    struct store_tx *tx = NULL;
    struct store_outbox o;
    char key[64];

    snprintf(key, sizeof(key), "contacto-%lld-validacion", (long long)id);
    OK(store->ops->begin(store, STORE_TX_READ, &tx, ERR(e_)));
    OK(store->ops->outbox_get(tx, key, &o, ERR(e_)));
    store->ops->rollback(tx);
    assert_int_equal(deliver_payload_decode(o.payload, subject, body), 0);
    store_outbox_cleanup(&o);
}

/* The 6-digit code in the text of contact id's message. */
static void
code_of(int64_t id, char code[7])
{
    char *subject = NULL, *body = NULL;
    const char *p;

    message_of(id, &subject, &body);
    p = strstr(body, subject != NULL ? "Buzón IMSS: " : "celular es ");
    assert_non_null(p);
    p += strlen(subject != NULL ? "Buzón IMSS: " : "celular es ");
    memcpy(code, p, 6);
    code[6] = '\0';
    for (int i = 0; i < 6; i++)
        assert_true(code[i] >= '0' && code[i] <= '9');
    free(subject);
    free(body);
}

/* The key of the link in contact id's e-mail. */
static void
key_of(int64_t id, char key[64])
{
    char *subject = NULL, *body = NULL, prefix[80];
    const char *p;

    message_of(id, &subject, &body);
    snprintf(prefix, sizeof(prefix), "https://buzon.example.mx/confirmar?c=%lld&k=", (long long)id);
    p = strstr(body, prefix);
    assert_non_null(p);
    p += strlen(prefix);
    snprintf(key, 64, "%.*s", (int)strcspn(p, "\n"), p);
    assert_int_equal(strlen(key), APP_CONTACT_KEY_LEN);
    free(subject);
    free(body);
}

static struct store_particular
record(const char *rfc)
{
    struct store_particular p = {0};
    struct store_tx *tx = NULL;

    OK(store->ops->begin(store, STORE_TX_READ, &tx, ERR(e_)));
    OK(store->ops->particular_get_by_rfc(tx, rfc, &p, ERR(e_)));
    store->ops->rollback(tx);
    return p;
}

static size_t
outbox_pending(void)
{
    struct store_tx *tx = NULL;
    int64_t pending = 0, oldest = 0;

    OK(store->ops->begin(store, STORE_TX_READ, &tx, ERR(e_)));
    OK(store->ops->outbox_stats(tx, fake_now, &pending, &oldest, ERR(e_)));
    store->ops->rollback(tx);
    return (size_t)pending;
}

static void
register_rfc(struct app *a, const char *rfc, struct app_contacts_result *out)
{
    static const char *const emails[] = {"Contacto.Uno@example.com", "dos@example.com"};
    struct app_actor who = particular(rfc);
    struct app_contacts_request rq = {emails, 2, "55 1234 5678", NULL, "req-1"};

    OK(app_contacts_register(a, &who, &rq, out, ERR(e_)));
}

/* Confirm every contact of reg by its code (e-mails too). */
static void
confirm_all(struct app *a, const struct app_actor *who, const struct app_contacts_result *reg,
            struct app_confirm_result *res)
{
    char code[7];

    for (size_t i = 0; i < reg->n; i++) {
        code_of(reg->contacts[i].id, code);
        OK(app_contacts_confirm_code(a, who, reg->contacts[i].id, code, res, ERR(e_)));
    }
}

/* 5.4 and 5.6: a mailbox enabled under the 2020 rules that updates its contact means is enabled
 * under those rules again once they are confirmed, with its original date. */
static void
a_2020_mailbox_updating_its_contacts_stays_a_2020_mailbox(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular(RFC);
    struct app_contacts_result reg;
    struct app_confirm_result res;
    struct store_tx *tx = NULL;
    int64_t enabled_2020 = fake_now - 400LL * 24 * HOUR;

    register_rfc(a, RFC, &reg);
    free(reg.contacts);
    OK(store->ops->begin(store, STORE_TX_WRITE, &tx, ERR(e_)));
    OK(store->ops->particular_set_mailbox(tx, record(RFC).id, STORE_MAILBOX_ENABLED_2020,
                                          enabled_2020, fake_now, ERR(e_)));
    OK(store->ops->commit(tx, ERR(e_)));

    register_rfc(a, RFC, &reg);
    confirm_all(a, &who, &reg, &res);
    assert_string_equal(res.mailbox_state, "enabled_2020");
    assert_int_equal(record(RFC).mailbox_state, STORE_MAILBOX_ENABLED_2020);
    assert_true(record(RFC).enabled_at == enabled_2020);
    free(reg.contacts);
}

static void
registering_then_confirming_both_kinds_enables_the_next_step(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular(RFC);
    struct app_contacts_result reg;
    struct app_confirm_result res;
    struct app_contact *list = NULL;
    char code[7], key[64];
    size_t before = outbox_pending(), n = 0;

    register_rfc(a, RFC, &reg);
    assert_int_equal(reg.n, 3);
    assert_string_equal(reg.receipt.kind, "registro_medios_contacto");
    assert_true(strlen(reg.receipt.folio) > 0);
    assert_int_equal(reg.contacts[0].kind, APP_CONTACT_EMAIL);
    assert_int_equal(reg.contacts[2].kind, APP_CONTACT_MOBILE);
    assert_string_equal(reg.contacts[2].address, "+525512345678"); /* E.164 */
    assert_true(reg.contacts[0].deadline == fake_now + 72 * HOUR);
    assert_int_equal(reg.contacts[0].attempts_left, 5);
    assert_int_equal(outbox_pending(), before + 3);
    assert_int_equal(record(RFC).mailbox_state, STORE_MAILBOX_CONTACTS_REGISTERED);
    assert_int_equal(record(RFC).kind, STORE_PERSON_LEGAL); /* 12 characters: a company */

    /* Times in the texts are Central Mexico time (UTC-6 all year since 2022). */
    {
        char *subject = NULL, *body = NULL, registro[40], limite[40];
        time_t t = (time_t)(fake_now / US) - 6 * 3600, d = t + 72 * 3600;
        struct tm tm;

        strftime(registro, sizeof(registro), "el %d/%m/%Y %H:%M (hora", gmtime_r(&t, &tm));
        strftime(limite, sizeof(limite), "hasta el %d/%m/%Y %H:%M (hora", gmtime_r(&d, &tm));
        message_of(reg.contacts[0].id, &subject, &body);
        assert_non_null(strstr(body, registro));
        assert_non_null(strstr(body, limite));
        assert_string_equal(subject, "Buzón IMSS: confirme su correo electrónico");
        free(subject);
        free(body);
    }

    /* The first e-mail by its code, the second by its link, the mobile by its code. */
    code_of(reg.contacts[0].id, code);
    OK(app_contacts_confirm_code(a, &who, reg.contacts[0].id, code, &res, ERR(e_)));
    assert_int_equal(res.contact.state, APP_CONTACT_CONFIRMED);
    assert_string_equal(res.mailbox_state, "contacts_registered");
    assert_string_equal(res.receipt.folio, "");

    key_of(reg.contacts[1].id, key);
    OK(app_contacts_confirm_link(a, reg.contacts[1].id, key, &res, ERR(e_)));
    assert_string_equal(res.receipt.folio, "");

    code_of(reg.contacts[2].id, code);
    fake_now += 71 * HOUR + 59 * 60 * US + 59 * US; /* 71:59:59 is still in time */
    OK(app_contacts_confirm_code(a, &who, reg.contacts[2].id, code, &res, ERR(e_)));
    assert_string_equal(res.mailbox_state, "contacts_confirmed");
    assert_string_equal(res.receipt.kind, "validacion_medio_contacto");
    assert_true(strlen(res.receipt.folio) > 0);
    assert_int_equal(record(RFC).mailbox_state, STORE_MAILBOX_CONTACTS_CONFIRMED);

    /* Single use: the same code, or the link, a second time. */
    REFUSED(app_contacts_confirm_code(a, &who, reg.contacts[2].id, code, &res, ERR(e_)),
            "contact_already_confirmed");
    REFUSED(app_contacts_confirm_link(a, reg.contacts[1].id, key, &res, ERR(e_)),
            "contact_already_confirmed");

    OK(app_contacts_list(a, &who, &list, &n, ERR(e_)));
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(list[i].state, APP_CONTACT_CONFIRMED);
    free(list);
    free(reg.contacts);
}

static void
at_72_hours_confirming_is_refused_and_the_set_cancelled(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular(OTHER);
    struct app_contacts_result reg;
    struct app_confirm_result res;
    struct app_contact *list = NULL;
    char code[7];
    size_t n = 0;

    register_rfc(a, OTHER, &reg);
    code_of(reg.contacts[0].id, code);
    OK(app_contacts_confirm_code(a, &who, reg.contacts[0].id, code, &res, ERR(e_)));

    code_of(reg.contacts[2].id, code);
    fake_now += 72 * HOUR;
    REFUSED(app_contacts_confirm_code(a, &who, reg.contacts[2].id, code, &res, ERR(e_)),
            "contact_expired");
    assert_int_equal(record(OTHER).mailbox_state, STORE_MAILBOX_NOT_ENABLED);
    OK(app_contacts_list(a, &who, &list, &n, ERR(e_)));
    for (size_t i = 0; i < n; i++)
        assert_int_equal(list[i].state, APP_CONTACT_CANCELLED); /* the confirmed one too */
    free(list);
    REFUSED(app_contacts_confirm_code(a, &who, reg.contacts[1].id, "123456", &res, ERR(e_)),
            "contact_expired");
    free(reg.contacts);
}

static void
the_72_hours_count_from_the_message_sent(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular("PPP010101PPP");
    struct app_contacts_result reg;
    struct app_confirm_result res;
    struct app_contact *list = NULL;
    int64_t registered = fake_now;
    char key[64], code[7];
    size_t n = 0;

    register_rfc(a, "PPP010101PPP", &reg);

    /* The SMS gateway was down for five hours: the mobile's 72 hours start when it went out. */
    snprintf(key, sizeof(key), "contacto-%lld-validacion", (long long)reg.contacts[2].id);
    OK(app_contacts_message_sent(a, key, registered + 5 * HOUR, ERR(e_)));
    OK(app_contacts_message_sent(a, key, registered + 1 * HOUR, ERR(e_))); /* never earlier */
    OK(app_contacts_message_sent(a, "aviso-1-correo", registered, ERR(e_)));
    OK(app_contacts_message_sent(a, "contacto-x-validacion", registered, ERR(e_)));
    OK(app_contacts_list(a, &who, &list, &n, ERR(e_)));
    assert_true(list[2].deadline == registered + 77 * HOUR);
    assert_true(list[0].deadline == registered + 72 * HOUR);
    free(list);

    code_of(reg.contacts[2].id, code);
    fake_now = registered + 76 * HOUR;
    OK(app_contacts_confirm_code(a, &who, reg.contacts[2].id, code, &res, ERR(e_)));
    free(reg.contacts);
}

static void
only_e_mails_confirmed_leaves_the_mailbox_not_enabled_and_the_sweep_cancels(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular("EEE010101EEE");
    struct app_contacts_result reg;
    struct app_confirm_result res;
    struct app_contact *list = NULL;
    size_t n = 0, sets = 0;
    char key[64];

    register_rfc(a, "EEE010101EEE", &reg);
    for (int i = 0; i < 2; i++) {
        key_of(reg.contacts[i].id, key);
        OK(app_contacts_confirm_link(a, reg.contacts[i].id, key, &res, ERR(e_)));
        assert_string_equal(res.mailbox_state, "contacts_registered");
    }

    OK(app_contacts_sweep(a, &sets, ERR(e_)));
    assert_int_equal(sets, 0); /* nothing is due yet */
    fake_now += 72 * HOUR;
    OK(app_contacts_sweep(a, &sets, ERR(e_)));
    assert_int_equal(sets, 1);
    assert_int_equal(record("EEE010101EEE").mailbox_state, STORE_MAILBOX_NOT_ENABLED);
    OK(app_contacts_list(a, &who, &list, &n, ERR(e_)));
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(list[i].state, APP_CONTACT_CANCELLED);
    free(list);
    OK(app_contacts_sweep(a, &sets, ERR(e_)));
    assert_int_equal(sets, 0);
    free(reg.contacts);
}

static void
wrong_codes_use_up_the_attempts(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular("HHH010101HHH");
    struct app_contacts_result reg;
    struct app_confirm_result res;
    struct app_contact *list = NULL;
    char code[7], wrong[7], key[64];
    size_t n = 0;

    register_rfc(a, "HHH010101HHH", &reg);
    code_of(reg.contacts[2].id, code);
    snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 1) % 1000000);

    /* Malformed codes and wrong link keys cost nothing. */
    REFUSED(app_contacts_confirm_code(a, &who, reg.contacts[2].id, "12345", &res, ERR(e_)),
            "contact_code_invalid");
    REFUSED(app_contacts_confirm_code(a, &who, reg.contacts[2].id, "12345a", &res, ERR(e_)),
            "contact_code_invalid");
    key_of(reg.contacts[0].id, key);
    key[0] = key[0] == 'A' ? 'B' : 'A';
    REFUSED(app_contacts_confirm_link(a, reg.contacts[0].id, key, &res, ERR(e_)),
            "contact_code_invalid");
    REFUSED(app_contacts_confirm_link(a, reg.contacts[2].id, key, &res, ERR(e_)),
            "contact_code_invalid"); /* a mobile has no link */

    for (int i = 0; i < 5; i++)
        REFUSED(app_contacts_confirm_code(a, &who, reg.contacts[2].id, wrong, &res, ERR(e_)),
                "contact_code_invalid");
    OK(app_contacts_list(a, &who, &list, &n, ERR(e_)));
    assert_int_equal(list[2].attempts_left, 0);
    assert_int_equal(list[0].attempts_left, 5);
    free(list);
    REFUSED(app_contacts_confirm_code(a, &who, reg.contacts[2].id, code, &res, ERR(e_)),
            "contact_code_exhausted");
    free(reg.contacts);
}

static void
each_bad_registration_is_refused_and_changes_nothing(void **state)
{
    static const char *const six[] = {"a@example.com", "b@example.com", "c@example.com",
                                      "d@example.com", "e@example.com", "f@example.com"};
    static const char *const bad[] = {"sin-arroba.example.com"};
    static const char *const twice[] = {"a@example.com", "A@Example.com"};
    struct app *a = *state;
    struct app_actor who = particular("JJJ010101JJJ");
    struct app_actor staff = {.kind = APP_ACTOR_STAFF, .roles = APP_ROLE_ADMINISTRATOR};
    struct app_contacts_result reg;
    struct app_contacts_request rq = {six, 0, "5512345678", NULL, NULL};
    struct store_tx *tx = NULL;
    struct store_particular p;
    size_t before = outbox_pending();

    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    rq.n_emails = 6;
    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    rq = (struct app_contacts_request){bad, 1, "5512345678", NULL, NULL};
    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    rq = (struct app_contacts_request){twice, 2, "5512345678", NULL, NULL};
    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    rq = (struct app_contacts_request){six, 1, "12345", NULL, NULL};
    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    rq = (struct app_contacts_request){six, 1, NULL, NULL, NULL};
    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    rq = (struct app_contacts_request){six, 1, "5512345678", "Y1234567108", NULL};
    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    rq = (struct app_contacts_request){six, 1, "5512345678", NULL, NULL};
    REFUSED(app_contacts_register(a, &staff, &rq, &reg, ERR(e_)), "forbidden");

    assert_int_equal(outbox_pending(), before);
    OK(store->ops->begin(store, STORE_TX_READ, &tx, ERR(e_)));
    assert_int_equal(store->ops->particular_get_by_rfc(tx, "JJJ010101JJJ", &p, NULL),
                     STORE_NOT_FOUND);
    store->ops->rollback(tx);
}

static void
contacts_of_others_and_unknown_ones_are_not_found(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular("KKK010101KKK");
    struct app_actor intruder = particular("LLL010101LLL");
    struct app_contacts_result reg;
    struct app_confirm_result res;
    char code[7];

    register_rfc(a, "KKK010101KKK", &reg);
    code_of(reg.contacts[2].id, code);
    REFUSED(app_contacts_confirm_code(a, &intruder, reg.contacts[2].id, code, &res, ERR(e_)),
            "contact_not_found");
    REFUSED(app_contacts_confirm_code(a, &who, 999999, code, &res, ERR(e_)), "contact_not_found");
    /* Without a session an unknown id is a bad link: ids cannot be probed through the link. */
    REFUSED(app_contacts_confirm_link(a, 999999, "x", &res, ERR(e_)), "contact_code_invalid");

    /* A later registration replaces the set: the old codes are no longer good. */
    {
        struct app_contacts_result again;
        int64_t old = reg.contacts[2].id;

        register_rfc(a, "KKK010101KKK", &again);
        REFUSED(app_contacts_confirm_code(a, &who, old, code, &res, ERR(e_)), "contact_not_found");
        assert_int_equal(record("KKK010101KKK").mailbox_state, STORE_MAILBOX_CONTACTS_REGISTERED);
        free(again.contacts);
    }
    free(reg.contacts);
}

static void
a_registro_patronal_has_its_own_optional_set(void **state)
{
    static const char *const emails[] = {"nominas@example.com"};
    struct app *a = *state;
    struct app_actor who = particular("MMM010101MMM");
    struct app_contacts_result reg, own;
    struct app_contacts_request rq = {emails, 1, NULL, REGPAT, NULL};
    struct app_confirm_result res;
    char code[7];

    register_rfc(a, "MMM010101MMM", &own);
    OK(app_contacts_register(a, &who, &rq, &reg, ERR(e_)));
    assert_int_equal(reg.n, 1);
    assert_string_equal(reg.contacts[0].regpat, REGPAT);
    code_of(reg.contacts[0].id, code);
    OK(app_contacts_confirm_code(a, &who, reg.contacts[0].id, code, &res, ERR(e_)));
    assert_string_equal(res.receipt.kind, "validacion_medio_contacto"); /* its set is complete */
    assert_string_equal(res.mailbox_state, "contacts_registered");      /* the RFC's is not */

    /* The same registro patronal cannot be claimed by another RFC. */
    free(reg.contacts);
    who = particular("NNN010101NNN");
    REFUSED(app_contacts_register(a, &who, &rq, &reg, ERR(e_)), "contacts_invalid");
    free(own.contacts);
}

static size_t
pending_marks(void)
{
    struct store_receipt_pending *items = NULL;
    struct store_tx *tx = NULL;
    size_t n = 0;

    OK(store->ops->begin(store, STORE_TX_READ, &tx, ERR(e_)));
    OK(store->ops->receipt_pending_list(tx, 0, 100, &items, &n, ERR(e_)));
    store->ops->rollback(tx);
    store_receipt_pending_list_free(items, n);
    return n;
}

static void
a_receipt_that_fails_after_the_commit_is_sealed_by_the_worker(void **state)
{
    struct app *a = *state;
    struct app_actor who = particular("QQQ010101QQQ");
    struct app_contacts_result reg;
    struct app_contact *list = NULL;
    size_t n = 0, sealed = 0;
    bool failed = false;

    assert_int_equal(pending_marks(), 0); /* each receipt so far took its mark away */

    /* The disk fails while sealing: the registration is committed, its receipt is not. */
    evidence__ledger_fail_after(ledger, 0);
    for (int i = 0; i < 2 && !failed; i++) {
        static const char *const emails[] = {"q@example.com"};
        struct app_contacts_request rq = {emails, 1, "5512345678", NULL, NULL};
        struct error err = {0};

        failed = app_contacts_register(a, &who, &rq, &reg, &err) != 0;
        if (!failed)
            free(reg.contacts);
    }
    evidence__ledger_fail_after(ledger, -1);
    assert_true(failed);
    assert_int_equal(pending_marks(), 1);
    OK(app_contacts_list(a, &who, &list, &n, ERR(e_)));
    assert_int_equal(list[n - 1].state, APP_CONTACT_PENDING);
    free(list);

    /* The worker seals what was left pending, once. */
    OK(evidence_complete_pending(ledger, fake_now, &sealed, ERR(e_)));
    assert_int_equal(sealed, 1);
    assert_int_equal(pending_marks(), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            registering_then_confirming_both_kinds_enables_the_next_step, setup, teardown),
        cmocka_unit_test_setup_teardown(a_2020_mailbox_updating_its_contacts_stays_a_2020_mailbox,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(at_72_hours_confirming_is_refused_and_the_set_cancelled,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            only_e_mails_confirmed_leaves_the_mailbox_not_enabled_and_the_sweep_cancels, setup,
            teardown),
        cmocka_unit_test_setup_teardown(the_72_hours_count_from_the_message_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_codes_use_up_the_attempts, setup, teardown),
        cmocka_unit_test_setup_teardown(each_bad_registration_is_refused_and_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(contacts_of_others_and_unknown_ones_are_not_found, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_registro_patronal_has_its_own_optional_set, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            a_receipt_that_fails_after_the_commit_is_sealed_by_the_worker, setup, teardown),
    };

    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}

/* Tests of core/email: syntactic check of e-mail addresses (RFC 5321/5322 subset). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/email.h"

#include <stdio.h>
#include <string.h>

static void
assert_accepted(const char *addr)
{
    struct error err;

    error_clear(&err);
    if (email_check(addr, &err) != 0)
        fail_msg("«%s» refused: %s (%s)", addr, err.code, err.message);
}

static void
assert_refused(const char *addr, const char *code)
{
    struct error err;

    error_clear(&err);
    assert_int_equal(email_check(addr, &err), -1);
    assert_string_equal(err.code, code);
    assert_true(strlen(err.message) > 10);
}

static char *
repeat(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

static void
ordinary_addresses_are_accepted(void **state)
{
    (void)state;
    assert_accepted("contacto@empresa.com.mx");
    assert_accepted("Juan.Perez+imss@correo.example.org");
    assert_accepted("a@b.mx");
    assert_accepted("x!#$%&'*+-/=?^_`{|}~y@sub-dominio.example.com");
    assert_accepted("user@123.example.com");
}

static void
utf8_local_parts_and_idn_domains_are_kept_as_written(void **state)
{
    (void)state;
    assert_accepted("josé.núñez@correo.mx");
    assert_accepted("contacto@señal.mx");
    assert_accepted("ñandú@ejemplo.méxico");
}

static void
limits_of_rfc_5321_are_enforced(void **state)
{
    char local[80], label[80], addr[400];

    (void)state;
    snprintf(addr, sizeof(addr), "%s@ejemplo.mx", repeat(local, 'a', 64));
    assert_accepted(addr);
    snprintf(addr, sizeof(addr), "%s@ejemplo.mx", repeat(local, 'a', 65));
    assert_refused(addr, "email_local_too_long");

    snprintf(addr, sizeof(addr), "a@%s.mx", repeat(label, 'b', 63));
    assert_accepted(addr);
    snprintf(addr, sizeof(addr), "a@%s.mx", repeat(label, 'b', 64));
    assert_refused(addr, "email_domain_label");

    /* The whole address: 254 octets pass, 255 do not (RFC 5321 4.5.3.1.3). */
    repeat(label, 'c', 63);
    snprintf(addr, sizeof(addr), "a@%s.%s.%s.%.60s", label, label, label, label);
    assert_int_equal(strlen(addr), 254);
    assert_accepted(addr);
    snprintf(addr, sizeof(addr), "a@%s.%s.%s.%.61s", label, label, label, label);
    assert_refused(addr, "email_too_long");
}

static void
spaces_and_control_characters_are_refused(void **state)
{
    (void)state;
    assert_refused("juan perez@correo.mx", "email_space");
    assert_refused(" juan@correo.mx", "email_space");
    assert_refused("juan@correo.mx\r\nBcc: otro@x.mx", "email_control");
    assert_refused("juan@correo.mx\n", "email_control");
    assert_refused("ju\x7f"
                   "an@correo.mx",
                   "email_control");
}

static void
broken_utf8_is_refused(void **state)
{
    (void)state;
    assert_refused("jos\xe9@correo.mx", "email_utf8");      /* Latin-1 é */
    assert_refused("a@\xc0\xafx.mx", "email_utf8");         /* overlong */
    assert_refused("a\xed\xa0\x80@x.mx", "email_utf8");     /* surrogate */
    assert_refused("a\xf4\x90\x80\x80@x.mx", "email_utf8"); /* past U+10FFFF */
}

static void
exactly_one_at_sign_is_required(void **state)
{
    (void)state;
    assert_refused("juan.correo.mx", "email_at");
    assert_refused("juan@perez@correo.mx", "email_at");
    assert_refused("", "email_empty");
}

static void
local_part_shape_is_checked(void **state)
{
    (void)state;
    assert_refused("@correo.mx", "email_local_empty");
    assert_refused(".juan@correo.mx", "email_local_dots");
    assert_refused("juan.@correo.mx", "email_local_dots");
    assert_refused("juan..perez@correo.mx", "email_local_dots");
    assert_refused("\"juan perez\"@correo.mx", "email_space");
    assert_refused("\"juan\"@correo.mx", "email_local_char");
    assert_refused("juan(comentario)@correo.mx", "email_local_char");
    assert_refused("juan,perez@correo.mx", "email_local_char");
    assert_refused("<juan@correo.mx>", "email_local_char");
}

static void
domain_shape_is_checked(void **state)
{
    (void)state;
    assert_refused("juan@", "email_domain_empty");
    assert_refused("juan@[10.0.0.1]", "email_domain_literal");
    assert_refused("juan@localhost", "email_domain_dot");
    assert_refused("juan@correo..mx", "email_domain_label");
    assert_refused("juan@.correo.mx", "email_domain_label");
    assert_refused("juan@correo.mx.", "email_domain_label");
    assert_refused("juan@-correo.mx", "email_domain_label");
    assert_refused("juan@correo-.mx", "email_domain_label");
    assert_refused("juan@correo_x.mx", "email_domain_char");
    assert_refused("juan@correo.mx>", "email_domain_char");
    assert_refused("juan@10.0.0.1", "email_domain_tld");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordinary_addresses_are_accepted),
        cmocka_unit_test(utf8_local_parts_and_idn_domains_are_kept_as_written),
        cmocka_unit_test(limits_of_rfc_5321_are_enforced),
        cmocka_unit_test(spaces_and_control_characters_are_refused),
        cmocka_unit_test(broken_utf8_is_refused),
        cmocka_unit_test(exactly_one_at_sign_is_required),
        cmocka_unit_test(local_part_shape_is_checked),
        cmocka_unit_test(domain_shape_is_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

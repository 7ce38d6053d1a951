/* Tests of deliver/mime: RFC 5322 message with RFC 2047 headers and quoted-printable body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver/mime.h"

#include <stdlib.h>
#include <string.h>

static void
message_id_joins_the_key_and_the_sender_domain(void **state)
{
    char out[DELIVER_MESSAGE_ID_MAX];
    struct error err;

    (void)state;
    assert_int_equal(deliver_mime_message_id("aviso-7-email-1", "avisos@buzon.imss.gob.mx", out,
                                             sizeof(out), &err),
                     0);
    assert_string_equal(out, "<aviso-7-email-1@buzon.imss.gob.mx>");
    assert_int_equal(deliver_mime_message_id("k", "sin-dominio", out, sizeof(out), &err), -1);
    assert_string_equal(err.code, "deliver_from");
    assert_int_equal(deliver_mime_message_id("k", "a@", out, sizeof(out), &err), -1);
    assert_int_equal(deliver_mime_message_id("k", "a@b.mx", out, 5, &err), -1);
}

static void
date_follows_rfc_5322_in_utc(void **state)
{
    char out[DELIVER_DATE_MAX];

    (void)state;
    deliver_mime_date(1796322158LL * 1000000, out);
    assert_string_equal(out, "Thu, 03 Dec 2026 18:22:38 +0000");
    deliver_mime_date(0, out);
    assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 +0000");
}

static void
ascii_header_text_is_left_alone(void **state)
{
    char *s = deliver_mime_header_text("Aviso del Buzon IMSS");

    (void)state;
    assert_string_equal(s, "Aviso del Buzon IMSS");
    free(s);
}

static void
utf8_header_text_becomes_base64_encoded_words(void **state)
{
    char *s = deliver_mime_header_text("Buzón IMSS");

    (void)state;
    assert_string_equal(s, "=?UTF-8?B?QnV6w7NuIElNU1M=?=");
    free(s);

    /* Text that looks like an encoded-word is encoded too, so it is not decoded by readers. */
    s = deliver_mime_header_text("=?x?");
    assert_string_equal(s, "=?UTF-8?B?PT94Pw==?=");
    free(s);
}

static void
long_utf8_header_text_is_split_on_character_boundaries(void **state)
{
    /* 30 two-byte characters: 60 bytes, more than one word of 45 bytes. */
    const char *text = "ñññññññññññññññññññññññññññññññ";
    char *s = deliver_mime_header_text(text);
    char *second;

    (void)state;
    second = strstr(s, "?=\r\n =?UTF-8?B?");
    assert_non_null(second);
    /* 44 bytes (22 ñ) in the first word: 45 would split a character. */
    assert_int_equal(second - s, (long)strlen("=?UTF-8?B?") + 60);
    for (char *line = s; line != NULL; line = strstr(line + 1, "\r\n")) {
        char *end = strstr(line + 1, "\r\n");
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        assert_true(len <= 2 + 75 + 1);
    }
    free(s);
}

static void
quoted_printable_encodes_utf8_equals_and_trailing_blanks(void **state)
{
    char *s = deliver_mime_qp("Notificación = aviso \nfin\t\nok");

    (void)state;
    assert_string_equal(s, "Notificaci=C3=B3n =3D aviso=20\r\nfin=09\r\nok");
    free(s);
}

static void
quoted_printable_lines_never_pass_76_characters(void **state)
{
    char text[400];
    char *s;
    size_t n_lines = 0;

    (void)state;
    memset(text, 'a', 100);
    memcpy(text + 100, "ááááááááááááááááááááááááá", 50);
    memset(text + 150, 'b', 100);
    text[250] = '\0';
    s = deliver_mime_qp(text);
    for (char *line = s; line != NULL; n_lines++) {
        char *end = strstr(line, "\r\n");
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        assert_true(len <= 76);
        /* Every line but the last ends in a soft break: no =XX escape was cut. */
        assert_false(len >= 1 && line[len - 1] != '=' && end != NULL);
        line = end != NULL ? end + 2 : NULL;
    }
    assert_true(n_lines >= 4);
    free(s);
}

static void
crlf_input_lines_are_not_doubled(void **state)
{
    char *s = deliver_mime_qp("uno\r\ndos\n");

    (void)state;
    assert_string_equal(s, "uno\r\ndos\r\n");
    free(s);
}

static void
the_message_carries_the_mime_headers_and_encoded_body(void **state)
{
    struct deliver_mail m = {
        .from = "avisos@buzon.example.mx",
        .from_name = "Buzón IMSS",
        .to = "persona@ejemplo.mx",
        .subject = "Buzón IMSS: confirme su correo electrónico",
        .body = "Código: 123456\nAdiós.",
        .key = "val-9-email-1",
        .date_us = 1796322158LL * 1000000,
    };
    struct error err;
    char *s = deliver_mime_build(&m, &err);

    (void)state;
    assert_non_null(s);
    assert_non_null(strstr(s, "From: =?UTF-8?B?QnV6w7NuIElNU1M=?= <avisos@buzon.example.mx>\r\n"));
    assert_non_null(strstr(s, "\r\nTo: <persona@ejemplo.mx>\r\n"));
    assert_non_null(strstr(s, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(s, "\r\nDate: Thu, 03 Dec 2026 18:22:38 +0000\r\n"));
    assert_non_null(strstr(s, "\r\nMessage-ID: <val-9-email-1@buzon.example.mx>\r\n"));
    assert_non_null(strstr(s, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(s, "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                              "C=C3=B3digo: 123456\r\nAdi=C3=B3s.\r\n"));
    free(s);

    m.from_name = "Avisos \"IMSS\"";
    s = deliver_mime_build(&m, &err);
    assert_non_null(strstr(s, "From: \"Avisos \\\"IMSS\\\"\" <avisos@buzon.example.mx>\r\n"));
    free(s);

    m.from = "avisos";
    assert_null(deliver_mime_build(&m, &err));
    assert_string_equal(err.code, "deliver_from");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(message_id_joins_the_key_and_the_sender_domain),
        cmocka_unit_test(date_follows_rfc_5322_in_utc),
        cmocka_unit_test(ascii_header_text_is_left_alone),
        cmocka_unit_test(utf8_header_text_becomes_base64_encoded_words),
        cmocka_unit_test(long_utf8_header_text_is_split_on_character_boundaries),
        cmocka_unit_test(quoted_printable_encodes_utf8_equals_and_trailing_blanks),
        cmocka_unit_test(quoted_printable_lines_never_pass_76_characters),
        cmocka_unit_test(crlf_input_lines_are_not_doubled),
        cmocka_unit_test(the_message_carries_the_mime_headers_and_encoded_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

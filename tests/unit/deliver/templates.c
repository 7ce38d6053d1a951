/* Tests of deliver/templates: the Spanish texts of validation messages and avisos. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deliver/gsm.h"
#include "deliver/templates.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
validation_email_has_link_code_and_the_configured_hour_limit(void **state)
{
    const struct deliver_param p[] = {
        {"registro", "3 de diciembre de 2026, 12:22 h"},
        {"enlace", "https://buzon.imss.gob.mx/validar?t=abc"},
        {"codigo", "482913"},
        {"limite", "6 de diciembre de 2026, 12:22 h"},
        {"horas", "48"}, /* clock.contact_validation_hours, 72 unless configured */
    };
    char *subject, *body;
    struct error err;

    (void)state;
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_EMAIL, p, N(p), &subject, &body, &err), 0);
    assert_string_equal(subject, "Buzón IMSS: confirme su correo electrónico");
    assert_non_null(strstr(body, "\nhttps://buzon.imss.gob.mx/validar?t=abc\n"));
    assert_non_null(strstr(body, "código en el Buzón IMSS: 482913"));
    assert_non_null(strstr(body, "Tiene 48 horas"));
    assert_non_null(strstr(body, "hasta el 6 de diciembre de 2026, 12:22 h"));
    assert_non_null(strstr(body, "numeral 5.2"));
    assert_null(strchr(body, '{'));
    free(subject);
    free(body);
}

static void
validation_sms_fits_one_gsm_message(void **state)
{
    const struct deliver_param p[] = {
        {"codigo", "48291377"},
        {"limite", "06/12/2026 12:22"},
    };
    char *subject, *body;
    struct error err;
    bool gsm7;

    (void)state;
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, p, N(p), &subject, &body, &err), 0);
    assert_null(subject);
    assert_non_null(strstr(body, "48291377"));
    assert_non_null(strstr(body, "06/12/2026 12:22"));
    assert_int_equal(deliver_sms_parts(body, &gsm7), 1);
    assert_true(gsm7);
    free(body);
}

static void
aviso_email_carries_what_the_evidence_needs(void **state)
{
    const struct deliver_param p[] = {
        {"rfc", "AAA010101AAA"},
        {"folio", "AV-2026-000123"},
        {"depositado", "3 de diciembre de 2026, 10:15:07 h"},
        {"dia1", "4 de diciembre de 2026"},
        {"dia3", "8 de diciembre de 2026"},
        {"dia4", "9 de diciembre de 2026"},
        {"enlace", "https://buzon.imss.gob.mx/notificaciones"},
    };
    char *subject, *body;
    struct error err;

    (void)state;
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_AVISO_EMAIL, p, N(p), &subject, &body, &err), 0);
    assert_string_equal(subject, "Buzón IMSS: tiene una notificación pendiente");
    assert_non_null(strstr(body, "RFC: AAA010101AAA\n"));
    assert_non_null(strstr(body, "Folio del aviso: AV-2026-000123\n"));
    assert_non_null(
        strstr(body, "se depositó en su Buzón IMSS: 3 de diciembre de 2026, 10:15:07 h"));
    assert_non_null(strstr(body, "tres días hábiles"));
    assert_non_null(strstr(body, "del 4 de diciembre de 2026 al 8 de diciembre de 2026"));
    assert_non_null(strstr(body, "cuarto día hábil, el 9 de diciembre de 2026"));
    assert_non_null(strstr(body, "Mis notificaciones"));
    free(subject);
    free(body);
}

static void
aviso_sms_fits_one_gsm_message_with_the_longest_values(void **state)
{
    /* A 13-character RFC (persona física) and the longest dates the caller writes. */
    const struct deliver_param p[] = {
        {"rfc", "GODE561231GR8"},
        {"depositado", "31/12/2026 17:59"},
        {"dia3", "31/12/2026"},
    };
    char *subject, *body;
    struct error err;

    (void)state;
    assert_int_equal(deliver_template_render(DELIVER_TPL_AVISO_SMS, p, N(p), &subject, &body, &err),
                     0);
    assert_non_null(strstr(body, "RFC GODE561231GR8,"));
    assert_non_null(strstr(body, "3 dias habiles"));
    assert_true(deliver_gsm7_septets(body) > 0);
    assert_true(deliver_gsm7_septets(body) <= 160);
    free(body);
}

static void
missing_extra_repeated_or_multiline_params_are_refused(void **state)
{
    const struct deliver_param missing[] = {{"codigo", "1"}};
    const struct deliver_param extra[] = {{"codigo", "1"}, {"limite", "x"}, {"rfc", "y"}};
    const struct deliver_param twice[] = {{"codigo", "1"}, {"codigo", "2"}};
    const struct deliver_param lines[] = {{"codigo", "1\r\nBcc: x"}, {"limite", "x"}};
    const struct deliver_param empty[] = {{"codigo", ""}, {"limite", "x"}};
    char *subject, *body;
    struct error err;

    (void)state;
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, missing, 1, &subject, &body, &err), -1);
    assert_string_equal(err.code, "deliver_template_param");
    assert_null(body);
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, extra, 3, &subject, &body, &err), -1);
    assert_non_null(strstr(err.message, "rfc"));
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, twice, 2, &subject, &body, &err), -1);
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, lines, 2, &subject, &body, &err), -1);
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, empty, 2, &subject, &body, &err), -1);
    assert_int_equal(
        deliver_template_render((enum deliver_template)99, empty, 2, &subject, &body, &err), -1);
    assert_string_equal(err.code, "deliver_template");
}

static void
an_sms_that_would_not_fit_one_message_is_refused(void **state)
{
    const struct deliver_param accents[] = {{"codigo", "ó"}, {"limite", "x"}};
    const struct deliver_param long_value[] = {
        {"codigo", "1234567890123456789012345678901234567890123456789012345678901234567890"},
        {"limite", "06/12/2026 12:22"}};
    char *subject, *body;
    struct error err;

    (void)state;
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, accents, 2, &subject, &body, &err), -1);
    assert_string_equal(err.code, "deliver_sms_length");
    assert_int_equal(
        deliver_template_render(DELIVER_TPL_VALIDATION_SMS, long_value, 2, &subject, &body, &err),
        -1);
    assert_string_equal(err.code, "deliver_sms_length");
    assert_null(body);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validation_email_has_link_code_and_the_configured_hour_limit),
        cmocka_unit_test(validation_sms_fits_one_gsm_message),
        cmocka_unit_test(aviso_email_carries_what_the_evidence_needs),
        cmocka_unit_test(aviso_sms_fits_one_gsm_message_with_the_longest_values),
        cmocka_unit_test(missing_extra_repeated_or_multiline_params_are_refused),
        cmocka_unit_test(an_sms_that_would_not_fit_one_message_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* templates.c - the Spanish texts of the e-mails and SMS (see templates.h, docs/delivery.md). */
#include "deliver/templates.h"

#include "deliver/buf.h"
#include "deliver/gsm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum {
    PARAMS_MAX = 8,
    SMS_SEPTETS_MAX = 160, /* one message (3GPP TS 23.038) */
};

struct template
{
    const char *subject; /* NULL for SMS */
    const char *body;
    const char *params[PARAMS_MAX]; /* every placeholder, NULL-terminated */
};

/* The SMS texts avoid á, í, ó, ú: they are outside the GSM alphabet and would cut an SMS from
 * 160 characters to 70 (deliver/gsm.h). */
static const struct template templates[] = {
    [DELIVER_TPL_VALIDATION_EMAIL] =
        {
            "Buzón IMSS: confirme su correo electrónico",
            "Validación de medio de contacto del Buzón IMSS\n"
            "\n"
            "Esta dirección de correo electrónico se registró como medio de contacto del "
            "Buzón IMSS el {registro} (hora del centro de México).\n"
            "\n"
            "Para confirmarla, abra el siguiente enlace:\n"
            "\n"
            "{enlace}\n"
            "\n"
            "o escriba este código en el Buzón IMSS: {codigo}\n"
            "\n"
            "Tiene {horas} horas para confirmar sus medios de contacto, es decir, hasta el "
            "{limite} (hora del centro de México). Si no los confirma en ese plazo, el "
            "registro se cancela y deberá hacerlo de nuevo; si confirma solo el correo o solo "
            "el celular, el Buzón IMSS no quedará habilitado (numeral 5.2 de los Lineamientos "
            "del Buzón IMSS).\n"
            "\n"
            "Si usted no hizo este registro, ignore este mensaje: sin confirmación, esta "
            "dirección no se usará.\n"
            "\n"
            "El IMSS nunca le pedirá por correo su contraseña ni la llave privada de su e.firma. "
            "Este mensaje se generó automáticamente; no lo responda.\n",
            {"registro", "enlace", "codigo", "limite", "horas", NULL},
        },
    [DELIVER_TPL_VALIDATION_SMS] =
        {
            NULL,
            "Buzon IMSS: su clave para confirmar este celular es {codigo}. Vence el {limite} "
            "(hora centro). Si usted no hizo este registro, ignore este mensaje.",
            {"codigo", "limite", NULL},
        },
    [DELIVER_TPL_AVISO_EMAIL] =
        {
            "Buzón IMSS: tiene una notificación pendiente",
            "Aviso de notificación pendiente en el Buzón IMSS\n"
            "\n"
            "RFC: {rfc}\n"
            "Folio del aviso: {folio}\n"
            "Fecha y hora en que el documento se depositó en su Buzón IMSS: {depositado} "
            "(hora del centro de México)\n"
            "\n"
            "El Instituto Mexicano del Seguro Social depositó en su Buzón IMSS un documento "
            "digital pendiente de notificar. Este aviso también está disponible en el menú "
            "\"Mis notificaciones\" (numeral 7.3 de los Lineamientos del Buzón IMSS).\n"
            "\n"
            "Cuenta con tres días hábiles para abrir el documento, contados a partir del día "
            "hábil siguiente a aquel en que se le envió este aviso: del {dia1} al {dia3}. Si no "
            "lo abre en ese plazo, la notificación se tendrá por realizada el cuarto día "
            "hábil, el {dia4} (numerales 7.4 y 7.5 de los Lineamientos; artículo 134, "
            "fracción I, del Código Fiscal de la Federación).\n"
            "\n"
            "Para abrirlo, ingrese con su e.firma en:\n"
            "\n"
            "{enlace}\n"
            "\n"
            "El IMSS nunca le pedirá por correo su contraseña ni la llave privada de su e.firma. "
            "Este mensaje se generó automáticamente; no lo responda.\n",
            {"rfc", "folio", "depositado", "dia1", "dia3", "dia4", "enlace", NULL},
        },
    [DELIVER_TPL_AVISO_SMS] =
        {
            NULL,
            "Buzon IMSS: notificacion pendiente para RFC {rfc}, depositada el {depositado} hora "
            "centro. Tiene 3 dias habiles para abrirla: hasta el {dia3}.",
            {"rfc", "depositado", "dia3", NULL},
        },
};

static const char *
param_value(const struct deliver_param *params, size_t n, const char *name, size_t name_len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(params[i].name) == name_len && strncmp(params[i].name, name, name_len) == 0)
            return params[i].value;
    }
    return NULL;
}

/* Every param names a placeholder of t, once, with a one-line non-empty value. */
static int
check_params(const struct template *t, const struct deliver_param *params, size_t n,
             struct error *err)
{
    size_t n_placeholders = 0;

    while (n_placeholders < PARAMS_MAX && t->params[n_placeholders] != NULL)
        n_placeholders++;

    for (size_t i = 0; i < n; i++) {
        bool known = false;

        for (size_t j = 0; j < n_placeholders; j++)
            known = known || strcmp(t->params[j], params[i].name) == 0;
        if (!known || param_value(params, i, params[i].name, strlen(params[i].name)) != NULL)
            return error_set(err, "deliver_template_param",
                             "el dato «%s» no corresponde a la plantilla o está repetido",
                             params[i].name);
        if (params[i].value == NULL || params[i].value[0] == '\0' ||
            strpbrk(params[i].value, "\r\n") != NULL)
            return error_set(err, "deliver_template_param",
                             "el dato «%s» de la plantilla está vacío o tiene saltos de línea",
                             params[i].name);
    }
    if (n != n_placeholders)
        return error_set(err, "deliver_template_param",
                         "faltan datos para la plantilla: se esperan %zu y se dieron %zu",
                         n_placeholders, n);
    return 0;
}

/* Replace each {name} of text with its value. The params were checked. */
static char *
fill(const char *text, const struct deliver_param *params, size_t n)
{
    struct deliver__buf b = {0};
    const char *p = text;

    for (const char *open = strchr(p, '{'); open != NULL; open = strchr(p, '{')) {
        const char *close = strchr(open, '}');
        const char *value = param_value(params, n, open + 1, (size_t)(close - open - 1));

        deliver__buf_add(&b, p, (size_t)(open - p));
        deliver__buf_str(&b, value);
        p = close + 1;
    }
    deliver__buf_str(&b, p);
    return deliver__buf_take(&b);
}

int
deliver_template_render(enum deliver_template t, const struct deliver_param *params, size_t n,
                        char **subject, char **body, struct error *err)
{
    const struct template *tpl;
    char *text;

    *subject = NULL;
    *body = NULL;
    if ((size_t)t >= sizeof(templates) / sizeof(templates[0]))
        return error_set(err, "deliver_template", "plantilla de mensaje desconocida");
    tpl = &templates[t];
    if (check_params(tpl, params, n, err) != 0)
        return -1;

    text = fill(tpl->body, params, n);
    if (tpl->subject == NULL) {
        long septets = deliver_gsm7_septets(text);
        if (septets < 0 || septets > SMS_SEPTETS_MAX) {
            free(text);
            return error_set(err, "deliver_sms_length",
                             "el SMS no cabe en un mensaje de 160 caracteres sin acentos");
        }
    } else {
        *subject = fill(tpl->subject, params, n);
    }
    *body = text;
    return 0;
}

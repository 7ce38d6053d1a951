/*
 * templates.h - the Spanish texts of the e-mails and SMS the Buzón IMSS sends.
 *
 * Four messages (the texts themselves are in templates.c and quoted in docs/delivery.md):
 *   DELIVER_TPL_VALIDATION_EMAIL  validation of an e-mail address (Lineamientos 5.2): link and
 *                                 code, the 72-hour limit. Params: registro, limite, enlace,
 *                                 codigo.
 *   DELIVER_TPL_VALIDATION_SMS    validation of the mobile number (5.2): code and limit, one
 *                                 SMS in the GSM alphabet. Params: codigo, limite.
 *   DELIVER_TPL_AVISO_EMAIL       aviso of a notification pending (7.3) with what the aviso
 *                                 must prove (legal-rules.md section 9 item 1): the RFC, the
 *                                 folio, when the document was placed in the mailbox, the three
 *                                 business days to open it and the fourth. Params: rfc, folio,
 *                                 depositado, dia1, dia3, dia4, enlace.
 *   DELIVER_TPL_AVISO_SMS         the same aviso by SMS, in one GSM message. Params: rfc,
 *                                 depositado, dia3.
 * Dates and times are given by the caller already written in Central Mexico time (Lineamientos
 * 5.7), as the legal clock computes them; the e-mails say so. The validation messages carry no
 * RFC or name: the address is not yet confirmed and may belong to someone else.
 *
 * Pure functions: thread-safe.
 */
#ifndef BUZON_DELIVER_TEMPLATES_H
#define BUZON_DELIVER_TEMPLATES_H

#include "core/error.h"

#include <stddef.h>

enum deliver_template {
    DELIVER_TPL_VALIDATION_EMAIL,
    DELIVER_TPL_VALIDATION_SMS,
    DELIVER_TPL_AVISO_EMAIL,
    DELIVER_TPL_AVISO_SMS,
};

struct deliver_param {
    const char *name;  /* placeholder name, e.g. "codigo" for {codigo} */
    const char *value; /* UTF-8, one line, not empty */
};

/*
 * Render template t with the n params (in). Every placeholder of the template must be given
 * exactly once and nothing else. On success returns 0 and sets *subject (out; NULL for SMS)
 * and *body (out), heap strings the caller frees. Returns -1 with err, nothing allocated:
 *   deliver_template        t is not a known template
 *   deliver_template_param  a placeholder without value, a value for no placeholder, an empty
 *                           value or one with a line break
 *   deliver_sms_length      an SMS that would not fit in one GSM 7-bit message (160 septets)
 */
int deliver_template_render(enum deliver_template t, const struct deliver_param *params, size_t n,
                            char **subject, char **body, struct error *err);

#endif

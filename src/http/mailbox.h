/* mailbox.h - the mailbox summary as JSON, shared by GET /api/v1/mailbox and `buzon mailbox`. */
#ifndef BUZON_HTTP_MAILBOX_H
#define BUZON_HTTP_MAILBOX_H

#include "app/mailbox.h"

#include <stddef.h>

enum { HTTP_MAILBOX_SUMMARY_MAX = 1024 };

/*
 * Write the object of docs/openapi.yaml (MailboxSummary) for s (in) as compact JSON into buf
 * (out, HTTP_MAILBOX_SUMMARY_MAX bytes, NUL-terminated). Returns its length. Written directly
 * rather than through jansson: it is the API's most frequent answer.
 */
size_t http_mailbox_summary_text(const struct app_mailbox_summary *s,
                                 char buf[HTTP_MAILBOX_SUMMARY_MAX]);

#endif

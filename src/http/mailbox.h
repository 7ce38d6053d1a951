/* mailbox.h - the mailbox summary as JSON, shared by GET /api/v1/mailbox and `buzon mailbox`. */
#ifndef BUZON_HTTP_MAILBOX_H
#define BUZON_HTTP_MAILBOX_H

#include "app/mailbox.h"

#include <jansson.h>

/* The object of docs/openapi.yaml (MailboxSummary) for s (in). New reference. */
json_t *http_mailbox_summary_json(const struct app_mailbox_summary *s);

#endif

/*
 * mime.h - an e-mail as RFC 5322 text, with UTF-8 carried per MIME.
 *
 * The message is plain text in UTF-8: "Content-Type: text/plain; charset=UTF-8" with
 * quoted-printable transfer encoding (RFC 2045 section 6.7), so it crosses any SMTP server,
 * 8BITMIME or not, and no line passes 76 characters. A subject or display name that is not
 * plain ASCII is written as RFC 2047 encoded-words ("=?UTF-8?B?...?="). Lines end in CRLF.
 *
 * The Message-ID is derived from the message's idempotency key (deliver/outbox.h) and the
 * sender's domain, "<KEY@DOMAIN>": a copy sent again after a crash carries the same
 * Message-ID, which mail systems and readers use to recognise duplicates (RFC 5322 3.6.4).
 *
 * Pure functions: thread-safe; results are heap strings the caller frees.
 */
#ifndef BUZON_DELIVER_MIME_H
#define BUZON_DELIVER_MIME_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

struct deliver_mail {
    const char *from;      /* sender address, e.g. "avisos@buzon.imss.gob.mx" */
    const char *from_name; /* display name, UTF-8; NULL or "" for none */
    const char *to;        /* recipient address */
    const char *subject;   /* UTF-8, one line */
    const char *body;      /* UTF-8, lines separated by "\n" */
    const char *key;       /* idempotency key: the left part of the Message-ID */
    int64_t date_us;       /* the Date header, UTC microseconds */
};

enum {
    DELIVER_MESSAGE_ID_MAX = 360, /* "<" key "@" domain ">" and NUL */
    DELIVER_DATE_MAX = 40,
};

/*
 * Write "<key@domain>" into out (out, len bytes), domain being the part of from (in) after
 * '@'. Returns 0, or -1 with err ("deliver_from") when from has no domain or out is too short.
 */
int deliver_mime_message_id(const char *key, const char *from, char *out, size_t len,
                            struct error *err);

/* Write the RFC 5322 date of us (UTC) into out, e.g. "Thu, 03 Dec 2026 18:22:38 +0000". */
void deliver_mime_date(int64_t us, char out[DELIVER_DATE_MAX]);

/*
 * text (in, UTF-8, one line) as a header value: unchanged when it is printable ASCII without
 * "=?", otherwise RFC 2047 "B" encoded-words of at most 75 characters, never splitting a UTF-8
 * character, separated by CRLF and a space (folding). Caller frees.
 */
char *deliver_mime_header_text(const char *text);

/*
 * text (in, UTF-8, "\n" or "\r\n" line ends) in quoted-printable, CRLF line ends, lines of at
 * most 76 characters (soft breaks "=" where needed). Caller frees.
 */
char *deliver_mime_qp(const char *text);

/*
 * The whole message (headers, blank line, body) for m (in). Returns a heap string the caller
 * frees, or NULL with err ("deliver_from") when the sender has no domain.
 */
char *deliver_mime_build(const struct deliver_mail *m, struct error *err);

#endif

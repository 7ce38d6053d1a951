/*
 * smtp.h - the e-mail channel: one message per attempt through an SMTP server, with libcurl.
 *
 * Settings come from [deliver] (docs/configuration.md): smtp_url (smtp://HOST:PORT or
 * smtps://HOST:PORT), smtp_tls (none, starttls: STARTTLS required, never a clear-text
 * fallback; implicit: TLS from the first byte, smtps://), smtp_ca_file, smtp_user with
 * smtp_password_file (optional; refused without TLS unless the server is on loopback),
 * smtp_from, smtp_from_name and smtp_timeout_s. Certificates are always verified.
 *
 * Each attempt builds the message with deliver/mime.h (Message-ID from the idempotency key),
 * sends it, and records the server's replies: res->reply is the last one, the answer to the
 * end of DATA when the message was accepted ("250 2.0.0 Ok: queued as 4Xyz"), which is the
 * evidence that the aviso left the institute; res->transcript holds every reply line of the
 * dialogue except authentication challenges; res->reference the Message-ID.
 *
 * Thread-safety: a struct deliver_smtp keeps one libcurl handle (and its open connection), so
 * it is used by one thread at a time; make one per worker thread. deliver_global_init must
 * have been called once before.
 */
#ifndef BUZON_DELIVER_SMTP_H
#define BUZON_DELIVER_SMTP_H

#include "base/config.h"
#include "core/error.h"
#include "deliver/outbox.h"

struct deliver_smtp;

/* Initialise libcurl for the process (once, before any thread starts). Returns 0 or -1. */
int deliver_global_init(void);

/* Release what deliver_global_init took (once, at exit). */
void deliver_global_cleanup(void);

/*
 * A channel from the [deliver] smtp_* keys of cfg (in; not kept). Returns a handle to free
 * with deliver_smtp_free, or NULL with err:
 *   deliver_smtp_disabled   smtp_url is empty (e-mail not configured)
 *   deliver_smtp_config     a URL that is not smtp:// or smtps://, a TLS mode that contradicts
 *                           it, smtp_from not a valid address, a password without a user,
 *                           or a password over a clear-text connection to another machine
 *   deliver_secret_file     the password file cannot be read
 */
struct deliver_smtp *deliver_smtp_new(const struct config *cfg, struct error *err);

/* Free s (may be NULL), wiping its password. */
void deliver_smtp_free(struct deliver_smtp *s);

/* The channel (out) that sends through s (borrowed: s must outlive its use). */
void deliver_smtp_channel(struct deliver_smtp *s, struct deliver_channel *out);

/*
 * Classify an attempt from libcurl's result code (a CURLcode as int) and the last SMTP reply
 * code (0 when none): delivered on success with a 2xx reply; permanent for a 5xx reply
 * (RFC 5321 4.2.1: the command will not succeed if repeated), except the authentication and
 * encryption replies 530, 534, 535 and 538 (RFC 4954), which are the server's configuration
 * and not the message's; transient for everything else (4xx, timeouts, refused connections,
 * TLS failures). Pure.
 */
enum deliver_outcome deliver_smtp_classify(int curl_code, long reply_code);

#endif

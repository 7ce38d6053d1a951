/*
 * sms.h - the SMS channel: one message per attempt through an HTTP SMS gateway.
 *
 * The reference gateway is Kannel (Debian `kannel`): its smsbox's sendsms interface,
 *   GET /cgi-bin/sendsms?username=U&password=P&from=F&to=+52...&text=T&charset=UTF-8&coding=C
 * with coding=0 (GSM 7-bit) when the text fits the GSM alphabet and 2 (UCS-2) otherwise, and
 * dlr-mask=19 with dlr-url when [deliver] sms_dlr_url is set (delivery reports: delivered,
 * failed, rejected by the SMSC). Kannel answers 202 "0: Accepted for delivery" or
 * "3: Queued for later delivery"; that status and body are recorded as evidence in res->reply
 * ("202 0: Accepted for delivery") and res->reply_code.
 *
 * Settings from [deliver]: sms_url, sms_user, sms_password_file, sms_from, sms_dlr_url,
 * sms_timeout_s. The password travels in the query string, as the interface requires: use a
 * gateway on loopback or https://, and never log the URL.
 *
 * Thread-safety: one handle per thread, as deliver/smtp.h. deliver_global_init first.
 */
#ifndef BUZON_DELIVER_SMS_H
#define BUZON_DELIVER_SMS_H

#include "base/config.h"
#include "core/error.h"
#include "deliver/outbox.h"

struct deliver_sms;

/*
 * A channel from the [deliver] sms_* keys of cfg (in; not kept). Returns a handle to free with
 * deliver_sms_free, or NULL with err: deliver_sms_disabled (sms_url empty), deliver_sms_config
 * (sms_url not http:// or https://), deliver_secret_file.
 */
struct deliver_sms *deliver_sms_new(const struct config *cfg, struct error *err);

/* Free s (may be NULL), wiping its password. */
void deliver_sms_free(struct deliver_sms *s);

/* The channel (out) that sends through s (borrowed: s must outlive its use). */
void deliver_sms_channel(struct deliver_sms *s, struct deliver_channel *out);

/*
 * Classify an attempt from libcurl's result code (a CURLcode as int) and the HTTP status (0
 * when none): delivered for 2xx; transient for no answer, 5xx, 401/403 (the gateway's
 * credentials: configuration, not the message), 408 and 429; permanent for the other 4xx
 * (Kannel's 400: a number refused, denied by its lists, or not routable). Pure.
 */
enum deliver_outcome deliver_sms_classify(int curl_code, long http_status);

#endif

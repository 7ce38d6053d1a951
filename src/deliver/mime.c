/* mime.c - an e-mail as RFC 5322 text, with UTF-8 carried per MIME (see mime.h). */
#include "deliver/mime.h"

#include "deliver/buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    QP_LINE_MAX = 76,   /* RFC 2045 6.7 rule 5 */
    WORD_INPUT_MAX = 45 /* bytes per encoded-word: 60 base64 + 12 = 72 <= 75 (RFC 2047 2) */
};

int
deliver_mime_message_id(const char *key, const char *from, char *out, size_t len, struct error *err)
{
    const char *at = strrchr(from, '@');
    int n;

    if (at == NULL || at[1] == '\0')
        return error_set(err, "deliver_from",
                         "la dirección del remitente ([deliver] smtp_from) no tiene dominio");
    n = snprintf(out, len, "<%s@%s>", key, at + 1);
    if (n < 0 || (size_t)n >= len)
        return error_set(err, "deliver_from", "la dirección del remitente es demasiado larga");
    return 0;
}

void
deliver_mime_date(int64_t us, char out[DELIVER_DATE_MAX])
{
    /* Fixed English names: RFC 5322 3.3, never the locale's. */
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(us / 1000000);
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, DELIVER_DATE_MAX, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool
plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p > 0x7E)
            return false;
    }
    return strstr(s, "=?") == NULL;
}

static void
base64(struct deliver__buf *b, const unsigned char *s, size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char out[4];

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        out[0] = alphabet[(v >> 18) & 63];
        out[1] = alphabet[(v >> 12) & 63];
        out[2] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        out[3] = i + 2 < n ? alphabet[v & 63] : '=';
        deliver__buf_add(b, out, 4);
    }
}

char *
deliver_mime_header_text(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    struct deliver__buf b = {0};

    if (plain_ascii(text)) {
        deliver__buf_str(&b, text);
        return deliver__buf_take(&b);
    }

    for (size_t i = 0; i < len;) {
        size_t n = len - i < WORD_INPUT_MAX ? len - i : WORD_INPUT_MAX;

        /* Back off to a character boundary: a word must hold whole characters (RFC 2047 5). */
        while (i + n < len && n > 0 && (s[i + n] & 0xC0) == 0x80)
            n--;
        if (i > 0)
            deliver__buf_str(&b, "\r\n ");
        deliver__buf_str(&b, "=?UTF-8?B?");
        base64(&b, s + i, n);
        deliver__buf_str(&b, "?=");
        i += n;
    }
    return deliver__buf_take(&b);
}

/* Append one line (without its end) in quoted-printable, with soft breaks. */
static void
qp_line(struct deliver__buf *b, const unsigned char *s, size_t n)
{
    size_t col = 0;

    for (size_t i = 0; i < n; i++) {
        char tok[4];
        size_t tlen;
        bool last = i + 1 == n;

        /* Literal: printable ASCII but '=', and blanks unless they end the line (rule 3). */
        if ((s[i] >= 33 && s[i] <= 126 && s[i] != '=') ||
            ((s[i] == ' ' || s[i] == '\t') && !last)) {
            tok[0] = (char)s[i];
            tlen = 1;
        } else {
            snprintf(tok, sizeof(tok), "=%02X", s[i]);
            tlen = 3;
        }

        /* Leave room for the soft break '=' unless this token ends the line. */
        if (col + tlen > (last ? QP_LINE_MAX : QP_LINE_MAX - 1)) {
            deliver__buf_str(b, "=\r\n");
            col = 0;
        }
        deliver__buf_add(b, tok, tlen);
        col += tlen;
    }
}

char *
deliver_mime_qp(const char *text)
{
    struct deliver__buf b = {0};
    const char *line = text;

    for (;;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);

        if (n > 0 && line[n - 1] == '\r')
            n--;
        qp_line(&b, (const unsigned char *)line, n);
        if (nl == NULL)
            break;
        deliver__buf_str(&b, "\r\n");
        line = nl + 1;
    }
    return deliver__buf_take(&b);
}

/* "Name <addr>" with the name quoted (ASCII) or encoded (RFC 2047 5(3)), or just "<addr>". */
static void
add_mailbox(struct deliver__buf *b, const char *name, const char *addr)
{
    if (name == NULL || name[0] == '\0') {
        deliver__buf_fmt(b, "<%s>", addr);
        return;
    }
    if (plain_ascii(name)) {
        deliver__buf_str(b, "\"");
        for (const char *p = name; *p; p++) {
            if (*p == '"' || *p == '\\')
                deliver__buf_str(b, "\\");
            deliver__buf_add(b, p, 1);
        }
        deliver__buf_fmt(b, "\" <%s>", addr);
        return;
    }

    {
        char *word = deliver_mime_header_text(name);
        deliver__buf_fmt(b, "%s <%s>", word, addr);
        free(word);
    }
}

char *
deliver_mime_build(const struct deliver_mail *m, struct error *err)
{
    struct deliver__buf b = {0};
    char msgid[DELIVER_MESSAGE_ID_MAX];
    char date[DELIVER_DATE_MAX];
    char *subject;
    char *body;

    if (deliver_mime_message_id(m->key, m->from, msgid, sizeof(msgid), err) != 0)
        return NULL;
    deliver_mime_date(m->date_us, date);

    deliver__buf_str(&b, "From: ");
    add_mailbox(&b, m->from_name, m->from);
    deliver__buf_fmt(&b, "\r\nTo: <%s>\r\n", m->to);
    subject = deliver_mime_header_text(m->subject);
    deliver__buf_fmt(&b, "Subject: %s\r\n", subject);
    free(subject);
    deliver__buf_fmt(&b, "Date: %s\r\nMessage-ID: %s\r\n", date, msgid);

    /* RFC 3834: an automatic message; well-behaved responders do not answer it. */
    deliver__buf_str(&b, "Auto-Submitted: auto-generated\r\n"
                         "MIME-Version: 1.0\r\n"
                         "Content-Type: text/plain; charset=UTF-8\r\n"
                         "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    body = deliver_mime_qp(m->body);
    deliver__buf_str(&b, body);
    deliver__buf_str(&b, "\r\n");
    free(body);
    return deliver__buf_take(&b);
}

"""E-mail through a real SMTP server: aiosmtpd (Debian python3-aiosmtpd) writing to a Maildir.

Sends the validation e-mail and the aviso through src/deliver/smtp.c, reads what arrived, and
checks headers, UTF-8 text, the Message-ID derived from the idempotency key, and the server's
reply kept as evidence; then refusals (550 permanent, 451 transient), dot-stuffing, a UTF-8
address to a server without SMTPUTF8, STARTTLS required and verified, AUTH with the password
from its file (tests/deliver/auth_server.py), and an unreachable server.
"""
import email
import email.policy
import email.utils
import mailbox
import os
import subprocess
import tempfile
import time
from deliverlib import HERE, check, deliver, finish, free_port, python_with, wait_port

PY = python_with("aiosmtpd")
FROM = "avisos@buzon.example.mx"

VALIDATION = {
    "kind": "email", "to": "persona@ejemplo.mx", "key": "val-1-email-1",
    "template": "validation_email",
    "params": {"registro": "3 de diciembre de 2026, 12:22 h",
               "enlace": "https://buzon.example.mx/validar?t=Zm9vYmFy",
               "codigo": "482913", "limite": "6 de diciembre de 2026, 12:22 h", "horas": "72"},
}
AVISO = {
    "kind": "email", "to": "contabilidad@empresa.example.mx", "key": "aviso-77-email-1",
    "template": "aviso_email",
    "params": {"rfc": "AAA010101AAA", "folio": "AV-2026-000123",
               "depositado": "3 de diciembre de 2026, 10:15:07 h",
               "dia1": "4 de diciembre de 2026", "dia3": "8 de diciembre de 2026",
               "dia4": "9 de diciembre de 2026",
               "enlace": "https://buzon.example.mx/notificaciones"},
}


def start_server(tmp, name, tls=False):
    """Start aiosmtpd on a free port delivering to tmp/name; return (process, port, maildir)."""
    port = free_port()
    box = os.path.join(tmp, name)
    args = [PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
            "-c", "maildir_handler.MaildirHandler"]
    if tls:
        args[3:3] = ["--tlscert", os.path.join(tmp, "cert.pem"),
                     "--tlskey", os.path.join(tmp, "key.pem")]
    args.append(box)
    env = dict(os.environ, PYTHONPATH=HERE)
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_port(port, proc)
    return proc, port, box


def messages_in(box):
    """The messages that arrived in the Maildir, as (file key, raw bytes)."""
    md = mailbox.Maildir(box, create=False)
    return [(k, md.get_bytes(k)) for k in md.keys()]


def make_cert(tmp):
    """A self-signed certificate for 127.0.0.1, which the client trusts through smtp_ca_file."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", os.path.join(tmp, "key.pem"),
                    "-out", os.path.join(tmp, "cert.pem"), "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)


def plain_settings(port, **more):
    s = {"smtp_url": f"smtp://127.0.0.1:{port}", "smtp_tls": "none", "smtp_from": FROM,
         "smtp_timeout_s": 10, "max_attempts": 1}
    s.update(more)
    return s


def check_validation_mail(raw, result, sent_at):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    check("the raw message is 7-bit: UTF-8 travels encoded",
          all(b < 128 for b in raw), repr(raw[:200]))
    check("subject decodes to the Spanish text",
          msg["Subject"] == "Buzón IMSS: confirme su correo electrónico", msg["Subject"])
    check("from carries the display name and sender",
          msg["From"].addresses[0].display_name == "Buzón IMSS"
          and msg["From"].addresses[0].addr_spec == FROM, str(msg["From"]))
    check("to is the contact address", str(msg["To"]) == "persona@ejemplo.mx", str(msg["To"]))
    check("message-id is derived from the idempotency key",
          msg["Message-ID"] == "<val-1-email-1@buzon.example.mx>", msg["Message-ID"])
    check("the message-id recorded is the one sent", result["reference"] == msg["Message-ID"])
    date = email.utils.parsedate_to_datetime(msg["Date"]).timestamp()
    check("date is the time of sending", abs(date - sent_at) < 60, msg["Date"])
    check("text/plain in UTF-8, quoted-printable",
          msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
          and msg["Content-Transfer-Encoding"] == "quoted-printable")
    check("marked as automatic (RFC 3834)", msg["Auto-Submitted"] == "auto-generated")
    body = msg.get_content().replace("\r\n", "\n")
    check("body has the code", "escriba este código en el Buzón IMSS: 482913" in body, body)
    check("body has the link whole on its own line",
          "\nhttps://buzon.example.mx/validar?t=Zm9vYmFy\n" in body, body)
    check("body states the 72 hours of numeral 5.2", "72 horas" in body and "5.2" in body)


def test_plain(tmp):
    proc, port, box = start_server(tmp, "plain")
    try:
        sent_at = time.time()
        res, err = deliver([VALIDATION, AVISO], **plain_settings(port))
        v, a = res["val-1-email-1"], res["aviso-77-email-1"]
        check("both e-mails delivered on one run",
              v["state"] == "delivered" and a["state"] == "delivered", str(res) + err)
        arrived = dict(messages_in(box))
        check("both arrived in the Maildir", len(arrived) == 2, str(arrived.keys()))
        queued = v["reply"].rsplit(" ", 1)[-1]
        check("the server's final reply is kept as evidence",
              v["reply"].startswith("250 2.0.0 Ok: queued as ") and v["reply_code"] == 250,
              v["reply"])
        check("the evidence names the message that arrived", queued in arrived, queued)
        check("the transcript has the greeting and every reply, no credentials",
              v["transcript"].startswith("220 ") and "250 2.1.5 Ok" in v["transcript"]
              and "AUTH" not in v["transcript"], v["transcript"])
        if queued in arrived:
            check_validation_mail(arrived[queued], v, sent_at)
        aviso = email.message_from_bytes(arrived.get(a["reply"].rsplit(" ", 1)[-1], b""),
                                         policy=email.policy.default)
        body = aviso.get_content().replace("\r\n", "\n") if aviso["Subject"] else ""
        check("aviso subject", aviso["Subject"] == "Buzón IMSS: tiene una notificación pendiente")
        check("aviso carries RFC, folio, time placed, window and fourth day",
              "RFC: AAA010101AAA" in body and "Folio del aviso: AV-2026-000123" in body
              and "3 de diciembre de 2026, 10:15:07 h" in body
              and "del 4 de diciembre de 2026 al 8 de diciembre de 2026" in body
              and "el 9 de diciembre de 2026" in body, body)

        # A resend after a crash carries the same Message-ID: the copies are recognisable.
        deliver([VALIDATION], **plain_settings(port))
        ids = [email.message_from_bytes(r)["Message-ID"] for _, r in messages_in(box)]
        check("a resend repeats the Message-ID",
              ids.count("<val-1-email-1@buzon.example.mx>") == 2, str(ids))

        before = len(messages_in(box))
        res, _ = deliver([dict(VALIDATION, key="r1", to="rechaza@ejemplo.mx"),
                          dict(VALIDATION, key="r2", to="ocupado@ejemplo.mx")],
                         **plain_settings(port, max_attempts=2, backoff_base_s=1))
        r1, r2 = res["r1"], res["r2"]
        check("550 is permanent: failed after one attempt",
              r1["state"] == "failed" and r1["attempts"] == 1 and r1["outcome"] == "permanent"
              and r1["reply_code"] == 550 and r1["error"] == "deliver_smtp_rejected", str(r1))
        check("451 is transient: retried up to max_attempts",
              r2["state"] == "failed" and r2["attempts"] == 2 and r2["outcome"] == "transient"
              and r2["reply_code"] == 451 and r2["error"] == "deliver_smtp_deferred", str(r2))
        check("the refusal is the reply kept, not the goodbye",
              r1["reply"].startswith("550 5.1.1") and r2["reply"].startswith("451 4.3.0"),
              r1["reply"] + " | " + r2["reply"])
        check("refused messages did not arrive", len(messages_in(box)) == before)

        # A line holding one dot would end DATA (RFC 5321 4.5.2) unless it is stuffed.
        res, _ = deliver([{"kind": "email", "to": "persona@ejemplo.mx", "key": "dots",
                           "subject": "Puntos", "body": "uno\n.\ndos\n..tres"}],
                         **plain_settings(port))
        got = dict(messages_in(box)).get(res["dots"]["reply"].rsplit(" ", 1)[-1], b"")
        text = email.message_from_bytes(got, policy=email.policy.default)
        check("a line with a single dot arrives intact",
              got and text.get_content().replace("\r\n", "\n") == "uno\n.\ndos\n..tres\n",
              repr(got[-60:]))
        before = len(messages_in(box))

        # libcurl asks for SMTPUTF8 (RFC 6531) for a non-ASCII address; this server lacks it.
        res, _ = deliver([dict(VALIDATION, key="utf8", to="josé@ejemplo.mx")],
                         **plain_settings(port))
        check("a UTF-8 address to a server without SMTPUTF8 is refused for good",
              res["utf8"]["outcome"] == "permanent" and res["utf8"]["reply_code"] == 500,
              str(res["utf8"]))
        check("nothing arrived for it", len(messages_in(box)) == before)

        res, _ = deliver([dict(VALIDATION, key="t1")],
                         **plain_settings(port, smtp_tls="starttls"))
        check("starttls required but not offered: not sent in clear",
              res["t1"]["state"] == "failed" and res["t1"]["outcome"] == "transient",
              str(res["t1"]))
        check("nothing arrived without TLS", len(messages_in(box)) == before)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_starttls(tmp):
    make_cert(tmp)
    proc, port, box = start_server(tmp, "tls", tls=True)
    try:
        res, err = deliver([dict(VALIDATION, key="tls-1")],
                           **plain_settings(port, smtp_tls="starttls",
                                            smtp_ca_file=os.path.join(tmp, "cert.pem")))
        r = res["tls-1"]
        check("delivered over STARTTLS with a verified certificate",
              r["state"] == "delivered" and r["reply"].startswith("250 2.0.0 Ok: queued as"),
              str(r) + err)
        check("the transcript shows the TLS upgrade", "220 Ready to start TLS" in r["transcript"],
              r["transcript"])
        check("it arrived", len(messages_in(box)) == 1)

        res, _ = deliver([dict(VALIDATION, key="tls-2")],
                         **plain_settings(port, smtp_tls="starttls"))
        check("an untrusted certificate is refused",
              res["tls-2"]["state"] == "failed" and res["tls-2"]["outcome"] == "transient",
              str(res["tls-2"]))

        res, _ = deliver([dict(VALIDATION, key="tls-3")], **plain_settings(port))
        check("530 (must issue STARTTLS) is the server's configuration: transient",
              res["tls-3"]["reply_code"] == 530 and res["tls-3"]["outcome"] == "transient",
              str(res["tls-3"]))
        check("nothing else arrived", len(messages_in(box)) == 1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_auth(tmp):
    port = free_port()
    box = os.path.join(tmp, "auth")
    env = dict(os.environ, PYTHONPATH=HERE)
    proc = subprocess.Popen([PY, os.path.join(HERE, "auth_server.py"), str(port), box, "avisos",
                             "clave-smtp"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    pw = os.path.join(tmp, "smtp-password")
    try:
        wait_port(port, proc)
        with open(pw, "w") as f:
            f.write("clave-smtp\n")
        res, err = deliver([dict(VALIDATION, key="auth-1")],
                           **plain_settings(port, smtp_user="avisos", smtp_password_file=pw))
        r = res["auth-1"]
        check("delivered after AUTH with the password from its file",
              r["state"] == "delivered" and "235 " in r["transcript"], str(r) + err)
        check("the transcript holds neither the password nor its base64",
              "clave-smtp" not in r["transcript"] and "Y2xhdmUtc210cA" not in r["transcript"]
              and "AGF2aXNvcwBjbGF2ZS1zbXRw" not in r["transcript"], r["transcript"])

        with open(pw, "w") as f:
            f.write("otra\n")
        res, _ = deliver([dict(VALIDATION, key="auth-2")],
                         **plain_settings(port, smtp_user="avisos", smtp_password_file=pw))
        check("a wrong SMTP password is transient (535: configuration, not the message)",
              res["auth-2"]["outcome"] == "transient" and res["auth-2"]["reply_code"] == 535,
              str(res["auth-2"]))
        res, _ = deliver([dict(VALIDATION, key="auth-3")], **plain_settings(port))
        check("no AUTH where it is required is transient (530)",
              res["auth-3"]["outcome"] == "transient" and res["auth-3"]["reply_code"] == 530,
              str(res["auth-3"]))
        check("only the authenticated message arrived", len(messages_in(box)) == 1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_unreachable():
    res, _ = deliver([dict(VALIDATION, key="down")], **plain_settings(free_port()))
    r = res["down"]
    check("an unreachable server is transient",
          r["outcome"] == "transient" and r["error"] == "deliver_smtp_unreachable"
          and r["reply_code"] == 0, str(r))


with tempfile.TemporaryDirectory() as tmp:
    test_plain(tmp)
    test_starttls(tmp)
    test_auth(tmp)
    test_unreachable()
finish()

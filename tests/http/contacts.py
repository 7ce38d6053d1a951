"""Enabling a mailbox end to end (Lineamientos 5.1-5.3), as a new user does it: log in with a
test e.firma, register an e-mail and a mobile, read the e-mail that a real SMTP server
(aiosmtpd) put in a Maildir, follow its link to /confirmar and press the button, read the SMS
that Kannel's fake SMS centre received, type its code, read and sign the terms and conditions
with the e.firma, and see the mailbox enabled. Every receipt (registration, validation, terms)
is fetched from GET /api/v1/receipts/{folio} and passes `buzon verify`.

With PostgreSQL (BUZON_TEST_PG_URL, from scripts/services.sh), a `buzon worker` joins the
server on the same database and both drain the outbox while registrations pour in: every
message must arrive exactly once (counted in the Maildir and the phone's log).
"""
import email
import hashlib
import email.policy
import datetime
import json
import mailbox
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.environ["DELIVER_LIB_DIR"])
from deliverlib import free_port, python_with, received, start_kannel, wait_port  # noqa: E402
from httptest import BIN, Server, check, finish  # noqa: E402

PG = os.environ.get("BUZON_TEST_PG_URL", "")
RFC = "PELM800101AB1"
work = tempfile.TemporaryDirectory()
W = work.name
PW = os.path.join(W, "pw.txt")
with open(PW, "w") as f:
    f.write("Contraseña de prueba\n")
CA = os.path.join(W, "ca")


def buzon(*args, data=None):
    p = subprocess.run([BIN, *args], input=data, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"buzon {args[:2]}: {p.stderr.decode()}")
    return p.stdout.decode()


buzon("efirma", "test-ca", CA)
buzon("efirma", "test-issue", "--ca", CA, "--out", os.path.join(W, "person"), "--name",
      "PERSONA DE PRUEBA", "--rfc", RFC, "--curp", "PELM800101MDFXPR09", "--password-file", PW)
buzon("efirma", "test-issue", "--ca", CA, "--out", os.path.join(W, "seal"), "--name",
      "INSTITUTO MEXICANO DEL SEGURO SOCIAL", "--rfc", "IMS421231I45", "--kind", "csd",
      "--password-file", PW)
with open(os.path.join(W, "person.cer"), "rb") as f:
    import base64
    CERT = base64.b64encode(f.read()).decode()

# The SMTP server writing to a Maildir, and Kannel with its fake SMS centre.
SMTP_PORT = free_port()
MAILDIR = os.path.join(W, "maildir")
smtp = subprocess.Popen([python_with("aiosmtpd"), "-m", "aiosmtpd", "-n", "-l",
                         f"127.0.0.1:{SMTP_PORT}", "-c", "maildir_handler.MaildirHandler",
                         MAILDIR], env=dict(os.environ, PYTHONPATH=os.environ["DELIVER_LIB_DIR"]),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wait_port(SMTP_PORT, smtp)
kannel_dir = os.path.join(W, "kannel")
os.mkdir(kannel_dir)
kannel, SMS_URL, PHONE_LOG = start_kannel(kannel_dir)
SMS_PW = os.path.join(W, "sms-pw.txt")
with open(SMS_PW, "w") as f:
    f.write("clave-de-prueba\n")

# One database for every process: a fresh PostgreSQL schema, or SQLite in the server's dir.
STORE_URL = ""
if PG:
    schema = f"contacts_{os.getpid()}"
    subprocess.run(["psql", "-q", PG, "-c", f"CREATE SCHEMA {schema}"], check=True,
                   capture_output=True)
    STORE_URL = f"{PG}?options=-csearch_path%3D{schema}"

ENV = {
    "BUZON_EFIRMA_TRUST_DIR": os.path.join(CA, "trust"),
    "BUZON_EFIRMA_PROFILE": "test",
    "BUZON_EFIRMA_CRL_DIR": os.path.join(CA, "crl"),
    "BUZON_EVIDENCE_SEAL_CERT": os.path.join(W, "seal.cer"),
    "BUZON_EVIDENCE_SEAL_KEY": os.path.join(W, "seal.key"),
    "BUZON_EVIDENCE_SEAL_KEY_PASSWORD_FILE": PW,
    "BUZON_SERVER_PUBLIC_URL": "https://buzon.example.mx",
    "BUZON_DELIVER_SMTP_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    "BUZON_DELIVER_SMTP_TLS": "none",
    "BUZON_DELIVER_SMTP_FROM": "avisos@buzon.example.mx",
    "BUZON_DELIVER_SMS_URL": SMS_URL,
    "BUZON_DELIVER_SMS_USER": "buzon",
    "BUZON_DELIVER_SMS_PASSWORD_FILE": SMS_PW,
    "BUZON_DELIVER_SMS_FROM": "IMSS",
    "BUZON_DELIVER_POLL_MS": "50",
    "BUZON_DELIVER_BACKOFF_BASE_S": "1",
    "BUZON_WORKER_THREADS": "2",
}
if STORE_URL:
    ENV["BUZON_STORE_URL"] = STORE_URL
server = Server(ENV)
token = ""


def call(method, path, body=None, form=None, auth=True):
    conn = server.connect()
    hdrs = {"Authorization": "Bearer " + token} if auth and token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    if resp.getheader("Content-Type", "").startswith("application/"):
        return resp.status, json.loads(raw) if raw else {}
    return resp.status, raw.decode()


def login():
    st, ch = call("POST", "/api/v1/auth/challenge", auth=False)
    instant = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    canonical = f"||buzon-login|1|{ch['nonce']}|{RFC}|{instant}||"
    sig = buzon("efirma", "sign", "--cer", os.path.join(W, "person.cer"), "--key",
                os.path.join(W, "person.key"), "--password-file", PW,
                data=canonical.encode()).strip()
    st, sess = call("POST", "/api/v1/auth/login", {"certificate": CERT, "signature": sig,
                                                  "rfc": RFC, "instant": instant,
                                                  "nonce": ch["nonce"]}, auth=False)
    return sess.get("token", "") if st == 200 else ""


def mails(n, timeout=30):
    """The messages in the Maildir once there are at least n, as email objects."""
    end = time.time() + timeout
    while time.time() < end:
        if os.path.isdir(os.path.join(MAILDIR, "new")):
            box = mailbox.Maildir(MAILDIR, create=False)
            if len(box.keys()) >= n:
                return [email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
                        for k in sorted(box.keys())]
        time.sleep(0.1)
    return []


def text_of(msg):
    return msg.get_body(("plain",)).get_content()


def verify_receipt(folio, label):
    """The bundle as the particular downloads it, checked offline by `buzon verify`."""
    st, bundle = call("GET", "/api/v1/receipts/" + folio)
    if st != 200:
        check(label, False, f"{st} {bundle}")
        return {}
    path = os.path.join(W, folio + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(bundle, f, ensure_ascii=False)
    v = subprocess.run([BIN, "verify", "--trust", os.path.join(CA, "trust", "test"), path],
                       capture_output=True)
    check(label, v.returncode == 0, v.stdout.decode() + v.stderr.decode())
    return bundle


worker = None
try:
    token = login()
    check("a new user logs in with a test e.firma", len(token) == 43)

    st, reg = call("POST", "/api/v1/mailbox/contacts",
                   {"emails": ["persona@ejemplo.mx"], "mobile": "55 1234 5678"})
    check("registering an e-mail and a mobile answers 201 with a receipt",
          st == 201 and reg["receipt"]["kind"] == "registro_medios_contacto"
          and reg["receipt"]["url"] == "/api/v1/receipts/" + reg["receipt"]["folio"],
          f"{st} {reg}")
    contacts = {c["kind"]: c for c in reg.get("contacts", [])}
    check("the mobile is kept in E.164 and both wait 72 hours",
          contacts.get("mobile", {}).get("address") == "+525512345678"
          and all(c["state"] == "pending" and c["attempts_left"] == 5
                  for c in contacts.values()), str(contacts))

    st, doc = call("POST", "/api/v1/mailbox/contacts", {"emails": [], "mobile": "5512345678"})
    check("no e-mail is refused (contacts_invalid)",
          st == 422 and doc.get("code") == "contacts_invalid", f"{st} {doc}")

    got = mails(1)
    check("the validation e-mail arrived in the Maildir", len(got) == 1)
    body = text_of(got[0]) if got else ""
    link = re.search(r"https://buzon\.example\.mx/confirmar\?c=(\d+)&k=([A-Za-z0-9_-]{43})", body)
    code = re.search(r"código en el Buzón IMSS: (\d{6})", body)
    check("it carries a link and a 6-digit code, and no RFC",
          link and code and RFC not in body and got[0]["To"] == "persona@ejemplo.mx", body)

    if link:
        st, page = call("GET", f"/confirmar?c={link.group(1)}&k={link.group(2)}", auth=False)
        check("the link opens a Spanish page with a form and a button",
              st == 200 and 'action="/api/v1/contacts/confirm-link"' in page
              and "Confirmar mi correo electrónico" in page, page[:300])
        st, page = call("POST", "/api/v1/contacts/confirm-link", auth=False,
                        form={"contact": link.group(1), "key": link.group(2)})
        check("pressing the button confirms the e-mail", st == 200 and "quedó confirmado" in page,
              f"{st} {page[:300]}")
        st, doc = call("POST", "/api/v1/contacts/confirm-link", auth=False,
                       body={"contact": int(link.group(1)), "key": link.group(2)})
        check("the link works once (contact_already_confirmed)",
              st == 409 and doc.get("code") == "contact_already_confirmed", f"{st} {doc}")

    sms = received(PHONE_LOG, 1)
    m = re.search(r"celular es (\d{6})\.", sms[0][3]) if sms else None
    check("the SMS reached the phone with a code", m is not None and sms[0][1] == "+525512345678",
          str(sms))
    mobile_id = contacts.get("mobile", {}).get("id", 0)
    if m:
        wrong = "%06d" % ((int(m.group(1)) + 1) % 1000000)
        st, doc = call("POST", f"/api/v1/mailbox/contacts/{mobile_id}/confirm", {"code": wrong})
        check("a wrong code is refused (contact_code_invalid)",
              st == 422 and doc.get("code") == "contact_code_invalid", f"{st} {doc}")
        st, doc = call("POST", f"/api/v1/mailbox/contacts/{mobile_id}/confirm",
                       {"code": m.group(1)})
        check("the SMS code confirms the mobile and completes the set",
              st == 200 and doc["mailbox_state"] == "contacts_confirmed"
              and doc["receipt"]["kind"] == "validacion_medio_contacto", f"{st} {doc}")
        validation = doc.get("receipt") or {}

    st, doc = call("GET", "/api/v1/mailbox/contacts")
    check("both contacts are confirmed", st == 200 and len(doc["contacts"]) == 2
          and all(c["state"] == "confirmed" for c in doc["contacts"]), f"{st} {doc}")

    b = verify_receipt(reg["receipt"]["folio"], "the registration receipt passes buzon verify")
    check("the registration receipt names both contact means and the e.firma",
          "persona@ejemplo.mx" in json.dumps(b) and "+525512345678" in json.dumps(b), str(b))
    if m:
        verify_receipt(validation["folio"], "the validation receipt passes buzon verify")

    # 5.3: the terms are shown in full, signed with the e.firma, and the mailbox is enabled.
    st, terms = call("GET", "/api/v1/terms", auth=False)
    check("the terms come whole, with their SHA-256",
          st == 200 and len(terms.get("text", "")) > 1000
          and hashlib.sha256(terms["text"].encode()).hexdigest() == terms["sha256"], str(st))
    instant = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    canonical = f"||buzon-terminos|1|{terms['version']}|{terms['sha256']}|{RFC}|{instant}||"
    sig = buzon("efirma", "sign", "--cer", os.path.join(W, "person.cer"), "--key",
                os.path.join(W, "person.key"), "--password-file", PW,
                data=canonical.encode()).strip()
    st, signed = call("POST", "/api/v1/mailbox/terms",
                      {"version": terms["version"], "sha256": terms["sha256"], "instant": instant,
                       "certificate": CERT, "signature": sig})
    check("signing the terms enables the mailbox, with a receipt",
          st == 201 and signed.get("mailbox_state") == "enabled"
          and signed["receipt"]["kind"] == "firma_terminos", f"{st} {signed}")
    st, summary = call("GET", "/api/v1/mailbox")
    check("the summary says enabled, two contacts confirmed, terms signed",
          st == 200 and summary["state"] == "enabled" and summary["contacts"]["confirmed"] == 2
          and summary["terms"]["signed_at"], f"{st} {summary}")
    if st == 200 and signed.get("receipt"):
        b = verify_receipt(signed["receipt"]["folio"], "the terms receipt passes buzon verify")
        check("the terms receipt covers the text's SHA-256", terms["sha256"] in json.dumps(b),
              str(b)[:400])

    st, text = call("GET", "/metrics", auth=False)
    check("/metrics shows the outbox depth and the worker lag",
          "\nbuzon_outbox_depth 0" in text and "\nbuzon_worker_lag_seconds " in text, text[-600:])

    p = subprocess.run([BIN, "worker", "--help"], capture_output=True, text=True)
    check("buzon worker --help explains it in Spanish", p.returncode == 0
          and "--once" in p.stdout and "Envía los mensajes" in p.stdout, p.stdout + p.stderr)
    p = subprocess.run([BIN, "worker", "--once", "--data-dir",
                        os.path.join(server.tmp.name, "var")], capture_output=True, text=True,
                       env=dict(os.environ, **ENV), timeout=60)
    check("buzon worker --once finds nothing left to send",
          p.returncode == 0 and p.stdout.startswith("0 mensajes procesados"), p.stdout + p.stderr)

    def scalar(sql):
        if STORE_URL:
            return int(subprocess.run(["psql", "-At", STORE_URL, "-c", sql], check=True,
                                      capture_output=True, text=True).stdout.strip() or 0)
        with sqlite3.connect(os.path.join(server.tmp.name, "var", "buzon.db")) as db:
            return int(db.execute(sql).fetchone()[0] or 0)

    leaves = scalar("SELECT count(*) FROM merkle_leaves")
    check("after buzon worker --once the latest signed tree head covers the whole log",
          leaves >= 2 and scalar("SELECT max(tree_size) FROM tree_heads") == leaves
          and "tree_head_failed" not in p.stderr, f"{leaves} leaves; {p.stderr[-400:]}")

    if not PG:
        print("# skip: a second node needs PostgreSQL (BUZON_TEST_PG_URL)")
    else:
        # A second node: `buzon worker` on the same database drains the outbox with the server.
        wenv = dict(os.environ, **ENV)
        worker = subprocess.Popen([BIN, "worker", "--data-dir", os.path.join(W, "worker")],
                                  env=wenv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        check("buzon worker starts", "en marcha" in worker.stdout.readline())
        rounds = 8
        for i in range(rounds):
            st, _ = call("POST", "/api/v1/mailbox/contacts",
                         {"emails": [f"ronda{i}a@ejemplo.mx", f"ronda{i}b@ejemplo.mx"],
                          "mobile": f"55 1234 {5700 + i}"})
            if st != 201:
                check(f"registration {i} for two nodes", False, str(st))
        want_mail, want_sms = 1 + 2 * rounds, 1 + rounds
        got = mails(want_mail, timeout=60)
        time.sleep(2)  # anything sent twice would arrive by now
        got = mails(want_mail)
        ids = [g["Message-ID"] for g in got]
        check("two nodes deliver every e-mail exactly once",
              len(got) == want_mail and len(set(ids)) == want_mail,
              f"{len(got)} mails, {len(set(ids))} ids")
        sms = received(PHONE_LOG, want_sms + 1, timeout=5)
        check("two nodes deliver every SMS exactly once", len(sms) == want_sms,
              f"{len(sms)} SMS")
        worker.terminate()
        check("buzon worker stops on SIGTERM with 0", worker.wait(timeout=30) == 0)
        wlog = [json.loads(line) for line in worker.stderr.read().splitlines()
                if line.startswith("{")]
        sent_by_worker = sum(1 for line in wlog if line.get("event") == "deliver_attempt")
        print(f"# the worker sent {sent_by_worker} of {want_mail - 1 + want_sms - 1} messages")
        worker.stdout.close()
        worker.stderr.close()
        worker = None
finally:
    if worker is not None:
        worker.kill()
    rc = server.stop()
    check("buzon serve stops on SIGTERM with 0, the worker with it", rc == 0, server.stderr[-500:])
    for p in [smtp, *kannel]:
        p.terminate()
    for p in [smtp, *kannel]:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
finish()

"""Enabling a mailbox over HTTP (Lineamientos 5.3, 5.4, 5.9; docs/openapi.yaml): log in with a
test e.firma, read the mailbox summary, file a request for guidance, fetch the terms, be
refused while contact means are not confirmed, sign the terms, and check every receipt with
`buzon verify`.

One shortcut: contact means are confirmed end to end in tests/http/contacts.py (SMTP, SMS,
link and code); here the mailbox is put in the state contacts_confirmed directly in the SQLite
database, after the request for guidance created its record, so that this test can try every
refusal of the terms on its own. Receipts are fetched from GET /api/v1/receipts/{folio}.
"""
import base64
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from httptest import BIN, Server, check, finish

work = tempfile.TemporaryDirectory()
W = work.name
PW = os.path.join(W, "pw.txt")
with open(PW, "w") as f:
    f.write("Contraseña de prueba\n")
CA = os.path.join(W, "ca")
PERSON, OTHER, HANDLER = "PELM800101AB1", "GOMA750505XY2", "HARH700101AB3"


def buzon(*args, data=None, ok=True):
    p = subprocess.run([BIN, *args], input=data, capture_output=True)
    if ok and p.returncode != 0:
        raise RuntimeError(f"buzon {args[:2]}: {p.stderr.decode()}")
    return p


def issue(name, rfc, *extra):
    buzon("efirma", "test-issue", "--ca", CA, "--out", os.path.join(W, name), "--name",
          "PERSONA DE PRUEBA", "--rfc", rfc, "--password-file", PW, *extra)
    with open(os.path.join(W, name + ".cer"), "rb") as f:
        return base64.b64encode(f.read()).decode()


def sign(name, text):
    return buzon("efirma", "sign", "--cer", os.path.join(W, name + ".cer"), "--key",
                 os.path.join(W, name + ".key"), "--password-file", PW,
                 data=text.encode()).stdout.decode().strip()


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


buzon("efirma", "test-ca", CA)
certs = {
    "person": issue("person", PERSON, "--curp", "PELM800101MDFXPR09"),
    "other": issue("other", OTHER, "--curp", "GOMA750505HDFXMN01"),
    "handler": issue("handler", HANDLER, "--curp", "HARH700101HDFXND03"),
}
issue("seal", "IMS421231I45", "--kind", "csd", "--name", "INSTITUTO MEXICANO DEL SEGURO SOCIAL")
SEAL = {"cert": os.path.join(W, "seal.cer"), "key": os.path.join(W, "seal.key")}

server = Server({
    "BUZON_EFIRMA_TRUST_DIR": os.path.join(CA, "trust"),
    "BUZON_EFIRMA_PROFILE": "test",
    "BUZON_EFIRMA_CRL_DIR": os.path.join(CA, "crl"),
    "BUZON_EVIDENCE_SEAL_CERT": SEAL["cert"],
    "BUZON_EVIDENCE_SEAL_KEY": SEAL["key"],
    "BUZON_EVIDENCE_SEAL_KEY_PASSWORD_FILE": PW,
})
DATA = os.path.join(server.tmp.name, "var")


def call(method, path, body=None, token=None):
    conn = server.connect()
    hdrs = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if token:
        hdrs["Authorization"] = "Bearer " + token
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    return resp.status, (json.loads(raw) if raw else {})


def login(cert, rfc, as_staff=False):
    st, ch = call("POST", "/api/v1/auth/challenge")
    instant = now_utc()
    canonical = f"||buzon-login|1|{ch['nonce']}|{rfc}|{instant}||"
    body = {"certificate": certs[cert], "signature": sign(cert, canonical), "rfc": rfc,
            "instant": instant, "nonce": ch["nonce"]}
    if as_staff:
        body["as"] = "staff"
    st, sess = call("POST", "/api/v1/auth/login", body)
    assert st == 200, sess
    return sess["token"]


def verify(folio, label, token):
    """The bundle as the particular downloads it, checked offline by `buzon verify`."""
    st, bundle = call("GET", "/api/v1/receipts/" + folio, token=token)
    if st != 200:
        check(label, False, f"{st} {bundle}")
        return None
    path = os.path.join(W, folio + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(bundle, f, ensure_ascii=False)
    v = buzon("verify", "--trust", os.path.join(CA, "trust", "test"), path, ok=False)
    check(label, v.returncode == 0, v.stdout.decode() + v.stderr.decode())
    return bundle


def terms_body(terms, cert, signer, rfc, **over):
    body = {"version": terms["version"], "sha256": terms["sha256"], "instant": now_utc(),
            "certificate": certs[cert]}
    body.update(over)
    canonical = f"||buzon-terminos|1|{body['version']}|{body['sha256']}|{rfc}|{body['instant']}||"
    body["signature"] = sign(signer, canonical)
    return body


try:
    token = login("person", PERSON)

    st, doc = call("GET", "/api/v1/mailbox")
    check("the summary needs a session", st == 401 and doc.get("code"), f"{st} {doc}")
    st, doc = call("GET", "/api/v1/mailbox?rfc=" + OTHER, token=token)
    check("a particular reads its own summary, whatever the query says",
          st == 200 and doc["rfc"] == PERSON and doc["state"] == "not_enabled"
          and doc["enabled_at"] is None and doc["enable_deadline"] == "2025-02-01"
          and doc["days_left"] == 0 and doc["contacts"]["emails"] == 0
          and doc["contacts"]["validation_deadline"] is None
          and doc["terms"]["signed_at"] is None, f"{st} {doc}")

    st, doc = call("POST", "/api/v1/clarifications", {"topic": "contacts", "text": ""},
                   token=token)
    check("an empty request for guidance is refused (clarification_invalid)",
          st == 422 and doc.get("code") == "clarification_invalid", f"{st} {doc}")
    text = "No recibí el código de validación en mi teléfono móvil."
    st, doc = call("POST", "/api/v1/clarifications", {"topic": "contacts", "text": text},
                   token=token)
    check("a request for guidance is filed with the session and gets a receipt",
          st == 201 and doc["clarification"]["text"] == text
          and doc["clarification"]["answer"] is None
          and doc["receipt"]["kind"] == "solicitud_aclaracion"
          and doc["receipt"]["url"] == "/api/v1/receipts/" + doc["receipt"]["folio"],
          f"{st} {doc}")
    clar_folio = doc.get("receipt", {}).get("folio", "")
    st, doc = call("GET", "/api/v1/clarifications", token=token)
    check("the particular lists its requests", st == 200 and len(doc["clarifications"]) == 1
          and doc["clarifications"][0]["topic"] == "contacts", f"{st} {doc}")
    st, doc = call("POST", "/api/v1/clarifications/1/answer", {"text": "Sí"}, token=token)
    check("a particular cannot answer (403)", st == 403, f"{st} {doc}")

    # An official with the handler role of the central unit sees the request and answers it.
    buzon("staff", "add", "--rfc", HANDLER, "--name", "Héctor Atiende", "--roles", "handler",
          "--unit", "00", "--data-dir", DATA)
    staff = login("handler", HANDLER, as_staff=True)
    st, doc = call("GET", "/api/v1/clarifications", token=staff)
    mine = [c for c in doc.get("clarifications", []) if c["rfc"] == PERSON]
    check("a handler lists the requests of their unit", st == 200 and len(mine) == 1, f"{st} {doc}")
    clar_id = mine[0]["id"] if mine else 0
    st, doc = call("POST", f"/api/v1/clarifications/{clar_id}/answer",
                   {"text": "Registre de nuevo sus medios de contacto."}, token=staff)
    check("the handler answers it", st == 200 and doc["clarification"]["answer"]
          == "Registre de nuevo sus medios de contacto.", f"{st} {doc}")
    st, doc = call("POST", f"/api/v1/clarifications/{clar_id}/answer", {"text": "Otra vez"},
                   token=staff)
    check("a request is answered once (clarification_already_answered)",
          st == 409 and doc.get("code") == "clarification_already_answered", f"{st} {doc}")
    st, doc = call("GET", "/api/v1/clarifications", token=token)
    check("the particular reads the answer",
          st == 200 and doc["clarifications"][0]["answer"] is not None, f"{st} {doc}")
    st, doc = call("GET", "/api/v1/mailbox/audit", token=token)
    actions = [e.get("action") for e in doc.get("events", doc.get("items", []))]
    check("the particular sees in its audit log that an official read and answered its request",
          st == 200 and "clarification.read" in actions and "clarification.answer" in actions,
          f"{st} {doc}")

    st, terms = call("GET", "/api/v1/terms")
    check("the terms are public, in full, with their hash and canonical template",
          st == 200 and terms["version"] == "2024-1" and len(terms["sha256"]) == 64
          and "Buzón IMSS" in terms["text"]
          and terms["canonical"] == "||buzon-terminos|1|VERSION|SHA256|RFC|INSTANT||",
          f"{st} {str(terms)[:200]}")

    st, doc = call("POST", "/api/v1/mailbox/terms", terms_body(terms, "person", "person", PERSON),
                   token=token)
    check("terms are refused while contacts are not confirmed (terms_contacts_pending)",
          st == 409 and doc.get("code") == "terms_contacts_pending", f"{st} {doc}")

    # Test-only path: contact confirmation is another part of the enablement.
    db = sqlite3.connect(os.path.join(DATA, "buzon.db"))
    db.execute("UPDATE particulars SET mailbox_state = 2 WHERE rfc = ?", (PERSON,))
    db.commit()
    db.close()
    st, doc = call("GET", "/api/v1/mailbox", token=token)
    check("the summary shows contacts_confirmed", doc.get("state") == "contacts_confirmed", doc)

    st, doc = call("POST", "/api/v1/mailbox/terms",
                   terms_body(terms, "person", "person", PERSON, sha256="0" * 64), token=token)
    check("a hash other than the current text's is refused (terms_version_stale)",
          st == 409 and doc.get("code") == "terms_version_stale", f"{st} {doc}")
    st, doc = call("POST", "/api/v1/mailbox/terms", terms_body(terms, "other", "other", OTHER),
                   token=token)
    check("another person's e.firma is refused (terms_certificate_rfc_mismatch)",
          st == 403 and doc.get("code") == "terms_certificate_rfc_mismatch", f"{st} {doc}")
    st, doc = call("POST", "/api/v1/mailbox/terms",
                   terms_body(terms, "person", "other", PERSON), token=token)
    check("a signature by another key is refused (terms_signature_invalid)",
          st == 422 and doc.get("code") == "terms_signature_invalid", f"{st} {doc}")

    st, doc = call("POST", "/api/v1/mailbox/terms", terms_body(terms, "person", "person", PERSON),
                   token=token)
    check("signing the terms enables the mailbox and returns the receipt",
          st == 201 and doc["mailbox_state"] == "enabled"
          and doc["receipt"]["kind"] == "firma_terminos", f"{st} {doc}")
    terms_folio = doc.get("receipt", {}).get("folio", "")
    st, doc = call("POST", "/api/v1/mailbox/terms", terms_body(terms, "person", "person", PERSON),
                   token=token)
    check("signing twice is refused (terms_already_signed)",
          st == 409 and doc.get("code") == "terms_already_signed", f"{st} {doc}")

    st, doc = call("GET", "/api/v1/mailbox", token=token)
    check("the summary shows the mailbox enabled and the terms signed",
          st == 200 and doc["state"] == "enabled" and doc["enabled_at"] is not None
          and doc["terms"]["signed_at"] is not None, f"{st} {doc}")

    bundle = verify(terms_folio, "buzon verify accepts the terms receipt", token)
    if bundle is not None:
        r = bundle["receipt"]
        docs = [d["sha256"] for d in r["documents"]]
        check("the terms receipt covers the text's SHA-256 and names the signer",
              terms["sha256"] in docs and r["signer_cert_number"] and r["rfc"] == PERSON,
              json.dumps(r)[:400])
    verify(clar_folio, "buzon verify accepts the request-for-guidance receipt", token)
finally:
    rc = server.stop()
    check("the server stops cleanly", rc == 0, server.stderr[-2000:])

finish()

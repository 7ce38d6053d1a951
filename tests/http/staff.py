"""Officials, IMSS systems and the audit log over HTTP (docs/authorization.md, docs/audit.md).

A real `buzon serve` with a test e.firma authority and a seal; officials are registered with
`buzon staff add` on the server's data directory (as the first administrator is), a receipt is
issued into its store through the evidence ledger (issue_receipt, test only). Then: a
particular reads its own receipt and not another's (404), an official without the role gets
403, an auditor's read shows in the particular's own audit, a system token reads until it is
revoked (then 401), and no token ever appears in an answer about the audit.
"""
import base64
import datetime
import json
import os
import subprocess
import tempfile
from httptest import BIN, Server, check, finish

TOOL = os.path.join(os.environ["BUZON_BUILD_ROOT"], "tests", "http", "issue_receipt")
work = tempfile.TemporaryDirectory()
W = work.name
PW = os.path.join(W, "pw.txt")
with open(PW, "w") as f:
    f.write("Contraseña de prueba\n")
CA = os.path.join(W, "ca")
PERSON, OTHER = "PELM800101AB1", "GOMA750505XY2"
AUDITOR, ADMIN = "AUDI700101AB1", "ADMI700101AB1"


def sh(*args, data=None):
    p = subprocess.run(args, input=data, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"{args[:3]}: {p.stderr.decode()}")
    return p.stdout.decode()


def buzon(*args, data=None):
    return sh(BIN, *args, data=data)


def issue(name, rfc):
    buzon("efirma", "test-issue", "--ca", CA, "--out", os.path.join(W, name), "--name",
          "PERSONA DE PRUEBA", "--rfc", rfc, "--password-file", PW)
    with open(os.path.join(W, name + ".cer"), "rb") as f:
        return base64.b64encode(f.read()).decode()


def make_seal(d):
    """A seal certificate under a test root, as tests/cli/verify.py makes one."""
    cnf = os.path.join(d, "ext.cnf")
    with open(cnf, "w") as f:
        f.write("[req]\ndistinguished_name=dn\n[dn]\n"
                "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n"
                "[seal]\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,nonRepudiation\n")
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
       "/CN=Autoridad de pruebas/O=IMSS", "-keyout", f"{d}/root.key", "-out", f"{d}/root.pem",
       "-config", cnf, "-extensions", "ca")
    sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
       f"{d}/seal.key")
    sh("openssl", "req", "-new", "-key", f"{d}/seal.key", "-subj",
       "/CN=Sello digital del Buzón IMSS/O=IMSS", "-config", cnf, "-out", f"{d}/seal.csr")
    serial = "0x" + b"30001000000500003416".hex()
    sh("openssl", "x509", "-req", "-in", f"{d}/seal.csr", "-CA", f"{d}/root.pem", "-CAkey",
       f"{d}/root.key", "-set_serial", serial, "-days", "30", "-extfile", cnf, "-extensions",
       "seal", "-out", f"{d}/seal.pem")


buzon("efirma", "test-ca", CA)
certs = {"person": issue("person", PERSON), "other": issue("other", OTHER),
         "auditor": issue("auditor", AUDITOR), "admin": issue("admin", ADMIN)}
rfcs = {"person": PERSON, "other": OTHER, "auditor": AUDITOR, "admin": ADMIN}
make_seal(W)

# fontconfig's process-wide cache, allocated when the first PDF loads fonts, is not ours to free.
LSAN = "suppressions=" + os.path.join(os.environ["BUZON_SOURCE_ROOT"], "tests", "cli", "lsan.supp")
server = Server({
    "LSAN_OPTIONS": LSAN,
    "BUZON_EFIRMA_TRUST_DIR": os.path.join(CA, "trust"),
    "BUZON_EFIRMA_PROFILE": "test",
    "BUZON_EFIRMA_CRL_DIR": os.path.join(CA, "crl"),
    "BUZON_EVIDENCE_SEAL_CERT": os.path.join(W, "seal.pem"),
    "BUZON_EVIDENCE_SEAL_KEY": os.path.join(W, "seal.key"),
})
DATA = os.path.join(server.tmp.name, "var")


def call(method, path, body=None, token=None):
    conn = server.connect()
    hdrs = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    if resp.getheader("Content-Type", "").endswith("json") and raw:
        return resp.status, json.loads(raw), raw
    return resp.status, {}, raw


def login(name, as_staff=False):
    st, ch, _ = call("POST", "/api/v1/auth/challenge")
    instant = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    canonical = f"||buzon-login|1|{ch['nonce']}|{rfcs[name]}|{instant}||"
    sig = buzon("efirma", "sign", "--cer", os.path.join(W, name + ".cer"), "--key",
                os.path.join(W, name + ".key"), "--password-file", PW,
                data=canonical.encode()).strip()
    body = {"certificate": certs[name], "signature": sig, "rfc": rfcs[name], "instant": instant,
            "nonce": ch["nonce"]}
    if as_staff:
        body["as"] = "staff"
    st, doc, _ = call("POST", "/api/v1/auth/login", body)
    return st, doc


try:
    # The first administrator and an auditor, registered offline on the server's data.
    out = buzon("staff", "add", "--rfc", ADMIN, "--name", "Adriana Administradora", "--roles",
                "administrator", "--unit", "00", "--data-dir", DATA)
    check("buzon staff add registers the first administrator",
          json.loads(out)["roles"] == "administrator", out)
    buzon("staff", "add", "--rfc", AUDITOR, "--name", "Aurora Auditora", "--roles", "auditor",
          "--unit", "00", "--data-dir", DATA)
    folio = sh(TOOL, DATA, os.path.join(W, "seal.pem"), os.path.join(W, "seal.key"),
               PERSON).strip()

    st, a = login("person")
    check("the particular logs in", st == 200 and a.get("kind") == "particular", f"{st} {a}")
    st, b = login("other")
    check("another particular logs in", st == 200, f"{st} {b}")
    A, B = a["token"], b["token"]

    st, doc, raw = call("GET", f"/api/v1/receipts/{folio}", token=A)
    check("a particular reads its own receipt's bundle", st == 200 and folio.encode() in raw,
          f"{st} {raw[:200]!r}")
    bundle = os.path.join(W, "bundle.json")
    with open(bundle, "wb") as f:
        f.write(raw)
    p = subprocess.run([BIN, "verify", "--trust", os.path.join(W, "root.pem"), bundle],
                       capture_output=True, text=True)
    check("the bundle verifies with buzon verify", p.returncode == 0, p.stdout + p.stderr)
    st, _, raw = call("GET", f"/api/v1/receipts/{folio}/pdf", token=A)
    check("and its PDF", st == 200 and raw.startswith(b"%PDF"), f"{st} {raw[:40]!r}")

    st, doc, _ = call("GET", f"/api/v1/receipts/{folio}", token=B)
    check("another particular's receipt is not found (404 not_own_mailbox)",
          st == 404 and doc.get("code") == "not_own_mailbox", f"{st} {doc}")
    st, doc2, _ = call("GET", "/api/v1/receipts/BZN-0000-000000/pdf", token=B)
    check("a folio that does not exist answers the same, so folios cannot be probed",
          st == 404 and doc2.get("code") == "not_own_mailbox", f"{st} {doc2}")
    st, doc, _ = call("GET", f"/api/v1/audit?rfc={PERSON}", token=B)
    check("a particular cannot read another's audit log (404)",
          st == 404 and doc.get("code") == "not_own_mailbox", f"{st} {doc}")

    st, doc = login("person", as_staff=True)
    check("a particular is refused a staff session (login_not_staff)",
          st == 403 and doc.get("code") == "login_not_staff", f"{st} {doc}")

    st, adm = login("admin", as_staff=True)
    check("an official logs in as staff with roles and unit",
          st == 200 and adm.get("kind") == "staff" and adm.get("roles") == ["administrator"]
          and adm.get("unit") == "00", f"{st} {adm}")
    ADM = adm["token"]
    st, who, _ = call("GET", "/api/v1/session", token=ADM)
    check("the staff session says who and what roles",
          st == 200 and who.get("kind") == "staff" and who.get("roles") == ["administrator"],
          f"{st} {who}")
    st, doc, _ = call("GET", f"/api/v1/receipts/{folio}", token=ADM)
    check("an official without the role is refused the receipt (403 forbidden)",
          st == 403 and doc.get("code") == "forbidden", f"{st} {doc}")

    st, doc, _ = call("GET", "/api/v1/mailbox/audit", token=A)
    check("before any official read it, the particular's audit shows no access",
          st == 200 and doc.get("events") == [], f"{st} {doc}")

    st, aud = login("auditor", as_staff=True)
    AUD = aud["token"]
    st, _, raw = call("GET", f"/api/v1/receipts/{folio}", token=AUD)
    check("an auditor reads the receipt", st == 200, f"{st} {raw[:200]!r}")
    st, doc, raw = call("GET", "/api/v1/mailbox/audit", token=A)
    ev = doc.get("events", [])
    check("the auditor's read shows in the particular's own audit: who, when, what",
          st == 200 and len(ev) == 1 and ev[0]["action"] == "receipt.read"
          and ev[0]["subject"] == f"receipt:{folio}" and ev[0]["actor"]["kind"] == "staff"
          and ev[0]["actor"]["name"] == "Aurora Auditora" and ev[0]["at"].endswith("Z"),
          f"{st} {doc}")
    check("the particular is not shown session ids or request ids",
          "ref" not in ev[0].get("actor", {}) and "request_id" not in ev[0] if ev else False,
          str(ev))
    st, doc, _ = call("GET", "/api/v1/mailbox/audit", token=B)
    check("another particular's audit does not show it", st == 200 and doc["events"] == [],
          f"{st} {doc}")

    st, doc, _ = call("GET", f"/api/v1/audit?rfc={PERSON}", token=AUD)
    actions = [e["action"] for e in doc.get("events", [])]
    check("an auditor reads every event about the RFC, with refs",
          st == 200 and "receipt.read" in actions and "login" in actions
          and all("ref" in e["actor"] for e in doc["events"]), f"{st} {doc}")
    st, doc, _ = call("GET", f"/api/v1/audit?rfc={PERSON}", token=ADM)
    check("an administrator may not read the audit log (403)",
          st == 403 and doc.get("code") == "forbidden", f"{st} {doc}")
    st, doc, _ = call("GET", "/api/v1/audit?rfc=x", token=AUD)
    check("a malformed RFC is refused (audit_query_invalid)",
          st == 422 and doc.get("code") == "audit_query_invalid", f"{st} {doc}")
    st, doc, _ = call("GET", "/api/v1/mailbox/audit?limit=0", token=A)
    check("a malformed page is refused (audit_query_invalid)",
          st == 422 and doc.get("code") == "audit_query_invalid", f"{st} {doc}")
    for bad in ("from=2026-02-30T00:00:00Z", "to=2026-%2B1-01T00:00:00Z", "before=%2B7"):
        st, doc, _ = call("GET", f"/api/v1/mailbox/audit?{bad}", token=A)
        check(f"a day that does not exist or a signed number is refused ({bad})",
              st == 422 and doc.get("code") == "audit_query_invalid", f"{st} {doc}")
    st, doc, _ = call("GET", "/api/v1/mailbox/audit", token=A)
    check("the auditor's reading of the log is itself in the particular's audit",
          [e["action"] for e in doc.get("events", [])] == ["audit.read", "receipt.read"],
          f"{st} {doc}")

    # Officials and system tokens through the admin routes.
    st, doc, _ = call("POST", "/api/v1/admin/staff", {"rfc": OTHER, "name": "Gonzalo Gómez",
                                                      "roles": ["handler"], "unit": "07"},
                      token=ADM)
    check("an administrator registers an official",
          st == 201 and doc["staff"]["roles"] == ["handler"] and doc["staff"]["unit"] == "07",
          f"{st} {doc}")
    st, doc, _ = call("POST", "/api/v1/admin/staff", {"rfc": OTHER, "name": "Gonzalo Gómez",
                                                      "roles": ["handler"], "unit": "07"},
                      token=ADM)
    check("twice is a conflict (staff_duplicate)",
          st == 409 and doc.get("code") == "staff_duplicate", f"{st} {doc}")
    st, doc, _ = call("POST", "/api/v1/admin/staff", {"rfc": OTHER, "name": "x",
                                                      "roles": ["root"], "unit": "07"},
                      token=ADM)
    check("an unknown role is refused (staff_invalid)",
          st == 422 and doc.get("code") == "staff_invalid", f"{st} {doc}")
    st, doc, _ = call("POST", "/api/v1/admin/tokens", {"name": "x", "scopes": ["read"]},
                      token=AUD)
    check("only an administrator issues tokens (403)", st == 403, f"{st} {doc}")
    st, doc, _ = call("POST", "/api/v1/admin/tokens", {"name": "x", "scopes": ["read"]},
                      token=A)
    check("a particular does not either (403)", st == 403, f"{st} {doc}")

    st, tok, _ = call("POST", "/api/v1/admin/tokens",
                      {"name": "Sistema de cobranza", "scopes": ["read"], "days": 30},
                      token=ADM)
    SYS = tok.get("token", "")
    check("an administrator issues a system token, shown once",
          st == 201 and SYS.startswith("bzt_") and len(SYS) == 47 and tok["scopes"] == ["read"],
          f"{st} {tok}")
    st, who, _ = call("GET", "/api/v1/session", token=SYS)
    check("the token authenticates a system", st == 200 and who.get("kind") == "system",
          f"{st} {who}")
    st, _, raw = call("GET", f"/api/v1/receipts/{folio}", token=SYS)
    check("a system with the read scope reads the receipt", st == 200, f"{st} {raw[:200]!r}")
    st, doc, raw = call("GET", "/api/v1/mailbox/audit", token=A)
    check("the system's read shows in the particular's audit, by the token's name",
          doc["events"][0]["actor"] == {"kind": "system", "id": tok["id"],
                                        "name": "Sistema de cobranza"}, f"{st} {doc}")
    check("the audit never shows the token", SYS.encode() not in raw and b"bzt_" not in raw)

    st, _, _ = call("DELETE", f"/api/v1/admin/tokens/{tok['id']}", token=ADM)
    check("an administrator revokes the token", st == 204, str(st))
    st, doc, _ = call("GET", f"/api/v1/receipts/{folio}", token=SYS)
    check("a revoked token gets 401", st == 401 and doc.get("code") == "unauthenticated",
          f"{st} {doc}")
    st, doc, _ = call("DELETE", f"/api/v1/admin/tokens/{tok['id']}", token=ADM)
    check("revoking again: token_not_found (404)",
          st == 404 and doc.get("code") == "token_not_found", f"{st} {doc}")

    out = buzon("token", "issue", "--name", "Sistema de notificaciones", "--scopes", "notify",
                "--data-dir", DATA)
    cli = json.loads(out)
    st, who, _ = call("GET", "/api/v1/session", token=cli["token"])
    check("a token from buzon token issue authenticates", st == 200, f"{st} {who}")
    st, doc, _ = call("GET", f"/api/v1/receipts/{folio}", token=cli["token"])
    check("a system without the read scope is refused the receipt (403)", st == 403,
          f"{st} {doc}")
    buzon("token", "revoke", str(cli["id"]), "--data-dir", DATA)
    st, _, _ = call("GET", "/api/v1/session", token=cli["token"])
    check("buzon token revoke ends it at once (401)", st == 401, str(st))

    # Changing an official applies to the open session at once; a deactivation ends it.
    out = buzon("staff", "update", "--rfc", AUDITOR, "--roles", "auditor,handler",
                "--data-dir", DATA)
    st, who, _ = call("GET", "/api/v1/session", token=AUD)
    check("buzon staff update changes the roles of an open session",
          json.loads(out)["roles"] == "handler,auditor"
          and who.get("roles") == ["handler", "auditor"]
          and who.get("name") == "Aurora Auditora", f"{out} {who}")
    buzon("staff", "update", "--rfc", AUDITOR, "--inactive", "--data-dir", DATA)
    st, doc, _ = call("GET", f"/api/v1/audit?rfc={PERSON}", token=AUD)
    check("a deactivated official's session no longer authenticates (401)", st == 401,
          f"{st} {doc}")
    st, doc = login("auditor", as_staff=True)
    check("nor can they log in as staff again (login_not_staff)",
          st == 403 and doc.get("code") == "login_not_staff", f"{st} {doc}")
    p = subprocess.run([BIN, "staff", "update", "--rfc", "NOEX700101AB1", "--inactive",
                        "--data-dir", DATA], capture_output=True, text=True)
    check("updating an unknown official fails with staff_not_found",
          p.returncode == 1 and "staff_not_found" in p.stderr, p.stderr)
finally:
    rc = server.stop()

check("the server stops cleanly after serving PDFs", rc == 0, server.stderr[-2000:])

check("the log never holds a system token", SYS not in server.stderr if "SYS" in dir() else True)
work.cleanup()
finish()

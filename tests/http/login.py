"""Login by e.firma over HTTP (docs/authentication.md): challenge, signature of the canonical
login string with `buzon efirma sign`, session by cookie and by bearer token, logout, and the
refusals a client can provoke (replay, another key, CSD, revoked, RFC mismatch, rate limit).

A test authority is made with `buzon efirma test-ca`; revocation is checked against its CRL.
"""
import base64
import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
from httptest import BIN, Server, check, finish

work = tempfile.TemporaryDirectory()
W = work.name
PW = os.path.join(W, "pw.txt")
with open(PW, "w") as f:
    f.write("Contraseña de prueba\n")
CA = os.path.join(W, "ca")
MAX_FAILURES = 8


def buzon(*args, data=None):
    p = subprocess.run([BIN, *args], input=data, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"buzon {args[:2]}: {p.stderr.decode()}")
    return p.stdout.decode()


def issue(name, rfc, *extra):
    buzon("efirma", "test-issue", "--ca", CA, "--out", os.path.join(W, name), "--name",
          "PERSONA DE PRUEBA", "--rfc", rfc, "--password-file", PW, *extra)
    with open(os.path.join(W, name + ".cer"), "rb") as f:
        return base64.b64encode(f.read()).decode()


buzon("efirma", "test-ca", CA)
PERSON, COMPANY, OTHER = "PELM800101AB1", "EMP010101AB1", "GOMA750505XY2"
certs = {
    "person": issue("person", PERSON, "--curp", "PELM800101MDFXPR09"),
    "other": issue("other", OTHER, "--curp", "GOMA750505HDFXMN01"),
    "csd": issue("csd", PERSON, "--kind", "csd"),
    "revoked": issue("revoked", PERSON, "--curp", "PELM800101MDFXPR09", "--revoked"),
    "company": issue("company", COMPANY, "--representative-rfc", PERSON,
                     "--representative-curp", "PELM800101MDFXPR09"),
}


def sign(name, text):
    """The signature as a client makes it: `buzon efirma sign` (which refuses a CSD)."""
    return buzon("efirma", "sign", "--cer", os.path.join(W, name + ".cer"), "--key",
                 os.path.join(W, name + ".key"), "--password-file", PW,
                 data=text.encode()).strip()


def sign_openssl(name, text):
    """A CSD's signature, made with openssl since `buzon efirma sign` will not use a CSD."""
    pem = os.path.join(W, name + ".pem")
    subprocess.run(["openssl", "pkcs8", "-inform", "DER", "-in", os.path.join(W, name + ".key"),
                    "-passin", "pass:Contraseña de prueba", "-out", pem], check=True,
                   capture_output=True)
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", pem], input=text.encode(),
                         check=True, capture_output=True).stdout
    return base64.b64encode(sig).decode()


server = Server({
    "BUZON_EFIRMA_TRUST_DIR": os.path.join(CA, "trust"),
    "BUZON_EFIRMA_PROFILE": "test",
    "BUZON_EFIRMA_CRL_DIR": os.path.join(CA, "crl"),
    "BUZON_AUTH_MAX_FAILURES": str(MAX_FAILURES),
})
failures = 0


def call(method, path, body=None, headers=None):
    conn = server.connect()
    hdrs = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=hdrs)
    resp = conn.getresponse()
    raw = resp.read()
    doc = json.loads(raw) if raw else {}
    conn.close()
    return resp.status, resp, doc


def login_body(cert, rfc, signer, signer_fn=sign, signed_rfc=None):
    status, _, ch = call("POST", "/api/v1/auth/challenge")
    assert status == 201, ch
    instant = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    canonical = f"||buzon-login|1|{ch['nonce']}|{signed_rfc or rfc}|{instant}||"
    return {"certificate": certs[cert], "signature": signer_fn(signer, canonical), "rfc": rfc,
            "instant": instant, "nonce": ch["nonce"]}


def refused(label, body, status, code):
    global failures
    got, _, doc = call("POST", "/api/v1/auth/login", body)
    failures += 1
    check(label, got == status and doc.get("code") == code and doc.get("detail"),
          f"{got} {doc}")


try:
    st, _, doc = call("GET", "/readyz")
    check("readiness asks the store and answers ready", st == 200 and doc == {"status": "ready"})

    st, _, ch = call("POST", "/api/v1/auth/challenge")
    check("a challenge gives a nonce and the canonical form", st == 201 and "." in ch["nonce"]
          and ch["canonical"] == "||buzon-login|1|NONCE|RFC|INSTANT||", str(ch))

    good = login_body("person", PERSON, "person")
    st, resp, sess = call("POST", "/api/v1/auth/login", good)
    cookie = resp.getheader("Set-Cookie") or ""
    check("an e.firma login opens a session", st == 200 and sess.get("rfc") == PERSON
          and sess.get("token_type") == "Bearer" and len(sess.get("token", "")) == 43,
          f"{st} {sess}")
    token = sess.get("token", "")
    check("the cookie is HttpOnly, Secure, SameSite=Strict, Path=/",
          cookie.startswith("buzon_session=" + token + ";") and "HttpOnly" in cookie
          and "Secure" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie, cookie)

    st, _, who = call("GET", "/api/v1/session", headers={"Cookie": "buzon_session=" + token})
    check("the cookie authenticates", st == 200 and who == {"kind": "particular", "rfc": PERSON},
          f"{st} {who}")
    st, _, who = call("GET", "/api/v1/session", headers={"Authorization": "Bearer " + token})
    check("the bearer token authenticates", st == 200 and who.get("rfc") == PERSON, f"{st} {who}")

    refused("a replayed login is refused (login_nonce_replayed)", good, 409,
            "login_nonce_replayed")
    refused("a signature by another key is refused (login_signature_invalid)",
            login_body("person", PERSON, "other", signed_rfc=PERSON), 401,
            "login_signature_invalid")
    refused("a CSD is refused (login_certificate_csd)",
            login_body("csd", PERSON, "csd", sign_openssl), 403, "login_certificate_csd")
    refused("a revoked e.firma is refused through the CRL (login_certificate_revoked)",
            login_body("revoked", PERSON, "revoked"), 403, "login_certificate_revoked")
    refused("another RFC than the certificate's is refused (login_rfc_mismatch)",
            login_body("person", OTHER, "person"), 403, "login_rfc_mismatch")
    body = login_body("person", PERSON, "person")
    body["instant"] = "2020-01-01T00:00:00Z"
    refused("an instant far from now is refused (login_instant_invalid)", body, 422,
            "login_instant_invalid")

    st, _, comp = call("POST", "/api/v1/auth/login", login_body("company", COMPANY, "company"))
    check("a company's e.firma logs in the company and names its representative",
          st == 200 and comp.get("rfc") == COMPANY and comp.get("representative_rfc") == PERSON,
          f"{st} {comp}")

    st, resp, _ = call("POST", "/api/v1/auth/logout",
                       headers={"Cookie": "buzon_session=" + token})
    check("logout ends the session and clears the cookie",
          st == 204 and "Max-Age=0" in (resp.getheader("Set-Cookie") or ""), str(st))
    st, _, doc = call("GET", "/api/v1/session", headers={"Authorization": "Bearer " + token})
    check("the ended session's token no longer authenticates",
          st == 401 and doc.get("code") == "unauthenticated", f"{st} {doc}")

    while failures < MAX_FAILURES:
        refused("another failed login is counted", login_body("person", OTHER, "person"), 403,
                "login_rfc_mismatch")
    st, _, doc = call("POST", "/api/v1/auth/login", login_body("person", PERSON, "person"))
    check(f"after {MAX_FAILURES} failures from one address even a good login waits (429)",
          st == 429 and doc.get("code") == "login_rate_limited", f"{st} {doc}")
    # What the store kept: audit events of Lineamientos 10, and no secret in clear.
    db = sqlite3.connect(os.path.join(server.tmp.name, "var", "buzon.db"))
    events = db.execute("SELECT action, detail_json FROM audit_events ORDER BY id").fetchall()
    logins = [json.loads(d) for a, d in events if a == "login"]
    check("each login and the logout are in the audit log",
          len(logins) == 2 and [a for a, _ in events].count("logout") == 1, str(events))
    check("the company's login records its representative's RFC and CURP",
          any(e["representative_rfc"] == PERSON and e["representative_curp"] == "PELM800101MDFXPR09"
              for e in logins), str(logins))
    names = dict(db.execute("SELECT rfc, name FROM particulars").fetchall())
    check("the first login gives each particular its mailbox, named as its e.firma names it",
          names.get(PERSON) == "PERSONA DE PRUEBA" and names.get(COMPANY) == "PERSONA DE PRUEBA"
          and OTHER not in names, str(names))
    hashes = [h.hex() for (h,) in db.execute("SELECT token_hash FROM sessions")]
    raw = b"".join(r[0] for r in db.execute("SELECT token_hash FROM sessions"))
    check("sessions keep the token's hash, never the token",
          len(hashes) == 1 and comp["token"].encode() not in raw
          and hashlib.sha256(comp["token"].encode()).hexdigest() in hashes, str(hashes))
    db.close()
finally:
    server.stop()

log = server.stderr
check("the log never holds a session token", token not in log and comp.get("token", "x") not in log)
check("the log names refusals by code", '"login_refused"' in log and "login_certificate_csd" in log)
work.cleanup()
finish()

"""`buzon efirma`: SAT's test e.firma and CSD, interoperability with `openssl dgst`, the test
PKI, chains, CRL and OCSP revocation against a real `openssl ocsp` responder on loopback, over
http and, as SAT's responder is, over https."""
import base64
import json
import os
import shutil
import socket
import subprocess
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from clitest import run, check, finish, json_lines

SAT = os.path.join(os.environ["BUZON_TEST_DATA"], "fixtures", "sat")
FIEL = os.path.join(SAT, "FIEL_AAA010101AAA")
CSD = os.path.join(SAT, "CSD01_AAA010101AAA")
INSIDE = "2019-06-01T12:00:00Z"  # inside the fixtures' validity (2017-05 .. 2021-05)
work = tempfile.mkdtemp(prefix="buzon-efirma-")
cadena = os.path.join(work, "cadena.txt")
with open(cadena, "w", encoding="utf-8") as f:
    f.write("||1.0|AAA010101AAA|2019-06-01T12:00:00|Promoción con Ñ||")


def openssl(*args, stdin=None):
    p = subprocess.run(["openssl", *args], capture_output=True, input=stdin, timeout=60)
    return p.returncode, p.stdout, p.stderr


def verify(cer, sig, *extra, env=None, data=cadena):
    rc, out, err = run("efirma", "verify", "--cer", cer, "--signature", sig, "--in", data,
                       *extra, env=env)
    result = json.loads(out) if out.strip() else {}
    return rc, result, err


def status(result, name):
    return result.get("checks", {}).get(name, {}).get("status")


def error_of(result, name):
    return result.get("checks", {}).get(name, {}).get("error")


# --- help -----------------------------------------------------------------------------------
rc, out, err = run("efirma", "--help")
check("efirma --help lists the subcommands", rc == 0 and "test-issue" in out and "verify" in out)
for sub in ["inspect", "sign", "verify", "test-ca", "test-issue", "test-revoke"]:
    rc, out, err = run("efirma", sub, "--help")
    check(f"efirma {sub} --help is Spanish usage",
          rc == 0 and out.startswith(f"Uso: buzon efirma {sub}"), out[:60])

# --- the fixtures read as their README says ---------------------------------------------------
rc, out, err = run("efirma", "inspect", os.path.join(FIEL, "certificate.cer"))
fiel = json.loads(out) if rc == 0 else {}
check("inspect FIEL: certificate number from the serial's ASCII digits",
      fiel.get("certificate_number") == "30001000000300023685", out)
check("inspect FIEL: kind efirma", fiel.get("kind") == "efirma")
check("inspect FIEL: holder", fiel.get("name") == "ACCEM SERVICIOS EMPRESARIALES SC")
check("inspect FIEL: company RFC and representative RFC",
      fiel.get("rfc") == "AAA010101AAA" and fiel.get("representative_rfc") == "HEGT7610034S2")
check("inspect FIEL: representative CURP, no company CURP",
      fiel.get("representative_curp") == "HEGT761003MDFRNN09" and fiel.get("curp") is None)
check("inspect FIEL: validity in ISO 8601 UTC", fiel.get("not_before") == "2017-05-16T23:29:17Z"
      and fiel.get("not_after") == "2021-05-15T23:29:17Z")
check("inspect FIEL: issuer is SAT's test authority",
      "A.C. 2 de pruebas(4096)" in fiel.get("issuer", ""))
rc, out, err = run("efirma", "inspect", os.path.join(CSD, "certificate.cer"))
csd = json.loads(out) if rc == 0 else {}
check("inspect CSD: number and kind csd", csd.get("certificate_number") == "30001000000300023708"
      and csd.get("kind") == "csd", out)
check("inspect CSD: branch and only two key usages", csd.get("branch") == "CSD01_AAA010101AAA"
      and csd.get("key_usage") == ["digitalSignature", "nonRepudiation"])
rc, out, err = run("efirma", "inspect", cadena)
check("inspect of a non-certificate is bad input (2) with cert_malformed",
      rc == 2 and json_lines(err)[0]["error"] == "cert_malformed", err)

# --- sign, and interoperate with openssl dgst ------------------------------------------------
fiel_args = ["--cer", os.path.join(FIEL, "certificate.cer"), "--key",
             os.path.join(FIEL, "private_key.key"), "--password-file",
             os.path.join(FIEL, "password.txt")]
rc, out, err = run("efirma", "sign", *fiel_args, "--in", cadena)
sig = out.strip()
check("sign with the fixture e.firma prints one base64 line", rc == 0 and len(sig) == 344, err)

pub = os.path.join(work, "fiel_pub.pem")
openssl("x509", "-inform", "DER", "-in", os.path.join(FIEL, "certificate.cer"), "-pubkey",
        "-noout", "-out", pub)
sig_bin = os.path.join(work, "sig.bin")
with open(sig_bin, "wb") as f:
    f.write(base64.b64decode(sig))
rc, out, err = openssl("dgst", "-sha256", "-verify", pub, "-signature", sig_bin, cadena)
check("openssl dgst -sha256 -verify accepts our signature", rc == 0 and b"Verified OK" in out,
      out + err)

key_pem = os.path.join(work, "fiel_key.pem")
openssl("pkcs8", "-inform", "DER", "-in", os.path.join(FIEL, "private_key.key"), "-passin",
        "file:" + os.path.join(FIEL, "password.txt"), "-out", key_pem)
rc, out, err = openssl("dgst", "-sha256", "-sign", key_pem, cadena)
openssl_sig = base64.b64encode(out).decode()
rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), openssl_sig, "--at", INSIDE)
check("a signature made by openssl dgst verifies here", rc == 0 and res.get("valid") is True,
      str(res) + err)

rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig, "--at", INSIDE)
check("our signature verifies at an instant inside the validity", rc == 0 and res["valid"]
      and status(res, "signature") == "ok" and status(res, "validity") == "ok", str(res))
check("without a trust store chain and revocation are skipped",
      status(res, "chain") == "skipped" and status(res, "revocation") == "skipped")

rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig)
check("the expired fixture is refused now (exit 1, validity cert_expired)",
      rc == 1 and res["valid"] is False and error_of(res, "validity") == "cert_expired"
      and status(res, "signature") == "ok", str(res))

tampered = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), tampered, "--at", INSIDE)
check("a tampered signature fails the signature check",
      rc == 1 and error_of(res, "signature") == "signature_invalid", str(res))
other = os.path.join(work, "otra.txt")
with open(other, "w", encoding="utf-8") as f:
    f.write("||1.0|AAA010101AAA|2019-06-01T12:00:00|Promoción con N||")
rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig, "--at", INSIDE, data=other)
check("a tampered cadena fails the signature check",
      rc == 1 and error_of(res, "signature") == "signature_invalid", str(res))
rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig, "--at", "2017-05-16T23:29:16Z")
check("one second before its validity the certificate is not yet valid",
      rc == 1 and error_of(res, "validity") == "cert_not_yet_valid", str(res))
rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig, "--at", "ayer")
check("a bad --at is bad usage (2)", rc == 2 and "instant" in err, err)

# --- key errors ---------------------------------------------------------------------------------
bad_pw = os.path.join(work, "bad_pw.txt")
with open(bad_pw, "w") as f:
    f.write("12345678b\n")
rc, out, err = run("efirma", "sign", *fiel_args[:4], "--password-file", bad_pw, "--in", cadena)
e = json_lines(err)
check("wrong password: exit 2, key_password, says the password is wrong",
      rc == 2 and e and e[0]["error"] == "key_password" and "incorrecta" in e[0]["message"], err)

truncated = os.path.join(work, "truncada.key")
with open(os.path.join(FIEL, "private_key.key"), "rb") as f:
    data = f.read()
with open(truncated, "wb") as f:
    f.write(data[: len(data) // 2])
rc, out, err = run("efirma", "sign", *fiel_args[:2], "--key", truncated, *fiel_args[4:],
                   "--in", cadena)
e = json_lines(err)
check("truncated key: exit 2, key_malformed, says truncated",
      rc == 2 and e and e[0]["error"] == "key_malformed" and "truncado" in e[0]["message"], err)

rc, out, err = run("efirma", "sign", *fiel_args[:2], "--key",
                   os.path.join(CSD, "private_key.key"), *fiel_args[4:], "--in", cadena)
e = json_lines(err)
check("key of another certificate: exit 2, key_mismatch",
      rc == 2 and e and e[0]["error"] == "key_mismatch", err)

# --- the CSD is refused for the Buzón -----------------------------------------------------------
rc, out, err = run("efirma", "sign", "--cer", os.path.join(CSD, "certificate.cer"), "--key",
                   os.path.join(CSD, "private_key.key"), "--password-file",
                   os.path.join(CSD, "password.txt"), "--in", cadena)
e = json_lines(err)
check("sign with a CSD is refused saying it is a CSD and an e.firma is needed",
      rc == 2 and e and e[0]["error"] == "cert_is_csd" and "CSD" in e[0]["message"]
      and "e.firma" in e[0]["message"], err)
csd_key = os.path.join(work, "csd_key.pem")
openssl("pkcs8", "-inform", "DER", "-in", os.path.join(CSD, "private_key.key"), "-passin",
        "file:" + os.path.join(CSD, "password.txt"), "-out", csd_key)
rc, out, err = openssl("dgst", "-sha256", "-sign", csd_key, cadena)
csd_sig = base64.b64encode(out).decode()
rc, res, err = verify(os.path.join(CSD, "certificate.cer"), csd_sig, "--at", INSIDE)
check("verify of a CSD signature fails the kind check (cert_is_csd)",
      rc == 1 and status(res, "signature") == "ok" and error_of(res, "kind") == "cert_is_csd",
      str(res))
check("the kind failure explains that an e.firma is needed",
      "e.firma" in res.get("checks", {}).get("kind", {}).get("message", ""))

# --- trust: test issuer in production, unknown issuer -------------------------------------------
ca = os.path.join(work, "ca")
rc, out, err = run("efirma", "test-ca", ca)
check("test-ca creates a test authority",
      rc == 0 and os.path.exists(os.path.join(ca, "ac.pem")), err)
trust = os.path.join(ca, "trust")

prod = os.path.join(work, "prodtrust")
os.makedirs(os.path.join(prod, "production"))
openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", os.path.join(work, "p.key"),
        "-out", os.path.join(prod, "production", "ac-sat.pem"), "-subj", "/CN=AC DEL SAT/C=MX",
        "-days", "30")
rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig, "--at", INSIDE, "--trust",
                      prod, "--profile", "production")
check("SAT's test authority is refused in production (chain_test_issuer)",
      rc == 1 and error_of(res, "chain") == "chain_test_issuer", str(res) + err)
shutil.copy(os.path.join(ca, "ac.pem"), os.path.join(prod, "production"))
rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig, "--at", INSIDE, "--trust",
                      prod, "--profile", "production")
check("a test authority in the production directory stops verification (trust_test_ca, 2)",
      rc == 2 and "trust_test_ca" in err, err)

rc, res, err = verify(os.path.join(FIEL, "certificate.cer"), sig, "--at", INSIDE, "--trust",
                      trust, "--profile", "test")
check("the fixture is of an unknown issuer for our test store (chain_unknown_issuer)",
      rc == 1 and error_of(res, "chain") == "chain_unknown_issuer"
      and status(res, "revocation") == "skipped", str(res))

# --- issue certificates; OCSP against a real responder ------------------------------------------
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
ocsp_url = f"http://127.0.0.1:{port}/"
pw = os.path.join(work, "pw.txt")
with open(pw, "w") as f:
    f.write("Contraseña de prueba\n")


def issue(name, *extra):
    rc, out, err = run("efirma", "test-issue", "--ca", ca, "--out", os.path.join(work, name),
                       "--name", "MARÍA PEÑA LÓPEZ", "--rfc", "PELM800101AB1", "--curp",
                       "PELM800101MDFXPR09", "--password-file", pw, *extra)
    check(f"test-issue {name}", rc == 0, err)
    return json.loads(out) if rc == 0 else {}


good = issue("good", "--ocsp-url", ocsp_url)
revoked = issue("revoked", "--ocsp-url", ocsp_url, "--revoked")
plain = issue("plain")
plain_revoked = issue("plain_revoked", "--revoked")
rc, out, err = run("efirma", "inspect", os.path.join(work, "good.cer"))
info = json.loads(out) if rc == 0 else {}
check("issued e.firma reads in SAT's profile", info.get("kind") == "efirma"
      and info.get("rfc") == "PELM800101AB1" and info.get("curp") == "PELM800101MDFXPR09"
      and info.get("name") == "MARÍA PEÑA LÓPEZ", out)
rc, out, err = openssl("pkcs8", "-inform", "DER", "-in", os.path.join(work, "good.key"),
                       "-passin", "pass:Contraseña de prueba")
check("issued key opens with openssl as SAT's do", rc == 0 and b"PRIVATE KEY" in out, err)


def sign_with(name):
    rc, out, err = run("efirma", "sign", "--cer", os.path.join(work, name + ".cer"), "--key",
                       os.path.join(work, name + ".key"), "--password-file", pw, "--in", cadena)
    check(f"sign with issued {name}", rc == 0, err)
    return out.strip()


test_env = {"BUZON_EFIRMA_TRUST_DIR": trust, "BUZON_EFIRMA_PROFILE": "test",
            "BUZON_EFIRMA_OCSP_TIMEOUT_S": "3"}
responder = subprocess.Popen(
    ["openssl", "ocsp", "-index", os.path.join(ca, "index.txt"), "-CA", os.path.join(ca, "ac.pem"),
     "-rsigner", os.path.join(ca, "ocsp.pem"), "-rkey", os.path.join(ca, "ocsp.key.pem"),
     # OpenSSL 3.0's responder takes only a port; the clients here use 127.0.0.1.
     "-port", str(port), "-ignore_err"],
    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
try:
    # A probe connection would hold the single-threaded responder; wait for its banner instead.
    for line in responder.stderr:
        if "waiting for OCSP client connections" in line:
            break
    check("openssl ocsp responder is running on loopback", responder.poll() is None)
    rc, res, err = verify(os.path.join(work, "good.cer"), sign_with("good"), env=test_env)
    check("issued e.firma: every check ok, revocation from OCSP", rc == 0 and res["valid"]
          and status(res, "chain") == "ok" and res["checks"]["revocation"].get("source") == "ocsp",
          str(res) + err)
    rc, res, err = verify(os.path.join(work, "revoked.cer"), sign_with("revoked"), env=test_env)
    check("revoked certificate refused through the OCSP responder (cert_revoked)",
          rc == 1 and error_of(res, "revocation") == "cert_revoked", str(res) + err)
    rc, res, err = verify(os.path.join(work, "plain_revoked.cer"), sign_with("plain_revoked"),
                          env={**test_env, "BUZON_EFIRMA_OCSP_URL": ocsp_url})
    check("the configured OCSP URL serves certificates that name none",
          rc == 1 and error_of(res, "revocation") == "cert_revoked", str(res) + err)
finally:
    responder.terminate()
    responder.wait(timeout=10)

# --- OCSP over https ----------------------------------------------------------------------------
# SAT's responder is https. Each request is answered by `openssl ocsp -reqin/-respout` behind a
# TLS server whose certificate names 127.0.0.1; the client trusts it through SSL_CERT_FILE.
tls_cert, tls_key = os.path.join(work, "tls.pem"), os.path.join(work, "tls.key")
rc, _, err = openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tls_key,
                     "-out", tls_cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                     "-addext", "subjectAltName=IP:127.0.0.1")
check("a TLS certificate for the loopback responder", rc == 0, err)


class OcspOverTls(BaseHTTPRequestHandler):
    def do_POST(self):
        req = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "req.der"), "wb") as f:
                f.write(req)
            openssl("ocsp", "-index", os.path.join(ca, "index.txt"), "-CA",
                    os.path.join(ca, "ac.pem"), "-rsigner", os.path.join(ca, "ocsp.pem"),
                    "-rkey", os.path.join(ca, "ocsp.key.pem"), "-reqin",
                    os.path.join(d, "req.der"), "-respout", os.path.join(d, "resp.der"))
            with open(os.path.join(d, "resp.der"), "rb") as f:
                resp = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(resp)))
        self.end_headers()
        self.wfile.write(resp)

    def log_message(self, *args):
        pass


httpd = ThreadingHTTPServer(("127.0.0.1", 0), OcspOverTls)
tls_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls_ctx.load_cert_chain(tls_cert, tls_key)
httpd.socket = tls_ctx.wrap_socket(httpd.socket, server_side=True)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
https_env = {**test_env, "BUZON_EFIRMA_OCSP_URL": f"https://127.0.0.1:{httpd.server_address[1]}/",
             "SSL_CERT_FILE": tls_cert}
try:
    rc, res, err = verify(os.path.join(work, "plain_revoked.cer"), sign_with("plain_revoked"),
                          env=https_env)
    check("an https OCSP responder is asked and its answer counts (cert_revoked)",
          rc == 1 and error_of(res, "revocation") == "cert_revoked", str(res) + err)
    rc, res, err = verify(os.path.join(work, "plain.cer"), sign_with("plain"), env=https_env)
    check("an https OCSP responder's good answer counts (source ocsp)",
          rc == 0 and res["checks"]["revocation"].get("source") == "ocsp", str(res) + err)
    untrusted = {**https_env, "SSL_CERT_FILE": os.path.join(ca, "ac.pem")}
    rc, res, err = verify(os.path.join(work, "plain.cer"), sign_with("plain"), env=untrusted)
    check("an https responder whose TLS certificate is not trusted is not believed",
          rc == 1 and error_of(res, "revocation") == "revocation_unreachable", str(res) + err)
finally:
    httpd.shutdown()

good_sig = sign_with("good")
rc, res, err = verify(os.path.join(work, "good.cer"), good_sig, env=test_env)
check("responder down, policy refuse: revocation fails (revocation_unreachable)",
      rc == 1 and error_of(res, "revocation") == "revocation_unreachable", str(res) + err)
rc, res, err = verify(os.path.join(work, "good.cer"), good_sig,
                      env={**test_env, "BUZON_EFIRMA_REVOCATION_UNREACHABLE": "accept"})
rev = res.get("checks", {}).get("revocation", {})
check("responder down, policy accept: valid, recorded as not checked",
      rc == 0 and res["valid"] and rev.get("status") == "skipped" and rev.get("checked") is False,
      str(res) + err)

# --- CRL ----------------------------------------------------------------------------------------
crl_env = {**test_env, "BUZON_EFIRMA_CRL_DIR": os.path.join(ca, "crl")}
rc, res, err = verify(os.path.join(work, "plain_revoked.cer"), sign_with("plain_revoked"),
                      env=crl_env)
check("revoked certificate refused through the CRL",
      rc == 1 and error_of(res, "revocation") == "cert_revoked", str(res) + err)
rc, res, err = verify(os.path.join(work, "plain.cer"), sign_with("plain"), env=crl_env)
check("a certificate absent from a fresh CRL is good (source crl)",
      rc == 0 and res["checks"]["revocation"].get("source") == "crl", str(res) + err)

shutil.rmtree(work)
finish()

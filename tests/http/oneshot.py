"""`buzon serve --request-file FILE`: one raw request answered on stdout, without a socket."""
import json
import os
import subprocess
import tempfile
from httptest import BIN, check, finish


def answer(raw):
    """Run buzon on raw bytes: (exit code, status, headers dict, body bytes, stderr)."""
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(raw)
    try:
        p = subprocess.run([BIN, "serve", "--request-file", f.name], capture_output=True,
                           timeout=60)
    finally:
        os.unlink(f.name)
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/1.1 ") else 0
    headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
    return p.returncode, status, headers, body, p.stderr.decode()


rc, status, headers, body, err = answer(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
check("a request from a file is answered on stdout", rc == 0 and status == 200 and
      json.loads(body) == {"status": "ok"}, f"{rc} {status} {body!r} {err}")
check("with the same headers as over a socket",
      headers.get("x-content-type-options") == "nosniff" and "x-request-id" in headers and
      headers.get("content-length") == str(len(body)), str(headers))
check("and its access-log line", '"event":"http_request"' in err and '"route":"/healthz"' in err,
      err)

rc, status, headers, body, err = answer(b"GET /api/v1/session HTTP/1.1\r\n\r\n")
check("authentication applies in this mode too", status == 401 and
      json.loads(body)["code"] == "unauthenticated", f"{status} {body!r}")

rc, status, headers, body, err = answer(b"\x00\xffGET / HTTP/9\r\n")
check("garbage gets a 400 problem, not a crash", rc == 0 and status == 400 and
      headers.get("content-type") == "application/problem+json", f"{rc} {status} {body!r}")

p = subprocess.run([BIN, "serve", "--request-file", "/no/such/file"], capture_output=True,
                   text=True, timeout=60)
check("a missing file is a usage error in Spanish", p.returncode == 2 and
      "no se pudo abrir" in p.stderr, f"{p.returncode} {p.stderr}")
finish()

"""`buzon serve`: starts, prints its URL, answers /healthz, stops cleanly on SIGTERM."""
import json
import os
import signal
import subprocess
import tempfile
import urllib.error
import urllib.request
from clitest import BIN, check, finish

with tempfile.TemporaryDirectory() as data:
    p = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", data + "/d"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    check("prints the URL to open", line.startswith("Buzón IMSS escuchando en http://127.0.0.1:"),
          line)
    url = line.split()[-1]

    with urllib.request.urlopen(url + "healthz", timeout=10) as r:
        check("healthz answers 200 JSON", r.status == 200 and
              r.headers["Content-Type"] == "application/json")
        check("healthz body", json.loads(r.read()) == {"status": "ok"})

    try:
        urllib.request.urlopen(url + "no-existe", timeout=10)
        check("unknown route is 404", False)
    except urllib.error.HTTPError as e:
        body = json.loads(e.read())
        check("unknown route is a 404 problem+json with a Spanish detail",
              e.code == 404 and e.headers["Content-Type"] == "application/problem+json"
              and body["code"] == "not_found")

    check("data dir was created with mode 0700",
          oct(os.stat(data + "/d").st_mode & 0o777) == "0o700")

    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=20)
    err = p.stderr.read()
    check("SIGTERM stops with 0", rc == 0, err)
    lines = [json.loads(l) for l in err.splitlines() if l.startswith("{")]
    events = [l["event"] for l in lines if l["event"] != "http_request"]
    check("logs started, stopping, stopped as JSON lines",
          [e for e in events if e.startswith("serve_")] ==
          ["serve_started", "serve_stopping", "serve_stopped"], str(events))
    check("the delivery worker runs inside serve", "worker_started" in events, str(events))
    access = [l for l in lines if l["event"] == "http_request"]
    check("logs one access line per request, by route pattern",
          [(a["route"], a["status"]) for a in access] == [("/healthz", 200), ("unmatched", 404)],
          str(access))

finish()

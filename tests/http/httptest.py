"""Helpers for the HTTP tests: start `buzon serve` on a loopback port, run tables of steps."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile

BIN = os.environ["BUZON_BIN"]
failures = []


def check(name, cond, detail=""):
    """Record one named check."""
    if cond:
        print(f"ok - {name}")
    else:
        print(f"not ok - {name} {detail}")
        failures.append(name)


def finish():
    """Exit non-zero when any check failed."""
    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


class Server:
    """A `buzon serve` on 127.0.0.1 with a free port, a temporary data dir and extra env."""

    def __init__(self, env=None):
        self.tmp = tempfile.TemporaryDirectory()
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.tmp.name + "/var"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)
        line = self.proc.stdout.readline()
        if "http://" not in line:
            raise RuntimeError("buzon serve did not start: " + line + self.proc.stderr.read())
        self.port = int(line.rsplit(":", 1)[1].strip("/\n"))
        self.stderr = ""

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def raw(self):
        """A plain socket to the server, for requests http.client cannot send."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def stop(self):
        """SIGTERM, wait, and keep stderr (the JSON log lines). Returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        self.stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.tmp.cleanup()
        return rc

    def log_lines(self):
        return [json.loads(l) for l in self.stderr.splitlines() if l.startswith("{")]


def read_response(sock):
    """Read one HTTP/1.1 response with Content-Length from sock: (status, headers, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return 0, {}, b""
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    want = int(headers.get("content-length", "0"))
    while len(body) < want:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def lookup(doc, dotted):
    """doc["a"]["b"] for "a.b"; list indexes as numbers."""
    for part in dotted.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def run_steps(server, steps):
    """Run a table of labelled steps, each on its own connection.

    A step is a dict: label, method, path, and optionally headers, body (bytes or a JSON
    object), status (expected), json (dotted field -> expected value), headers_out (name ->
    expected value, None meaning present with any value), contains (substrings of the body).
    """
    for step in steps:
        conn = server.connect()
        body = step.get("body")
        headers = dict(step.get("headers", {}))
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        conn.request(step["method"], step["path"], body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        label = step["label"]
        problems = []
        if resp.status != step["status"]:
            problems.append(f"status {resp.status}, expected {step['status']}: {data[:300]!r}")
        for name, want in step.get("headers_out", {}).items():
            got = resp.getheader(name)
            if got is None or (want is not None and got != want):
                problems.append(f"header {name}={got!r}, expected {want!r}")
        if "json" in step:
            try:
                doc = json.loads(data)
                for field, want in step["json"].items():
                    got = lookup(doc, field)
                    if got != want:
                        problems.append(f"{field}={got!r}, expected {want!r}")
            except (ValueError, KeyError, IndexError, TypeError) as e:
                problems.append(f"body {data[:300]!r}: {e!r}")
        for text in step.get("contains", []):
            if text.encode() not in data:
                problems.append(f"body lacks {text!r}")
        check(label, not problems, "; ".join(problems))
        conn.close()

"""Helpers for the delivery tests: free ports, waiting for servers, running deliver_send."""
import json
import os
import socket
import subprocess
import sys
import time

SEND = os.environ["DELIVER_SEND_BIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
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


def free_port():
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc=None, timeout=15):
    """Wait until something accepts connections on port; fail if proc exits first."""
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def python_with(module):
    """An interpreter that can import module: this one, or Debian's (python3-aiosmtpd)."""
    for exe in (sys.executable, "/usr/bin/python3"):
        if subprocess.run([exe, "-c", f"import {module}"], capture_output=True).returncode == 0:
            return exe
    sys.exit(f"{module} is missing: scripts/deps.sh scripts/packages-test.txt")


def deliver(messages, **settings):
    """Run deliver_send with [deliver] settings (as BUZON_DELIVER_*) on the messages.

    Returns (results by key, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUZON_DELIVER_")}
    for k, v in settings.items():
        env["BUZON_DELIVER_" + k.upper()] = str(v)
    stdin = "".join(json.dumps(m) + "\n" for m in messages)
    p = subprocess.run([SEND], input=stdin, capture_output=True, text=True, env=env, timeout=90)
    if p.returncode != 0:
        raise RuntimeError(f"deliver_send failed: {p.stderr}")
    rows = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    return {r["key"]: r for r in rows}, p.stderr

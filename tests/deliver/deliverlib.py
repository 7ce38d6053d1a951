"""Helpers for the delivery tests: free ports, waiting for servers, running deliver_send, and
the Kannel SMS gateway with its fake SMS centre (also used by tests/http/contacts.py)."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse

SEND = os.environ.get("DELIVER_SEND_BIN", "")  # only deliver() needs it
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


# The Kannel SMS gateway with its fake SMS centre (Debian kannel, kannel-extras).
BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"

CONF = """
group = core
admin-port = {admin}
admin-password = {admin_password}
smsbox-port = {smsbox}
box-allow-ip = 127.0.0.1
log-file = "{tmp}/bearerbox.log"
log-level = 1
store-type = spool
store-location = "{tmp}/spool"

group = smsc
smsc = fake
smsc-id = fake
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
log-file = "{tmp}/smsbox.log"
log-level = 1

group = sendsms-user
username = buzon
password = {password}
max-messages = 3
concatenation = true
black-list-regex = "^\\+52999"

group = sms-service
keyword = default
text = "no"
catch-all = true
"""


def start_kannel(tmp):
    """Start bearerbox, smsbox and the fake SMSC; return (processes, sendsms URL, phone log)."""
    for exe in (BEARERBOX, SMSBOX, FAKESMSC):
        if not os.access(exe, os.X_OK):
            raise SystemExit(f"{exe} is missing: scripts/deps.sh scripts/packages-test.txt")
    ports = {k: free_port() for k in ("admin", "smsbox", "smsc", "sendsms")}
    os.mkdir(os.path.join(tmp, "spool"))
    conf = os.path.join(tmp, "kannel.conf")
    with open(conf, "w") as f:
        f.write(CONF.format(tmp=tmp, password="clave-de-prueba", admin_password=os.urandom(8).hex(),
                            **ports))
    procs = []
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs.append(subprocess.Popen([BEARERBOX, conf], **quiet))
    wait_port(ports["smsbox"], procs[0])
    procs.append(subprocess.Popen([SMSBOX, conf], **quiet))
    wait_port(ports["sendsms"], procs[1])
    phone_log = open(os.path.join(tmp, "phone.log"), "w")
    procs.append(subprocess.Popen([FAKESMSC, "-H", "127.0.0.1", "-r", str(ports["smsc"]),
                                   "-m", "0", "1 2 text nop"],
                                  stdout=phone_log, stderr=subprocess.STDOUT))
    url = f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms"
    return procs, url, os.path.join(tmp, "phone.log")


def received(log, n, timeout=20):
    """The first n messages the fake phone got, as (from, to, text), waiting for them."""
    end = time.time() + timeout
    got = []
    while time.time() < end:
        with open(log, errors="replace") as f:
            got = re.findall(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>$", f.read(), re.M)
        if len(got) >= n:
            break
        time.sleep(0.1)
    out = []
    for sender, to, kind, data in got:
        if kind == "ucs-2":
            data = urllib.parse.unquote_to_bytes(data.replace("+", "%20")).decode("utf-16-be")
        out.append((sender, to, kind, data))
    return out

"""Benchmark: e-mails per second through src/deliver/smtp.c, beside the SMTP server's own limit.

Starts aiosmtpd on loopback with a handler that accepts and drops messages, then sends the
same N validation e-mails twice: with Python's smtplib over one connection (what the server can
take: the machine's limit for this pair) and with deliver_send (outbox in memory, one worker,
libcurl reusing its connection). Prints both rates and their ratio.
Usage: deliver_smtp.py [N]; DELIVER_SEND_BIN names the program.
"""
import os
import smtplib
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "deliver"))
from deliverlib import HERE, deliver, free_port, python_with, wait_port  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
PY = python_with("aiosmtpd")
PARAMS = {"registro": "3 de diciembre de 2026, 12:22 h",
          "enlace": "https://buzon.example.mx/validar?t=Zm9vYmFy",
          "codigo": "482913", "limite": "6 de diciembre de 2026, 12:22 h"}


def main():
    port = free_port()
    env = dict(os.environ, PYTHONPATH=HERE)
    server = subprocess.Popen([PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                               "-c", "aiosmtpd.handlers.Sink"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, server)
        messages = [{"kind": "email", "to": f"persona{i}@ejemplo.mx", "key": f"bench-{i}",
                     "template": "validation_email", "params": PARAMS} for i in range(N)]
        settings = {"smtp_url": f"smtp://127.0.0.1:{port}", "smtp_tls": "none",
                    "smtp_from": "avisos@buzon.example.mx", "max_attempts": 1,
                    "batch": 100}

        t0 = time.perf_counter()
        res, _ = deliver(messages, **settings)
        ours = N / (time.perf_counter() - t0)
        delivered = sum(1 for r in res.values() if r["state"] == "delivered")

        # About the size of the validation e-mail (1.6 kB), in lines of 77 octets.
        body = ("Subject: =?UTF-8?B?QnV6w7NuIElNU1M=?=\r\n\r\n" + ("x" * 75 + "\r\n") * 20).encode()
        t0 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as s:
            for i in range(N):
                s.sendmail("avisos@buzon.example.mx", [f"persona{i}@ejemplo.mx"], body)
        limit = N / (time.perf_counter() - t0)

        print(f"deliver/smtp: {delivered}/{N} delivered, {ours:.0f} e-mails/s "
              f"(one worker, program start included)")
        print(f"limit: smtplib to the same server, one connection: {limit:.0f} e-mails/s")
        print(f"ratio: {ours / limit:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)


main()

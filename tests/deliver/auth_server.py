"""SMTP server that requires AUTH, for the delivery tests: aiosmtpd's SMTP class with an
authenticator, delivering to a Maildir through maildir_handler.

Usage: auth_server.py PORT MAILDIR USER PASSWORD. AUTH is allowed without TLS because the
server listens on loopback only (the client refuses that anywhere else). Runs until killed.
"""
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from maildir_handler import MaildirHandler


def main():
    port, box, user, password = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd then answers 535 itself (its default assumes we replied).
        return AuthResult(success=ok, handled=False)

    controller = Controller(MaildirHandler(box), hostname="127.0.0.1", port=int(port),
                            authenticator=authenticator, auth_required=True,
                            auth_require_tls=False)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    controller.stop()


main()

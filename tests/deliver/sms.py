"""SMS through a real gateway: Kannel (Debian kannel) with its fake SMS centre.

bearerbox and smsbox run from a configuration generated in a temporary directory, on free
loopback ports; /usr/lib/kannel/test/fakesmsc (kannel-extras) stands in for the carrier and
prints every message it receives, so the test reads the text a phone would have shown. Sends
through src/deliver/sms.c: the validation SMS (GSM 7-bit), a text outside the GSM alphabet
(UCS-2), the aviso; then a wrong password (transient) and a number the gateway refuses
(permanent).
"""
import os
import subprocess
import tempfile
from deliverlib import check, deliver, finish, free_port, received, start_kannel

def settings(url, tmp, **more):
    pw = os.path.join(tmp, "sms-password")
    with open(pw, "w") as f:
        f.write("clave-de-prueba\n")
    s = {"sms_url": url, "sms_user": "buzon", "sms_password_file": pw, "sms_from": "IMSS",
         "sms_timeout_s": 10, "max_attempts": 1}
    s.update(more)
    return s


VALIDATION = {"kind": "sms", "to": "+525512345678", "key": "val-1-sms",
              "template": "validation_sms",
              "params": {"codigo": "48291377", "limite": "06/12/2026 12:22"}}
UCS2_TEXT = "¿Recibió el aviso? Sí: ábralo en su Buzón IMSS."
AVISO = {"kind": "sms", "to": "+523312345678", "key": "aviso-77-sms",
         "template": "aviso_sms",
         "params": {"rfc": "GODE561231GR8", "depositado": "03/12/2026 10:15",
                    "dia3": "08/12/2026"}}


def run(tmp):
    procs, url, log = start_kannel(tmp)
    try:
        res, err = deliver([VALIDATION], **settings(url, tmp))
        r = res["val-1-sms"]
        check("the validation SMS is accepted by the gateway",
              r["state"] == "delivered" and r["reply_code"] == 202, str(r) + err)
        check("the gateway's reply is kept as evidence",
              r["reply"] == "202 0: Accepted for delivery", r["reply"])
        msgs = received(log, 1)
        check("the phone received it", len(msgs) == 1, str(msgs))
        if msgs:
            sender, to, kind, text = msgs[0]
            check("from the configured sender, to the E.164 number",
                  sender == "IMSS" and to == "+525512345678", f"{sender} {to}")
            check("sent in the GSM 7-bit alphabet", kind == "text", kind)
            check("the phone shows the code and the limit",
                  text.startswith("Buzon IMSS: su clave para confirmar este celular es 48291377.")
                  and "Vence el 06/12/2026 12:22" in text, text)

        res, err = deliver([{"kind": "sms", "to": "+525587654321", "key": "ucs2-1",
                             "body": UCS2_TEXT}], **settings(url, tmp))
        check("a text outside the GSM alphabet is accepted", res["ucs2-1"]["state"] == "delivered",
              str(res["ucs2-1"]) + err)
        msgs = received(log, 2)
        check("it travels as UCS-2 and arrives unchanged",
              len(msgs) == 2 and msgs[1][2] == "ucs-2" and msgs[1][3] == UCS2_TEXT,
              str(msgs[1:]))

        res, err = deliver([AVISO], **settings(url, tmp))
        msgs = received(log, 3)
        check("the aviso SMS arrives with the RFC, time placed and last day",
              len(msgs) == 3 and "RFC GODE561231GR8" in msgs[2][3]
              and "03/12/2026 10:15" in msgs[2][3] and "hasta el 08/12/2026" in msgs[2][3],
              str(msgs[2:]))

        bad = settings(url, tmp)
        with open(bad["sms_password_file"], "w") as f:
            f.write("otra\n")
        res, _ = deliver([dict(VALIDATION, key="badpw")], **bad)
        r = res["badpw"]
        check("a wrong gateway password is transient (configuration, not the message)",
              r["outcome"] == "transient" and r["reply_code"] == 403
              and r["reply"].startswith("403 Authorization failed"), str(r))

        res, _ = deliver([dict(VALIDATION, key="denied", to="+529991234567")],
                         **settings(url, tmp, max_attempts=3))
        r = res["denied"]
        check("a number the gateway refuses is permanent: one attempt",
              r["state"] == "failed" and r["attempts"] == 1 and r["outcome"] == "permanent"
              and r["reply_code"] == 400 and r["error"] == "deliver_sms_rejected", str(r))

        res, _ = deliver([dict(VALIDATION, key="down")],
                         **settings(f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms", tmp))
        check("an unreachable gateway is transient",
              res["down"]["outcome"] == "transient" and res["down"]["reply_code"] == 0,
              str(res["down"]))
        check("the phone got nothing else", len(received(log, 4, timeout=2)) == 3)
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


with tempfile.TemporaryDirectory() as tmp:
    run(tmp)
finish()

"""`buzon mailbox`: the import of mailboxes enabled under the 2020 rules (Lineamientos 5.4) and
the summary of one mailbox; `buzon serve` with terms.file (docs/configuration.md)."""
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import urllib.request
from clitest import BIN, check, finish, run

with tempfile.TemporaryDirectory() as tmp:
    data = os.path.join(tmp, "datos")
    good = os.path.join(tmp, "buenos.csv")
    # 12,000 companies' RFCs core/ident accepts (three letters, a real YYMMDD, homoclave; the
    # check character may only warn): enough rows for progress lines.
    rows = ["rfc,enabled_date", "EKU9003173C9,2021-03-04"]
    for i in range(12000):
        yy, mm, dd = 50 + i // 336 % 40, i // 28 % 12 + 1, i % 28 + 1
        letter = chr(65 + i // 13440 % 26)
        rows.append(f"AB{letter}{yy:02d}{mm:02d}{dd:02d}A{i % 10}{i // 4480 % 10},"
                    "2022-05-06")
    with open(good, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    # A repeated RFC would be refused: keep the first of each.
    seen, unique = set(), []
    for r in rows[1:]:
        if r.split(",")[0] not in seen:
            seen.add(r.split(",")[0])
            unique.append(r)
    with open(good, "w", encoding="utf-8") as f:
        f.write(rows[0] + "\n" + "\n".join(unique) + "\n")

    rc, out, err = run("mailbox", "--data-dir", data, "import-2020", good)
    check("a valid file is imported and the counts are printed",
          rc == 0 and f"{len(unique)} filas; {len(unique)} habilitados ahora" in out, out + err)
    check("progress goes to stderr for large files", "filas revisadas" in err, err[-300:])
    rc, out, err = run("mailbox", "--data-dir", data, "import-2020", good)
    check("importing again changes nothing",
          rc == 0 and f"0 habilitados ahora, {len(unique)} ya estaban importados" in out, out)

    rc, out, err = run("mailbox", "--data-dir", data, "show", "EKU9003173C9")
    doc = json.loads(out) if rc == 0 else {}
    check("show prints the summary as JSON", rc == 0 and doc.get("state") == "enabled_2020"
          and doc.get("enabled_at") == "2021-03-04T06:00:00Z"
          and doc.get("enable_deadline") == "2025-02-01", out + err)
    db = sqlite3.connect(os.path.join(data, "buzon.db"))
    audited = db.execute("SELECT count(*) FROM audit_events WHERE action = 'mailbox.read'"
                         ).fetchone()[0]
    db.close()
    check("show is recorded in the audit log", audited == 1, str(audited))

    bad = os.path.join(tmp, "malos.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("PELM800101AB1,2021-01-01\nPELM800101AB1-X,2021-01-01\n")
    rc, out, err = run("mailbox", "--data-dir", data, "import-2020", bad)
    e = json.loads(err.splitlines()[-1]) if err.strip() else {}
    check("a bad row is named by its line and nothing is imported",
          rc == 2 and e.get("error") == "import_row_invalid" and "línea 2" in e.get("message", "")
          and "no se importó nada" in e.get("message", ""), err)
    rc, out, err = run("mailbox", "--data-dir", data, "show", "PELM800101AB1")
    check("the good row of the bad file was not imported",
          rc == 0 and json.loads(out)["state"] == "not_enabled", out + err)

    rc, out, err = run("mailbox", "--data-dir", data, "frobnicate", "x")
    check("an unknown verb is a usage error", rc == 2, err)

    # terms.file: another text, offered with its own version and hash.
    terms = os.path.join(tmp, "terminos.txt")
    with open(terms, "w", encoding="utf-8") as f:
        f.write("Términos de prueba, versión local.\n")
    rc, out, err = run("serve", "--listen", "127.0.0.1:0", "--data-dir", data,
                       env={"BUZON_TERMS_FILE": terms})
    check("terms.file without terms.version stops start-up", rc == 2 and "terms.version" in err,
          err[-300:])
    p = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", data],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, BUZON_TERMS_FILE=terms,
                                  BUZON_TERMS_VERSION="2025-local"))
    line = p.stdout.readline()
    port = int(line.rsplit(":", 1)[1].strip("/\n"))
    doc = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/terms"))
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=20)
    p.stdout.close()
    p.stderr.close()
    with open(terms, "rb") as f:
        want = hashlib.sha256(f.read()).hexdigest()
    check("serve offers the configured terms with their version and hash",
          doc["version"] == "2025-local" and doc["sha256"] == want
          and doc["text"].startswith("Términos de prueba"), str(doc))

finish()

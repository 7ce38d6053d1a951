"""`buzon migrate` and the store at `buzon serve` start-up: versions, refusals, messages."""
import json
import os
import signal
import subprocess
import tempfile
from clitest import BIN, check, finish, run

with tempfile.TemporaryDirectory() as tmp:
    data = os.path.join(tmp, "datos")
    rc, out, err = run("migrate", "--data-dir", data)
    check("migrate on a new database applies the migrations", rc == 0 and
          "versión 3" in out and "(3 migraciones aplicadas)" in out, out + err)
    check("the database file is under data_dir", os.path.exists(os.path.join(data, "buzon.db")))

    rc, out, err = run("migrate", "--data-dir", data)
    check("migrate again applies nothing", rc == 0 and "(0 migraciones aplicadas)" in out,
          out + err)

    rc, out, err = run("migrate", "--data-dir", data, "--bogus")
    check("an unknown option is a usage error", rc == 2)

    # A schema from a newer program is refused with a clear Spanish message, untouched.
    subprocess.run(["sqlite3", os.path.join(data, "buzon.db"),
                    "INSERT INTO schema_migrations VALUES (99, '0099-futuro', 0)"], check=True)
    rc, out, err = run("migrate", "--data-dir", data)
    e = json.loads(err.splitlines()[-1])
    check("a newer database is refused by migrate", rc == 1 and
          e["error"] == "store_schema_too_new" and "más nuevo" in e["message"], err)

    p = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", data],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=30)
    check("serve refuses a newer database and exits 1", p.returncode == 1 and
          "store_schema_too_new" in err, err)

    # With migrate_on_start off, an old (here empty) database stops start-up.
    rc, out, err = run("serve", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(tmp, "b"),
                       env={"BUZON_STORE_MIGRATE_ON_START": "false"})
    check("serve without migrate_on_start refuses an old schema and says what to run",
          rc == 1 and "store_schema_old" in err and "buzon migrate" in err, err)

    # With it on (the default), serve migrates and starts.
    fresh = os.path.join(tmp, "c")
    p = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", fresh],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=20)
    err = p.stderr.read()
    events = [json.loads(l) for l in err.splitlines() if l.startswith("{")]
    opened = [e for e in events if e["event"] == "serve_started"]
    check("serve migrates a new database at start-up", rc == 0 and len(opened) == 1 and
          opened[0]["store"] == "sqlite" and opened[0]["migrations_applied"] == 3, err)

    rc, out, err = run("migrate", "--data-dir", data, env={"BUZON_STORE_URL": "mysql://x"})
    check("a store URL of an unknown kind is refused", rc != 0 and "store.url" in err, err)

# The same on PostgreSQL when scripts/services.sh started one: a fresh schema of its own.
pg = os.environ.get("BUZON_TEST_PG_URL")
if pg:
    schema = f"cli_migrate_{os.getpid()}"
    subprocess.run(["psql", "-q", "-X", pg, "-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE",
                    "-c", f"CREATE SCHEMA {schema}"], check=True,
                   env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"))
    url = f"{pg}?options=-csearch_path%3D{schema}"
    rc, out, err = run("migrate", env={"BUZON_STORE_URL": url})
    check("migrate on PostgreSQL applies the migrations", rc == 0 and
          "(3 migraciones aplicadas)" in out, out + err)
    rc, out, err = run("migrate", env={"BUZON_STORE_URL": url})
    check("migrate again on PostgreSQL applies nothing", rc == 0 and
          "(0 migraciones aplicadas)" in out, out + err)

finish()

"""Helpers for the CLI tests: run `buzon` and check what it prints and returns."""
import json
import os
import subprocess
import sys

BIN = os.environ["BUZON_BIN"]
failures = []


def run(*args, stdin=None, env=None):
    """Run buzon with args; return (exit code, stdout, stderr) as text."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, env=full_env,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    """Record one named check."""
    if cond:
        print(f"ok - {name}")
    else:
        print(f"not ok - {name} {detail}")
        failures.append(name)


def json_lines(text):
    """Parse text as JSON lines, ignoring blank lines."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def finish():
    """Exit non-zero when any check failed."""
    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)

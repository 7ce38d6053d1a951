#!/usr/bin/env python3
"""docs/regulation.md names every numeral of the Lineamientos once, and only paths that exist.

The numerals are listed here as the regulation has them; when the regulation's text is at hand
(BUZON_SHARED/reference), the list is also checked against it, so a numeral cannot be missed by
both.
"""
import glob
import os
import re
import sys

root = os.environ.get("BUZON_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
NUMERALS = (["1", "2", "3"] + [f"4.{i}" for i in range(1, 7)] + [f"5.{i}" for i in range(1, 10)]
            + [f"6.{i}" for i in range(1, 6)] + [f"7.{i}" for i in range(1, 11)]
            + ["8", "9", "10", "11", "Transitorio Primero", "Transitorio Segundo",
               "Transitorio Tercero"] + [f"Servicio {i}" for i in range(1, 11)])
STATUSES = ("done", "partial", "pending", "no code")
failures = []

rows = {}
with open(os.path.join(root, "docs", "regulation.md"), encoding="utf-8") as f:
    for line in f:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("Numeral", "---"):
            continue
        numeral, _, where, status = cells
        if numeral in rows:
            failures.append(f"{numeral}: more than one row")
        rows[numeral] = (where, status)
        if not status.startswith(STATUSES):
            failures.append(f"{numeral}: status {status!r} is not one of {STATUSES}")
        paths = re.findall(r"`([^`]+)`", where)
        if not paths:
            failures.append(f"{numeral}: no path says where")
        for p in paths:
            if not glob.glob(os.path.join(root, p)):
                failures.append(f"{numeral}: {p} does not exist")

for n in NUMERALS:
    if n not in rows:
        failures.append(f"{n}: no row")
for n in rows:
    if n not in NUMERALS:
        failures.append(f"{n}: not a numeral of the Lineamientos")

ref_dir = os.path.join(os.environ.get("BUZON_SHARED", ""), "reference")
for ref in glob.glob(os.path.join(ref_dir, "*.txt")) if os.environ.get("BUZON_SHARED") else []:
    text = open(ref, encoding="utf-8").read()
    if "Buzón IMSS" not in text:
        continue
    body = text.split("Transitorios")[0]
    found = set(re.findall(r"^(\d+\.\d+) ", body, re.M))
    headings = set(re.findall(r"^(\d+)\. [A-ZÁÉÍÓÚ]", body, re.M))
    # A heading whose section has numbered rules (4.1, 4.2...) is not a rule itself.
    found |= {h for h in headings if not any(n.startswith(h + ".") for n in found)}
    for n in sorted(found - set(NUMERALS)):
        failures.append(f"{n}: in the regulation's text but not in this test's list")

for msg in failures:
    print("regulation: " + msg)
print(f"regulation: {len(rows)} numerals, {len(failures)} problems")
sys.exit(1 if failures else 0)

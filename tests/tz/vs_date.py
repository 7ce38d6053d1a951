"""core/tz against the system's own `date` (GNU coreutils over glibc's TZif reader): every
Mexican zone of legal-rules.md section 8, every hour of 2022-2027, UTC -> local time and
offset. tzdump also checks that each instant round-trips through local time.

date is asked for the local time only: its %s converts the broken-down time back with mktime,
which in a repeated hour picks the first occurrence (seen on 2022-11-29 23:00 in Ciudad
Juárez), so it is not an independent reading of the instant."""
import os
import subprocess
import sys

TZDUMP = sys.argv[1]
ZONES = ["America/Mexico_City", "America/Cancun", "America/Merida", "America/Monterrey",
         "America/Chihuahua", "America/Bahia_Banderas", "America/Mazatlan",
         "America/Hermosillo", "America/Tijuana", "America/Matamoros", "America/Ojinaga",
         "America/Ciudad_Juarez"]
FIRST = 1640995200           # 2022-01-01T00:00:00Z
LAST = 1830297600 - 3600     # 2027-12-31T23:00:00Z
STEP = 3600

failures = 0
for zone in ZONES:
    ours = subprocess.run([TZDUMP, zone, str(FIRST), str(LAST), str(STEP)], capture_output=True,
                          text=True, check=False)
    if ours.returncode != 0:
        print(f"not ok - {zone}: tzdump failed: {ours.stderr.strip()}")
        failures += 1
        continue
    stamps = "".join(f"@{t}\n" for t in range(FIRST, LAST + 1, STEP))
    theirs = subprocess.run(["date", "-f", "-", "+%Y-%m-%dT%H:%M:%S%z"], input=stamps,
                            capture_output=True, text=True, check=True,
                            env={**os.environ, "TZ": zone}).stdout.splitlines()
    mine = [line.split(" ", 1)[1] for line in ours.stdout.splitlines()]
    diff = [(a, b) for a, b in zip(mine, theirs) if a != b]
    if len(mine) != len(theirs) or diff:
        print(f"not ok - {zone}: {len(diff)} hours differ, first {diff[:3]}")
        failures += 1
    else:
        print(f"ok - {zone}: {len(mine)} hours agree with date")
print(f"{failures} failed")
sys.exit(1 if failures else 0)

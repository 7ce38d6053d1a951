"""core/tz against the system's own `date` (GNU coreutils over glibc's TZif reader): every
Mexican zone of legal-rules.md section 8, every hour of 2022-2027, UTC -> local time and
offset, and local time -> UTC with the skipped and repeated hours of DST changes. tzdump also
checks that each instant round-trips through local time.

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

def local_to_utc(zone):
    """Every local hour of 2022-2027: unique times must give date's instant, repeated ones one
    of the two instants reported, and skipped ones must be refused by date too."""
    ours = subprocess.run([TZDUMP, "--local", zone, str(FIRST), str(LAST), str(STEP)],
                          capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [line.split(" ") for line in ours]
    env = {**os.environ, "TZ": zone}
    live = [r for r in rows if r[2] != "gap"]
    gaps = [r for r in rows if r[2] == "gap"]
    theirs = subprocess.run(["date", "-f", "-", "+%s"], input="".join(
        f"{r[0]} {r[1]}\n" for r in live), capture_output=True, text=True, env=env,
        check=True).stdout.split()
    bad = [(r, t) for r, t in zip(live, theirs) if t not in r[3:]]
    refused = subprocess.run(["date", "-f", "-", "+%s"], input="".join(
        f"{r[0]} {r[1]}\n" for r in gaps), capture_output=True, text=True, env=env,
        check=False)
    n_refused = refused.stderr.count("invalid date")
    overlaps = sum(1 for r in rows if r[2] == "overlap")
    if len(theirs) != len(live) or bad or n_refused != len(gaps) or refused.stdout.strip():
        print(f"not ok - {zone} local->UTC: {len(bad)} differ {bad[:2]}, "
              f"{n_refused}/{len(gaps)} gaps refused by date")
        return 1
    print(f"ok - {zone} local->UTC: {len(live)} hours agree, {overlaps} repeated, "
          f"{len(gaps)} skipped")
    return 0


for zone in ZONES:
    failures += local_to_utc(zone)
print(f"{failures} failed")
sys.exit(1 if failures else 0)

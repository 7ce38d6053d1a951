"""`buzon clock`: every subcommand's JSON, its --help, and refusal of bad input (exit 2, JSON
error in Spanish on stderr). Expected values are worked out by hand in legal-rules.md terms;
June 2025 has no holidays, 17 March 2025 is one (third Monday of March)."""
import json
import os
import tempfile
from clitest import run, check, finish, json_lines

SOURCE = os.environ["BUZON_SOURCE_ROOT"]


def clock(*args, env=None):
    """Run `buzon clock ARGS` from a directory without buzon.ini; return (rc, obj, err)."""
    rc, out, err = run("clock", *args, env=env)
    obj = json.loads(out) if rc == 0 and out.strip() else None
    return rc, obj, err


def refused(name, args, code, needle, env=None):
    """Check that args are refused with exit 2 and a JSON error naming needle."""
    rc, _, err = clock(*args, env=env)
    e = json_lines(err)
    ok = rc == 2 and len(e) == 1 and e[0].get("error") == code and needle in e[0].get("message", "")
    check(name, ok, f"rc={rc} err={err.strip()}")


os.chdir(tempfile.mkdtemp())

# Help
rc, out, _ = run("clock", "--help")
check("clock --help says Uso and lists the subcommands", rc == 0 and out.startswith(
    "Uso: buzon clock") and all(s in out for s in ("day", "filing", "notification", "deadline",
                                                    "months", "estrados", "contact-expiry",
                                                    "zone")))
for sub in ("day", "filing", "notification", "deadline", "months", "estrados", "contact-expiry",
            "zone"):
    rc, out, _ = run("clock", sub, "--help")
    check(f"clock {sub} --help", rc == 0 and out.startswith(f"Uso: buzon clock {sub}"), out[:60])
rc, _, _ = run("clock")
check("clock without a subcommand is bad usage", rc == 2)

# day
rc, o, _ = clock("day", "2025-05-05")
check("5 May 2025 is not a business day (CFF list, A1)", rc == 0 and o["business_day"] is False
      and "Batalla de Puebla" in o["reason"], str(o))
rc, o, _ = clock("day", "2025-06-03")
check("3 Jun 2025 is a business day with no reason", o["business_day"] is True
      and o["reason"] is None and o["date"] == "2025-06-03", str(o))
rc, o, _ = clock("day", "2024-10-01")
check("1 Oct 2024 is the transfer of power (A2)", o["business_day"] is False, str(o))
rc, o, _ = clock("day", "2024-10-01", "--policy", "transmission_day=DEC1")
check("--policy transmission_day=DEC1 makes 1 Oct 2024 count", o["business_day"] is True, str(o))
rc, o, _ = clock("day", "2024-10-01", env={"BUZON_CLOCK_TRANSMISSION_DAY": "DEC1"})
check("the [clock] configuration goes through the same parser", rc == 0
      and o["business_day"] is True, str(o))

with tempfile.NamedTemporaryFile("w", suffix=".ini", delete=False) as f:
    f.write("[clock]\ntransmission_day = DEC1\n")
    ini = f.name
rc, o, _ = clock("day", "2024-10-01", "--config", ini)
check("a [clock] section in --config FILE is applied", rc == 0 and o["business_day"] is True,
      str(o))
rc, o, _ = clock("day", "2024-10-01", "--config", ini, "--policy", "transmission_day=OCT1")
check("--policy overrides the configuration", rc == 0 and o["business_day"] is False, str(o))
os.unlink(ini)

# filing
rc, o, _ = clock("filing", "--at", "2025-06-06T23:30:00-06:00", "--zone", "America/Cancun",
                 "--last-day", "2025-06-06")
check("Cancún filing at 23:30 Centro on the last day: legal date Saturday (A4)",
      o["legal_date"] == "2025-06-07" and o["received_at"] == "2025-06-09T00:00:00-05:00"
      and o["received_at_centro"] == "2025-06-08T23:00:00-06:00", str(o))
check("...on time by the favourable reading, flagged", o["timely"] is True
      and o["timely_domicile"] is False and "readings_differ" in o["flags"]
      and "R16" in o["rules"] and "A5" in o["ambiguities"], str(o))
rc, o, _ = clock("filing", "--at", "2025-06-04T10:00:00", "--zone", "America/Tijuana")
check("an instant without offset is read in --zone", rc == 0
      and o["received_at"] == "2025-06-04T10:00:00-07:00" and "timely" not in o, str(o))

# notification
rc, o, _ = clock("notification", "--aviso", "2025-06-02T12:00:00-06:00", "--zone",
                 "America/Mexico_City")
check("section 10 example: window Tue-Thu, deemed Friday 09:30, effect Monday",
      o["window"] == ["2025-06-03", "2025-06-04", "2025-06-05"]
      and o["deemed_at"] == "2025-06-06T09:30:00-06:00" and o["notified_by"] == "lapse"
      and o["notified_at"] == o["deemed_at"] and o["effect_date"] == "2025-06-09", str(o))
rc, o, _ = clock("notification", "--aviso", "2025-06-02T12:00:00-06:00", "--zone",
                 "America/Mexico_City", "--opened", "2025-06-03T08:15:00-06:00")
check("an opening at 08:15 counts at 09:30 of the next business day (A6)",
      o["notified_by"] == "opening" and o["notified_at"] == "2025-06-04T09:30:00-06:00"
      and o["effect_date"] == "2025-06-05", str(o))

# deadline
rc, o, _ = clock("deadline", "--notified", "2025-03-14", "--days", "15")
check("deadline skips the 17 March holiday", o["effect_date"] == "2025-03-18"
      and o["first_day"] == "2025-03-19" and o["last_day"] == "2025-04-08"
      and o["ends_at"] == "2025-04-08T23:59:59-06:00", str(o))
rc, o, _ = clock("deadline", "--notified", "2025-06-06", "--days", "3", "--zone",
                 "America/Tijuana", "--knowledge", "2025-06-04")
check("knowledge date overrides the effect date; ends at midnight in the zone (A18, D8)",
      o["effect_date"] == "2025-06-04" and o["knowledge_applied"] is True
      and o["last_day"] == "2025-06-09" and o["ends_at"] == "2025-06-09T23:59:59-07:00", str(o))

# months
rc, o, _ = clock("months", "--first-day", "2025-01-31", "--months", "1")
check("31 Jan + 1 month: no nominal end, first business day of March",
      o["nominal_end"] is None and o["last_day"] == "2025-03-03", str(o))
rc, o, _ = clock("months", "--first-day", "2025-01-15", "--months", "1")
check("15 Jan + 1 month: Saturday 15 Feb rolls to Monday 17", o["nominal_end"] == "2025-02-15"
      and o["last_day"] == "2025-02-17", str(o))

# estrados
rc, o, _ = clock("estrados", "--published", "2025-03-03")
check("estrados: eleventh business day and its effect", o["notification_date"] == "2025-03-19"
      and o["effect_date"] == "2025-03-20", str(o))

# contact-expiry
rc, o, _ = clock("contact-expiry", "--sent", "2025-03-07T12:00:00-08:00", "--zone",
                 "America/Tijuana")
check("72 elapsed hours across Tijuana's DST change (A13)",
      o["expires_utc"] == "2025-03-10T20:00:00Z"
      and o["expires_local"] == "2025-03-10T13:00:00-07:00"
      and o["expires_centro"] == "2025-03-10T14:00:00-06:00", str(o))

# zone
rc, o, _ = clock("zone", "--state", "Tamaulipas", "--municipality", "matamoros", "--date",
                 "2025-07-01")
check("Matamoros, Tamaulipas has border DST in July", o["iana"] == "America/Matamoros"
      and o["utc_offset"] == "-05:00", str(o))
rc, o, _ = clock("zone", "--state", "05", "--municipality", "017", "--date", "2025-07-01")
check("Matamoros, Coahuila (05017) is Centro without DST", o["iana"] == "America/Monterrey"
      and o["utc_offset"] == "-06:00", str(o))
rc, o, _ = clock("zone", "--state", "Chihuahua", "--municipality", "Juárez", "--date",
                 "2025-01-15")
check("Juárez in winter is UTC-7", o["iana"] == "America/Ciudad_Juarez"
      and o["utc_offset"] == "-07:00", str(o))

# --calendar
with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    f.write("# prueba\n2025-06-03 vacaciones de prueba, ACDO.PRUEBA, DOF 2025-05-01\n")
    good = f.name
with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    f.write("2025-06-03 bien\n\n2025-06-31 mal\n")
    bad = f.name
rc, o, _ = clock("day", "2025-06-03", "--calendar", good)
check("--calendar declares a day non-business with its agreement", o["business_day"] is False
      and "ACDO.PRUEBA" in o["reason"], str(o))
rc, o, _ = clock("day", "2025-06-03", "--calendar", SOURCE + "/data/calendar/imss.txt")
check("the shipped calendar loads and declares nothing", rc == 0 and o["business_day"] is True)
rc, o, _ = clock("day", "2025-06-03", env={"BUZON_CLOCK_DECLARED_DAYS": good})
check("clock.declared_days names the configured calendar", o["business_day"] is False, str(o))
rc, o, _ = clock("day", "2025-06-03", "--calendar", SOURCE + "/data/calendar/imss.txt",
                 env={"BUZON_CLOCK_DECLARED_DAYS": good})
check("--calendar is used instead of the configured days", o["business_day"] is True, str(o))

# Bad input: exit 2, JSON on stderr, in Spanish
refused("an impossible date", ["day", "2025-02-29"], "date_invalid", "no existe")
refused("a malformed date", ["months", "--first-day", "31/01/2025", "--months", "1"],
        "date_syntax", "AAAA-MM-DD")
refused("an unknown zone", ["filing", "--at", "2025-06-04T10:00:00Z", "--zone", "Mars/Olympus"],
        "tz_unknown_zone", "zona horaria desconocida")
refused("an unknown municipality", ["zone", "--state", "Coahuila", "--municipality", "Laredo",
                                    "--date", "2025-07-01"], "zone_unknown_municipality",
        "municipio desconocido")
refused("an unknown state", ["zone", "--state", "Texas", "--municipality", "001", "--date",
                             "2025-07-01"], "zone_unknown_state", "entidad")
refused("a negative plazo", ["deadline", "--notified", "2025-06-02", "--days", "-3"],
        "plazo_invalid", "negativo")
refused("a malformed calendar line, with its number", ["day", "2025-06-03", "--calendar", bad],
        "calendar_line", "línea 3")
refused("a missing calendar file", ["day", "2025-06-03", "--calendar", "/nonexistent"],
        "file_read", "no se pudo abrir")
refused("a missing option", ["deadline", "--days", "3"], "usage", "--notified")
refused("an option of another subcommand", ["day", "2025-06-03", "--zone", "America/Cancun"],
        "usage", "opción desconocida")
refused("a bad --policy value", ["day", "2025-06-03", "--policy", "calendar_mode=FAST"],
        "policy_value", "PROCEDURAL")
refused("an unknown --policy key", ["day", "2025-06-03", "--policy", "prisa=1"],
        "policy_unknown_key", "desconocido")
refused("a bad configured value", ["day", "2025-06-03"], "config_value", "clock.estrados_days",
        env={"BUZON_CLOCK_ESTRADOS_DAYS": "diez"})
refused("a skipped wall-clock time", ["filing", "--at", "2025-03-09T02:30:00", "--zone",
                                      "America/Tijuana"], "instant_gap", "no existe")
refused("a repeated wall-clock time", ["filing", "--at", "2025-11-02T01:30:00", "--zone",
                                       "America/Tijuana"], "instant_ambiguous", "dos veces")
refused("an opening before the aviso", ["notification", "--aviso", "2025-06-02T12:00:00Z",
                                        "--zone", "America/Cancun", "--opened",
                                        "2025-06-01T12:00:00Z"], "opening_before_aviso",
        "anterior")
refused("old tz data", ["day", "2025-06-03", "--policy", "tzdata_min_version=2999a"],
        "tz_too_old", "2999a")

os.unlink(good)
os.unlink(bad)
finish()

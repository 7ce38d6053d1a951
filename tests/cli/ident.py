"""`buzon ident`: one JSON line per value in input order, the verdict keys, and exit codes."""
from clitest import run, check, finish, json_lines

VALUES = ["EKU9003173C9", " hegt7610034s2 ", "AAA010101AAA", "XAXX010101000",
          "AAPR630321HDFLRC09", "92919084431", "A6534317107"]

rc, out, err = run("ident", *VALUES)
lines = json_lines(out)
check("all valid values exit 0", rc == 0, err)
check("one line per value", len(lines) == len(VALUES), out)
check("lines keep the input order", [d.get("input") for d in lines] == VALUES, out)
check("kinds are recognised",
      [d.get("kind") for d in lines] == ["rfc_company", "rfc_person", "rfc_company",
                                         "rfc_person", "curp", "nss", "registro_patronal"],
      out)
check("every value is valid", all(d.get("valid") is True for d in lines), out)
check("values are normalised", lines[1].get("normalized") == "HEGT7610034S2", out)
check("valid values carry no error", all("error" not in d for d in lines), out)
check("check_digit is ok for a matching RFC", lines[0].get("check_digit") == "ok", out)
check("a mismatching RFC check digit is valid with a warning",
      lines[2].get("check_digit") == "mismatch" and "dígito verificador" in lines[2].get(
          "warning", ""), out)
check("a generic RFC is flagged", lines[3].get("generic") is True and "warning" in lines[3], out)
check("the embedded date is shown", lines[4].get("date") == "1963-03-21", out)

BAD = [("AAPR630321HDFLRC08", "curp", "curp_check_digit"),
       ("92919084432", "nss", "nss_check_digit"),
       ("A6534317108", "registro_patronal", "registro_patronal_check_digit"),
       ("GODE560230GR8", "rfc_person", "rfc_date"),
       ("PEGL890229MJCRMS08", "curp", "curp_date"),
       ("G0DE561231GR8", "rfc_person", "rfc_characters"),
       ("ABC-123", "unknown", "ident_unknown"),
       ("", "unknown", "ident_empty")]
rc, out, err = run("ident", "EKU9003173C9", *[b[0] for b in BAD])
lines = json_lines(out)
check("any invalid value exits 1", rc == 1, err)
check("one line per value, also for invalid ones", len(lines) == len(BAD) + 1, out)
check("the valid one stays valid", lines and lines[0].get("valid") is True, out)
for (value, kind, code), d in zip(BAD, lines[1:]):
    check(f"{value!r} is {kind} with error {code}",
          d.get("input") == value and d.get("kind") == kind and d.get("valid") is False
          and d.get("error") == code and d.get("message"), str(d))
check("a parsed invalid value still shows normalized and check_digit",
      lines[1].get("normalized") == "AAPR630321HDFLRC08"
      and lines[1].get("check_digit") == "mismatch", out)
check("an unparsed value has no normalized or check_digit",
      "normalized" not in lines[-2] and "check_digit" not in lines[-2], out)

rc, out, err = run("ident", "GOD\u00c9561231GR8")
d = json_lines(out)[0]
check("non-ASCII input is echoed and refused", rc == 1 and d.get("input") == "GOD\u00c9561231GR8"
      and d.get("error") == "rfc_characters", out)

rc, out, err = run("ident")
check("no value is bad usage (2)", rc == 2 and json_lines(err)[0].get("error") == "usage", err)
rc, out, err = run("ident", "--frobnicate")
check("an unknown option is bad usage (2)", rc == 2, err)
rc, out, err = run("ident", "--", "-A6534317107")
check("values after -- are read as values", rc == 1 and json_lines(out)[0]["input"] ==
      "-A6534317107", out)
rc, out, err = run("ident", "--help")
check("--help is in Spanish and exits 0", rc == 0 and out.startswith("Uso: buzon ident")
      and "válido" in out, out)

finish()

"""`buzon verify`: sealed receipts check offline, and any tampering is named.

A test authority and a seal certificate are issued with the openssl command; evidence_tool
(a test-only program) seals receipts with them. Then each part of a bundle is changed in turn:
every field of the receipt, every byte of the cadena, every character of the sello, every hash
of the inclusion proof and of the tree head; each change must fail and name its check.
"""
import copy
import json
import os
import subprocess
import tempfile
from clitest import run, check, finish

TOOL = os.path.join(os.environ["BUZON_BUILD_ROOT"], "tests", "cli", "evidence_tool")
# fontconfig's process-wide cache, allocated when the PDF loads fonts, is not ours to free.
os.environ["LSAN_OPTIONS"] = "suppressions=" + os.path.join(os.path.dirname(__file__),
                                                            "lsan.supp")


def sh(*args):
    subprocess.run(args, check=True, capture_output=True, timeout=120)


def make_pki(d):
    """A test root, an unrelated root, and a seal certificate issued by the first."""
    cnf = os.path.join(d, "ext.cnf")
    with open(cnf, "w") as f:
        f.write("[req]\ndistinguished_name=dn\n[dn]\n"
                "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n"
                "[seal]\nbasicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,nonRepudiation\n")
    for ca in ("ca", "other"):
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
           "-subj", f"/CN=Autoridad de pruebas {ca}/O=IMSS", "-keyout", f"{d}/{ca}.key",
           "-out", f"{d}/{ca}.pem", "-config", cnf, "-extensions", "ca")
    sh("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
       "-out", f"{d}/seal-plain.key")
    with open(f"{d}/seal.pass", "w") as f:
        f.write("sello de pruebas\n")
    sh("openssl", "pkcs8", "-topk8", "-in", f"{d}/seal-plain.key", "-v2", "des3",
       "-passout", "pass:sello de pruebas", "-outform", "DER", "-out", f"{d}/seal.key")
    sh("openssl", "req", "-new", "-key", f"{d}/seal-plain.key", "-subj",
       "/CN=Sello digital del Buzón IMSS/O=IMSS", "-config", cnf, "-out", f"{d}/seal.csr")
    # Serial of ASCII digits, as SAT numbers certificates.
    serial = "0x" + b"30001000000500003416".hex()
    sh("openssl", "x509", "-req", "-in", f"{d}/seal.csr", "-CA", f"{d}/ca.pem", "-CAkey",
       f"{d}/ca.key", "-set_serial", serial, "-days", "30", "-extfile", cnf,
       "-extensions", "seal", "-out", f"{d}/seal.pem")


def verify(path, *extra, trust=None):
    rc, out, err = run("verify", *(["--trust", trust] if trust else []), *extra, path)
    try:
        verdict = json.loads(out) if out.strip() else {}
    except ValueError:
        verdict = {}
    return rc, verdict, err


def mutate_char(s, i):
    """s with character i replaced by another of the same class."""
    c = s[i]
    if c.isdigit():
        r = "1" if c == "0" else "0"
    elif c in "abcdef" and len(s) == 64:
        r = "a" if c != "a" else "b"
    elif c.isupper() and c.isascii():
        r = "B" if c != "B" else "C"
    elif c.islower() and c.isascii():
        r = "x" if c != "x" else "y"
    else:
        r = "Z" if c != "Z" else "Y"
    return s[:i] + r + s[i + 1:]


def cadena_v1(r):
    """The cadena original rebuilt from a bundle's fields by docs/receipts.md alone."""
    def field(v):
        v = str(v)
        for space in "\t\r\n":
            v = v.replace(space, " ")
        v = " ".join(w for w in v.split(" ") if w)
        return v.replace("\\", "\\\\").replace("|", "\\|")
    fields = [r["version"], r["folio"], r["kind"], r["rfc"], r["issued_at"], r["legal_zone"],
              r["signer_cert_number"] or "", r["seal_cert_number"], len(r["references"])]
    fields += [x for ref in r["references"] for x in (ref["name"], ref["value"])]
    fields += [len(r["instants"])] + [x for i in r["instants"] for x in (i["name"], i["utc"])]
    fields += [len(r["documents"])] + [x for d in r["documents"] for x in (d["name"], d["sha256"])]
    return "||" + "|".join(field(f) for f in fields) + "||"


def leaves(obj, path=()):
    """Every scalar inside obj, as (path, value)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from leaves(v, path + (i,))
    else:
        yield path, obj


def set_at(obj, path, value):
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


with tempfile.TemporaryDirectory() as d:
    make_pki(d)
    out = os.path.join(d, "out")
    os.mkdir(out)
    p = subprocess.run([TOOL, "receipts", f"{d}/seal.pem", f"{d}/seal.key", f"{d}/seal.pass",
                        out, "23"], capture_output=True, text=True, timeout=120)
    check("receipts are sealed with an encrypted DER PKCS#8 seal key", p.returncode == 0,
          p.stderr)
    trust = f"{d}/ca.pem"

    # Every receipt of every kind verifies.
    good = 0
    for i in range(23):
        rc, v, err = verify(f"{out}/receipt-{i}.json", trust=trust)
        good += rc == 0 and v.get("valid") is True
    check("every sealed receipt of every kind verifies (exit 0)", good == 23, f"{good}/23")
    rebuilt = 0
    for i in range(23):
        with open(f"{out}/receipt-{i}.json") as f:
            b = json.load(f)
        rebuilt += cadena_v1(b["receipt"]) == b["cadena"]
    check("an outside implementation of docs/receipts.md rebuilds every cadena", rebuilt == 23,
          f"{rebuilt}/23")

    rc, v, err = verify(f"{out}/receipt-0.json", trust=trust)
    check("the verdict lists every check as ok",
          [c["name"] for c in v.get("checks", [])] ==
          ["bundle_format", "cadena", "seal_certificate", "sello", "certificate_chain",
           "inclusion", "tree_head_signature", "tree_head_time"]
          and all(c["result"] == "ok" for c in v["checks"]), v)
    check("the verdict names the folio", v.get("folio", "").startswith("2026-"), v)

    rc, v, err = verify(f"{out}/receipt-0.json")
    check("without --trust the chain cannot be checked and the receipt is not valid",
          rc == 1 and v.get("failed_check") == "certificate_chain"
          and v.get("error") == "trust_missing", v)
    rc, v, err = verify(f"{out}/receipt-0.json", trust=f"{d}/other.pem")
    check("a seal certificate from another authority fails the chain",
          rc == 1 and v.get("failed_check") == "certificate_chain", v)
    trust_dir = os.path.join(d, "trust")
    os.mkdir(trust_dir)
    sh("openssl", "x509", "-in", f"{d}/ca.pem", "-outform", "DER", "-out", f"{trust_dir}/ca.cer")
    rc, v, err = verify(f"{out}/receipt-0.json", trust=trust_dir)
    check("a directory of DER authorities is accepted as --trust", rc == 0, v)

    rc, v, err = verify(f"{out}/receipt-early-head.json", trust=trust)
    check("a tree head signed before the receipt was issued fails 'tree_head_time'",
          rc == 1 and v.get("failed_check") == "tree_head_time", v)

    with open(f"{out}/receipt-3.json") as f:
        bundle = json.load(f)
    tampered = os.path.join(d, "tampered.json")

    def try_bundle(b):
        with open(tampered, "w") as f:
            json.dump(b, f, ensure_ascii=False)
        return verify(tampered, trust=trust)

    # Every field of the receipt: the cadena no longer matches.
    missed = []
    for path, value in leaves(bundle["receipt"]):
        b = copy.deepcopy(bundle)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, int):
            new = value + 1
        else:
            new = mutate_char(value, len(value) - 1)
        set_at(b["receipt"], path, new)
        rc, v, err = try_bundle(b)
        if rc == 0 or v.get("failed_check") not in ("cadena", "bundle_format"):
            missed.append((path, v.get("failed_check")))
    check("changing any field of the receipt fails the cadena check", not missed, missed)

    # Every byte of the cadena.
    missed = []
    cadena = bundle["cadena"]
    for i in range(len(cadena)):
        b = copy.deepcopy(bundle)
        b["cadena"] = mutate_char(cadena, i)
        rc, v, err = try_bundle(b)
        if rc == 0 or v.get("failed_check") != "cadena":
            missed.append(i)
    check(f"changing any of the {len(cadena)} characters of the cadena fails 'cadena'",
          not missed, missed[:10])

    # Every character of the sello.
    missed = []
    sello = bundle["sello"].rstrip("=")
    for i in range(len(sello)):
        b = copy.deepcopy(bundle)
        b["sello"] = mutate_char(bundle["sello"], i)
        rc, v, err = try_bundle(b)
        if rc == 0 or v.get("failed_check") != "sello":
            missed.append(i)
    check(f"changing any of the {len(sello)} characters of the sello fails 'sello'",
          not missed, missed[:10])

    # Every hash of the inclusion proof, the leaf index, and the tree head.
    missed = []
    for i in range(len(bundle["log"]["inclusion_proof"])):
        for pos in (0, 31, 63):
            b = copy.deepcopy(bundle)
            b["log"]["inclusion_proof"][i] = mutate_char(b["log"]["inclusion_proof"][i], pos)
            rc, v, err = try_bundle(b)
            if rc == 0 or v.get("failed_check") != "inclusion":
                missed.append((i, pos))
    check("changing any hash of the inclusion proof fails 'inclusion'",
          len(bundle["log"]["inclusion_proof"]) >= 4 and not missed, missed)
    # An inclusion path does not fix the tree size by itself (RFC 9162 section 2.1.3.2 checks
    # only its shape): sizes with the same shape pass it, and the head's signature catches them.
    expect = {("leaf_index",): "inclusion",
              ("tree_head", "tree_size"): "tree_head_signature",
              ("tree_head", "root_hash"): "inclusion",
              ("tree_head", "timestamp_us"): "tree_head_signature",
              ("tree_head", "signature"): "tree_head_signature"}
    for path, name in expect.items():
        b = copy.deepcopy(bundle)
        value = b["log"]
        for p in path[:-1]:
            value = value[p]
        old = value[path[-1]]
        value[path[-1]] = old + 1 if isinstance(old, int) else mutate_char(old, 5)
        rc, v, err = try_bundle(b)
        check(f"changing log.{'.'.join(path)} fails '{name}'",
              rc == 1 and v.get("failed_check") == name, v)
    b = copy.deepcopy(bundle)
    b["log"]["inclusion_proof"].pop()
    rc, v, err = try_bundle(b)
    check("a shortened proof fails 'inclusion'", v.get("failed_check") == "inclusion", v)

    # The seal certificate itself: another certificate of the same authority.
    b = copy.deepcopy(bundle)
    with open(f"{d}/other.pem") as f:
        pem = "".join(l.strip() for l in f if not l.startswith("-----"))
    b["seal_certificate"] = pem
    rc, v, err = try_bundle(b)
    check("a different seal certificate fails 'seal_certificate'",
          v.get("failed_check") == "seal_certificate", v)

    # Bad input.
    with open(tampered, "w") as f:
        f.write("{no es json")
    rc, v, err = verify(tampered, trust=trust)
    check("a file that is not JSON is bad input (2) and fails 'bundle_format'",
          rc == 2 and v.get("failed_check") == "bundle_format" and v.get("error") == "bundle_json",
          v)
    b = copy.deepcopy(bundle)
    del b["sello"]
    rc, v, err = try_bundle(b)
    check("a bundle without its sello fails 'bundle_format'",
          rc == 2 and v.get("failed_check") == "bundle_format", v)
    rc, out_, err = run("verify", f"{d}/no-such-file.json")
    check("a missing file is bad input (2)", rc == 2 and "file_read" in err, err)
    rc, out_, err = run("verify")
    check("no file is bad usage (2)", rc == 2, err)

    # Consistency of tree heads.
    rc, out_, err = run("verify", "--consistency", "--trust", trust, f"{out}/head-half.json",
                        f"{out}/head-full.json")
    v = json.loads(out_) if out_.strip() else {}
    check("a later tree head is consistent with an earlier one", rc == 0 and v.get("valid"), v)
    rc, out_, err = run("verify", "--consistency", "--trust", trust, f"{out}/head-full.json",
                        f"{out}/head-half.json")
    v = json.loads(out_) if out_.strip() else {}
    check("a head without a proof from the old size fails 'consistency'",
          rc == 1 and v.get("failed_check") == "consistency", v)

    for mode, index in (("rewrite", 3), ("drop", 3), ("rewrite", 0), ("drop", 9)):
        fd = os.path.join(d, f"forge-{mode}-{index}")
        os.mkdir(fd)
        p = subprocess.run([TOOL, "forge", f"{d}/seal.pem", f"{d}/seal.key", f"{d}/seal.pass",
                            fd, "10", "17", mode, str(index)], capture_output=True, text=True,
                           timeout=120)
        rc, out_, err = run("verify", "--consistency", "--trust", trust, f"{fd}/head-old.json",
                            f"{fd}/head-honest.json")
        v = json.loads(out_) if out_.strip() else {}
        check(f"honest log: the head after 17 leaves extends the one after 10 ({mode} {index})",
              p.returncode == 0 and rc == 0 and v.get("valid"), (p.stderr, v))
        rc, out_, err = run("verify", "--consistency", "--trust", trust, f"{fd}/head-old.json",
                            f"{fd}/head-new.json")
        v = json.loads(out_) if out_.strip() else {}
        check(f"{mode} of old leaf {index} and a re-signed head are caught by 'consistency'",
              rc == 1 and v.get("failed_check") == "consistency", v)

    # The PDF: rendered to PNG, its QR code reads back as the verification URL.
    with open(f"{out}/receipt-0.url") as f:
        url = f.read()
    sh("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", f"{out}/receipt-0.pdf",
       f"{d}/page")
    pngs = [n for n in os.listdir(d) if n.startswith("page") and n.endswith(".png")]
    p = subprocess.run(["zbarimg", "--raw", "-q", os.path.join(d, pngs[0])],
                       capture_output=True, text=True, timeout=60) if pngs else None
    check("the PDF's QR code decodes to the receipt's verification URL",
          p is not None and p.stdout.strip() == url, (url, p and p.stdout))
    check("the verification URL carries the folio and the end of the sello",
          url.startswith("https://buzon.imss.gob.mx/verificar/2026-") and "?fe=" in url, url)
    fonts = subprocess.run(["pdffonts", f"{out}/receipt-0.pdf"], capture_output=True,
                           text=True, timeout=60).stdout
    check("the PDF embeds its fonts",
          "DejaVu" in fonts and all(l.split()[-5] == "yes" for l in fonts.splitlines()[2:]),
          fonts)
    text = subprocess.run(["pdftotext", f"{out}/receipt-0.pdf", "-"], capture_output=True,
                          text=True, timeout=60).stdout
    check("the PDF shows the folio, the cadena and the sello in Spanish",
          "Folio" in text and "Cadena original" in text and "Sello digital" in text, text[:200])

finish()

"""docs/openapi.yaml describes exactly the routes of `buzon serve` (method and path pattern)."""
import os
import re
import subprocess
from httptest import BIN, check, finish

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def documented(path):
    """(METHOD, /path) pairs under `paths:`: paths at two spaces of indent, methods at four.

    A line-based reading is enough for the layout this file keeps (no PyYAML in the stdlib).
    """
    pairs, in_paths, current = set(), False, None
    for line in open(path, encoding="utf-8"):
        if re.match(r"^\S", line):
            in_paths = line.startswith("paths:")
            continue
        if not in_paths:
            continue
        m = re.match(r"^  (/\S*):\s*$", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^    ([a-z]+):\s*$", line)
        if m and current and m.group(1) in METHODS:
            pairs.add((m.group(1).upper(), current))
    return pairs


routes = subprocess.run([BIN, "serve", "--print-routes"], capture_output=True, text=True,
                        check=True).stdout
in_router = {tuple(line.split(" ", 1)) for line in routes.splitlines() if line}
in_doc = documented(os.path.join(os.environ["BUZON_SOURCE_ROOT"], "docs", "openapi.yaml"))

check("the router has routes", len(in_router) >= 4, routes)
missing = sorted(in_router - in_doc)
check("every route of the router is in docs/openapi.yaml", not missing, f"missing: {missing}")
extra = sorted(in_doc - in_router)
check("every route in docs/openapi.yaml exists in the router", not extra, f"not routed: {extra}")
finish()

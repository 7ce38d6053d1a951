#!/usr/bin/env bash
# Build with clang, ASan and UBSan, start the services the tests need, run every test and
# print the closing count "N passed, N failed". Exit status 0 only when nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-test}

if [[ ! -f "$build/build.ninja" ]]; then
    CC=clang meson setup "$build" --buildtype=debug -Db_sanitize=address,undefined \
        -Db_lundef=false -Dfuzz=true >/tmp/buzon-setup.log 2>&1 ||
        { cat /tmp/buzon-setup.log; rm -rf "$build"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! ninja -C "$build"; then
    echo "0 passed, 1 failed"
    exit 1
fi

# Services that some suites need (PostgreSQL...) are started by scripts/services.sh, which
# records how to stop them; they are stopped whatever happens.
if [[ -x scripts/services.sh ]]; then
    scripts/services.sh start "$build" || { echo "0 passed, 1 failed"; exit 1; }
    trap 'scripts/services.sh stop "'"$build"'"' EXIT
    [[ -f "$build/services.env" ]] && source "$build/services.env"
fi

# The build `make run` does (GCC, release) must stay warning-free too: clang and GCC warn
# about different things, and -Werror makes either one a broken first command.
gcc_build=1
if command -v gcc >/dev/null; then
    [[ -f "$build-gcc/build.ninja" ]] ||
        CC=gcc meson setup "$build-gcc" --buildtype=release >/tmp/buzon-setup-gcc.log 2>&1
    if ninja -C "$build-gcc" >/tmp/buzon-gcc.log 2>&1; then
        echo "release build with GCC: ok"
    else
        grep -E 'error|warning' /tmp/buzon-gcc.log | head -20
        echo "release build with GCC: FAILED"
        gcc_build=0
    fi
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
meson test -C "$build" --print-errorlogs --num-processes 2 ${MESON_TEST_ARGS:-}
status=$?

# Count from Meson's own record of the run.
python3 - "$build/meson-logs/testlog.json" "$gcc_build" <<'PY'
import json, sys
passed = failed = skipped = 0
if sys.argv[2] == "1":
    passed += 1
else:
    failed += 1
try:
    for line in open(sys.argv[1]):
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
except OSError:
    failed = 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
[[ $gcc_build -eq 1 ]] || status=1
exit $status

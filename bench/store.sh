#!/usr/bin/env bash
# Run bench/store.c against both backends at one scale, each on a fresh database:
#
#   bench/store.sh [MAILBOXES] [NOTIFICATIONS] [FILINGS] [READS]
#
# Defaults are the full scale of the issue (1,000,000 mailboxes, 10,000,000 notifications).
# Uses a release build in build-bench/ and a throwaway PostgreSQL from scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
mailboxes=${1:-1000000}
notifications=${2:-10000000}
filings=${3:-2000}
reads=${4:-10000}
build=build-bench

[[ -f $build/build.ninja ]] || meson setup "$build" --buildtype=release >/dev/null
ninja -C "$build" bench/bench_store >/dev/null

work=$(mktemp -d /tmp/buzon-bench.XXXXXX)
trap 'scripts/services.sh stop "$build"; rm -rf "$work"' EXIT

echo "== $(date -u +%FT%TZ), $(nproc) cores, $(uname -r)"
"$build/bench/bench_store" "sqlite:$work/buzon.db" "$mailboxes" "$notifications" "$filings" "$reads"

scripts/services.sh start "$build"
source "$build/services.env"
psql -q -X "$BUZON_TEST_PG_URL" -c "CREATE DATABASE bench"
"$build/bench/bench_store" "${BUZON_TEST_PG_URL%/*}/bench" "$mailboxes" "$notifications" \
    "$filings" "$reads"

#!/usr/bin/env bash
# Run one libFuzzer target for SECONDS over its seed corpus; new inputs go to a temporary
# directory so the source tree is never written. Usage: run.sh FUZZER CORPUS_DIR SECONDS
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
exec "$fuzzer" -max_total_time="$seconds" -seed=1 -print_final_stats=1 "$work" "$corpus"

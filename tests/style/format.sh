#!/usr/bin/env bash
# Every C file is formatted with the project's .clang-format.
set -euo pipefail
cd "$BUZON_SOURCE_ROOT"
mapfile -t files < <(find src tests bench -name '*.[ch]' -not -path '*/corpus/*' | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files clean"

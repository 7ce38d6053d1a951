#!/usr/bin/env bash
# cppcheck finds nothing in src/ (warnings, portability and performance classes).
set -euo pipefail
cd "$BUZON_SOURCE_ROOT"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
    --std=c11 --inline-suppr -D__GNUC__ -I src --suppress=missingIncludeSystem \
    -j 2 src
echo "cppcheck: clean"

#!/usr/bin/env bash
# Functions that invite overflows or hide errors are not used in src/ (after curl's list).
set -euo pipefail
cd "$BUZON_SOURCE_ROOT"
pattern='\b(sprintf|vsprintf|strcpy|strcat|strncat|strtok|atoi|atol|atof|gets|tmpnam|mktemp)[[:space:]]*\('
if grep -rnE "$pattern" src; then
    echo "banned: use snprintf, memcpy with a checked length, strtok_r, strtol, mkstemp"
    exit 1
fi
echo "banned: clean"

#!/usr/bin/env bash
# Install the Debian packages listed in the given files that are not installed yet.
# Quiet when everything is present; needs root (or sudo) only when something is missing.
set -euo pipefail

want=()
for list in "$@"; do
    while read -r pkg _; do
        [[ -z "$pkg" || "$pkg" == \#* ]] && continue
        want+=("$pkg")
    done < "$list"
done

missing=()
for pkg in "${want[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "deps: se necesita root para instalar: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "deps: instalando ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

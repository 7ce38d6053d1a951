#!/usr/bin/env bash
# Dependencies point one way (design.md section 3): each directory of src/ may include only
# the project directories listed for it, and each third-party header belongs to one module.
set -euo pipefail
cd "$BUZON_SOURCE_ROOT/src"

declare -A allowed=(
    [core]="core"
    [base]="core base"
    [crypto]="core base crypto"
    [store]="core base store"
    [evidence]="core base crypto store evidence"
    [deliver]="core base store deliver"
    [app]="core base crypto store evidence deliver app"
    [worker]="core base crypto store evidence deliver app worker"
    [http]="core base app http"
    [cli]="core base crypto store evidence deliver app worker http cli"
)
# Third-party headers and the only directories that may include them.
declare -A owner=(
    [microhttpd.h]="http"
    [libpq-fe.h]="store"
    [sqlite3.h]="store"
    [openssl/]="crypto"
    [curl/curl.h]="deliver"
    [qrencode.h]="evidence"
    [cairo]="evidence"
    [pango]="evidence"
    [ini.h]="base"
)

bad=0
for dir in */; do
    dir=${dir%/}
    [[ -n "${allowed[$dir]:-}" ]] || { echo "layers: src/$dir is not a known layer"; bad=1; continue; }
    while IFS=: read -r file _ inc; do
        target=$(sed -E 's/.*#include[[:space:]]*"([^/"]+)\/.*/\1/' <<<"$inc")
        [[ "$target" == "$inc" ]] && continue
        [[ " ${allowed[$dir]} " == *" $target "* ]] && continue
        echo "layers: $file includes $target/, which $dir/ may not use"
        bad=1
    done < <(grep -rn '#include "' "$dir" | sed -E 's/^([^:]+):([0-9]+):/\1:\2:/')
    for hdr in "${!owner[@]}"; do
        [[ "$dir" == "${owner[$hdr]}" ]] && continue
        if grep -rln "#include <$hdr" "$dir" >/dev/null 2>&1; then
            echo "layers: $dir/ includes <$hdr>, which only ${owner[$hdr]}/ may include"
            bad=1
        fi
    done
done
# The top-level http, worker and cli reach crypto/store/evidence only through app; http is
# stricter still (see allowed above). cli may use every layer as the composition root.
[[ $bad -eq 0 ]] && echo "layers: clean"
exit $bad

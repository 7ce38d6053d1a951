#!/usr/bin/env bash
# Requests per second of GET /api/v1/mailbox (the mailbox summary) through the real
# `buzon serve`: a session opened by e.firma login (bearer token), the session and the summary
# read from the SQLite store (one read transaction each), beside nginx serving a static file
# holding the same body, on the same machine in the same run. 64 keep-alive connections, wrk,
# loopback; one thread or worker per core on both sides.
#
# Usage: bench/mailbox.sh [BUILD_DIR] [SECONDS] [ROUNDS]
#   BUILD_DIR: a release build (default ./build); SECONDS per run (5); ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-5}
rounds=${3:-3}
threads=$(nproc)
scripts/deps.sh scripts/packages-bench.txt

buzon="$build/src/cli/buzon"
[[ -x "$buzon" ]] || { echo "bench: falta $buzon (ninja -C $build)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A test authority and an e.firma to log in with; the mailbox imported as enabled in 2020 so
# that the summary reads a real record.
rfc=PELM800101AB1
printf 'Contraseña de bench\n' >"$work/pw"
"$buzon" efirma test-ca "$work/ca" >/dev/null
"$buzon" efirma test-issue --ca "$work/ca" --out "$work/person" --name "PERSONA DE PRUEBA" \
    --rfc "$rfc" --curp PELM800101MDFXPR09 --password-file "$work/pw" >/dev/null
printf 'rfc,enabled_date\n%s,2021-03-04\n' "$rfc" >"$work/import.csv"
"$buzon" mailbox --data-dir "$work/var" import-2020 "$work/import.csv" >/dev/null

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
BUZON_EFIRMA_TRUST_DIR="$work/ca/trust" BUZON_EFIRMA_PROFILE=test \
BUZON_EFIRMA_CRL_DIR="$work/ca/crl" BUZON_SERVER_THREADS="$threads" \
    "$buzon" serve --listen "127.0.0.1:$port" --data-dir "$work/var" \
        >/dev/null 2>"$work/buzon.log" &
pids+=($!)
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
done

token=$(BUZON="$buzon" W="$work" RFC="$rfc" PORT="$port" python3 - <<'PY'
import base64, datetime, json, os, subprocess, urllib.request
w, rfc, port = os.environ["W"], os.environ["RFC"], os.environ["PORT"]
def post(path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="POST",
                                 data=json.dumps(body or {}).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
nonce = post("/api/v1/auth/challenge")["nonce"]
instant = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
sig = subprocess.run([os.environ["BUZON"], "efirma", "sign", "--cer", f"{w}/person.cer", "--key",
                      f"{w}/person.key", "--password-file", f"{w}/pw"],
                     input=f"||buzon-login|1|{nonce}|{rfc}|{instant}||".encode(),
                     capture_output=True, check=True).stdout.decode().strip()
cert = base64.b64encode(open(f"{w}/person.cer", "rb").read()).decode()
print(post("/api/v1/auth/login", {"certificate": cert, "signature": sig, "rfc": rfc,
                                  "instant": instant, "nonce": nonce})["token"])
PY
)
body=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/mailbox")

# nginx: same worker count, a static file with the same body, its access log to a file too.
# Workers run as nobody when started by root, so the prefix is readable (not writable) by them.
mkdir -p "$work/nginx/html"
printf '%s' "$body" >"$work/nginx/html/mailbox.json"
chmod 755 "$work" "$work/nginx" "$work/nginx/html"
chmod 644 "$work/nginx/html/mailbox.json"
nginx_port=$(free_port)
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $threads;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/nginx/html;
        default_type application/json;
    }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$nginx_port/mailbox.json" >/dev/null && break
    sleep 0.1
done

# CPU time (user + system, in clock ticks) used so far by the given processes.
hz=$(getconf CLK_TCK)
ticks() {
    local sum=0 pid
    for pid in "$@"; do
        sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$sum"
}

# One wrk run against the server whose processes are in $procs; prints "REQ_PER_S REQ_PER_CPU_S".
run() {
    local before after out
    before=$(ticks $procs)
    out=$(wrk -t"$threads" -c64 -d"$1"s "${@:2}")
    after=$(ticks $procs)
    echo "$out" >>"$work/wrk.txt"
    echo "$out" | awk -v cpu="$(((after - before)))" -v hz="$hz" '
        / requests in / {n = $1}
        /^Requests\/sec:/ {rps = $2}
        END {printf "%s %.0f\n", rps, (cpu > 0 ? n * hz / cpu : 0)}'
}

buzon_procs="${pids[0]}"
nginx_procs="${pids[1]} $(pgrep -P "${pids[1]}" | tr '\n' ' ')"
mailbox=(-H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/mailbox")
procs=$buzon_procs run 2 "${mailbox[@]}" >/dev/null
procs=$nginx_procs run 2 "http://127.0.0.1:$nginx_port/mailbox.json" >/dev/null

# The machine is shared: alternate the runs in rounds and keep each one's median.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
n=() b=() nc=() bc=()
for _ in $(seq "$rounds"); do
    out=$(procs=$nginx_procs run "$seconds" "http://127.0.0.1:$nginx_port/mailbox.json")
    n+=("${out% *}") nc+=("${out#* }")
    out=$(procs=$buzon_procs run "$seconds" "${mailbox[@]}")
    b+=("${out% *}") bc+=("${out#* }")
done
nginx_rps=$(median "${n[@]}") nginx_cpu=$(median "${nc[@]}")
buzon_rps=$(median "${b[@]}") buzon_cpu=$(median "${bc[@]}")
errors=$(grep -c '"status":[^2]' "$work/buzon.log" || true)
wrk_errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.txt" | sort | uniq -c || true)

printf 'body of %d bytes, %d threads/workers, 64 keep-alive connections, ' "${#body}" "$threads"
printf 'median of %d runs of %ss\n' "$rounds" "$seconds"
printf 'runs (req/s): nginx %s | mailbox %s\n' "${n[*]}" "${b[*]}"
printf 'runs (req/CPU-s): nginx %s | mailbox %s\n' "${nc[*]}" "${bc[*]}"
pct() { echo "$1 $2" | awk '{printf "%.1f", 100 * $1 / $2}'; }
printf '%-26s %10s %8s %14s %8s\n' "" "req/s" "" "req/CPU-s" ""
printf '%-26s %10.0f %8s %14.0f %8s  (the machine'"'"'s limit)\n' "nginx static file" \
    "$nginx_rps" "" "$nginx_cpu" ""
printf '%-26s %10.0f %7s%% %14.0f %7s%%  of nginx (target >= 50%%)\n' \
    "buzon GET /api/v1/mailbox" "$buzon_rps" "$(pct "$buzon_rps" "$nginx_rps")" "$buzon_cpu" \
    "$(pct "$buzon_cpu" "$nginx_cpu")"
printf 'non-2xx answers logged by buzon: %s\n' "$errors"
[[ -z "$wrk_errors" ]] || printf 'wrk reported:\n%s\n' "$wrk_errors"

#!/usr/bin/env bash
# Requests per second of an authenticated cheap route of buzon's HTTP stack, beside nginx
# serving a static file of the same size on the same machine in the same run (the machine's
# own limit for this kind of request). 64 keep-alive connections, wrk, loopback.
#
# Usage: bench/http.sh [BUILD_DIR] [SECONDS] [ROUNDS]
#   BUILD_DIR: a release build (default ./build); SECONDS per run (5); ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seconds=${2:-5}
rounds=${3:-3}
threads=$(nproc)
scripts/deps.sh scripts/packages-bench.txt

serve="$build/bench/bench_http_serve"
[[ -x "$serve" ]] || { echo "bench: falta $serve (ninja -C $build)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

# buzon: the in-memory session stands in for the store; access log to a file, as in production.
"$serve" 0 "$threads" "$token" >"$work/port" 2>"$work/buzon.log" &
pids+=($!)
for _ in $(seq 50); do [[ -s "$work/port" ]] && break; sleep 0.1; done
buzon_port=$(cat "$work/port")
body=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$buzon_port/api/v1/session")

# nginx: same worker count, a static file with the same body, its access log to a file too.
# Workers run as nobody when started by root, so the prefix is readable (not writable) by them.
mkdir -p "$work/nginx/html"
printf '%s' "$body" >"$work/nginx/html/session.json"
chmod 755 "$work" "$work/nginx" "$work/nginx/html"
chmod 644 "$work/nginx/html/session.json"
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
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
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nginx_port/session.json" >/dev/null && break; sleep 0.1; done

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
# Requests per CPU-second of the server barely move with other load on the machine, so they
# are printed beside requests per second. wrk's whole report is kept for the error counts.
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
session=(-H "Authorization: Bearer $token" "http://127.0.0.1:$buzon_port/api/v1/session")
procs=$buzon_procs run 2 "${session[@]}" >/dev/null
procs=$nginx_procs run 2 "http://127.0.0.1:$nginx_port/session.json" >/dev/null

# The machine is shared: alternate the three runs in rounds and keep each one's median, so a
# burst of other load does not land on one side only.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
n=() b=() h=() nc=() bc=() hc=()
for _ in $(seq "$rounds"); do
    out=$(procs=$nginx_procs run "$seconds" "http://127.0.0.1:$nginx_port/session.json")
    n+=("${out% *}") nc+=("${out#* }")
    out=$(procs=$buzon_procs run "$seconds" "${session[@]}")
    b+=("${out% *}") bc+=("${out#* }")
    out=$(procs=$buzon_procs run "$seconds" "http://127.0.0.1:$buzon_port/healthz")
    h+=("${out% *}") hc+=("${out#* }")
done
nginx_rps=$(median "${n[@]}") nginx_cpu=$(median "${nc[@]}")
buzon_rps=$(median "${b[@]}") buzon_cpu=$(median "${bc[@]}")
health_rps=$(median "${h[@]}") health_cpu=$(median "${hc[@]}")
errors=$(grep -c '"status":[^2]' "$work/buzon.log" || true)
wrk_errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk.txt" | sort | uniq -c || true)

printf 'body of %d bytes, %d threads/workers, 64 keep-alive connections, median of %d runs of %ss\n' \
    "${#body}" "$threads" "$rounds" "$seconds"
printf 'runs (req/s): nginx %s | session %s | healthz %s\n' "${n[*]}" "${b[*]}" "${h[*]}"
printf 'runs (req/CPU-s): nginx %s | session %s | healthz %s\n' "${nc[*]}" "${bc[*]}" "${hc[*]}"
pct() { echo "$1 $2" | awk '{printf "%.1f", 100 * $1 / $2}'; }
printf '%-26s %10s %8s %14s %8s\n' "" "req/s" "" "req/CPU-s" ""
printf '%-26s %10.0f %8s %14.0f %8s  (the machine'"'"'s limit)\n' "nginx static file" \
    "$nginx_rps" "" "$nginx_cpu" ""
printf '%-26s %10.0f %7s%% %14.0f %7s%%  of nginx (target >= 50%%)\n' \
    "buzon GET /api/v1/session" "$buzon_rps" "$(pct "$buzon_rps" "$nginx_rps")" "$buzon_cpu" \
    "$(pct "$buzon_cpu" "$nginx_cpu")"
printf '%-26s %10.0f %7s%% %14.0f %7s%%  of nginx\n' "buzon GET /healthz" "$health_rps" \
    "$(pct "$health_rps" "$nginx_rps")" "$health_cpu" "$(pct "$health_cpu" "$nginx_cpu")"
printf 'non-2xx answers logged by buzon: %s\n' "$errors"
[[ -z "$wrk_errors" ]] || printf 'wrk reported:\n%s\n' "$wrk_errors"

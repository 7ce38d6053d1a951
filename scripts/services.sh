#!/usr/bin/env bash
# Start or stop the services the test suite needs, for one build directory:
#
#   scripts/services.sh start BUILD_DIR   # writes BUILD_DIR/services.env (export VAR=...)
#   scripts/services.sh stop BUILD_DIR
#
# PostgreSQL 15: a throwaway cluster in a temporary directory, listening on a free loopback
# port, run by an unprivileged user (buzon-test, created when missing) because CI runs as root
# and PostgreSQL refuses to run as root. Tests read BUZON_TEST_PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

action=${1:-}
build=${2:-build-test}
pg_bin=/usr/lib/postgresql/15/bin
state="$build/services.pgdir"
pg_user=buzon-test

as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u "$pg_user" -- "$@"
    else
        "$@"
    fi
}

pg_stop() {
    [[ -f "$state" ]] || return 0
    local dir
    dir=$(cat "$state")
    if [[ -d "$dir/data" ]]; then
        as_pg "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" "$state" "$build/services.env"
}

pg_start() {
    if [[ ! -x "$pg_bin/initdb" ]]; then
        scripts/deps.sh scripts/packages-test.txt
    fi
    if [[ $(id -u) -eq 0 ]] && ! id "$pg_user" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
    fi

    local dir port
    dir=$(mktemp -d /tmp/buzon-pg.XXXXXX)
    echo "$dir" >"$state"
    [[ $(id -u) -eq 0 ]] && chown "$pg_user" "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

    as_pg "$pg_bin/initdb" -D "$dir/data" --username=buzon --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
    as_pg "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" \
        >/dev/null || { cat "$dir/server.log"; return 1; }
    echo "export BUZON_TEST_PG_URL=postgresql://buzon@127.0.0.1:$port/postgres" \
        >"$build/services.env"
}

case "$action" in
start)
    mkdir -p "$build"
    pg_stop
    pg_start
    ;;
stop)
    pg_stop
    ;;
*)
    echo "uso: $0 start|stop BUILD_DIR" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# scripts/cluster.sh - a local Mosix cluster: N agents on 127.0.0.1, each with its own port and
# state folder, sharing one cluster CA (docs/agent.md, "A local cluster").
#
#   scripts/cluster.sh start N     start nodes node1..nodeN (node1 holds the CA; the others join through it)
#   scripts/cluster.sh N           the same
#   scripts/cluster.sh status      which nodes run, and node1's view of the cluster
#   scripts/cluster.sh stop        stop them (SIGTERM by pid, SIGKILL after 10 s); the folders stay
#   scripts/cluster.sh clean       stop them and remove the folders
#
# Environment: MOSIX_CLUSTER_DIR (default /tmp/mosix-cluster-$UID), MOSIX_CLUSTER_PORT (node1's
# port, default 7471; nodeI listens on PORT+I-1), MOSIXD_ARGS (more options for every mosixd).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/bin"
DIR=${MOSIX_CLUSTER_DIR:-/tmp/mosix-cluster-$(id -u)}
BASE_PORT=${MOSIX_CLUSTER_PORT:-7471}
MAX_NODES=64

die() { echo "cluster.sh: $*" >&2; exit "${2:-1}"; }
usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 2; }

node_dir() { echo "$DIR/node$1"; }

running_pid() {
    # The pid of node $1's agent if it runs; nothing otherwise.
    local pidfile; pidfile="$(node_dir "$1")/mosixd.pid"
    [ -f "$pidfile" ] || return 0
    local pid; pid=$(cat "$pidfile")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q mosixd "/proc/$pid/cmdline" 2>/dev/null; then echo "$pid"; fi
}

nodes() { find "$DIR" -maxdepth 1 -name 'node*' -type d 2>/dev/null | sed 's/.*node//' | sort -n; }

credentials() {
    # node1 makes the CA; every other node gets a certificate from it.
    local n=$1 i dir
    mkdir -p "$DIR" && chmod 700 "$DIR"
    if [ ! -f "$(node_dir 1)/tls/ca.key" ]; then
        "$BIN/mosctl" --state "$(node_dir 1)" init --node node1 --cluster local >/dev/null
    fi
    for ((i = 2; i <= n; i++)); do
        dir=$(node_dir "$i")
        [ -f "$dir/tls/node.crt" ] && continue
        "$BIN/mosctl" --state "$(node_dir 1)" add-node "node$i" --out "$DIR/node$i.pem" --force >/dev/null
        "$BIN/mosctl" --state "$dir" import "$DIR/node$i.pem" >/dev/null
        rm -f "$DIR/node$i.pem"
    done
}

start() {
    local n=${1:-}
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le $MAX_NODES ] || die "start wants a number of nodes, 1 to $MAX_NODES" 2
    [ -x "$BIN/mosixd" ] && [ -x "$BIN/mosctl" ] || die "bin/mosixd is missing: run ./build.sh first"
    credentials "$n"
    local i dir port pid
    for ((i = 1; i <= n; i++)); do
        dir=$(node_dir "$i")
        port=$((BASE_PORT + i - 1))
        if [ -n "$(running_pid "$i")" ]; then echo "node$i already runs (pid $(running_pid "$i"))"; continue; fi
        # shellcheck disable=SC2086
        setsid "$BIN/mosixd" --state "$dir" --name "node$i" --listen "127.0.0.1:$port" --seed "127.0.0.1:$BASE_PORT" ${MOSIXD_ARGS:-} \
            </dev/null >>"$dir/mosixd.out" 2>&1 &
    done
    # Ready = every control socket answers.
    for ((i = 1; i <= n; i++)); do
        local tries=0
        until "$BIN/mosctl" --state "$(node_dir "$i")" status >/dev/null 2>&1; do
            tries=$((tries + 1))
            if [ $tries -gt 100 ]; then
                tail -n 5 "$(node_dir "$i")/mosixd.out" >&2 || true
                die "node$i did not start (its log: $(node_dir "$i")/mosixd.log)"
            fi
            sleep 0.1
        done
    done
    cat <<MSG
$n agents run on 127.0.0.1, ports $BASE_PORT-$((BASE_PORT + n - 1)); state folders $DIR/node1..node$n.
Use them (each command talks to the node whose state folder it is given):
  export MOSIX_STATE=$DIR/node1
  bin/mosmon                 live view of the cluster (q quits); --once, --json for scripts
  bin/mosctl status          this node; block | unblock | expel | shutdown
  bin/mosrun PROGRAM         run a program under Mosix
  $0 stop                    stop the agents
MSG
}

stop() {
    local i pid pids=()
    for i in $(nodes); do
        pid=$(running_pid "$i")
        [ -n "$pid" ] || continue
        kill -TERM "$pid" && pids+=("$pid")
    done
    local waited=0
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null; do
            if [ $waited -ge 100 ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
            sleep 0.1; waited=$((waited + 1))
        done
    done
    echo "stopped ${#pids[@]} agent(s)"
}

status() {
    local i pid any=0
    for i in $(nodes); do
        pid=$(running_pid "$i")
        if [ -n "$pid" ]; then echo "node$i: running, pid $pid"; else echo "node$i: stopped"; fi
        any=1
    done
    [ $any -eq 1 ] || { echo "no cluster in $DIR"; return 0; }
    [ -z "$(running_pid 1)" ] || "$BIN/mosmon" --state "$(node_dir 1)" --once
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop ;;
    status) status ;;
    clean) stop; rm -rf "$DIR"; echo "removed $DIR" ;;
    ''|-h|--help|help) usage ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] && start "$1" || usage ;;
esac

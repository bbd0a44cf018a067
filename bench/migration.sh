#!/usr/bin/env bash
# bench/migration.sh - migration between two agents on 127.0.0.1, next to the limits measured in
# the same run: a forwarded call's round trip against the loopback TCP round trip, the move of
# 64 MiB, 256 MiB and 1 GiB processes (and of 1 GiB in 4 threads) against the memory and loopback
# limits, and compute-bound programs (1 and 4 threads) moved away against their native runs.
# Called by `./build.sh bench` after checkpoint.sh.
#
# usage: bench/migration.sh [--quick|--start]  (--quick: fewer calls, 64 MiB only, a shorter compute;
#                                              --start: only the python3 started away with -r)
#
# stdout carries only the report (Markdown); progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/bin"
QUICK=0
START_ONLY=0
[[ ${1:-} == --quick ]] && QUICK=1
[[ ${1:-} == --start ]] && START_ONLY=1
STARTS=7
CALLS=$((QUICK ? 5000 : 40000))
SIZES=(64:1 256:1 1024:1 1024:4)   # MiB:threads
((QUICK)) && SIZES=(64:1 64:4)
COMPUTE=$((QUICK ? 500000000 : 4500000000))

# Descriptors inherited from whoever started us would follow the process away: close them.
# (List them first: a redirection on the loop would make bash save stderr on a descriptor of its
# own, which the loop would then close.)
for fd in $(ls /proc/$$/fd); do
    if ((fd > 2 && fd != 255)); then eval "exec $fd>&-"; fi
done

work=$(mktemp -d /tmp/mosix-migbench.XXXXXX)
# The programs the guest maps must be files any user of the node may read (a guest never reads
# its host's private files): the folder mktemp makes is its owner's alone.
chmod 755 "$work"
export MOSIX_CLUSTER_DIR="$work/cluster" MOSIX_CLUSTER_PORT=$((17400 + RANDOM % 500))
holders=()
cleanup() {
    local pid
    for pid in "${holders[@]}"; do kill "$pid" 2>/dev/null || true; done
    "$ROOT/scripts/cluster.sh" clean >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
log() { echo "bench: $*" >&2; }

make -s -C "$ROOT/bench/programs" OUT="$work/bin" >/dev/null
gcc -O2 -static -o "$work/bin/homecalls.static" "$ROOT/bench/programs/homecalls.c"
"$ROOT/scripts/cluster.sh" start 2 >/dev/null
export MOSIX_STATE="$MOSIX_CLUSTER_DIR/node1"
for _ in $(seq 100); do "$BIN/mosmon" --once 2>/dev/null | grep -q node2 && break; sleep 0.2; done

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# A program under mosrun that waits for a line on its stdin (a fifo we hold), moved to node2
# first; then the line, and its result. $1: name; the rest: the program and its arguments.
started=""
start_held() {
    local name=$1; shift
    mkfifo "$work/in.$name"
    sleep 600 > "$work/in.$name" & holders+=($!)
    "$BIN/mosrun" "$@" < "$work/in.$name" > "$work/out.$name" 2> "$work/err.$name" &
    started=$!; holders+=("$started")
}
release() { echo go > "$work/in.$1"; }

# --- a dynamically linked program started away -----------------------------------------------
# mosrun -rnode2 python3: every library ld.so maps is a private file mapping made on node2 (its own
# copy, once proven to hold home's bytes). The median of STARTS runs, each side, wall clock.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
start_away() {
    local script='import time; time.sleep(0.5); import json, hashlib, decimal, ssl, sqlite3, ctypes; print(hashlib.sha256(json.dumps([1]).encode()).hexdigest()[:8])'
    local native_t away_t t0 t1 i out
    native_t=$(for i in $(seq "$STARTS"); do t0=$(now); /usr/bin/python3 -c "$script" >/dev/null; t1=$(now)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'; done | median)
    away_t=$(for i in $(seq "$STARTS"); do t0=$(now); out=$(timeout 120 "$BIN/mosrun" -rnode2 /usr/bin/python3 -c "$script" 2>&1); t1=$(now)
        [[ $out == "$(/usr/bin/python3 -c "$script")" ]] || { log "python3 printed something else away: $out"; exit 1; }
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'; done | median)
    echo "### Starting away (mosrun -rnode2: moved as soon as it has started; the libraries it loads after the move are mapped on node2)"
    echo
    echo "| workload | native | mosrun -rnode2 | ratio |"
    echo "|:--|--:|--:|--:|"
    printf '| python3 -c: sleep 0.5 s (the move), then import json, hashlib, decimal, ssl, sqlite3, ctypes (their libraries mapped away); median of %d | %s s | %s s | %sx |\n' "$STARTS" "$native_t" "$away_t" "$(ratio "$away_t" "$native_t")"
    echo
}
if ((START_ONLY)); then
    log "python3 started away ($STARTS runs each)"
    start_away
    echo "Command: \`bench/migration.sh --start\` ($(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M') UTC)."
    exit 0
fi

# --- forwarded calls -----------------------------------------------------------------------
log "loopback round trips"
rtt32=$("$work/bin/tcp_pingpong" "$CALLS" 32 2>&1 >/dev/null | awk '/us\/rtt/ { print $2 }')
rtt4k=$("$work/bin/tcp_pingpong" "$CALLS" 4096 2>&1 >/dev/null | awk '/us\/rtt/ { print $2 }')
rtt_pinned=$(taskset -c 0 "$work/bin/tcp_pingpong" "$CALLS" 32 2>&1 >/dev/null | awk '/us\/rtt/ { print $2 }')

forwarded() {  # $1: homecalls mode; prints us/call measured away
    local mode=$1
    start_held "$mode" "$work/bin/homecalls.static" "$CALLS" "$mode"
    local pid=$started
    sleep 0.5
    "$BIN/migrate" "$pid" node2 >/dev/null || { log "homecalls $mode did not move"; exit 1; }
    release "$mode"
    wait "$pid" || { log "homecalls $mode failed: $(cat "$work/err.$mode")"; exit 1; }
    awk '/us\/call/ { print $2 }' "$work/err.$mode"
}
log "forwarded calls ($CALLS each)"
exec 3> >(cat > /dev/null)
away_lseek=$(forwarded lseek)
away_write=$(forwarded write4k)
away_pipe=$(forwarded pipe4k)
exec 3>&-

echo "### Forwarded calls (the process on node2, its home node1, both on this machine)"
echo
echo "| call | away | loopback TCP round trip | ratio | target |"
echo "|:--|--:|--:|--:|:--|"
printf '| lseek on a file (no payload; home runs it on a copy of the descriptor) | %s us | %s us | %sx | < 3x |\n' "$away_lseek" "$rtt32" "$(ratio "$away_lseek" "$rtt32")"
printf '| write 4 KiB to /dev/null (same way) | %s us | %s us (4 KiB each way) | %sx | < 3x |\n' "$away_write" "$rtt4k" "$(ratio "$away_write" "$rtt4k")"
printf '| write 4 KiB to a pipe (injected into the deputy) | %s us | %s us (4 KiB each way) | %sx | - |\n' "$away_pipe" "$rtt4k" "$(ratio "$away_pipe" "$rtt4k")"
echo
echo "Loopback round trip: \`bench/programs/tcp_pingpong\` (two processes, TCP_NODELAY, blocking reads), $CALLS round trips;"
echo "the same two processes pinned to one CPU: $rtt_pinned us (no cross-CPU wake-up)."
echo

# --- moves ---------------------------------------------------------------------------------
echo "### Moving a process (memtouch: MIB of touched memory, split between its threads, checked page by page after the move)"
echo
echo "| memory | threads | move (migrate, request to reply) | rate | frozen | loopback TCP stream | memcpy limit | fresh-memory limit |"
echo "|--:|--:|--:|--:|--:|--:|--:|--:|"
stream_rtt=$("$work/bin/tcp_pingpong" 200 $((1 << 20)) 2>&1 >/dev/null | awk '/us\/rtt/ { print $2 }')
stream=$(awk -v us="$stream_rtt" 'BEGIN { printf "%.2f", 2 * 1048576 / (us / 1e6) / 1e9 }')
for spec in "${SIZES[@]}"; do
    mib=${spec%:*} threads=${spec#*:}
    name="mem$mib.$threads"
    log "moving $mib MiB in $threads thread(s)"
    read -r _ memcpy < <("$work/bin/memlimits" "$mib" | grep memcpy)
    fresh=$("$work/bin/memlimits" "$mib" | awk '/fresh/ { print $2 }')
    start_held "$name" "$work/bin/memtouch" "$mib" "$threads"
    pid=$started
    for _ in $(seq 600); do grep -q ready "$work/out.$name" && break; sleep 0.1; done
    t0=$(now)
    reply=$("$BIN/migrate" "$pid" node2)
    t1=$(now)
    release "$name"
    wait "$pid" || true
    grep -qx ok <(tail -1 "$work/out.$name") || { log "the $mib MiB process printed: $(cat "$work/out.$name" "$work/err.$name")"; exit 1; }
    frozen=$(sed -n 's/.*frozen \([0-9]*\) ms.*/\1/p' <<<"$reply")
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    rate=$(awk -v m="$mib" -v s="$secs" 'BEGIN { printf "%.2f", m * 1048576 / s / 1e9 }')
    printf '| %d MiB | %d | %s s | %s GB/s | %s ms | %s GB/s | %s GB/s | %s GB/s |\n' "$mib" "$threads" "$secs" "$rate" "$frozen" "$stream" "$memcpy" "$fresh"
done
echo
echo "Loopback TCP stream: 1 MiB messages each way between two processes. Fresh-memory limit: the"
echo "rate at which this machine hands out memory never touched before (what a restored process's"
echo "pages are); memcpy limit: copying between pages already touched. Target: 1 GB/s."
echo

# --- remote compute -------------------------------------------------------------------------
# $1: threads, $2: iterations. Native, then under mosrun moved to node2 after 0.3 s; one table row.
compute_row() {
    local threads=$1 iterations=$2 t0 t1 native native_out away pid
    log "compute-bound, $threads thread(s), native and moved away"
    t0=$(now); native_out=$("$work/bin/compute" "$iterations" "$threads"); t1=$(now)
    native=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    t0=$(now)
    "$BIN/mosrun" "$work/bin/compute" "$iterations" "$threads" > "$work/out.compute" &
    pid=$!
    sleep 0.3
    "$BIN/migrate" "$pid" node2 >/dev/null || { log "compute did not move"; exit 1; }
    wait "$pid"
    t1=$(now)
    away=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    [[ $(cat "$work/out.compute") == "$native_out" ]] || { log "compute printed something else away"; exit 1; }
    printf '| compute %s, %d thread(s) | %s s | %s s | %sx | <= 1.02x |\n' "$iterations" "$threads" "$native" "$away" "$(ratio "$away" "$native")"
}
echo "### Compute-bound away"
echo
echo "| workload | native | mosrun, moved to node2 after 0.3 s | ratio | target |"
echo "|:--|--:|--:|--:|:--|"
compute_row 1 "$COMPUTE"
# 4 threads share this machine's cores with the move's own work (the guest host starting, the
# image streamed): about 0.15 s of CPU the program loses here and would not on two machines.
# Three times the iterations make the run as long as the single thread's, on two cores.
compute_row 4 $((COMPUTE * 3))
echo
log "python3 started away ($STARTS runs each)"
start_away
echo "Command: \`bench/migration.sh\` ($(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M') UTC)."

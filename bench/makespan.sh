#!/usr/bin/env bash
# bench/makespan.sh - the makespan of N CPU-bound jobs started at one node of a 3-node cluster
# whose nodes differ in size (control groups: node1 half a core, node2 three quarters, node3 a
# quarter), side by side in one run: the ideal (all the work over all the capacity), no migration
# (mosrun -L: everything stays home), Mosix with N mosruns (the balancer on), and Mosix with the
# same N jobs as the children of one mosrun (a shell loop: a parallel program). Root only
# (control groups).
# Called by `./build.sh bench`.
#
# usage: bench/makespan.sh [--quick]        (--quick: shorter jobs)
#
# stdout carries only the report (Markdown); progress goes to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/bin"
JOBS=6
ITERATIONS=6400000000
[[ ${1:-} == --quick ]] && ITERATIONS=1600000000
declare -A CORES=([node1]=0.5 [node2]=0.75 [node3]=0.25)
log() { echo "bench: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "makespan: skipped (node sizes need control groups, which need root)"
    exit 0
fi
for fd in $(ls /proc/$$/fd); do
    if ((fd > 2 && fd != 255)); then eval "exec $fd>&-"; fi
done

work=$(mktemp -d /tmp/mosix-makespan.XXXXXX)
# The programs the guest maps must be files any user of the node may read (a guest never reads
# its host's private files): the folder mktemp makes is its owner's alone.
chmod 755 "$work"
group="mosix-makespan-$$"
port=$((17900 + RANDOM % 500))
agents=()
unified=0
[ -f /sys/fs/cgroup/cgroup.controllers ] && unified=1
cleanup() {
    local pid dir
    # The agents are our children (in_node execs into them): end them and reap them, so that
    # their groups are empty and no log is still being written when the folder goes.
    for pid in "${agents[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${agents[@]}"; do wait "$pid" 2>/dev/null || true; done
    for dir in /sys/fs/cgroup/$group/* /sys/fs/cgroup/$group /sys/fs/cgroup/cpu/$group/* /sys/fs/cgroup/cpu/$group; do
        [ -d "$dir" ] && rmdir "$dir" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

tasks_of() {
    # The file that puts a process into node $1's group (made on first use).
    local node=$1 quota dir
    quota=$(awk -v c="${CORES[$node]}" 'BEGIN { printf "%d", c * 100000 }')
    if ((unified)); then
        dir=/sys/fs/cgroup/$group/$node
        mkdir -p "$dir"; echo +cpu > "/sys/fs/cgroup/$group/cgroup.subtree_control"
        echo "$quota 100000" > "$dir/cpu.max"; echo "$dir/cgroup.procs"
    else
        dir=/sys/fs/cgroup/cpu/$group/$node
        mkdir -p "$dir"; echo 100000 > "$dir/cpu.cfs_period_us"; echo "$quota" > "$dir/cpu.cfs_quota_us"; echo "$dir/tasks"
    fi
}
in_node() { local tasks; tasks=$(tasks_of "$1"); shift; exec sh -c "echo \$\$ > $tasks; exec \"\$@\"" sh "$@"; }

"$BIN/mosctl" --state "$work/node1" init --node node1 --cluster makespan >/dev/null
for i in 2 3; do
    "$BIN/mosctl" --state "$work/node1" add-node "node$i" --out "$work/node$i.pem" >/dev/null
    "$BIN/mosctl" --state "$work/node$i" import "$work/node$i.pem" >/dev/null
done
for i in 1 2 3; do
    seed=(); ((i > 1)) && seed=(--seed "127.0.0.1:$port")
    in_node "node$i" "$BIN/mosixd" --state "$work/node$i" --name "node$i" --listen "127.0.0.1:$((port + i - 1))" "${seed[@]}" \
        --interval 0.5 --speed 1 </dev/null >"$work/node$i.out" 2>&1 &
    agents+=($!)
done
export MOSIX_STATE="$work/node1"
for _ in $(seq 200); do "$BIN/mosmon" --once 2>/dev/null | grep -q node3 && break; sleep 0.2; done

now() { date +%s.%N; }
compute="$ROOT/bin/tests/compute"
t0=$(now); "$compute" "$ITERATIONS" >/dev/null; t1=$(now)
one=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
capacity=$(awk 'BEGIN { print 0.5 + 0.75 + 0.25 }')
ideal=$(awk -v w="$one" -v n=$JOBS -v c="$capacity" 'BEGIN { printf "%.1f", n * w / c }')

makespan() {
    # $@: mosrun options; all jobs started at node1, the time until the last one ends.
    local start pids=() pid
    start=$(now)
    for _ in $(seq $JOBS); do in_node node1 "$BIN/mosrun" "$@" "$compute" "$ITERATIONS" >/dev/null & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid"; done
    awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}
log "makespan: no migration (mosrun -L)"
stay=$(makespan -L)
moves_so_far() { local n; n=$(grep -c "moving process" "$work/node1/mosixd.log" 2>/dev/null) || true; echo "${n:-0}"; }
log "makespan: Mosix, $JOBS mosruns"
before=$(moves_so_far)
mosix=$(makespan)
moves=$(( $(moves_so_far) - before ))
log "makespan: Mosix, one mosrun's tree (a shell loop)"
before=$(moves_so_far)
start=$(now)
(in_node node1 "$BIN/mosrun" bash -c "for i in \$(seq $JOBS); do '$compute' $ITERATIONS & done; wait" >/dev/null)
tree=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
tree_moves=$(( $(moves_so_far) - before ))

cat <<REPORT
## Makespan ($JOBS CPU-bound jobs from node1; nodes of 0.5, 0.75 and 0.25 of a core)

One job: $one s of an unconfined core ($ITERATIONS iterations of bin/tests/compute).

| schedule | makespan | vs ideal |
|---|---:|---:|
| ideal (all work / all capacity, $capacity cores) | $ideal s | 1.00x |
| no migration (mosrun -L) | $stay s | $(awk -v a="$stay" -v b="$ideal" 'BEGIN { printf "%.2f", a / b }')x |
| Mosix, $JOBS separate mosruns (balancer, $moves moves) | $mosix s | $(awk -v a="$mosix" -v b="$ideal" 'BEGIN { printf "%.2f", a / b }')x |
| Mosix, one mosrun: \`bash -c 'for ...; do compute & done; wait'\` ($tree_moves moves) | $tree s | $(awk -v a="$tree" -v b="$ideal" 'BEGIN { printf "%.2f", a / b }')x |

REPORT

#!/usr/bin/env bash
# The main job, shown: real programs run under mosrun exactly as they run directly.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOSRUN="$ROOT/bin/mosrun"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
both() {
    # Runs a shell command natively and under mosrun; shows mosrun's output and whether they match.
    local script=$1 native supervised native_rc=0 supervised_rc=0
    step "mosrun bash -c '$script'"
    native=$(bash -c "$script" 2>&1) || native_rc=$?
    supervised=$("$MOSRUN" bash -c "$script" 2>&1) || supervised_rc=$?
    printf '%s\n' "$supervised"
    if [ "$native" == "$supervised" ] && [ $native_rc -eq $supervised_rc ]; then
        printf '   -> identical to a direct run (exit status %d)\n' $supervised_rc
    else
        printf '   -> DIFFERS from a direct run (exit %d vs %d)\n' $supervised_rc $native_rc
    fi
}

echo "Mosix demo: programs run under the ptrace supervisor, unmodified, at home and on another node."
both 'echo hello from $(uname -s); (seq 1 5 | paste -sd+ | bc) 2>/dev/null || true'
both 'printf "b\na\nc\n" | sort | tr a-z A-Z'
both 'python3 -c "import hashlib; print(hashlib.sha256(b\"mosix\").hexdigest())"'
both 'exit 3'

step "mosrun sh -c 'kill -SEGV \$\$'   (a program killed by a signal: mosrun dies the same way)"
status=0; "$MOSRUN" sh -c 'kill -SEGV $$' 2>/dev/null || status=$?
echo "   -> exit status $status (128 + SIGSEGV 11)"

step "mosrun no-such-program"
status=0; "$MOSRUN" no-such-program || status=$?
echo "   -> exit status $status, as a shell gives"

step "mosrun --log-syscalls LOG cat /etc/hostname   (every call, for debugging)"
"$MOSRUN" --log-syscalls "$work/log" cat /etc/hostname
grep -E 'openat|read\(' "$work/log" | head -4 | sed 's/^/   /'
echo "   ... $(wc -l < "$work/log") calls logged"

step "checkpoint and restart: a python3 computation frozen mid-run, then carried on"
# Descriptors our caller left open would be inherited, and a pipe cannot be checkpointed.
for fd in /proc/$$/fd/*; do fd=${fd##*/}; if ((fd > 2 && fd != 255)); then eval "exec $fd>&-"; fi; done 2>/dev/null
cat > "$work/count.py" <<'PY'
import time
total = 0
for i in range(1, 11):
    total += sum(range(i * 100000))
    print(f"step {i}: total {total}", flush=True)
    time.sleep(0.15)
PY
"$MOSRUN" -C "$work/count" python3 "$work/count.py" > "$work/part1" 2>/dev/null &
mosrun_pid=$!
for _ in $(seq 100); do grep -q "step 4" "$work/part1" 2>/dev/null && break; sleep 0.05; done
"$ROOT/bin/migrate" "$mosrun_pid" chkexit | sed 's/^/   migrate: /'
wait "$mosrun_pid" || true
sed 's/^/   before: /' "$work/part1"
"$MOSRUN" -I "$work/count.1" | sed -n '1,4p' | sed 's/^/   /'
"$MOSRUN" -R "$work/count.1" > "$work/part2"
sed 's/^/   after:  /' "$work/part2"
if cat "$work/part1" "$work/part2" | cmp -s - <(python3 "$work/count.py"); then
    echo "   -> before + after is exactly the uninterrupted run"
else
    echo "   -> DIFFERS from the uninterrupted run"
fi

step "migration: two agents on 127.0.0.1; a python3 computation moved to node2 mid-run, and back"
export MOSIX_CLUSTER_DIR="$work/cluster" MOSIX_CLUSTER_PORT=$((18400 + RANDOM % 500))
trap '"$ROOT/scripts/cluster.sh" clean >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$ROOT/scripts/cluster.sh" start 2 >/dev/null
export MOSIX_STATE="$MOSIX_CLUSTER_DIR/node1"
for _ in $(seq 50); do "$ROOT/bin/mosmon" --once 2>/dev/null | grep -q node2 && break; sleep 0.2; done
job='import sys
x = 0
for i in range(40_000_000): x = (x * 31 + i) % 1_000_003
print("result", x)'
native=$(/usr/bin/python3 -c "$job")
"$MOSRUN" /usr/bin/python3 -c "$job" > "$work/moved.out" &
pid=$!
sleep 0.5
"$ROOT/bin/migrate" "$pid" node2 | sed 's/^/   migrate PID node2: /'
"$ROOT/bin/mosps" | sed 's/^/   /'
sleep 1
"$ROOT/bin/migrate" "$pid" home 2>&1 | sed "s/^/   migrate PID home:  /" || true
wait "$pid"
printf '   %s\n' "$(cat "$work/moved.out")"
if [ "$(cat "$work/moved.out")" == "$native" ]; then echo "   -> identical to a direct run"; else echo "   -> DIFFERS from a direct run: $native"; fi
"$ROOT/scripts/cluster.sh" clean >/dev/null 2>&1 || true
unset MOSIX_STATE

step "time: bin/true natively and under mosrun"
for cmd in "/bin/true" "$MOSRUN /bin/true"; do
    start=$(date +%s%N); $cmd; end=$(date +%s%N)
    printf '   %-28s %6.1f ms\n' "${cmd/#$ROOT\//}" "$(echo "($end - $start) / 1000000" | bc -l)"
done

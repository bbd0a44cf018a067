#!/usr/bin/env bash
# bench/run.sh - Mosix benchmark runner (called by `./build.sh bench`).
#
# Runs every workload natively and under each runner (bin/mosrun, strace -f,
# proot) and prints ONE Markdown table: the native mean time and, for each
# runner, the ratio runner-mean / native-mean. See bench/README.md.
#
# usage: bench/run.sh [--quick] [--only NAME[,NAME...]] [--list] [--help]
#
# Environment overrides:
#   MOSRUN         mosrun binary            (default: $ROOT/bin/mosrun)
#   STRACE, PROOT  peer binaries            (default: strace, proot from PATH)
#   HYPERFINE      hyperfine binary         (default: hyperfine from PATH)
#   PYTHON         python3 for JSON parsing (default: /usr/bin/python3)
#   CC             C compiler               (default: gcc)
#   BENCH_BUDGET   seconds of timed runs allowed per cell before the run
#                  count is cut (default 60, --quick 5)
#   BENCH_TIMEOUT  seconds before a single check run is declared hung
#                  (default 900)
#
# stdout carries only the report (machine line, command, table, notes);
# progress and hyperfine's own output go to stderr, so
#   bench/run.sh > /tmp/table.md
# gives something that can be pasted into docs/benchmarks.md.
#
# Exit status: 0 on success (missed targets are reported, not fatal: timings
# are noisy), 1 if a native or mosrun run failed, 2 on usage/setup errors.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MOSRUN=${MOSRUN:-$ROOT/bin/mosrun}
STRACE=${STRACE:-strace}
PROOT=${PROOT:-proot}
HYPERFINE=${HYPERFINE:-hyperfine}
PYTHON=${PYTHON:-/usr/bin/python3}
[[ -x $PYTHON ]] || PYTHON=$(command -v python3 || true)

INVOCATION="bench/run.sh"
for a in "$@"; do INVOCATION+=" $a"; done

ALL_ROWS=(compute getppid tar make true)   # table order; add new rows here
RUNNERS=(native mosrun strace proot)  # table columns

QUICK=0
ONLY=()

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
    echo "rows: ${ALL_ROWS[*]}"
}

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }

while (($#)); do
    case $1 in
        --quick) QUICK=1 ;;
        --only)
            (($# >= 2)) || die "--only needs a row name (${ALL_ROWS[*]})"
            IFS=, read -r -a more <<<"$2"; ONLY+=("${more[@]}"); shift ;;
        --only=*) IFS=, read -r -a more <<<"${1#--only=}"; ONLY+=("${more[@]}") ;;
        --list) printf '%s\n' "${ALL_ROWS[@]}"; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
    shift
done

ROWS=("${ALL_ROWS[@]}")
if ((${#ONLY[@]})); then
    for r in "${ONLY[@]}"; do
        [[ " ${ALL_ROWS[*]} " == *" $r "* ]] || die "unknown row '$r' (rows: ${ALL_ROWS[*]})"
    done
    ROWS=()
    for r in "${ALL_ROWS[@]}"; do
        [[ " ${ONLY[*]} " == *" $r "* ]] && ROWS+=("$r")
    done
fi

if ((QUICK)); then
    BUDGET=${BENCH_BUDGET:-5}
else
    BUDGET=${BENCH_BUDGET:-60}
fi
CHECK_TIMEOUT=${BENCH_TIMEOUT:-900}

# ---------------------------------------------------------------- setup ----

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mosix-bench.XXXXXX")
CHILD=""   # pid (and process group) of the background job being waited for

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $CHILD ]]; then
        kill -TERM -- "-$CHILD" 2>/dev/null || kill -TERM "$CHILD" 2>/dev/null || true
        wait "$CHILD" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run "$@" as a background job in its own session/process group and wait for
# it; the EXIT trap can then kill the whole group (strace/proot children,
# tar|cat pipelines) if we are interrupted. Returns the command's status.
run_child() {
    local rc=0
    if command -v setsid >/dev/null; then
        setsid -w "$@" &
    else
        "$@" &
    fi
    CHILD=$!
    wait "$CHILD" || rc=$?
    CHILD=""
    return "$rc"
}

[[ -n $PYTHON ]] || command -v jq >/dev/null || die "need python3 or jq to parse results"

# Runner availability.
declare -A AVAIL=([native]=1 [mosrun]=0 [strace]=0 [proot]=0)
MOSRUN_PATH=$(command -v "$MOSRUN" 2>/dev/null || true)
if [[ -n $MOSRUN_PATH && -x $MOSRUN_PATH ]]; then
    AVAIL[mosrun]=1
else
    die "mosrun not found at '$MOSRUN' (build first, or set MOSRUN=/path/to/mosrun)"
fi
if command -v "$STRACE" >/dev/null; then AVAIL[strace]=1; else log "strace not installed: column will read n/a"; fi
if command -v "$PROOT" >/dev/null; then AVAIL[proot]=1; else log "proot not installed: column will read n/a"; fi

# Prefix that each runner puts in front of the workload command.
runner_prefix() {
    case $1 in
        native) PREFIX=() ;;
        mosrun) PREFIX=("$MOSRUN_PATH") ;;
        strace) PREFIX=("$STRACE" -f -o /dev/null) ;;
        proot)  PREFIX=("$PROOT") ;;
    esac
}
runner_label() {
    case $1 in
        native) echo "native" ;;
        mosrun) echo "mosrun" ;;
        strace) echo "strace -f" ;;
        proot)  echo "proot" ;;
    esac
}

# Timing backend.
HF_ARGS=()
if command -v "$HYPERFINE" >/dev/null; then
    TIMER="hyperfine $("$HYPERFINE" --version 2>/dev/null | awk '{print $2}')"
    # -N: no intermediate shell, so /bin/true is not drowned in sh start-up.
    if "$HYPERFINE" --help 2>/dev/null | grep -qE '^[[:space:]]+-N\b'; then
        HF_ARGS+=(-N)
    fi
else
    HYPERFINE=""
    TIMER="own loop (date +%s%N)"
    log "hyperfine is not installed (apt-get install hyperfine): falling back to a"
    log "plain date +%s%N timing loop, which includes bash fork/exec overhead"
fi

# Build the C programs.
BIN=$TMP/bin
mkdir -p "$BIN"
if command -v make >/dev/null; then
    make -s -C "$ROOT/bench/programs" OUT="$BIN" ${CC:+CC="$CC"} >&2
else
    for p in compute getppid_loop; do
        "${CC:-gcc}" -O2 -o "$BIN/$p" "$ROOT/bench/programs/$p.c"
    done
fi

# ------------------------------------------------------------- workloads ----
#
# One function per row. Each sets:
#   WL_TITLE   first-column text
#   WL_CMD     the workload command (array), run as-is for "native" and
#              behind each runner's prefix for the other columns
#   WL_WARMUP  warm-up runs per cell
#   WL_RUNS    timed runs per cell (cut when a cell exceeds $BUDGET seconds)
#   WL_ROUNDS  instead of the two above, for a row whose cells differ by a few
#              percent: that many rounds, each runner once per round (interleave_row)
#   WL_CHECK   "stdout": every runner must print what native printed;
#              "status": only the exit status is checked
# and has a matching verdict_<row> that prints the mosrun target column.

wl_compute() {
    # ~5 s natively: long enough that mosrun's fixed start-up (the "startup" row) is within 1%.
    local iters=2250000000
    ((QUICK)) && iters=50000000
    WL_TITLE="compute-bound ($(group "$iters") iterations)"
    WL_CMD=("$BIN/compute" "$iters")
    WL_CHECK=stdout
    if ((QUICK)); then WL_WARMUP=1 WL_RUNS=3; else WL_WARMUP=1 WL_RUNS=5; fi
}
verdict_compute() {   # target: within 1% of native
    ratio_verdict compute "<= 1.01x" 'r <= 1.01'
}

wl_getppid() {
    local n=1000000
    ((QUICK)) && n=50000
    WL_TITLE="$(group "$n") getppid() calls"
    WL_CMD=("$BIN/getppid_loop" "$n")
    WL_CHECK=stdout
    if ((QUICK)); then WL_WARMUP=1 WL_RUNS=3; else WL_WARMUP=2 WL_RUNS=10; fi
}
verdict_getppid() { echo "-"; }

wl_tar() {
    # Tens of thousands of small files read and written: a few seconds of system calls.
    local dir="/usr/include /usr/lib/python3.11 /usr/lib/gcc /usr/share/perl"
    ((QUICK)) && [[ -d /usr/include/linux ]] && dir=/usr/include/linux
    WL_TITLE="tar -cf - $dir \\| cat"
    WL_CMD=(bash -c "tar -cf - $dir 2>/dev/null | cat >/dev/null")
    WL_CHECK=status
    if ((QUICK)); then WL_WARMUP=1 WL_RUNS=3; else WL_WARMUP=2 WL_RUNS=8; fi
}
verdict_tar() {       # target: within 5% of native, well ahead of the peers
    local v
    v=$(ratio_verdict tar "<= 1.05x" 'r <= 1.05')
    [[ $v == *met ]] || { echo "$v"; return; }
    local p
    for p in strace proot; do
        if [[ ${STATUS[tar,$p]:-} == ok ]] &&
           ! awk -v m="${MEAN[tar,mosrun]}" -v o="${MEAN[tar,$p]}" 'BEGIN{exit !(m < o)}'; then
            echo "<= 1.05x, ahead of peers: MISSED (not ahead of $p)"; return
        fi
    done
    echo "<= 1.05x, ahead of peers: met"
}

wl_make() {
    # A process tree: make -j2 runs gcc, cc1 and as for every file (three processes each, some
    # hundreds in all), each short-lived. Generated here, so every machine builds the same code.
    local files=120
    ((QUICK)) && files=24
    local dir="$TMP/cproject"
    generate_c_project "$dir" "$files"
    WL_TITLE="make -j2 of a generated C project ($files files, $((3 * files + 2)) processes)"
    WL_CMD=(bash -c "make -s -C '$dir' clean && make -s -C '$dir' -j2 && '$dir/program'")
    WL_CHECK=stdout
    # mosrun's target is a few percent: the runners take turns, round by round (interleave_row).
    if ((QUICK)); then WL_ROUNDS=2; else WL_ROUNDS=6; fi
}
verdict_make() {      # target: a tree of hundreds of processes is not slowed measurably
    ratio_verdict make "<= 1.05x" 'r <= 1.05'
}

# $1 folder, $2 files: file_N.c each with a function with loops enough for cc1 -O2 to chew on, a
# main that calls them all and prints their sum, and a Makefile with a pattern rule.
generate_c_project() {
    local dir=$1 files=$2 i
    [[ -f $dir/Makefile ]] && return
    mkdir -p "$dir"
    for ((i = 1; i <= files; i++)); do
        cat > "$dir/file_$i.c" <<C
static unsigned table_$i[64];
unsigned part_$i(unsigned x)
{
    for (unsigned k = 0; k < 64; k++)
        table_$i[k] = (x * 2654435761u + k * $i) ^ (table_$i[(k + 7) % 64] >> 3);
    unsigned sum = 0;
    for (unsigned k = 0; k < 64; k++)
        sum += table_$i[k] % (k + 3) + (k & 1 ? table_$i[k] >> 5 : table_$i[k] << 2);
    return sum;
}
C
    done
    {
        echo '#include <stdio.h>'
        for ((i = 1; i <= files; i++)); do echo "unsigned part_$i(unsigned x);"; done
        echo 'int main(void) { unsigned s = 0;'
        for ((i = 1; i <= files; i++)); do echo "  s += part_$i($i);"; done
        echo '  printf("sum %u\n", s); return 0; }'
    } > "$dir/main.c"
    printf '%s\n' 'SOURCES := $(wildcard *.c)' 'program: $(SOURCES:.c=.o)' \
        '	$(CC) -o $@ $^' '%.o: %.c' '	$(CC) -O2 -c -o $@ $<' 'clean:' '	rm -f *.o program' '.PHONY: clean' > "$dir/Makefile"
}

wl_true() {
    WL_TITLE="startup: /bin/true"
    WL_CMD=(/bin/true)
    WL_CHECK=status
    if ((QUICK)); then WL_WARMUP=2 WL_RUNS=10; else WL_WARMUP=3 WL_RUNS=30; fi
}
verdict_true() {      # target: mosrun /bin/true under 60 ms
    [[ ${STATUS[true,mosrun]:-} == ok ]] || { echo "< 60 ms: ${STATUS[true,mosrun]:-not run}"; return; }
    if awk -v m="${MEAN[true,mosrun]}" 'BEGIN{exit !(m < 0.060)}'; then
        echo "< 60 ms: met"
    else
        echo "< 60 ms: MISSED"
    fi
}

# Later rows go here, one wl_<name>/verdict_<name> pair each, plus an entry in
# ALL_ROWS:
#   - checkpoint and restore of 64 MiB / 256 MiB / 1 GiB processes
#   - forwarded-call round trips (home <-> remote node)
# These have no native or peer equivalent: they will want absolute times in
# the mosrun column and "n/a" elsewhere. Today measure() times the other
# columns only after a successful native run and the report prints ratios, so
# such rows need a small absolute-time variant of both (e.g. a WL_ABSOLUTE=1
# flag checked in measure() and in the report loop).

# --------------------------------------------------------------- helpers ----

group() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }   # 1000000 -> 1,000,000

# Quote a command for hyperfine (which splits with POSIX shell rules) and for
# the legend.
quote_cmd() {
    local out="" a
    for a in "$@"; do
        if [[ $a =~ ^[A-Za-z0-9_./=:,+%@-]+$ ]]; then
            out+=" $a"
        else
            out+=" '${a//\'/\'\\\'\'}'"
        fi
    done
    echo "${out# }"
}

# json_stats FILE -> "mean stddev runs" (seconds) of the first result.
json_stats() {
    if command -v jq >/dev/null; then
        jq -r '.results[0] | "\(.mean) \(.stddev // 0) \(.times | length)"' "$1"
    else
        "$PYTHON" - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["mean"], r.get("stddev") or 0, len(r.get("times", [])))
EOF
    fi
}

# Fallback timer: writes a hyperfine-shaped JSON file.
time_loop() {
    local warmup=$1 runs=$2 json=$3; shift 3
    local i t0 t1 times="$TMP/times"
    : >"$times"
    for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 </dev/null || return 1; done
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1 </dev/null || return 1
        t1=$(date +%s%N)
        echo $((t1 - t0)) >>"$times"
    done
    if [[ -n $PYTHON ]]; then
        "$PYTHON" - "$times" "$json" <<'EOF'
import json, statistics, sys
t = [int(l) / 1e9 for l in open(sys.argv[1]) if l.strip()]
sd = statistics.stdev(t) if len(t) > 1 else 0
json.dump({"results": [{"mean": statistics.mean(t), "stddev": sd, "times": t}]},
          open(sys.argv[2], "w"))
EOF
    else
        awk 'BEGIN{printf "{\"results\":[{\"times\":["}
             {s+=$1/1e9; q+=($1/1e9)^2; printf "%s%.9f", (NR>1?",":""), $1/1e9}
             END{m=s/NR; v=(NR>1)?(q-NR*m*m)/(NR-1):0; if(v<0)v=0;
                 printf "],\"mean\":%.9f,\"stddev\":%.9f}]}\n", m, sqrt(v)}' "$times" >"$json"
    fi
}

declare -A MEAN STDDEV NRUNS STATUS NOTE CMDQ
EXPECTED=""
HARD_FAIL=0

# measure ROW RUNNER: check run (correctness + duration), then timed runs.
measure() {
    local row=$1 runner=$2
    local cell="$row,$runner"
    if ((!AVAIL[$runner])); then STATUS[$cell]="n/a"; return 0; fi
    if [[ $runner != native && ${STATUS[$row,native]} != ok && ${STATUS[$row,native]} != pending ]]; then
        STATUS[$cell]="n/a"; return 0
    fi
    runner_prefix "$runner"
    local cmd=("${PREFIX[@]}" "${WL_CMD[@]}")
    local out="$TMP/out.$runner" err="$TMP/err.$runner" rc=0 t0 t1

    log "$row / $runner: check run: $(quote_cmd "${cmd[@]}")"
    t0=$(date +%s%N)
    run_child timeout -k 5 "$CHECK_TIMEOUT" "${cmd[@]}" >"$out" 2>"$err" </dev/null || rc=$?
    t1=$(date +%s%N)
    if ((rc != 0)); then
        local why=""
        ((rc == 124)) && why=" (timed out after ${CHECK_TIMEOUT}s)"
        log "$row / $runner: exit status $rc$why; stderr tail:"
        tail -n 5 "$err" | sed 's/^/    /' >&2
        STATUS[$cell]=FAIL
        [[ $runner == native || $runner == mosrun ]] && HARD_FAIL=1
        return 0
    fi
    if [[ $WL_CHECK == stdout ]]; then
        if [[ $runner == native ]]; then
            EXPECTED=$(<"$out")
        elif [[ $(<"$out") != "$EXPECTED" ]]; then
            log "$row / $runner: output differs from native: '$(head -c 200 "$out")' vs '$EXPECTED'"
            STATUS[$cell]=FAIL
            [[ $runner == mosrun ]] && HARD_FAIL=1
            return 0
        fi
    fi

    if ((${WL_ROUNDS:-0} > 0)); then
        # Timed later, in rounds that take each runner in turn (interleave_row).
        STATUS[$cell]=pending CMDQ[$cell]=$(quote_cmd "${cmd[@]}")
        return 0
    fi

    # Keep each cell within the time budget (strace on a million getppid()
    # calls takes minutes per run); the check run above doubles as warm-up.
    local warmup=$WL_WARMUP runs=$WL_RUNS
    local check_ns=$((t1 - t0))
    local fit=$(( BUDGET * 1000000000 / (check_ns > 0 ? check_ns : 1) ))
    if ((fit < runs + warmup)); then
        warmup=0
        runs=$(( fit < 1 ? 1 : (fit < runs ? fit : runs) ))
    fi
    ((runs < WL_RUNS)) && NOTE[$cell]="$runs run$( ((runs == 1)) || echo s)"

    local json="$TMP/$row.$runner.json"
    log "$row / $runner: timing ($warmup warm-up, $runs runs)"
    rc=0
    if [[ -n $HYPERFINE ]]; then
        run_child "$HYPERFINE" "${HF_ARGS[@]}" --warmup "$warmup" --runs "$runs" \
            --export-json "$json" -n "$row/$runner" "$(quote_cmd "${cmd[@]}")" >&2 </dev/null || rc=$?
    else
        time_loop "$warmup" "$runs" "$json" "${cmd[@]}" || rc=$?
    fi
    if ((rc != 0)) || [[ ! -s $json ]]; then
        log "$row / $runner: timed runs failed (status $rc)"
        STATUS[$cell]=FAIL
        [[ $runner == native || $runner == mosrun ]] && HARD_FAIL=1
        return 0
    fi
    local mean sd n
    read -r mean sd n < <(json_stats "$json")
    MEAN[$cell]=$mean STDDEV[$cell]=$sd NRUNS[$cell]=$n STATUS[$cell]=ok
}

# interleave_row ROW: the timed runs of a row whose cells differ by a few percent
# (WL_ROUNDS > 0). One run of each runner per round, in turn, so that the
# machine drifting (another VM's load, CPU frequency) weighs on every runner
# alike; one run after another per runner, as hyperfine does, put a 3% drift
# between the native and the mosrun cell on this machine. The first round is
# the warm-up.
interleave_row() {
    local row=$1 r runner cell t0 t1
    log "$row: timing in $WL_ROUNDS interleaved rounds (first one a warm-up)"
    for ((r = 0; r <= WL_ROUNDS; r++)); do
        for runner in "${RUNNERS[@]}"; do
            cell="$row,$runner"
            [[ ${STATUS[$cell]:-} == pending ]] || continue
            t0=$(date +%s%N)
            if ! run_child sh -c "${CMDQ[$cell]}" >/dev/null 2>&1 </dev/null; then
                log "$row / $runner: a timed run failed"
                STATUS[$cell]=FAIL
                [[ $runner == native || $runner == mosrun ]] && HARD_FAIL=1
                continue
            fi
            t1=$(date +%s%N)
            ((r > 0)) && echo $((t1 - t0)) >>"$TMP/$row.$runner.times"
        done
    done
    for runner in "${RUNNERS[@]}"; do
        cell="$row,$runner"
        [[ ${STATUS[$cell]:-} == pending ]] || continue
        read -r MEAN[$cell] STDDEV[$cell] NRUNS[$cell] < <(awk '{t = $1 / 1e9; s += t; q += t * t; n++}
            END {m = s / n; v = n > 1 ? (q - n * m * m) / (n - 1) : 0; if (v < 0) v = 0; printf "%.9f %.9f %d\n", m, sqrt(v), n}' \
            "$TMP/$row.$runner.times")
        STATUS[$cell]=ok NOTE[$cell]="${NRUNS[$cell]} interleaved runs"
    done
}

fmt_time() {   # seconds -> "1.234 s" / "12.3 ms" / "0.61 ms"
    awk -v t="$1" 'BEGIN{
        if (t >= 1) printf "%.3f s", t;
        else if (t >= 0.01) printf "%.1f ms", t*1000;
        else printf "%.2f ms", t*1000 }'
}
fmt_ratio() {  # a b -> a/b as "1.003x" / "12.4x" / "745x"
    awk -v a="$1" -v b="$2" 'BEGIN{
        r = a / b;
        if (r < 10) printf "%.3fx", r; else if (r < 100) printf "%.1fx", r; else printf "%.0fx", r }'
}

# ratio_verdict ROW LABEL AWK-CONDITION-ON-r
ratio_verdict() {
    local row=$1 label=$2 cond=$3
    if [[ ${STATUS[$row,mosrun]:-} != ok ]]; then echo "$label: ${STATUS[$row,mosrun]:-not run}"; return; fi
    if awk -v r="$(awk -v a="${MEAN[$row,mosrun]}" -v b="${MEAN[$row,native]}" 'BEGIN{print a/b}')" \
           "BEGIN{exit !($cond)}"; then
        echo "$label: met"
    else
        echo "$label: MISSED"
    fi
}

# ------------------------------------------------------------------ main ----

declare -A TITLE CMDLINE
for row in "${ROWS[@]}"; do
    WL_ROUNDS=0
    "wl_$row"
    TITLE[$row]=$WL_TITLE
    CMDLINE[$row]=$(quote_cmd "${WL_CMD[@]}")
    EXPECTED=""
    for runner in "${RUNNERS[@]}"; do
        measure "$row" "$runner"
    done
    ((WL_ROUNDS > 0)) && interleave_row "$row"
done

# ---------------------------------------------------------------- report ----

cpu=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
echo
echo "Machine: $(nproc) CPUs (nproc)${cpu:+, $cpu}, kernel $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Command: \`$INVOCATION\` (timer: $TIMER)"
echo
((QUICK)) && { echo "Quick mode: smaller workloads and fewer runs; a smoke test, not a measurement."; echo; }

header="| Workload |"; rule="|:--|"
for runner in "${RUNNERS[@]}"; do header+=" $(runner_label "$runner") |"; rule+="--:|"; done
header+=" mosrun target |"; rule+=":--|"
echo "$header"
echo "$rule"
for row in "${ROWS[@]}"; do
    line="| ${TITLE[$row]} |"
    for runner in "${RUNNERS[@]}"; do
        cell="$row,$runner"
        st=${STATUS[$cell]:-n/a}
        if [[ $st != ok ]]; then
            line+=" $st |"
            continue
        fi
        if [[ $runner == native ]]; then
            txt="$(fmt_time "${MEAN[$cell]}") ± $(fmt_time "${STDDEV[$cell]}")"
        else
            txt=$(fmt_ratio "${MEAN[$cell]}" "${MEAN[$row,native]}")
            [[ $row == true && $runner == mosrun ]] && txt+=" ($(fmt_time "${MEAN[$cell]}"))"
        fi
        [[ -n ${NOTE[$cell]:-} ]] && txt+=" [${NOTE[$cell]}]"
        line+=" $txt |"
    done
    line+=" $("verdict_$row") |"
    echo "$line"
done
echo
echo "Native column: mean ± standard deviation. Other columns: runner mean / native mean."
if [[ " ${ROWS[*]} " == *" true "* && ${STATUS[true,mosrun]:-} == ok ]]; then
    echo "mosrun /bin/true: $(fmt_time "${MEAN[true,mosrun]}") mean (target < 60 ms)."
fi
echo "Runners: native = the command itself; mosrun = \`$(quote_cmd "${MOSRUN_PATH#"$ROOT"/}") CMD\`;" \
     "strace -f = \`$STRACE -f -o /dev/null CMD\`; proot = \`$PROOT CMD\`."
echo "Commands (CMD; compute and getppid_loop are bench/programs/*.c built with gcc -O2):"
for row in "${ROWS[@]}"; do
    WL_ROUNDS=0
    "wl_$row"
    if ((WL_ROUNDS > 0)); then
        echo "- ${row}: \`${CMDLINE[$row]//$BIN\//}\` ($WL_ROUNDS interleaved rounds after a warm-up round, one run of each runner per round)"
    else
        echo "- ${row}: \`${CMDLINE[$row]//$BIN\//}\` ($WL_WARMUP warm-up, $WL_RUNS runs per cell; [N runs] = cut to fit the ${BUDGET}s per-cell budget)"
    fi
done
echo "n/a = runner not installed; FAIL = runner failed or printed a different result (see stderr)."

exit $((HARD_FAIL ? 1 : 0))

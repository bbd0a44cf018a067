#!/usr/bin/env bash
# Run the Linux Test Project (LTP) system-call tests, natively or under a
# command prefix such as mosrun, and record one result per test.
#
# Usage:
#   test/ltp/run.sh [--prefix "CMD..."] [--list FILE] [--timeout SECONDS]
#                   [--out FILE] [--filter REGEX] [--logs DIR]
#   test/ltp/run.sh --compare A.tsv B.tsv
#   test/ltp/run.sh --env-check [--prefix "CMD..."]
#
#   --prefix "CMD..."  put CMD (split on blanks) in front of every test, e.g.
#                      --prefix /work/main/bin/mosrun
#                      --prefix "/work/main/bin/mosrun -rnode2"
#                      empty (the default) runs the tests natively
#   --list FILE        test list in runtest format (default:
#                      $LTP_ROOT/runtest/syscalls): lines "NAME COMMAND ARGS...",
#                      '#' starts a comment, blank lines are skipped
#   --timeout SECONDS  wall-clock limit per test (default 30); on expiry the
#                      test's whole session (all its process groups) gets
#                      SIGTERM, then SIGKILL 3 seconds later
#   --out FILE         results as TSV "name<TAB>class<TAB>status"
#                      (default ./ltp-results.tsv)
#   --filter REGEX     only run tests whose NAME matches REGEX (grep -E)
#   --logs DIR         per-test output DIR/NAME.log (default: FILE.logs next
#                      to --out); DIR/times.tsv gets "name<TAB>seconds"
#   --compare A B      list the tests that PASS in A but not in B, and the share
#                      of A's passes that also pass in B
#   --env-check        say where LTP is and what would be run, then exit
#
# Classes: PASS (exit 0), CONF (exit 32, LTP's TCONF: not applicable here),
# TIMEOUT (killed by this script), FAIL (anything else, including 127 when the
# test binary is not installed).
#
# Environment:
#   LTP_ROOT      LTP install prefix (default /work/ltp)
#   LTP_TMPBASE   where per-test temporary directories go (default $TMPDIR or
#                 /tmp); each test gets a fresh one as TMPDIR and as its
#                 working directory, removed when it ends
#   Anything else (LTP_TIMEOUT_MUL, LTP_RUNTIME_MUL, LTP_DEV, MOSIX_STATE...)
#   is passed through to the tests unchanged.
#
# Works as root or as an ordinary user; tests that need root then report
# TCONF and are recorded as CONF.

set -u
set +m          # no job control: background jobs stay in our process group,
                # so setsid(1) below makes the test a session leader in place

LTP_ROOT=${LTP_ROOT:-/work/ltp}
prefix=""
list=""
timeout=30
out="ltp-results.tsv"
filter=""
logs=""
mode=run

die() { echo "run.sh: $*" >&2; exit 2; }

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0" | sed '/^!/d'
    exit "${1:-0}"
}

# ---------------------------------------------------------------- options
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)    [ $# -ge 2 ] || die "--prefix needs a value"; prefix=$2; shift 2 ;;
        --prefix=*)  prefix=${1#*=}; shift ;;
        --list)      [ $# -ge 2 ] || die "--list needs a file"; list=$2; shift 2 ;;
        --list=*)    list=${1#*=}; shift ;;
        --timeout)   [ $# -ge 2 ] || die "--timeout needs seconds"; timeout=$2; shift 2 ;;
        --timeout=*) timeout=${1#*=}; shift ;;
        --out)       [ $# -ge 2 ] || die "--out needs a file"; out=$2; shift 2 ;;
        --out=*)     out=${1#*=}; shift ;;
        --filter)    [ $# -ge 2 ] || die "--filter needs a regex"; filter=$2; shift 2 ;;
        --filter=*)  filter=${1#*=}; shift ;;
        --logs)      [ $# -ge 2 ] || die "--logs needs a directory"; logs=$2; shift 2 ;;
        --logs=*)    logs=${1#*=}; shift ;;
        --compare)   [ $# -ge 3 ] || die "--compare needs two TSV files"
                     mode=compare; cmp_a=$2; cmp_b=$3; shift 3 ;;
        --env-check) mode=envcheck; shift ;;
        -h|--help)   usage 0 ;;
        *)           echo "run.sh: unknown argument: $1" >&2; usage 2 ;;
    esac
done

case "$timeout" in ''|*[!0-9]*|0) die "--timeout must be a positive whole number of seconds" ;; esac

bindir=$LTP_ROOT/testcases/bin
[ -n "$list" ] || list=$LTP_ROOT/runtest/syscalls
read -r -a prefix_words <<<"$prefix"

# ---------------------------------------------------------------- --compare
if [ "$mode" = compare ]; then
    [ -r "$cmp_a" ] || die "cannot read $cmp_a"
    [ -r "$cmp_b" ] || die "cannot read $cmp_b"
    # First file: remember A's passes. Second file: B's class and status per
    # test. A test missing from B counts as not passing there.
    awk -F'\t' -v A="$cmp_a" -v B="$cmp_b" '
        FNR == NR { if ($2 == "PASS") { pass[$1] = 1; order[++n] = $1 }; next }
        { cls[$1] = $2; st[$1] = $3 }
        END {
            both = 0
            for (i = 1; i <= n; i++) {
                t = order[i]
                if (cls[t] == "PASS") { both++; continue }
                if (t in cls) printf "%s\t%s\t%s\n", t, cls[t], st[t]
                else          printf "%s\tMISSING\t-\n", t
            }
            printf "%d of %d tests that pass in %s also pass in %s (%.1f%%)\n", \
                   both, n, A, B, (n ? 100.0 * both / n : 0)
        }' "$cmp_a" "$cmp_b"
    exit 0
fi

# ---------------------------------------------------------------- --env-check
if [ "$mode" = envcheck ]; then
    echo "LTP_ROOT      $LTP_ROOT"
    if [ -f "$LTP_ROOT/Version" ]; then echo "LTP version   $(cat "$LTP_ROOT/Version")"; fi
    if [ -d "$bindir" ]; then
        echo "test binaries $bindir ($(find "$bindir" -maxdepth 1 -type f -perm -u+x | wc -l) executables)"
    else
        echo "test binaries $bindir MISSING"
    fi
    if [ -r "$list" ]; then
        n=$(grep -cvE '^[[:space:]]*(#|$)' "$list")
        echo "test list     $list ($n tests)"
    else
        echo "test list     $list MISSING"
    fi
    echo "temp base     ${LTP_TMPBASE:-${TMPDIR:-/tmp}}"
    echo "prefix        ${prefix:-(none: native)}"
    if [ ${#prefix_words[@]} -gt 0 ] && ! command -v "${prefix_words[0]}" >/dev/null; then
        echo "              WARNING: ${prefix_words[0]} not found or not executable"
    fi
    echo "user          $(id -un) (uid $(id -u))$([ "$(id -u)" = 0 ] || echo ', tests needing root will be CONF')"
    echo "kernel        $(uname -r)"
    [ -d "$bindir" ] && [ -r "$list" ] || exit 1
    exit 0
fi

# ---------------------------------------------------------------- run
[ -d "$bindir" ] || die "no LTP install at $LTP_ROOT (set LTP_ROOT); $bindir missing"
[ -r "$list" ]   || die "cannot read test list $list"
if [ ${#prefix_words[@]} -gt 0 ] && ! command -v "${prefix_words[0]}" >/dev/null; then
    die "prefix command not found: ${prefix_words[0]}"
fi

[ -n "$logs" ] || logs=${out%.tsv}.logs
mkdir -p "$logs" || die "cannot create $logs"
: >"$out" || die "cannot write $out"
: >"$logs/times.tsv"

tmpbase=${LTP_TMPBASE:-${TMPDIR:-/tmp}}
case "$tmpbase" in /*) ;; *) tmpbase=$PWD/$tmpbase ;; esac   # LTP wants it absolute
rundir=$(mktemp -d "$tmpbase/ltp-run.XXXXXX") || die "cannot make a directory in $tmpbase"
# Tests started as root often drop to nobody and must still reach their
# directory under TMPDIR, so the path has to be searchable by everyone.
chmod 755 "$rundir"

# Every process in session SID, as a list of pids.
session_pids() { ps -e -o pid= -o sid= | awk -v s="$1" '$2 == s { print $1 }'; }

# Send signal SIG to every process of session SID. The LTP library puts its
# test child in a process group of its own, so killing one group is not
# enough; the session (made by setsid) holds them all.
kill_session() {
    local sid=$1 sig=$2 p
    for p in $(session_pids "$sid"); do kill "-$sig" "$p" 2>/dev/null; done
}

# Remove a test's temporary directory, undoing what a killed test may have
# left: mounts inside it (root only) and immutable/append-only files.
remove_tmp() {
    local dir=$1 m
    if [ "$(id -u)" = 0 ]; then
        # deepest mount points first
        for m in $(awk -v d="$dir" 'index($5, d"/") == 1 || $5 == d { print $5 }' /proc/self/mountinfo | sort -r); do
            umount -l "$m" 2>/dev/null
        done
    fi
    rm -rf --one-file-system "$dir" 2>/dev/null && return 0
    chmod -R u+rwx "$dir" 2>/dev/null
    command -v chattr >/dev/null && chattr -R -i -a "$dir" 2>/dev/null
    rm -rf --one-file-system "$dir" 2>/dev/null || echo "run.sh: could not remove $dir" >&2
}

current_sid=""
on_signal() {
    echo "run.sh: interrupted" >&2
    [ -n "$current_sid" ] && kill_session "$current_sid" KILL
    rm -rf --one-file-system "$rundir" 2>/dev/null
    exit 130
}
trap on_signal INT TERM HUP

npass=0 nconf=0 nfail=0 ntimeout=0 ntotal=0
start_all=$(date +%s)

# File descriptor 3 reads the list so that tests cannot eat it (their stdin is
# /dev/null anyway).
while read -r name cmd args <&3; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ -n "$filter" ] && ! [[ $name =~ $filter ]]; then continue; fi
    [ -n "$cmd" ] || cmd=$name
    read -r -a argv <<<"${args:-}"

    # The command is looked up in the LTP bin directory first, then in PATH;
    # the prefix gets an absolute path so that it need not search itself.
    case "$cmd" in
        */*) path=$cmd ;;
        *)   if [ -x "$bindir/$cmd" ]; then path=$bindir/$cmd
             else path=$(PATH=$bindir:$PATH command -v "$cmd" 2>/dev/null || true); fi ;;
    esac

    ntotal=$((ntotal + 1))
    log=$logs/$name.log
    t0=$(date +%s.%N)

    if [ -z "$path" ] || [ ! -x "$path" ]; then
        echo "run.sh: $cmd is not installed in $bindir" >"$log"
        status=127 class=FAIL
    else
        tdir=$(mktemp -d "$rundir/$name.XXXXXX")
        chmod 1777 "$tdir"            # like /tmp: any uid a test switches to may use it
        flag=$tdir.timedout
        {
            echo "# $name: ${prefix:+$prefix }$path ${argv[*]:-}"
            echo "# TMPDIR=$tdir"
        } >"$log"

        # setsid: the test (and the prefix) lead a new session whose id is
        # their pid, so every descendant can be found again to be killed.
        ( cd "$tdir" &&
          export LTPROOT="$LTP_ROOT" TMPDIR="$tdir" PATH="$bindir:$PATH" LTP_COLORIZE_OUTPUT=n &&
          exec setsid "${prefix_words[@]}" "$path" "${argv[@]}" ) </dev/null >>"$log" 2>&1 &
        pid=$!
        current_sid=$pid

        # Watchdog: after the timeout, mark the test and kill its session.
        # It ends quietly (and takes its sleep along) if the test ends first.
        (
            trap 'kill "$s" 2>/dev/null; exit 0' TERM
            sleep "$timeout" & s=$!
            wait "$s"
            : >"$flag"
            kill_session "$pid" TERM
            sleep 3 & s=$!
            wait "$s"
            kill_session "$pid" KILL
        ) &
        wd=$!

        wait "$pid"; status=$?
        kill -TERM "$wd" 2>/dev/null; wait "$wd" 2>/dev/null

        # Leftovers of a test that ended but left processes in its session.
        left=$(session_pids "$pid" | tr '\n' ' ')
        if [ -n "$left" ]; then
            echo "# run.sh: killing leftover processes: $left" >>"$log"
            kill_session "$pid" KILL
        fi
        current_sid=""

        if [ -e "$flag" ]; then
            class=TIMEOUT
            echo "# run.sh: TIMEOUT after ${timeout}s" >>"$log"
        elif [ "$status" = 0 ]; then class=PASS
        elif [ "$status" = 32 ]; then class=CONF
        else class=FAIL
        fi
        rm -f "$flag"
        remove_tmp "$tdir"
    fi

    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    echo "# run.sh: exit $status, $class, ${secs}s" >>"$log"
    case $class in
        PASS) npass=$((npass + 1)) ;;
        CONF) nconf=$((nconf + 1)) ;;
        FAIL) nfail=$((nfail + 1)) ;;
        TIMEOUT) ntimeout=$((ntimeout + 1)) ;;
    esac
    printf '%s\t%s\t%s\n' "$name" "$class" "$status" >>"$out"
    printf '%s\t%s\n' "$name" "$secs" >>"$logs/times.tsv"
    printf '[%d] %-28s %-7s %3s %6ss\n' "$ntotal" "$name" "$class" "$status" "$secs" >&2
done 3<"$list"

rm -rf --one-file-system "$rundir" 2>/dev/null
elapsed=$(( $(date +%s) - start_all ))
echo "$npass pass, $nconf conf, $nfail fail, $ntimeout timeout of $ntotal"
echo "(${elapsed}s; results in $out, output in $logs/)" >&2

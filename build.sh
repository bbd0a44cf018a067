#!/usr/bin/env bash
# Builds Mosix into bin/ and runs its jobs.
#
#   ./build.sh          build native and managed code into bin/
#   ./build.sh demo     build, then show mosrun at work
#   ./build.sh test     build, then run every test; ends with "N passed, M failed"
#   ./build.sh bench    build, then run the benchmarks (bench/run.sh, checkpoint.sh, migration.sh, makespan.sh, the simulations; options after "bench" go to run.sh)
#   ./build.sh clean    remove bin/ and the build folders
#   ./build.sh cluster N      build, then start N local agents on 127.0.0.1 (scripts/cluster.sh)
#   ./build.sh cluster stop   stop them again
#
# Installs what is missing with apt-get when run as root; downloads nothing but packages.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN="$ROOT/bin"
COMMANDS=(mosrun migrate mosmon mosps mosctl native mosbestnode mosq moskillall)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_updated=0
need_packages() {
    # need_packages COMMAND:PACKAGE ...: installs the packages whose command is missing.
    local missing=() pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        say "missing: ${missing[*]} (run as root, or install them, to get them)"
        return 1
    fi
    say "installing ${missing[*]}"
    if [ $apt_updated -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_build_tools() {
    need_packages gcc:gcc g++:g++ make:make
    [ -e /usr/include/x86_64-linux-gnu/asm/unistd_64.h ] || need_packages __none__:linux-libc-dev
    # The static test program needs libc.a.
    [ -e /usr/lib/x86_64-linux-gnu/libc.a ] || need_packages __none__:libc6-dev
    # The Go test program (threads the Go runtime makes itself); without Go its tests are inconclusive.
    need_packages go:golang-go || true
    command -v dotnet >/dev/null || { echo "build.sh: the .NET SDK (dotnet) is required" >&2; exit 1; }
}

ensure_test_tools() {
    # Real programs the tests run under mosrun, and what the unprivileged tests use.
    need_packages perl:perl python3:python3 tar:tar find:findutils awk:gawk setpriv:util-linux useradd:passwd strace:strace || true
}

build() {
    ensure_build_tools
    say "native code -> bin/"
    make -s -C "$ROOT/native/preload" OUT="$BIN"
    make -s -C "$ROOT/test/programs" OUT="$BIN/tests"
    say "managed code -> bin/"
    # The commands are one native-compiled program (src/Cli/Mosix.Cli.csproj says why); mosixd runs on .NET.
    rm -f "$BIN"/mosix.dll "$BIN"/mosix.deps.json "$BIN"/mosix.runtimeconfig.json "$BIN"/mosix.pdb
    dotnet publish "$ROOT/src/Cli/Mosix.Cli.csproj" -c Release -o "$BIN" --nologo -v quiet
    dotnet publish "$ROOT/src/Agent/Mosix.Agent.csproj" -c Release -o "$BIN" --nologo -v quiet -p:PublishReadyToRun=true
    local cmd
    for cmd in "${COMMANDS[@]}"; do ln -sfn mosix "$BIN/$cmd"; done
    say "built: ${COMMANDS[*]/#/bin/} bin/mosixd"
}

# The failed tests again, by name with the first lines of their message, just above the totals:
# a long run's log is often kept only by its tail.
list_failures() {
    python3 - "$1" <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
root = ET.parse(sys.argv[1]).getroot()
print("failed tests:")
for r in root.iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") != "Failed":
        continue
    message = r.findtext(".//t:Message", default="", namespaces=ns).strip().splitlines()
    print(f"  {r.get('testName')}: " + " / ".join(message[:4])[:600])
PY
}

run_tests() {
    ensure_test_tools
    local results="$ROOT/test/Mosix.Tests/TestResults" status=0
    rm -rf "$results"
    dotnet test "$ROOT/test/Mosix.Tests/Mosix.Tests.csproj" -c Release --nologo \
        --logger "console;verbosity=normal" --logger "trx;LogFileName=results.trx" \
        --results-directory "$results" 2>&1 || status=$?
    # The totals come from the TRX report's <Counters passed=".." failed=".."/>.
    local passed=0 failed=0 trx="$results/results.trx"
    if [ -f "$trx" ]; then
        passed=$(grep -o '<Counters [^>]*' "$trx" | grep -oE ' passed="[0-9]+"' | grep -oE '[0-9]+' || echo 0)
        failed=$(grep -o '<Counters [^>]*' "$trx" | grep -oE ' failed="[0-9]+"' | grep -oE '[0-9]+' || echo 0)
    fi
    [ -f "$trx" ] && [ "$failed" != 0 ] && list_failures "$trx"
    rm -rf "$results"
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    echo "$passed passed, $failed failed"
    [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
}

gossip_simulation() {
    say "gossip simulation (bench/gossip)"
    dotnet run --project "$ROOT/bench/gossip/Mosix.GossipSim.csproj" -c Release -v quiet
}

placement_simulation() {
    say "placement simulation (bench/placement)"
    dotnet run --project "$ROOT/bench/placement/Mosix.PlacementSim.csproj" -c Release -v quiet
}

demo() {
    "$ROOT/scripts/demo.sh"
}

case "${1:-build}" in
    build) build ;;
    demo) build; demo ;;
    test) build; run_tests ;;
    bench) build; need_packages hyperfine:hyperfine proot:proot strace:strace || true; shift
        "$ROOT/bench/run.sh" "$@"
        "$ROOT/bench/checkpoint.sh" $([[ " $* " == *" --quick "* ]] && echo --quick)
        "$ROOT/bench/migration.sh" $([[ " $* " == *" --quick "* ]] && echo --quick)
        "$ROOT/bench/makespan.sh" $([[ " $* " == *" --quick "* ]] && echo --quick)
        gossip_simulation
        placement_simulation ;;
    cluster) shift; [ "${1:-}" = stop ] || [ "${1:-}" = status ] || build; "$ROOT/scripts/cluster.sh" "$@" ;;
    clean) rm -rf "$BIN"; find "$ROOT/src" "$ROOT/test" -depth -type d \( -name bin -o -name obj \) -exec rm -rf {} + ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

using System.Text;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>
/// Every program run that must look the same under Mosix as natively: real tools (bash, coreutils, tar,
/// python3, perl, gcc, make) and the C programs in test/programs, one per feature.
/// </summary>
/// <remarks>Scripts write only into their working directory, which the oracle empties between runs.</remarks>
public static class Scenarios
{
    public static IReadOnlyList<Scenario> All { get; } =
    [
        Bash("bash_pipeline", """
            (echo a; echo b) | sort -r; x=$(seq 1 100 | awk "{s+=\$1} END {print s}"); echo $x; { echo z; echo y; } | sed s/y/Y/
            """),

        Bash("bash_features", """
            trap 'echo "trap: EXIT"' EXIT
            yes | head -n 3
            echo "pipestatus: ${PIPESTATUS[*]}"
            (exit 7); echo "subshell exit: $?"
            while read -r line; do echo "read: $line"; done <<'END'
            first line
            second line
            END
            diff <(seq 1 5) <(seq 1 6); echo "diff: $?"
            echo "arithmetic: $(( 6 * 7 ))"
            f() { local v=$1; echo "function: ${v^^}"; }; f mosix
            """),

        Bash("coreutils_text", """
            seq 1 5000 | awk '{print ($1 * 7919) % 10007}' | sort -n | tail -n 3
            seq 1 20 | awk '{print $1 % 4}' | sort | uniq -c
            printf 'one two\nthree four\nfive six\n' | tr a-z A-Z | cut -d' ' -f2 | sort -r
            seq 1 1000 | sha256sum
            printf 'alpha\nbeta\ngamma\n' | sed -n '2p;$s/a/A/gp'
            seq 1 100 | paste -sd' ' | wc -w
            echo "hello world" | od -An -c
            """),

        Bash("find_and_tar", """
            set -e
            mkdir -p tree/src/lib tree/docs tree/empty
            printf 'int main(void) { return 0; }\n' > tree/src/main.c
            printf 'lib\n' > tree/src/lib/util.h
            seq 1 500 > tree/docs/numbers.txt
            ln -s ../docs/numbers.txt tree/src/numbers-link
            chmod 0640 tree/docs/numbers.txt
            find tree -exec touch -h -d '2001-02-03 04:05:06' {} +
            echo '--- find'; find tree | sort
            echo '--- find -type f'; find tree -type f -name '*.[ch]' | sort
            echo '--- tar -tv'; tar -cf - -C tree . | tar -tvf - | sort -k6
            echo '--- round trip'; tar -czf tree.tgz -C tree . && mkdir copy && tar -xzf tree.tgz -C copy && diff -r tree copy && echo identical
            wc -c tree/docs/numbers.txt
            """),

        new("python3", ["/usr/bin/python3", "-c", """
            import hashlib, os, subprocess, sys, threading
            primes = [n for n in range(2, 20000) if all(n % d for d in range(2, int(n ** 0.5) + 1))]
            print("primes:", len(primes), sum(primes))
            print("sha256:", hashlib.sha256(b"mosix" * 10000).hexdigest())
            out = subprocess.run(["sh", "-c", "echo from sh; echo to stderr >&2; exit 4"], capture_output=True, text=True)
            print("subprocess:", repr(out.stdout), repr(out.stderr), out.returncode)
            results = [0] * 4
            def work(i):
                results[i] = sum(range(i * 100000, (i + 1) * 100000))
            threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
            for t in threads: t.start()
            for t in threads: t.join()
            print("threads:", results)
            r, w = os.pipe()
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                os.write(w, b"child says hi")
                os._exit(9)
            os.close(w)
            print("fork:", os.read(r, 100).decode(), os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
            print("to stderr", file=sys.stderr)
            """]),

        new("perl", ["perl", "-e", """
            use strict; use warnings;
            my %h; $h{$_ % 7} += $_ for 1 .. 1000;
            print join(",", map { "$_=$h{$_}" } sort keys %h), "\n";
            my @sorted = sort { $b <=> $a } map { ($_ * 37) % 101 } 1 .. 10; print "@sorted\n";
            open(my $p, "-|", "echo", "from a child") or die "open: $!"; print "pipe: ", <$p>; close($p);
            my $pid = fork() // die "fork: $!"; if ($pid == 0) { exit 3 } waitpid($pid, 0); print "child status: ", $? >> 8, "\n";
            printf "%.5f\n", atan2(1, 1) * 4;
            """]),

        Bash("gcc_compile_and_run", """
            cat > hello.c <<'END'
            #include <stdio.h>
            int main(int argc, char **argv) {
                long s = 0;
                for (int i = 0; i < 1000; i++) s += (long)i * i;
                printf("hello from gcc: %d args, first %s, sum %ld\n", argc - 1, argc > 1 ? argv[1] : "-", s);
                return 0;
            }
            END
            gcc -O2 -Wall -Wextra -o hello hello.c && ./hello one two && echo "compiled and ran"
            """) with { Timeout = TimeSpan.FromSeconds(120), NativeStdoutContains = "compiled and ran" },

        Bash("make_tiny", """
            printf 'all: out.txt\n\t@echo "make: all done"\n\nout.txt: in.txt\n\ttr a-z A-Z < in.txt > out.txt\n\t@echo "built $@ from $<"\n\n.PHONY: all\n' > Makefile
            echo hello > in.txt
            make
            make
            cat out.txt
            """) with { NativeStdoutContains = "HELLO" },

        new("sort_stdin", ["sort", "-n"]) { Stdin = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 10000).Reverse().Select(i => $"{i * 7 % 10007}\n"))) },
        new("argv_passthrough", ["/usr/bin/printf", "[%s]\\n", "", "two words", "ünïcödé", "--help", "-", "--log-syscalls", "a\tb"]),
        new("environment", ["/usr/bin/env"]),
        Bash("process_state", """
            pwd; umask; ulimit -n; ulimit -s; ulimit -c; id -u; id -G
            ls /proc/self/fd
            grep -E '^(SigIgn|SigBlk)' /proc/self/status
            """),

        Scenario.Program("static_hello", "first", "second arg"),
        Scenario.Program("threads") with { NativeStdoutContains = "total = 1999589998246" },
        Scenario.Program("fork_pipe") with { NativeStdoutContains = "child 2 killed by signal 12" },
        Scenario.Program("signal_handler") with { NativeStdoutContains = "errno EINTR" },
        Scenario.Program("exit_code") with { NativeStatus = ExitStatus.Exited(3) },
        Scenario.Program("segfault") with { NativeStatus = ExitStatus.KilledBy(Signals.SIGSEGV), NativeStdoutContains = "about to dereference NULL" },
        Scenario.Program("read_stdin") with { Name = "read_stdin_1mib", Stdin = PseudoRandomBytes(1 << 20), NativeStdoutContains = "1048576 bytes" },
        Scenario.Program("read_stdin") with { Name = "read_stdin_empty", NativeStdoutContains = "0 bytes" },
        Scenario.Program("compute", "2000000"),
        Scenario.Program("getppid_loop", "20000") with { NativeStdoutContains = "done" },
        Scenario.Program("int80") with
        {
            NativeStdoutContains = "positive number: yes",
            MachineCannot = native => native.ExactStatus?.Signal == Signals.SIGSEGV && native.Stdout.Length == 0
                ? "this kernel runs no 32-bit system calls (int 0x80 faults natively: IA-32 emulation is off)"
                : null,
        },

        Bash("bash_kill_self_term", "echo before; kill -TERM $$; echo after") with { NativeStatus = ExitStatus.KilledBy(Signals.SIGTERM) },
        Bash("bash_exit_42", "exit 42") with { NativeStatus = ExitStatus.Exited(42) },
    ];

    /// <summary>Every scenario as a named NUnit case.</summary>
    public static IEnumerable<TestCaseData> AllCases() => All.Select(AsCase);

    /// <summary>The named scenarios as NUnit cases, for fixtures that run a subset.</summary>
    public static IEnumerable<TestCaseData> Cases(params string[] names) => names.Select(Named).Select(AsCase);

    public static Scenario Named(string name) =>
        All.SingleOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no scenario named {name}", nameof(name));

    private static TestCaseData AsCase(Scenario scenario) => new TestCaseData(scenario).SetName(scenario.Name);

    private static Scenario Bash(string name, string script) => new(name, ["bash", "-c", script]);

    /// <summary>Deterministic bytes covering all 256 values (xorshift32), so stdin tests need no files.</summary>
    private static byte[] PseudoRandomBytes(int count)
    {
        var bytes = new byte[count];
        uint x = 2463534242;
        for (int i = 0; i < count; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            bytes[i] = (byte)x;
        }
        return bytes;
    }
}

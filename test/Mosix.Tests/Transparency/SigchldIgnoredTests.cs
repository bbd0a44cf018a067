using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>
/// mosrun started with SIGCHLD ignored (a parent may do that; the .NET runtime then reaps every child itself):
/// it must still supervise, and the program must inherit the ignored SIGCHLD exactly as it would natively.
/// </summary>
[TestFixtureSource(typeof(RunMode), nameof(RunMode.SupervisedFixtures))]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class SigchldIgnoredTests(RunMode mode)
{
    /// <summary>
    /// Ignores SIGCHLD, then execs argv[1:] in place. Python itself ignores SIGPIPE and SIGXFSZ; those go back to
    /// the defaults a shell would give, so only SIGCHLD differs from an ordinary start.
    /// </summary>
    private const string IgnoreSigchldThenExec = """
        import os, signal, sys
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        os.execv(sys.argv[1], sys.argv[1:])
        """;

    private static readonly string[] Launcher = ["/usr/bin/python3", "-c", IgnoreSigchldThenExec];

    public static IEnumerable<TestCaseData> Cases() => new Scenario[]
    {
        new("background_job_and_wait", ["/bin/bash", "-c", "sleep 0.1 & wait; echo ok"]) { NativeStdoutContains = "ok" },
        // With SIGCHLD ignored the kernel reaps the children itself: natively waitpid fails with ECHILD.
        Scenario.Program("fork_pipe") with { NativeStdoutContains = "ECHILD" },
        new("inherited_dispositions", ["/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"]),
        Scenario.Program("threads"),
    }.Select(s => new TestCaseData(s).SetName(s.Name));

    [TestCaseSource(nameof(Cases))]
    public void SameAsNativeWithSigchldIgnored(Scenario scenario) => NativeOracle.AssertSameAsNative(scenario, mode, launcher: Launcher);
}

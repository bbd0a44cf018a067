using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>
/// Signals sent from outside to the pid a parent knows (mosrun's, when supervised) reach the program: its
/// handlers run, and SIGTSTP/SIGCONT stop and resume the whole job.
/// </summary>
/// <remarks>
/// These assert fixed expectations rather than diffing two runs, so they run natively too: the native fixture
/// proves the expectations right. Each command starts through <c>fresh_job</c> (its own process group in our
/// session, default dispositions), so SIGTSTP is not discarded as it would be in an orphaned process group.
/// </remarks>
[TestFixtureSource(typeof(RunMode), nameof(RunMode.AllFixtures))]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class OutsideSignalTests(RunMode mode)
{
    private static readonly TimeSpan StateChangeLimit = TimeSpan.FromSeconds(5);

    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    public static IEnumerable<TestCaseData> TerminatingSignals() =>
    [
        new TestCaseData(Signals.SIGTERM, "TERM").SetName("SIGTERM_RunsTheProgramsHandler"),
        new TestCaseData(Signals.SIGINT, "INT").SetName("SIGINT_RunsTheProgramsHandler"),
        new TestCaseData(Signals.SIGHUP, "HUP").SetName("SIGHUP_RunsTheProgramsHandler"),
    ];

    [TestCaseSource(nameof(TerminatingSignals))]
    public void SignalToThePid_RunsTheProgramsHandler(int signal, string name)
    {
        using RunningCommand running = StartWaitSignal();
        running.WaitForStdout("wait_signal: ready\n");
        running.SendSignal(signal);
        CommandResult result = running.WaitForExit();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.StdoutText, Is.EqualTo($"wait_signal: ready\nwait_signal: got {name}\n"), result.Describe(mode.Name));
            Assert.That(result.ExitCode, Is.EqualTo(7), "the handler's _exit(7)\n" + result.Describe(mode.Name));
            Assert.That(result.Stderr, Is.Empty, result.Describe(mode.Name));
        }
    }

    [Test]
    public void SIGTSTP_StopsTheJob_AndSIGCONT_ResumesIt()
    {
        using RunningCommand running = StartWaitSignal("stdin");
        running.WaitForStdout("wait_signal: ready\n");

        running.SendSignal(Signals.SIGTSTP);
        WaitForJobState(running, stopped: true);

        running.SendSignal(Signals.SIGCONT);
        WaitForJobState(running, stopped: false);

        running.CloseStdin();
        CommandResult result = running.WaitForExit();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.StdoutText, Is.EqualTo("wait_signal: ready\nwait_signal: finished\n"), result.Describe(mode.Name));
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Describe(mode.Name));
            Assert.That(result.Stderr, Is.Empty, result.Describe(mode.Name));
        }
    }

    private RunningCommand StartWaitSignal(params string[] args) =>
        CommandRunner.Start([RepoPaths.TestProgram("fresh_job"), .. mode.Wrap([RepoPaths.TestProgram("wait_signal"), .. args])], new RunOptions
        {
            WorkingDirectory = _scratch.Work,
            Environment = TestEnvironment.For(_scratch.Home, Environment.UserName),
            KeepStdinOpen = true,
        });

    /// <summary>
    /// Waits until the started pid is in the state wanted (stopped: 'T'; it is nobody's tracee) and so is every
    /// process below it (the program under mosrun may show 't', a tracee's stop). The program itself must be
    /// in the tree: natively it is the started pid, supervised a descendant.
    /// </summary>
    private void WaitForJobState(RunningCommand running, bool stopped)
    {
        var limit = DateTime.UtcNow + StateChangeLimit;
        List<ProcessTree.ProcInfo> tree;
        while (true)
        {
            tree = TreeOf(running.Pid);
            bool rootRight = tree.Count > 0 && tree[0].Pid == running.Pid && (stopped ? tree[0].State == 'T' : !tree[0].IsStopped);
            bool restRight = tree.Skip(1).All(p => p.IsStopped == stopped);
            bool programThere = tree.Any(p => p.Name == "wait_signal");
            if (rootRight && restRight && programThere)
                return;
            if (DateTime.UtcNow >= limit)
                break;
            Thread.Sleep(20);
        }
        Assert.Fail($"after {StateChangeLimit.TotalSeconds:0} s the job is not {(stopped ? "stopped" : "running")}: {string.Join("; ", tree)}");
    }

    /// <summary>The pid and its descendants, root first, from /proc.</summary>
    private static List<ProcessTree.ProcInfo> TreeOf(int root)
    {
        var all = ProcessTree.All();
        var tree = all.Where(p => p.Pid == root).ToList();
        for (int i = 0; i < tree.Count; i++)
            tree.AddRange(all.Where(p => p.ParentPid == tree[i].Pid));
        return tree;
    }
}

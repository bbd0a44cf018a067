using Mosix.Tests.Agent;
using Mosix.Tests.Checkpoint;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// Multi-threaded programs moved between two agents on 127.0.0.1 (docs/migration.md, "Threads"):
/// C pthreads, C++ std::thread, OpenMP, python3's ThreadPoolExecutor, Go and <c>xz -T2</c> moved
/// to node2 mid-run and back, each printing and writing exactly what its native run does; a
/// program that makes threads while away comes home for them; a thread blocked reading stdin at
/// home holds up neither the thread computing away nor its output.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ThreadMigrationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private TwoNodes _nodes = null!;

    [OneTimeSetUp]
    public void StartCluster() => _nodes = new TwoNodes();

    [OneTimeTearDown]
    public void StopCluster() => _nodes.Dispose();

    [SetUp]
    public void CreateScratch() => _nodes.NewScratch();

    [TearDown]
    public void RemoveScratch() => _nodes.EndTest();

    /// <summary>Every thread goes to node2 at one moment and comes back into its own deputy thread.</summary>
    [TestCaseSource(typeof(CheckpointScenarios), nameof(CheckpointScenarios.Cases),
        new object[] { new[] { "ckpt_pthreads", "ckpt_cxx_threads", "ckpt_openmp", "python3_threads", "go_steps" } })]
    public void AMultiThreadedProgramMovedAwayAndBackMidRunPrintsWhatItPrintsNatively(CheckpointScenario scenario)
    {
        CheckpointOracle.RequireCpu(scenario);
        string[] program = [.. scenario.ResolvedArgv()];
        var native = CommandRunner.Run(program, Options());
        Assert.That(native.StdoutText, Does.Contain(scenario.FinalLine), native.Describe("native run"));

        using var run = Mosrun(program);
        run.WaitForStdout(scenario.MidRunLine);
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        Thread.Sleep(400);
        // Back home; only Go's runtime may have come home already, for a thread it made away.
        var home = Does.StartWith("back home from node2");
        Assert.That(Migrate(run, "home"), scenario.Name == "go_steps" ? home.Or.StartWith("the process is at home") : home);
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    /// <summary>xz's two compressing threads and its reading main thread, moved mid-file: the same compressed bytes.</summary>
    [Test]
    public void XzWithTwoThreadsMovedAwayAndBackMidFileWritesTheNativeFile()
    {
        string input = Path.Combine(_nodes.Scratch.Work, "input.txt");
        string output = input + ".xz";
        Inputs.WriteCompressible(input, 6 << 20);
        string[] program = ["/usr/bin/xz", "-T2", "-6", "--block-size=256KiB", "-k", "input.txt"];
        var native = CommandRunner.Run(program, Options());
        Assert.That(native.ExitCode, Is.Zero, native.Describe("native xz"));
        byte[] expected = File.ReadAllBytes(output);
        File.Delete(output);

        using var run = Mosrun(program);
        AgentProcess.WaitFor(() => File.Exists(output) && new FileInfo(output).Length >= 32 * 1024, Patience, () => "xz wrote nothing");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        Thread.Sleep(300);
        string home = Migrate(run, "home");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(home, Does.StartWith("back home from node2").Or.StartWith("the process is at home"));
            Assert.That(result.ExitCode, Is.Zero, result.Describe("xz under mosrun"));
            Assert.That(Printable.FirstDifference(expected, File.ReadAllBytes(output)), Is.EqualTo(-1), "input.txt.xz differs from the native run's from the byte offset shown");
        });
    }

    /// <summary>pthread_create away brings the process home (a thread needs a home tid); it finishes there as natively.</summary>
    [Test]
    public void AProgramThatMakesAndJoinsThreadsAwayComesHomeForThemAndPrintsAsNatively()
    {
        string[] program = [RepoPaths.TestProgram("threads_churn")];
        var native = CommandRunner.Run(program, Options());
        using var run = Mosrun(program);
        run.WaitForStdout("threads_churn: step 5 ");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        AgentProcess.WaitFor(() => Where(run) is "here" or null, Patience, () => $"it stayed on {Where(run)} making threads");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    /// <summary>
    /// The reader thread's read of stdin waits at home in its own deputy thread: the computing
    /// thread goes on printing away meanwhile, and the lines typed later reach the reader, away and
    /// back home.
    /// </summary>
    [Test]
    public void AThreadBlockedReadingStdinAtHomeHoldsUpNeitherTheComputingThreadNorItsOutput()
    {
        string[] program = [RepoPaths.TestProgram("threads_stdin")];
        var native = CommandRunner.Run(program, Options() with { Stdin = "hello\nworld\n"u8.ToArray() });
        using var run = Mosrun(program);
        run.WaitForStdout("compute: step 3 ");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        int printed = ComputeLines(run);
        // No input yet: the reader is blocked at home. The computing thread's lines still come.
        run.WaitForStdout($"compute: step {printed + 3} ");
        Assert.That(Where(run), Is.EqualTo("node2"), "it left node2 while its reader waited");
        run.WriteStdin("hello\n");
        run.WaitForStdout("read: hello\n");
        Assert.That(Migrate(run, "home"), Does.StartWith("back home from node2"));
        run.WriteStdin("world\n");
        run.CloseStdin();
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(Lines(result.StdoutText, "compute: "), Is.EqualTo(Lines(native.StdoutText, "compute: ")));
            Assert.That(Lines(result.StdoutText, "read: "), Is.EqualTo(new[] { "read: hello", "read: world" }));
            Assert.That(result.StdoutText, Does.EndWith("threads_stdin: done, 2 lines read\n"));
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    /// <summary>exit_group from one thread while another's read waits at home: the read is cut short, and the process ends as natively.</summary>
    [Test]
    public void AProcessEndingWhileAThreadWaitsForStdinAtHomeEndsAsNatively()
    {
        string[] program = [RepoPaths.TestProgram("threads_stdin"), "leave"];
        var native = CommandRunner.Run(program, Options()); // stdin at its end: the reader has nothing to print either way
        using var run = Mosrun(program);
        run.WaitForStdout("compute: step 3 ");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(native.StdoutText, Does.EndWith("leaving the reader in its read\n"), native.Describe("native run"));
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.EqualTo(3));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    private static int ComputeLines(RunningCommand run) =>
        Lines(System.Text.Encoding.UTF8.GetString(run.StdoutSoFar), "compute: ").Length;

    private static string[] Lines(string text, string prefix) =>
        [.. text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>Where mosps says the program runs ("here", a node), or null once it has ended.</summary>
    private string? Where(RunningCommand run)
    {
        var mosps = CommandRunner.Run([AgentCluster.Bin("mosps")], Options());
        int pid = GuestProcesses.ChildrenOf(run.Pid).FirstOrDefault();
        return mosps.StdoutText.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(f => f.Length >= 2 && f[0] == pid.ToString(System.Globalization.CultureInfo.InvariantCulture))?[1];
    }

    private RunOptions Options() => _nodes.Options();

    private RunningCommand Mosrun(string[] program) => _nodes.Mosrun(program);

    private string Migrate(RunningCommand run, string action) => _nodes.Migrate(run, action);
}

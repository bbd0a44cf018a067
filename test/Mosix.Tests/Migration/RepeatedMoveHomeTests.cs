using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// The signal home uses to cut short a forwarded call when a process must come home (signal 64)
/// never reaches the program, whatever it is doing at that moment: real programs are moved to
/// node2 and brought home 20 times each, at moments drawn at random (the seed is in the failure
/// message), and each run must print and end exactly as the native run does. Once it was caught
/// arriving after the process was home again, and killed it ("Real-time signal 30").
/// </summary>
[TestFixture, NonParallelizable]
public sealed class RepeatedMoveHomeTests
{
    private const int Rounds = 20;
    private TwoNodes _nodes = null!;

    [OneTimeSetUp]
    public void StartCluster() => _nodes = new TwoNodes();

    [OneTimeTearDown]
    public void StopCluster() => _nodes.Dispose();

    [SetUp]
    public void CreateScratch() => _nodes.NewScratch();

    [TearDown]
    public void RemoveScratch() => _nodes.EndTest();

    /// <summary>Hash churn writing progress lines: a forwarded write is in flight at most moments.</summary>
    private static readonly string[] s_perl =
    [
        "perl", "-e",
        "$| = 1; my %h; for my $i (1 .. 15_000_000) { $h{$i % 5003} .= 'x'; delete $h{($i * 7) % 5003} if $i % 3 == 0; " +
        "print \"progress $i\\n\" if $i % 250_000 == 0 } print scalar(keys %h), \"\\n\"; exit 5",
    ];

    /// <summary>Its own handler for a 10 ms timer, blocked at home in a read of stdin between lines.</summary>
    private static readonly string[] s_python =
    [
        "python3", "-c",
        "import signal, sys\n" +
        "ticks = [0]\n" +
        "signal.signal(signal.SIGALRM, lambda s, f: ticks.__setitem__(0, ticks[0] + 1))\n" +
        "signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)\n" +
        "for line in sys.stdin: print(line.strip().upper(), flush=True)\n" +
        "signal.setitimer(signal.ITIMER_REAL, 0)\n" +
        "print('done', ticks[0] > 0)\n" +
        "sys.exit(3)\n",
    ];

    [Test]
    public void APerlProgramBroughtHomeAtRandomMomentsEndsAsNatively() => MoveAndBringHome(s_perl, feedStdin: false);

    [Test]
    public void APythonProgramWithItsOwnHandlerBlockedInAReadEndsAsNatively() => MoveAndBringHome(s_python, feedStdin: true);

    private void MoveAndBringHome(string[] program, bool feedStdin)
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        var native = Run(CommandRunner.Start(program, _nodes.Options() with { KeepStdinOpen = true }), feedStdin);
        Assert.That(native.ExitCode, Is.Not.Zero, native.Describe("the native run (the oracle)"));
        for (int round = 1; round <= Rounds; round++)
        {
            using var run = _nodes.Mosrun(program);
            var feeding = feedStdin ? Task.Run(() => Feed(run)) : Task.CompletedTask;
            Thread.Sleep(random.Next(50, 400));
            string where = $"round {round} of {Rounds} (seed {seed})";
            Assert.That(_nodes.Migrate(run, "node2"), Does.StartWith("moved to node2"), where);
            Thread.Sleep(random.Next(0, 500));
            Assert.That(_nodes.Migrate(run, "home"), Does.StartWith("back home from node2"), where);
            feeding.Wait();
            var result = run.WaitForExit();
            Assert.Multiple(() =>
            {
                Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), $"{where}: {result.Describe("mosrun")}");
                Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode), $"{where}: {result.Describe("mosrun")}");
                Assert.That(result.StderrText, Is.Empty, where);
            });
        }
    }

    private static CommandResult Run(RunningCommand run, bool feedStdin)
    {
        using (run)
        {
            if (feedStdin)
                Feed(run);
            return run.WaitForExit();
        }
    }

    /// <summary>Twelve lines, 150 ms apart, then the end of input: the program waits at home in between.</summary>
    private static void Feed(RunningCommand run)
    {
        for (int i = 1; i <= 12; i++)
        {
            run.WriteStdin($"line {i}\n");
            Thread.Sleep(150);
        }
        run.CloseStdin();
    }
}

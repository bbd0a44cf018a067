using System.Diagnostics;
using System.Globalization;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using Mosix.Tests.Migration;
using NUnit.Framework;

namespace Mosix.Tests.Placement;

/// <summary>
/// The cluster running itself: three agents on one machine, each confined to a control group of
/// a different size (node1 half a core, node2 three quarters, node3 a quarter), with the
/// balancer on. CPU-bound jobs started at node1 spread and finish near the ideal makespan for
/// that capacity; with -L they stay home. A process whose node runs short of memory is ushered
/// to one with room. Queued jobs (mosrun -q) start as cores free up.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class PlacementTests
{
    private static readonly Dictionary<string, double> s_cores = new() { ["node1"] = 0.5, ["node2"] = 0.75, ["node3"] = 0.25 };
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private NodeGroups _groups = null!;
    private AgentCluster _cluster = null!;
    private ScratchDirectory _scratch = null!;

    [OneTimeSetUp]
    public void StartCluster()
    {
        _groups = NodeGroups.CreateOrIgnore();
        _cluster = new AgentCluster { Balancing = true };
        foreach (var (node, cores) in s_cores)
        {
            _groups.Add(node, cores, node == "node1" ? 1024 : null);
            // node1 ushers when a quarter of its memory is all that is left (its group has 1 GiB).
            _cluster.StartMember(node, _groups.Launcher(node), node == "node1" ? ["--speed", "1", "--memory-reserve", "0.25", "--log-level", "debug"] : ["--speed", "1"]);
        }
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]) is var v && v.ContainsKey("node2") && v.ContainsKey("node3"), Patience, () => "node1 never saw node2 and node3");
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _cluster?.Dispose();
        _groups?.Dispose();
    }

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void RemoveScratch()
    {
        _scratch.Dispose();
        AgentProcess.WaitFor(() => GuestProcesses.Hosts().Count == 0, TimeSpan.FromSeconds(20), () => "guest hosts left running");
    }

    /// <summary>
    /// How far from the ideal a balanced run may end. Nothing moved, the same jobs take 3.2x
    /// (bench/makespan.sh, -L); balanced, 1.16-1.25x where a job was 16 s of a core, 1.28-1.42x
    /// where the same job was 11 s: the fixed costs (the first 5 s all six share the home node's
    /// half core, .NET starts inside the nodes' shares) weigh more on a shorter job. The job is
    /// now sized to about 16 s of a core on any machine (<see cref="JobIterations"/>); the bar
    /// catches a balancer that does not spread, bench/makespan.sh measures how close it gets.
    /// </summary>
    private const double MakespanBound = 1.35;

    /// <summary>Iterations of bin/tests/compute for a job of about 16 s of a whole core on this machine.</summary>
    private static readonly Lazy<string> JobIterations = new(() =>
    {
        const long probe = 400_000_000;
        var clock = Stopwatch.StartNew();
        var run = CommandRunner.Run([RepoPaths.TestProgram("compute"), probe.ToString(CultureInfo.InvariantCulture)]);
        Assert.That(run.ExitCode, Is.Zero, run.Describe("compute, to size the jobs"));
        double perIteration = clock.Elapsed.TotalSeconds / probe;
        return ((long)(16.0 / perIteration)).ToString(CultureInfo.InvariantCulture);
    });

    [Test]
    public void SixCpuBoundJobsFromOneNodeSpreadAndFinishNearTheIdealMakespan()
    {
        // One job's work, in seconds of a whole core: measured, so the ideal is this machine's.
        string[] job = [RepoPaths.TestProgram("compute"), JobIterations.Value];
        var clock = Stopwatch.StartNew();
        var native = CommandRunner.Run(job);
        double work = clock.Elapsed.TotalSeconds;
        double capacity = s_cores.Values.Sum();
        double ideal = 6 * work / capacity;

        clock.Restart();
        var runs = Enumerable.Range(0, 6).Select(_ => StartAtNode1([AgentCluster.Bin("mosrun"), .. job])).ToList();
        var seenAway = new HashSet<string>();
        AgentProcess.WaitFor(() =>
        {
            foreach (var (where, _) in Mosps())
                seenAway.Add(where);
            return seenAway.Contains("node2") && seenAway.Contains("node3");
        }, TimeSpan.FromSeconds(20), () => $"the jobs did not spread: seen on {string.Join(", ", seenAway)}");
        var results = runs.Select(r => r.WaitForExit()).ToList();
        double makespan = clock.Elapsed.TotalSeconds;
        foreach (var run in runs)
            run.Dispose();

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one job {work:F2} s of a core; capacity {capacity} cores; ideal makespan {ideal:F1} s; Mosix {makespan:F1} s ({makespan / ideal:F2}x)"));
        TestContext.Out.WriteLine(string.Join("\n", _cluster["node1"].Log().Split('\n').Where(l => l.Contains("moving", StringComparison.Ordinal) || l.Contains("stays", StringComparison.Ordinal) || l.Contains("round", StringComparison.Ordinal))));
        Assert.Multiple(() =>
        {
            foreach (var result in results)
            {
                Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
                Assert.That(result.ExitCode, Is.Zero);
            }
            Assert.That(makespan, Is.LessThanOrEqualTo(ideal * MakespanBound), $"makespan within {MakespanBound}x of the ideal");
        });
    }

    /// <summary>
    /// A 4-thread job is 4 cores of demand: the balancer moves it from node1 (half a core) to
    /// node2 (three quarters), where its threads get the most, never to node3 (a quarter, where
    /// four threads would get less than at home), and it ends as natively.
    /// </summary>
    [Test]
    public void AFourThreadJobIsMovedWhereItsThreadsGetTheMost()
    {
        string[] job = [RepoPaths.TestProgram("compute"), (long.Parse(JobIterations.Value, CultureInfo.InvariantCulture) / 2).ToString(CultureInfo.InvariantCulture), "4"];
        var native = CommandRunner.Run(job);
        Assert.That(native.StdoutText, Does.Contain("threads=4"), native.Describe("compute with 4 threads, natively"));
        using var run = StartAtNode1([AgentCluster.Bin("mosrun"), .. job]);
        var seen = new HashSet<string>();
        AgentProcess.WaitFor(() =>
        {
            foreach (var (where, _) in Mosps())
                seen.Add(where);
            return seen.Contains("node2");
        }, TimeSpan.FromSeconds(30), () => $"the 4-thread job was not moved to node2: seen on {string.Join(", ", seen)}; node1's log:\n{PlacementLog()}");
        var result = run.WaitForExit();
        foreach (var (where, _) in Mosps())
            seen.Add(where);
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(seen, Does.Not.Contain("node3"), "a quarter of a core for four threads is less than home's half");
        });
    }

    [Test]
    public void SixCpuBoundChildrenOfOneShellSpreadAndFinishNearTheIdealMakespan()
    {
        // The same work as six separate mosruns, as the children of one: a shell loop.
        string compute = RepoPaths.TestProgram("compute");
        string iterations = JobIterations.Value;
        var clock = Stopwatch.StartNew();
        var native = CommandRunner.Run([compute, iterations]);
        double work = clock.Elapsed.TotalSeconds;
        double ideal = 6 * work / s_cores.Values.Sum();

        clock.Restart();
        using var run = StartAtNode1([AgentCluster.Bin("mosrun"), "bash", "-c", $"for i in 1 2 3 4 5 6; do {compute} {iterations} & done; wait"]);
        var seenAway = new HashSet<string>();
        AgentProcess.WaitFor(() =>
        {
            foreach (var (where, _) in Mosps())
                seenAway.Add(where);
            return seenAway.Contains("node2") && seenAway.Contains("node3");
        }, TimeSpan.FromSeconds(30), () => $"the shell's children did not spread: seen on {string.Join(", ", seenAway)}");
        var result = run.WaitForExit();
        double makespan = clock.Elapsed.TotalSeconds;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one job {work:F2} s of a core; ideal makespan {ideal:F1} s; one mosrun's tree {makespan:F1} s ({makespan / ideal:F2}x)"));
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(string.Concat(Enumerable.Repeat(native.StdoutText, 6))), result.StderrText);
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(makespan, Is.LessThanOrEqualTo(ideal * MakespanBound), $"makespan within {MakespanBound}x of the ideal");
        });
    }

    [Test]
    public void APythonPoolsWorkersAreSpreadByTheBalancerAndItsResultsAreAsNatively()
    {
        // Three workers for six tasks of a few seconds: at node1 (half a core) they would take
        // a minute; the balancer moves workers out, and they come home for the pool's semaphores.
        string[] program = PythonPool.Command(workers: 3, tasks: 6, iterations: 40_000_000);
        var native = CommandRunner.Run(program, Options());
        Assert.That(native.ExitCode, Is.EqualTo(3), native.Describe("the native run (the oracle)"));
        using var run = StartAtNode1([AgentCluster.Bin("mosrun"), .. program]);
        run.WaitForStdout("pool started");
        AgentProcess.WaitFor(() => Mosps().Any(p => p.Where != "here"), TimeSpan.FromSeconds(40), () => "no worker of the pool left node1");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun python3 (a Pool) with the balancer on"));
            Assert.That(result.ExitCode, Is.EqualTo(3));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    [Test]
    public void WithMinusLTheSameJobsStayHome()
    {
        string[] job = [RepoPaths.TestProgram("compute"), "50000000000"];
        var runs = Enumerable.Range(0, 6).Select(_ => StartAtNode1([AgentCluster.Bin("mosrun"), "-L", .. job])).ToList();
        try
        {
            AgentProcess.WaitFor(() => Mosps().Count == 6, TimeSpan.FromSeconds(20), () => "the six jobs never all showed in mosps");
            // Several balancing rounds (0.5 s each) at a load that moves unflagged jobs at once.
            for (int i = 0; i < 8; i++)
            {
                Thread.Sleep(500);
                Assert.That(Mosps().Select(p => p.Where), Is.All.EqualTo("here"), "a -L job moved");
            }
            Assert.That(GuestProcesses.Hosts(), Is.Empty);
        }
        finally
        {
            foreach (var run in runs)
            {
                run.Dispose(); // kills the job's tree
            }
        }
    }

    [Test]
    public void AProcessOnANodeShortOfMemoryIsUsheredToOneWithRoom()
    {
        // 700 MiB of node1's 1 GiB group leaves less than the quarter it keeps free.
        string[] program = [RepoPaths.TestProgram("migrate_big"), "700", "400"];
        var native = CommandRunner.Run(program, new RunOptions { Timeout = TimeSpan.FromMinutes(3) });
        using var run = StartAtNode1([AgentCluster.Bin("mosrun"), "-e", .. program]);
        run.WaitForStdout("started");
        AgentProcess.WaitFor(() => Mosps().Any(p => p.Where != "here"), TimeSpan.FromSeconds(30), () => "the process never left node1");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
        });
    }

    [Test]
    public void TenQueuedJobsOnTwoFreeCoresStartTwoAtATimeAndAllFinish()
    {
        // node3 takes no guests for this test: node1 and node2 have one core each, both free.
        AgentCluster.Mosctl(_cluster.StateFor("node3"), "block");
        try
        {
            string[] job = [RepoPaths.TestProgram("compute"), "150000000"];
            var native = CommandRunner.Run(job);
            var runs = Enumerable.Range(0, 10).Select(_ => StartAtNode1([AgentCluster.Bin("mosrun"), "-q", .. job])).ToList();
            // A queued job has no mosrun control socket until it starts: mosps lists the started
            // ones (a mosrun whose program has just ended shows "?" for a moment: not running).
            int most = 0;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
            while (runs.Any(r => !r.HasExited))
            {
                if (DateTime.UtcNow > deadline)
                    Assert.Fail($"the queued jobs never all finished: {HangReport.Of([.. runs.Where(r => !r.HasExited).Select(r => r.Pid), .. GuestProcesses.Hosts()])}");
                most = Math.Max(most, Mosps().Count(p => p.Line.EndsWith(" compute", StringComparison.Ordinal)));
                Thread.Sleep(100);
            }
            var results = runs.Select(r => r.WaitForExit()).ToList();
            foreach (var run in runs)
                run.Dispose();
            Assert.Multiple(() =>
            {
                foreach (var result in results)
                {
                    Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
                    Assert.That(result.ExitCode, Is.Zero);
                }
                Assert.That(most, Is.EqualTo(2), "jobs ran two at a time, never more");
            });
        }
        finally
        {
            AgentCluster.Mosctl(_cluster.StateFor("node3"), "unblock");
        }
    }

    [Test]
    public void WhenTheOwnersWorkNeedsTheNodeTheLowerPriorityGuestLeavesFirst()
    {
        string node2 = _cluster.StateFor("node2");
        AgentCluster.Mosctl(node2, "cngpri", "node1", "10");
        var cngpri = AgentCluster.Mosctl(node2, "cngpri", "node3", "90");
        Assert.That(cngpri.StdoutText.Trim(), Is.EqualTo("node2: guests from node3 now have priority 90 (lower leave last)"));

        string[] program = [RepoPaths.TestProgram("compute"), "50000000000"];
        var node3Options = Options();
        var environment = new Dictionary<string, string>(node3Options.Environment!) { ["MOSIX_STATE"] = _cluster.StateFor("node3") };
        using var important = StartAtNode1([AgentCluster.Bin("mosrun"), "-L", .. program]);
        using var minor = CommandRunner.Start([AgentCluster.Bin("mosrun"), "-L", .. program],
            node3Options with { Environment = environment, RunAsPrefix = _groups.Launcher("node3"), KeepStdinOpen = true });
        int importantPid = ProgramOf(important), minorPid = ProgramOf(minor);
        // The minor one first: among equals the newest guest would leave first, so only the
        // priorities can make the older one go before the other.
        foreach (int pid in new[] { minorPid, importantPid })
        {
            // A mosrun just started may not have opened its control socket yet.
            CommandResult moved = null!;
            AgentProcess.WaitFor(() => !(moved = CommandRunner.Run([AgentCluster.Bin("migrate"), pid.ToString(CultureInfo.InvariantCulture), "node2"], Options()))
                .StderrText.Contains("not running under your mosrun", StringComparison.Ordinal), TimeSpan.FromSeconds(20), () => "mosrun never opened its control socket");
            Assert.That(moved.StdoutText, Does.StartWith("moved to node2"), moved.Describe("migrate"));
        }
        Thread.Sleep(3500); // past the guests' settling time: the node was free when they came

        // The owner's own work on node2: a plain program in node2's group, not under Mosix.
        using var owner = CommandRunner.Start(program, Options() with { RunAsPrefix = _groups.Launcher("node2") });
        string? firstHome = null;
        AgentProcess.WaitFor(() =>
        {
            var where = Mosps().ToDictionary(p => int.Parse(p.Line.Split(' ')[0], CultureInfo.InvariantCulture), p => p.Where);
            firstHome ??= where.GetValueOrDefault(minorPid) == "here" ? "node3's" : where.GetValueOrDefault(importantPid) == "here" ? "node1's" : null;
            return where.GetValueOrDefault(minorPid) == "here" && where.GetValueOrDefault(importantPid) == "here";
        }, TimeSpan.FromSeconds(30), () => $"the guests did not both leave node2 for its owner's work: {string.Join("; ", Mosps().Select(p => p.Line))}");
        Assert.That(firstHome, Is.EqualTo("node3's"), "the lower priority guest (node3's, 90) left first");
    }

    [Test]
    public void MosbestnodeNamesTheNodeWithTheMostCpuForANewProcessAndOneWithRoom()
    {
        // Idle, node2's three quarters of a core beat node1's half and node3's quarter (once the
        // load of earlier tests has faded from the measurements).
        CommandResult best = null!;
        AgentProcess.WaitFor(() => (best = CommandRunner.Run([AgentCluster.Bin("mosbestnode"), "-w"], Options())).StdoutText.StartsWith("node2", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), () => $"mosbestnode never chose node2: {best.StdoutText}{best.StderrText}");
        var tooBig = CommandRunner.Run([AgentCluster.Bin("mosbestnode"), "-m", "100000000"], Options());
        Assert.Multiple(() =>
        {
            Assert.That(best.ExitCode, Is.Zero, best.Describe("mosbestnode"));
            Assert.That(best.StdoutText, Does.Match(@"^node2: 0\.\d\d of a reference core \(speed 0\.75, 1 core\(s\), load \d+\.\d\)"));
            Assert.That(tooBig.ExitCode, Is.EqualTo(1));
            Assert.That(tooBig.StderrText.Trim(), Is.EqualTo("mosbestnode: no node has 100000000 MiB to spare"));
        });
    }

    [Test]
    public void MosqListsTheWaitingJobsInOrderAndDeletesReordersAndStartsThem()
    {
        // Only node1 takes work, and a job of its own holds its one core: queued jobs wait.
        AgentCluster.Mosctl(_cluster.StateFor("node2"), "block");
        AgentCluster.Mosctl(_cluster.StateFor("node3"), "block");
        var runs = new List<RunningCommand>();
        try
        {
            runs.Add(StartAtNode1([AgentCluster.Bin("mosrun"), "-L", RepoPaths.TestProgram("compute"), "50000000000"]));
            AgentProcess.WaitFor(() => Mosps().Count == 1, TimeSpan.FromSeconds(20), () => "the core holder never started");
            Thread.Sleep(2000); // node1's load shows it
            string[] job = [RepoPaths.TestProgram("compute"), "1000"];
            var low = StartAtNode1([AgentCluster.Bin("mosrun"), "-q60", .. job]);
            var high = StartAtNode1([AgentCluster.Bin("mosrun"), "-q10", .. job]);
            var doomed = StartAtNode1([AgentCluster.Bin("mosrun"), "-q", .. job]);
            runs.AddRange([low, high, doomed]);
            AgentProcess.WaitFor(() => Mosq("list").StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 4,
                TimeSpan.FromSeconds(20), () => $"the three jobs never all showed in mosq: {Mosq("list").StdoutText}");
            Assert.That(QueuedPids(), Is.EqualTo(new[] { high.Pid, doomed.Pid, low.Pid }), "lower priority numbers first");

            var deleted = Mosq("delete", doomed.Pid.ToString(CultureInfo.InvariantCulture));
            var doomedEnd = doomed.WaitForExit();
            var reordered = Mosq("pri", low.Pid.ToString(CultureInfo.InvariantCulture), "1");
            Assert.Multiple(() =>
            {
                Assert.That(deleted.ExitCode, Is.Zero, deleted.Describe("mosq delete"));
                Assert.That(doomedEnd.ExitCode, Is.EqualTo(1));
                Assert.That(doomedEnd.StderrText.Trim(), Is.EqualTo("mosrun: compute: deleted from the queue (mosq); not run"));
                Assert.That(reordered.ExitCode, Is.Zero, reordered.Describe("mosq pri"));
                Assert.That(QueuedPids(), Is.EqualTo(new[] { low.Pid, high.Pid }));
            });

            var started = Mosq("run", low.Pid.ToString(CultureInfo.InvariantCulture));
            var lowEnd = low.WaitForExit();
            var missing = Mosq("delete", "999999");
            Assert.Multiple(() =>
            {
                Assert.That(started.ExitCode, Is.Zero, started.Describe("mosq run"));
                Assert.That(lowEnd.ExitCode, Is.Zero, lowEnd.Describe("the job mosq started"));
                Assert.That(lowEnd.StdoutText, Does.StartWith("compute: iterations=1000"));
                Assert.That(QueuedPids(), Is.EqualTo(new[] { high.Pid }));
                Assert.That((missing.ExitCode, missing.StderrText.Trim()), Is.EqualTo((1, "mosq: no queued job 999999")));
            });
        }
        finally
        {
            foreach (var run in runs)
                run.Dispose(); // ends the core holder and the job still queued
            AgentCluster.Mosctl(_cluster.StateFor("node2"), "unblock");
            AgentCluster.Mosctl(_cluster.StateFor("node3"), "unblock");
        }
    }

    private CommandResult Mosq(params string[] args) => CommandRunner.Run([AgentCluster.Bin("mosq"), .. args], Options());

    private List<int> QueuedPids() =>
        Mosq("list").StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture)).ToList();

    private static int ProgramOf(RunningCommand run)
    {
        int pid = 0;
        AgentProcess.WaitFor(() => (pid = GuestProcesses.ChildrenOf(run.Pid).FirstOrDefault()) != 0, TimeSpan.FromSeconds(20), () => "the program never started");
        return pid;
    }

    private RunningCommand StartAtNode1(IReadOnlyList<string> argv) =>
        CommandRunner.Start(argv, Options() with { RunAsPrefix = _groups.Launcher("node1"), Timeout = TimeSpan.FromMinutes(3) });

    /// <summary>node1's placement rounds and moves, from its log.</summary>
    private string PlacementLog() =>
        string.Join("\n", _cluster["node1"].Log().Split('\n').Where(l => l.Contains("moving", StringComparison.Ordinal) || l.Contains("stays", StringComparison.Ordinal)
            || l.Contains("round", StringComparison.Ordinal) || l.Contains("move", StringComparison.Ordinal)).TakeLast(40));

    /// <summary>mosps at node1: where each process is ("here" at home).</summary>
    private List<(string Where, string Line)> Mosps()
    {
        var result = CommandRunner.Run([AgentCluster.Bin("mosps")], Options());
        return result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 3).Select(f => (f[1], string.Join(' ', f))).ToList();
    }

    private RunOptions Options()
    {
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["MOSIX_STATE"] = _cluster.StateFor("node1");
        return new RunOptions { WorkingDirectory = _scratch.Work, Environment = environment, Timeout = TimeSpan.FromMinutes(3) };
    }
}

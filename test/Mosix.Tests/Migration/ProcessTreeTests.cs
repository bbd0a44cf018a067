using System.Globalization;
using System.Text.Json;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// Every process a mosrun program creates is a Mosix process of its own (docs/migration.md,
/// "Process trees"): a worker forked by a C program or started by a shell is moved by its own
/// pid, mosps lists it where it runs, its parent's pipe and wait see it exactly as natively; a
/// program started on node2 with -r may fork and exec (a shell, a script) and ends with its own
/// status; its children follow it to node2 once they have run long enough to be worth moving.
/// Every test runs twice: as the tests' user (root in CI) and as an unprivileged throwaway user who
/// runs the agents, mosrun and every command.
/// </summary>
[TestFixture(false), TestFixture(true), NonParallelizable]
public sealed class ProcessTreeTests(bool asThrowawayUser)
{
    /// <summary>Iterations for a worker of a few seconds on this machine.</summary>
    private const string LongWork = "1500000000";

    private ThrowawayUser? _user;
    private TwoNodes _nodes = null!;

    [OneTimeSetUp]
    public void StartCluster()
    {
        if (asThrowawayUser)
        {
            _user = ThrowawayUser.CreateOrUseCurrent();
            TestContext.Progress.WriteLine($"{nameof(ProcessTreeTests)}: running {_user.Description}");
        }
        _nodes = new TwoNodes(_user);
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _nodes?.Dispose();
        _user?.Dispose();
    }

    [SetUp]
    public void CreateScratch() => _nodes.NewScratch();

    [TearDown]
    public void RemoveScratch() => _nodes.EndTest();

    [Test]
    public void AWorkerForkedByACProgramMovesByItsOwnPidAndThePipeAndWaitSeeItAsNatively()
    {
        string[] program = [RepoPaths.TestProgram("fork_workers"), "3", LongWork];
        var native = CommandRunner.Run(program, _nodes.Options());
        Assert.That(native.ExitCode, Is.Zero, native.Describe("the native run (the oracle)"));

        using var run = _nodes.Mosrun(program);
        run.WaitForStdout("started 3 workers");
        var tree = Tree();
        var root = tree.Single(p => p.Parent == 0);
        var workers = tree.Where(p => p.Parent == root.Pid).ToList();
        Assert.That(workers, Has.Count.EqualTo(3), $"mosps lists the three workers: {Describe(tree)}");
        int worker = workers[1].Pid;
        Assert.That(Migrate(worker, "node2"), Does.StartWith("moved to node2"));
        Assert.That(Tree().Single(p => p.Pid == worker).Where, Is.EqualTo("node2"), "mosps shows the worker where it runs");
        Assert.That(Tree().Single(p => p.Pid == root.Pid).Where, Is.EqualTo("here"), "its parent stays home");

        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun"));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    [Test]
    public void AShellsWorkersMoveAwayAndHomeByPidAndTheShellSeesEachStatus()
    {
        string workers = RepoPaths.TestProgram("fork_workers");
        string script =
            $"p=(); for i in 1 2; do {workers} 1 {LongWork} > out.$i & p+=($!); done; " +
            "for x in \"${p[@]}\"; do wait $x; echo \"status $?\"; done; cat out.1 out.2; exit 4";
        string[] program = ["bash", "-c", script];
        var native = CommandRunner.Run(program, _nodes.Options());
        Assert.That(native.ExitCode, Is.EqualTo(4), native.Describe("the native run (the oracle)"));
        File.Delete(Path.Combine(_nodes.Scratch.Work, "out.1"));
        File.Delete(Path.Combine(_nodes.Scratch.Work, "out.2"));

        using var run = _nodes.Mosrun(program);
        var started = WaitForTree(t => t.Count(p => p.Command == "fork_workers" && p.Parent == t.Single(r => r.Parent == 0).Pid) == 2, "the shell's two workers");
        var (first, second) = (started.First(p => p.Command == "fork_workers").Pid, started.Last(p => p.Command == "fork_workers").Pid);
        Assert.That(Migrate(first, "node2"), Does.StartWith("moved to node2"));
        Assert.That(Migrate(second, "node2"), Does.StartWith("moved to node2"));
        Assert.That(Migrate(first, "home"), Does.StartWith("back home from node2"));
        Assert.That(Tree().Where(p => p.Pid == first || p.Pid == second).Select(p => p.Where), Is.EqualTo(new[] { "here", "node2" }));

        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun"));
            Assert.That(result.ExitCode, Is.EqualTo(4));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    /// <summary>
    /// python3's multiprocessing.Pool: its workers share semaphores with their parent (memory
    /// shared at home). A worker moved by its pid computes on node2, comes home when it touches
    /// them (to hand back a result and take the next task), and goes back to node2 once its next
    /// task has run a second; the results and the status are as natively.
    /// </summary>
    [Test]
    public void APythonPoolWorkerMovedByItsPidComputesAwayAndThePoolsResultsAreAsNatively()
    {
        // Four tasks of a few seconds each for a Pool of two processes.
        string[] program = PythonPool.Command(workers: 2, tasks: 4, iterations: 60_000_000);
        var native = CommandRunner.Run(program, _nodes.Options());
        Assert.That(native.ExitCode, Is.EqualTo(3), native.Describe("the native run (the oracle)"));

        using var run = _nodes.Mosrun(program);
        run.WaitForStdout("pool started");
        var tree = WaitForTree(t => t.Count(p => p.Parent == t.Single(r => r.Parent == 0).Pid) == 2, "the pool's two workers");
        int worker = tree.Where(p => p.Parent != 0).Min(p => p.Pid);
        Assert.That(Migrate(worker, "node2"), Does.StartWith("moved to node2"));
        // Where the worker is seen, in order, until it ends: node2, home for the semaphores, node2 again.
        var seen = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!run.HasExited && DateTime.UtcNow < deadline && Tree().FirstOrDefault(p => p.Pid == worker) is { } now)
        {
            if (seen.Count == 0 || seen[^1] != now.Where)
                seen.Add(now.Where);
            Thread.Sleep(100);
        }
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(string.Join(" ", seen), Does.Contain("node2 here node2"), "the worker came home for its semaphores and went back");
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun python3 (a Pool)"));
            Assert.That(result.ExitCode, Is.EqualTo(3));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    [TestCase("sh", "-c", "sleep 1; echo slow", TestName = "MinusR_AShellThatForksASleepRunsOnNode2")]
    [TestCase("echo", "hi", TestName = "MinusR_AProgramThatEndsBeforeItCanMoveEndsWithItsOwnStatus")]
    [TestCase("sh", "-c", "exit 7", TestName = "MinusR_AShellsOwnStatusIsMosruns")]
    [TestCase("bash", "-c", "x=$(echo sub | tr a-z A-Z); echo \"$x\"; ls / | sort | head -n 3; printf '%s\\n' a b | xargs -P 2 -n 1 echo | sort; exit 3",
        TestName = "MinusR_APipelineWithSubshellsAndXargsEndsAsNatively")]
    [TestCase("python3", "-c", "import subprocess, sys; print(subprocess.run(['sh', '-c', 'echo child; exit 5']).returncode); sys.exit(2)",
        TestName = "MinusR_Python3StartingAChildEndsAsNatively")]
    public void StartedOnNode2(params string[] program)
    {
        var native = CommandRunner.Run(program, _nodes.Options());
        var result = CommandRunner.Run([AgentCluster.Bin("mosrun"), "-rnode2", .. program], _nodes.Options());
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun -rnode2"));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode), result.Describe("mosrun -rnode2"));
            Assert.That(result.StderrText, Is.EqualTo(native.StderrText));
        });
    }

    [Test]
    public void ChildrenOfAProgramStartedOnNode2FollowItThereOnceWorthMoving()
    {
        string[] program = [RepoPaths.TestProgram("fork_workers"), "2", LongWork];
        var native = CommandRunner.Run(program, _nodes.Options());

        using var run = _nodes.Mosrun(["-rnode2", .. program]);
        // The fork took the parent home; each worker goes to node2 once it has used a second of CPU.
        var seen = WaitForTree(t => t.Any(p => p.Parent != 0 && p.Where == "node2"), "a worker on node2", TimeSpan.FromSeconds(30));
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), $"{result.Describe("mosrun -rnode2")}; seen: {Describe(seen)}");
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    /// <summary>
    /// At a real terminal (Terminal/pty_session.py), Ctrl-C ends a program and its two workers as
    /// it does natively (status 130, none of them left), when the program was started with
    /// -rnode2: the parent waits at home (it came home for its forks), the workers run on node2.
    /// </summary>
    [Test]
    public void AtATerminalCtrlCEndsTheWholeTreeWhereverItsProcessesRun()
    {
        string program = RepoPaths.TestProgram("fork_workers");
        var native = Session("", program);
        Assert.That(native, Is.EqualTo(new[] { "status: 130", "left: 0" }), "the native run (the oracle) itself");
        var away = Session($"{AgentCluster.Bin("mosrun")} -rnode2", program);
        Assert.That(away, Is.EqualTo(new[] { "workers away: 2", "status: 130", "left: 0" }), "under mosrun -rnode2");
        AgentProcess.WaitFor(() => GuestProcesses.Hosts().Count == 0, TimeSpan.FromSeconds(15), () => "a guest host outlived the tree");

        string[] Session(string mosrun, string workers)
        {
            string driver = Path.Combine(AppContext.BaseDirectory, "Terminal", "pty_session.py");
            var result = CommandRunner.Run(["/usr/bin/python3", driver, mosrun, "ctrl-c-workers", workers], _nodes.Options(TimeSpan.FromSeconds(90)));
            Assert.That(result.ExitCode, Is.Zero, $"pty_session.py '{mosrun}': {result.StderrText}");
            return result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    /// <summary>
    /// A node lost with one worker of a tree on it: that worker is ended (its parent's wait says
    /// SIGKILL), every other process of the tree finishes with its output, mosrun ends, and no
    /// guest host or deputy is left behind.
    /// </summary>
    [Test]
    public void ANodeLostWithOneWorkerEndsThatWorkerOnlyAndLeavesNothingBehind()
    {
        string name = "node-lost-tree";
        var member = _nodes.Cluster.StartMember(name);
        AgentProcess.WaitFor(() => Probe.View(_nodes.Cluster["node1"]).ContainsKey(name), TimeSpan.FromSeconds(60), () => $"node1 never saw {name}");
        string[] program = [RepoPaths.TestProgram("fork_workers"), "2", LongWork];
        var native = CommandRunner.Run(program, _nodes.Options());

        using var run = _nodes.Mosrun(program);
        run.WaitForStdout("started 2 workers");
        var tree = WaitForTree(t => t.Count(p => p.Parent != 0) == 2, "the two workers");
        int lost = tree.Where(p => p.Parent != 0).Max(p => p.Pid); // worker 2: forked second
        Assert.That(Migrate(lost, name), Does.StartWith($"moved to {name}"));
        Libc.Kill(GuestProcesses.Hosts().Single(), 9); // the node vanishes: its guest host and its agent at once
        member.Kill();
        var result = run.WaitForExit();
        string[] nativeLines = native.StdoutText.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(string.Join('\n', nativeLines[0], nativeLines[1], "(no line)", nativeLines[3], "worker 2 killed by signal 9", "")),
                "worker 1's line and status as natively; worker 2 ended");
            Assert.That(result.ExitCode, Is.EqualTo(1), "fork_workers fails when a worker does");
            Assert.That(result.StderrText, Does.Match($@"^mosrun: lost the process on {name} \(.*\); it is ended\n$"));
            Assert.That(ProcessExists(lost), Is.False, "the lost worker's deputy is gone");
        });
    }

    /// <summary>
    /// make -j2 of a generated C project whose files take cc1 a second or more each: a compiler is
    /// moved to node2 by its pid mid-run (make's child's child), and the build and the program
    /// are as natively.
    /// </summary>
    [Test]
    public void MakeMinusJ2WithACompilerMovedToNode2BuildsTheSameProgram()
    {
        string project = GenerateProject(Path.Combine(_nodes.Scratch.Work, "project"), files: 4, statements: 2500);
        _user?.GiveOwnership([project, .. Directory.GetFiles(project)]);
        string[] build = ["bash", "-c", $"make -s -C {project} -j2 && {project}/program"];
        var native = CommandRunner.Run(build, _nodes.Options(TimeSpan.FromMinutes(5)));
        Assert.That(native.ExitCode, Is.Zero, native.Describe("the native build (the oracle)"));
        CommandRunner.Run(["make", "-s", "-C", project, "clean"], _nodes.Options());

        using var run = _nodes.Mosrun(build);
        bool moved = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!moved && !run.HasExited && DateTime.UtcNow < deadline)
        {
            // A compiler that ends between the listing and the move is no failure: try the next.
            if (Tree().FirstOrDefault(p => p.Command == "cc1" && p.Where == "here") is { } compiler)
                moved = TryMigrate(compiler.Pid, "node2").StartsWith("moved to node2", StringComparison.Ordinal);
            else
                Thread.Sleep(100);
        }
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(moved, Is.True, "a cc1 was moved to node2 while it compiled");
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun make"));
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    /// <summary>A project of <paramref name="files"/> C files, each one function of <paramref name="statements"/> statements that cc1 -O2 takes a while over.</summary>
    private static string GenerateProject(string folder, int files, int statements)
    {
        Directory.CreateDirectory(folder);
        var main = new System.Text.StringBuilder("#include <stdio.h>\n");
        for (int f = 1; f <= files; f++)
        {
            var code = new System.Text.StringBuilder($"unsigned part_{f}(unsigned x)\n{{\n    unsigned a = x, b = {f}, c = 7;\n");
            for (int i = 0; i < statements; i++)
                code.Append(CultureInfo.InvariantCulture, $"    a = a * {i % 97 + 3}u + (b ^ {i}u); b = (b << {i % 7 + 1}) ^ (a >> 3) ^ c; c += a % {i % 13 + 2}u;\n");
            code.Append("    return a ^ b ^ c;\n}\n");
            File.WriteAllText(Path.Combine(folder, $"file_{f}.c"), code.ToString());
            main.Append(CultureInfo.InvariantCulture, $"unsigned part_{f}(unsigned x);\n");
        }
        main.Append("int main(void)\n{\n    unsigned s = 0;\n");
        for (int f = 1; f <= files; f++)
            main.Append(CultureInfo.InvariantCulture, $"    s += part_{f}({f});\n");
        main.Append("    printf(\"sum %u\\n\", s);\n    return 0;\n}\n");
        File.WriteAllText(Path.Combine(folder, "main.c"), main.ToString());
        File.WriteAllText(Path.Combine(folder, "Makefile"),
            "SOURCES := $(wildcard *.c)\nprogram: $(SOURCES:.c=.o)\n\t$(CC) -o $@ $^\n%.o: %.c\n\t$(CC) -O2 -c -o $@ $<\nclean:\n\trm -f *.o program\n");
        return folder;
    }

    private static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");

    [Test]
    public void APidOutsideEveryTreeIsRefusedWithOneLine()
    {
        using var run = _nodes.Mosrun(["sleep", "30"]);
        WaitForTree(t => t.Count == 1, "the sleep");
        var result = CommandRunner.Run([AgentCluster.Bin("migrate"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "node2"], _nodes.Options());
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.StderrText, Is.EqualTo($"migrate: process {Environment.ProcessId} is not running under your mosrun\n"));
        });
    }

    /// <summary>One process as <c>mosps --json</c> shows it ("here" at home).</summary>
    private sealed record Listed(int Pid, int Parent, string Where, string Command);

    private List<Listed> Tree()
    {
        var result = CommandRunner.Run([AgentCluster.Bin("mosps"), "--json"], _nodes.Options());
        Assert.That(result.ExitCode, Is.Zero, result.Describe("mosps --json"));
        using var json = JsonDocument.Parse(result.StdoutText);
        return json.RootElement.EnumerateArray().Select(e => new Listed(
            e.GetProperty("pid").GetInt32(), e.GetProperty("parent").GetInt32(),
            e.GetProperty("where").GetString()!, e.GetProperty("command").GetString()!)).ToList();
    }

    /// <summary>Waits until mosps shows what <paramref name="wanted"/> asks (the root first); that listing.</summary>
    private List<Listed> WaitForTree(Func<List<Listed>, bool> wanted, string what, TimeSpan? patience = null)
    {
        List<Listed> tree = [];
        AgentProcess.WaitFor(() => (tree = Tree()).Count > 0 && wanted(tree), patience ?? TimeSpan.FromSeconds(20),
            () => $"mosps never showed {what}: {Describe(tree)}");
        return tree;
    }

    private static string Describe(List<Listed> tree) => string.Join("; ", tree.Select(p => $"{p.Pid} (parent {p.Parent}) {p.Command} at {p.Where}"));

    /// <summary><c>migrate PID ACTION</c>; its answer on stdout, or its error.</summary>
    private string TryMigrate(int pid, string action)
    {
        var result = CommandRunner.Run([AgentCluster.Bin("migrate"), pid.ToString(CultureInfo.InvariantCulture), action], _nodes.Options());
        return result.ExitCode == 0 ? result.StdoutText : result.StderrText;
    }

    private string Migrate(int pid, string action)
    {
        var result = CommandRunner.Run([AgentCluster.Bin("migrate"), pid.ToString(CultureInfo.InvariantCulture), action], _nodes.Options());
        Assert.That(result.ExitCode, Is.Zero, result.Describe($"migrate {pid} {action}"));
        return result.StdoutText;
    }
}

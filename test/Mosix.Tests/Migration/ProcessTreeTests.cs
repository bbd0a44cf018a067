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
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ProcessTreeTests
{
    /// <summary>Iterations for a worker of a few seconds on this machine.</summary>
    private const string LongWork = "1500000000";

    private TwoNodes _nodes = null!;

    [OneTimeSetUp]
    public void StartCluster() => _nodes = new TwoNodes();

    [OneTimeTearDown]
    public void StopCluster() => _nodes.Dispose();

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

    [TestCase("sh", "-c", "sleep 1; echo slow", TestName = "MinusR_AShellThatForksASleepRunsOnNode2")]
    [TestCase("echo", "hi", TestName = "MinusR_AProgramThatEndsBeforeItCanMoveEndsWithItsOwnStatus")]
    [TestCase("sh", "-c", "exit 7", TestName = "MinusR_AShellsOwnStatusIsMosruns")]
    [TestCase("bash", "-c", "x=$(echo sub | tr a-z A-Z); echo \"$x\"; ls / | sort | head -n 3; printf '%s\\n' a b | xargs -P 2 -n 1 echo; exit 3",
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

    private string Migrate(int pid, string action)
    {
        var result = CommandRunner.Run([AgentCluster.Bin("migrate"), pid.ToString(CultureInfo.InvariantCulture), action], _nodes.Options());
        Assert.That(result.ExitCode, Is.Zero, result.Describe($"migrate {pid} {action}"));
        return result.StdoutText;
    }
}

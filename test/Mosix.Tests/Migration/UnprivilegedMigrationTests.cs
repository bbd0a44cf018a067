using System.Globalization;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// Migration needs no root: both agents, mosrun and migrate all run as one unprivileged user (a
/// throwaway user when the tests run as root). A program reading stdin and a file and writing a
/// file and stdout is moved to node2 and back, and ends exactly as its native run as that user did;
/// the file calls away go through pidfd_getfd, which needs only the tracer's rights.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class UnprivilegedMigrationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private ThrowawayUser _user = null!;
    private AgentCluster _cluster = null!;
    private ScratchDirectory _scratch = null!;

    [OneTimeSetUp]
    public void StartClusterAsTheUser()
    {
        _user = ThrowawayUser.CreateOrUseCurrent();
        TestContext.Progress.WriteLine($"{nameof(UnprivilegedMigrationTests)}: running {_user.Description}");
        _cluster = new AgentCluster();
        // Credentials are made first (mosctl, as whoever runs the tests), then the folder is the user's.
        string node1 = _cluster.StateFor("node1"), node2 = _cluster.StateFor("node2");
        AgentCluster.Mosctl(node1, "init", "--node", "node1", "--cluster", "test");
        _cluster.Enroll("node2", node2);
        if (_user.IsThrowaway)
        {
            var chown = CommandRunner.Run(["chown", "-R", $"{_user.Uid}:{_user.Gid}", _cluster.Root]);
            Assert.That(chown.ExitCode, Is.Zero, chown.Describe("chown"));
        }
        var first = StartAs("node1", node1, []);
        StartAs("node2", node2, ["--seed", first.Endpoint]);
        // The agents answer their own user only (not root, not the test's Probe): ask as the user.
        AgentProcess.WaitFor(() => CommandRunner.Run([AgentCluster.Bin("mosmon"), "--once"], AsUser(node1)).StdoutText.Contains("node2"),
            Patience, () => $"node1 never saw node2; log:\n{first.Log()}");
    }

    private AgentProcess StartAs(string name, string state, string[] extraArgs)
    {
        int port = AgentCluster.FreePort();
        string[] argv = [AgentCluster.Bin("mosixd"), "--state", state, "--name", name, "--interval", "0.5", "--lstay", "--listen", $"127.0.0.1:{port}", .. extraArgs];
        var agent = new AgentProcess(name, state, port, argv, AsUser(state) with { Timeout = TimeSpan.FromMinutes(5) });
        _cluster.Adopt(agent);
        AgentProcess.WaitFor(() => File.Exists(agent.ControlSocket) || !agent.IsRunning, Patience, () => $"{agent} made no control socket");
        Assert.That(agent.IsRunning, $"{agent} ended at start: {agent.Log()}");
        return agent;
    }

    private RunOptions AsUser(string state)
    {
        var environment = TestEnvironment.For(_user.PrivateDirectory, _user.Name);
        environment["MOSIX_STATE"] = state;
        return new RunOptions { RunAsPrefix = _user.CommandPrefix, Environment = environment, Timeout = TimeSpan.FromSeconds(30) };
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _cluster?.Dispose();
        _user?.Dispose();
    }

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create(_user);

    [TearDown]
    public void RemoveScratch()
    {
        _scratch.Dispose();
        AgentProcess.WaitFor(() => GuestProcesses.Hosts().Count == 0, TimeSpan.FromSeconds(15), () => "guest hosts left running");
    }

    [Test]
    public void AProgramMovedAwayAndBackAsAnUnprivilegedUserEndsAsItsNativeRun()
    {
        string input = _scratch.WriteFile("work/input.txt", "line one\nline two\n");
        _user.GiveOwnership(input);
        string[] program = [RepoPaths.TestProgram("migrate_io"), input, "written.txt"];
        var native = CommandRunner.Run(program, Options() with { Stdin = "x"u8.ToArray() });
        string written = Path.Combine(_scratch.Work, "written.txt");
        string nativeFile = File.ReadAllText(written);
        File.Delete(written);

        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), .. program], Options() with { KeepStdinOpen = true });
        run.WaitForStdout("started");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        int guestHost = GuestProcesses.Hosts().Single();
        Assert.That(File.ReadAllText($"/proc/{guestHost}/status"), Does.Match($"Uid:\\s+{_user.Uid}\\s"), "the guest host runs as the agent's user");
        Assert.That(Migrate(run, "home"), Does.StartWith("back home from node2"));
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        run.WriteStdin("x");
        run.CloseStdin();
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(File.ReadAllText(written), Is.EqualTo(nativeFile));
        });
    }

    /// <summary>Five threads at barriers, a mutex and a timed condition wait, moved and brought back by an unprivileged user.</summary>
    [Test]
    public void AMultiThreadedProgramMovedAwayAndBackAsAnUnprivilegedUserEndsAsItsNativeRun()
    {
        string[] program = [RepoPaths.TestProgram("ckpt_pthreads")];
        var native = CommandRunner.Run(program, Options());
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), .. program], Options() with { KeepStdinOpen = true });
        run.WaitForStdout("ckpt_pthreads: step 5 ");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        Thread.Sleep(300);
        Assert.That(Migrate(run, "home"), Does.StartWith("back home from node2"));
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(native.StdoutText, Does.Contain("ckpt_pthreads: done, total "));
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
        });
    }

    [Test]
    public void AfterTheNodeIsLostTheRestartAsAnUnprivilegedUserDeliversNoLineTwice()
    {
        string state = _cluster.StateFor("node3");
        _cluster.Enroll("node3", state);
        if (_user.IsThrowaway)
            Assert.That(CommandRunner.Run(["chown", "-R", $"{_user.Uid}:{_user.Gid}", state]).ExitCode, Is.Zero);
        var lost = StartAs("node3", state, ["--seed", _cluster["node1"].Endpoint]);
        AgentProcess.WaitFor(() => CommandRunner.Run([AgentCluster.Bin("mosmon"), "--once"], AsUser(_cluster.StateFor("node1"))).StdoutText.Contains("node3"),
            Patience, () => "node1 never saw node3");
        string[] program = [RepoPaths.TestProgram("paced_lines"), "200", "20"];
        var native = CommandRunner.Run(program, Options());
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), "-C", Path.Combine(_scratch.Work, "job"), "-A", "0.005", .. program],
            Options() with { KeepStdinOpen = true });
        run.WaitForStdout("line 30 of");
        Assert.That(Migrate(run, "node3"), Does.StartWith("moved to node3"));
        run.WaitForStdout("line 80 of");
        Libc.Kill(GuestProcesses.Hosts().Single(), 9); // node3 vanishes: its guest host and its agent at once
        lost.Kill();
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), "each line once, in order");
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Does.Match(@"^mosrun: lost the process on node3 \(.*\); restarted at home from its checkpoint .*job\.\d+\n$"));
        });
    }

    [Test]
    public void AWorkerOfAForkingProgramMovedByItsPidAsAnUnprivilegedUserEndsAsNatively()
    {
        string[] program = [RepoPaths.TestProgram("fork_workers"), "2", "1500000000"];
        var native = CommandRunner.Run(program, Options());
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), .. program], Options() with { KeepStdinOpen = true });
        run.WaitForStdout("started 2 workers");
        int worker = 0;
        AgentProcess.WaitFor(() => (worker = WorkerPid()) != 0, TimeSpan.FromSeconds(20), () => "mosps never listed a worker");
        var moved = CommandRunner.Run([AgentCluster.Bin("migrate"), worker.ToString(CultureInfo.InvariantCulture), "node2"], Options());
        Assert.That(moved.ExitCode, Is.Zero, moved.Describe("migrate WORKER node2"));
        Assert.That(moved.StdoutText, Does.StartWith("moved to node2"));
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
        });
    }

    /// <summary>A process mosps lists with a parent in its tree (a worker), as the user sees it; 0 if none yet.</summary>
    private int WorkerPid()
    {
        var listing = CommandRunner.Run([AgentCluster.Bin("mosps"), "--json"], Options());
        using var json = System.Text.Json.JsonDocument.Parse(listing.StdoutText);
        return json.RootElement.EnumerateArray().Where(e => e.GetProperty("parent").GetInt32() != 0)
            .Select(e => e.GetProperty("pid").GetInt32()).FirstOrDefault();
    }

    private RunOptions Options()
    {
        var environment = _user.EnvironmentFor(_scratch);
        environment["MOSIX_STATE"] = _cluster.StateFor("node1");
        return new RunOptions { RunAsPrefix = _user.CommandPrefix, WorkingDirectory = _scratch.Work, Environment = environment, Timeout = TimeSpan.FromMinutes(3) };
    }

    private string Migrate(RunningCommand run, string action)
    {
        var result = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), action], Options());
        Assert.That(result.ExitCode, Is.Zero, result.Describe($"migrate {action}"));
        return result.StdoutText;
    }
}

using Mosix.Sandbox.Supervision;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// Migration between two agents on 127.0.0.1: real programs started with mosrun at node1 are moved
/// mid-run to node2 with <c>migrate PID node2</c> (and some back home), and must print, write and
/// end exactly as a native run does. Failures: the target agent killed mid-transfer, the home mosrun
/// killed while the process is away.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ClusterMigrationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private AgentCluster _cluster = null!;
    private ScratchDirectory _scratch = null!;

    [OneTimeSetUp]
    public void StartCluster()
    {
        _cluster = new AgentCluster();
        _cluster.StartMember("node1");
        // node2's agent ignores SIGINT, as one started in the background by a script does: a guest
        // must still get the program's own dispositions (the Ctrl-C and kill tests would hang).
        _cluster.StartMember("node2", launcher: ["/bin/sh", "-c", "trap '' INT; exec \"$@\"", "sh"]);
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("node2"), Patience, () => "node1 never saw node2");
    }

    [OneTimeTearDown]
    public void StopCluster() => _cluster.Dispose();

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void RemoveScratch()
    {
        _scratch.Dispose();
        AgentProcess.WaitFor(() => GuestHosts().Count == 0, TimeSpan.FromSeconds(15), () => $"guest hosts left running: {string.Join(", ", GuestHosts())}");
    }

    [Test]
    public void ACpuBoundProgramMovedMidRunPrintsWhatItPrintsNatively()
    {
        string[] program = [RepoPaths.TestProgram("compute"), "2500000000"];
        var native = NativeAndAtHome(program, Options());
        using var run = Mosrun(program);
        Thread.Sleep(300);
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Is.Empty);
        });
    }

    [Test]
    public void Python3MovedAwayAndBackPrintsWhatItPrintsNatively()
    {
        string[] program = ["python3", "-c", "import sys\nprint('started', flush=True)\nx = 0\nfor i in range(30_000_000): x = (x * 31 + i) % 1_000_003\nprint('result', x)\nsys.exit(4)"];
        var native = NativeAndAtHome(program, Options());
        using var run = Mosrun(program);
        run.WaitForStdout("started");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        Thread.Sleep(500);
        Assert.That(Migrate(run, "home"), Does.StartWith("back home from node2"));
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.EqualTo(4));
        });
    }

    [Test]
    public void AwayItReadsStdinAndAFileAndWritesAFileAndStdoutAtHome()
    {
        string input = _scratch.WriteFile("work/input.txt", "line one\nline two\n");
        string[] program = [RepoPaths.TestProgram("migrate_io"), input, "written.txt"];
        var native = CommandRunner.Run(program, Options() with { Stdin = "x"u8.ToArray() });
        string nativeFile = File.ReadAllText(Path.Combine(_scratch.Work, "written.txt"));
        File.Delete(Path.Combine(_scratch.Work, "written.txt"));
        var atHome = CommandRunner.Run([AgentCluster.Bin("mosrun"), .. program], Options() with { Stdin = "x"u8.ToArray() });
        Assert.That((atHome.StdoutText, atHome.ExitCode, File.ReadAllText(Path.Combine(_scratch.Work, "written.txt"))),
            Is.EqualTo((native.StdoutText, native.ExitCode, nativeFile)), atHome.Describe("mosrun, at home"));
        File.Delete(Path.Combine(_scratch.Work, "written.txt"));

        using var run = Mosrun(program);
        run.WaitForStdout("started");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        run.WriteStdin("x");
        run.CloseStdin();
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(result.ExitCode, Is.EqualTo(3));
            Assert.That(File.ReadAllText(Path.Combine(_scratch.Work, "written.txt")), Is.EqualTo(nativeFile));
        });
    }

    [Test]
    public void AForkAwayFromHomeBringsTheProcessHomeFirst()
    {
        string[] program = [RepoPaths.TestProgram("migrate_fork")];
        var native = CommandRunner.Run(program, Options() with { Stdin = "g"u8.ToArray() });
        using var run = Mosrun(program);
        run.WaitForStdout("started");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        run.WriteStdin("g");
        run.CloseStdin();
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.StdoutText, Does.Contain("child exited 7; same pid: yes"));
        });
    }

    [Test]
    public void KilledFromTheHomeShellWhileAwayItDiesAsItWouldNatively([Values(2, 15)] int signal)
    {
        using var run = Mosrun([RepoPaths.TestProgram("compute"), "50000000000"]);
        Thread.Sleep(300);
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        Libc.Kill(ProgramPid(run), signal);
        var result = run.WaitForExit();
        Assert.That(result.ExitCode, Is.EqualTo(128 + signal), "killed by the same signal, as the shell sees it");
    }

    [Test]
    public void ACallThatCannotBeServedAwayEndsTheProcessWithAMessageOrFailsWithMinusE()
    {
        string[] program = [RepoPaths.TestProgram("migrate_ioctl")];
        using (var ended = Mosrun(program))
        {
            ended.WaitForStdout("started");
            Migrate(ended, "node2");
            ended.WriteStdin("i");
            var result = ended.WaitForExit();
            Assert.That(result.StderrText, Does.Contain("mosrun: migrate_ioctl: ioctl(0x1, 0xc0404d58, ...) cannot be served away from home"));
            Assert.That(result.ExitCode, Is.EqualTo(128 + 9));
        }
        using (var failed = Mosrun(program, "-e"))
        {
            failed.WaitForStdout("started");
            Migrate(failed, "node2");
            failed.WriteStdin("i");
            var result = failed.WaitForExit();
            Assert.That(result.StdoutText, Does.Contain("ioctl: -1 Function not implemented"));
            Assert.That(result.StderrText, Is.Empty);
            Assert.That(result.ExitCode, Is.Zero);
        }
    }

    [Test]
    public void RecordLocksSemaphoresPipeSizesAndGroupsAwayAreHomesAndPrintAsNatively()
    {
        // fcntl locks (POSIX and OFD), F_SETPIPE_SZ, semctl and get/setgroups: calls whose pointer's
        // shape depends on a command. Away they are made by the deputy, so the lock the process
        // holds is held at home, where another home process meets it.
        string file = Path.Combine(_scratch.Work, "locked.dat");
        string[] program = [RepoPaths.TestProgram("irregular_calls"), file];
        var native = CommandRunner.Run(program, Options() with { Stdin = "go\nend\n"u8.ToArray() });
        Assert.That(native.StdoutText, Does.Contain("holding"), native.Describe("irregular_calls, natively (the oracle)"));
        using var run = Mosrun(program);
        run.WaitForStdout("ready");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        run.WriteStdin("go\n");
        run.WaitForStdout("holding");
        string[] probe = ["python3", "-c", "import fcntl, sys; f = open(sys.argv[1], 'r+'); fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB, 10)", file];
        var meetsTheLock = CommandRunner.Run(probe, Options());
        run.WriteStdin("end\n");
        var result = run.WaitForExit();
        var afterIt = CommandRunner.Run(probe, Options());
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun irregular_calls, moved to node2"));
            Assert.That(result.StderrText, Is.Empty);
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(meetsTheLock.StderrText, Does.Contain("BlockingIOError"), meetsTheLock.Describe("a home process locking the range held away"));
            Assert.That(afterIt.ExitCode, Is.Zero, afterIt.Describe("the same lock once the process has ended"));
        });
    }

    /// <summary>poll, ppoll, epoll_wait and epoll_pwait away wait at home, on home's descriptors, and answer as natively.</summary>
    [Test]
    public void PollAndEpollAwayWaitAtHomeAndAnswerAsNatively()
    {
        string[] program = [RepoPaths.TestProgram("waiting_calls")];
        var native = CommandRunner.Run(program, Options() with { Stdin = "go\n"u8.ToArray() });
        Assert.That(native.StdoutText, Does.Contain("epoll_pwait, room for 8: 2 "), native.Describe("waiting_calls, natively (the oracle)"));
        using var run = Mosrun(program);
        run.WaitForStdout("ready");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        run.WriteStdin("go\n");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun waiting_calls, moved to node2"));
            Assert.That(result.StderrText, Is.Empty);
            Assert.That(result.ExitCode, Is.Zero);
        });
    }

    [Test]
    public void AMoveToAnUnknownNodeLeavesTheProcessRunningAtHome()
    {
        string[] program = [RepoPaths.TestProgram("compute"), "1500000000"];
        var native = CommandRunner.Run(program, Options());
        using var run = Mosrun(program);
        Thread.Sleep(200);
        var refused = RunMigrate(run, "node9");
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.StderrText.TrimEnd(), Is.EqualTo("migrate: the process stays where it is: no node 'node9' is known to this node's agent (see mosmon)"));
        Assert.That(run.WaitForExit().StdoutText, Is.EqualTo(native.StdoutText));
    }

    [Test]
    public void AMemberGossipingAnotherNodesEndpointUnderItsNameGetsNoProcess()
    {
        // impostor is a member whose vector names node2's endpoint: gossip is any member's word, so
        // a move to "impostor" dials node2. node2's certificate says node2, not impostor: nothing moves.
        var node2 = _cluster["node2"];
        using var impostor = _cluster.StartMember("impostor", "--advertise", node2.Endpoint);
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("impostor"), Patience, () => "node1 never saw the impostor");
        string[] program = [RepoPaths.TestProgram("compute"), "300000000"];
        var native = CommandRunner.Run(program, Options());
        int guestsBefore = Guests(node2.Log());
        using var run = Mosrun(program);
        CommandResult refused = null!;
        AgentProcess.WaitFor(() => !(refused = RunMigrate(run, "impostor")).StderrText.Contains("not running under your mosrun", StringComparison.Ordinal),
            Patience, () => "mosrun never opened its control socket");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.StderrText.Trim(), Is.EqualTo($"migrate: the process stays where it is: the agent at {node2.Endpoint} is node2, not impostor (gossip named a wrong endpoint for it)"));
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(Guests(node2.Log()), Is.EqualTo(guestsBefore), "node2 accepted no guest meanwhile");
        });

        static int Guests(string log) => log.Split('\n').Count(line => line.Contains("accepted: guest host pid", StringComparison.Ordinal));
    }

    [Test]
    public void ANodeWhoseOwnerTakesNoGuestsFromHomeRefusesAndTheProcessGoesOnAtHome()
    {
        string config = Path.Combine(_cluster.Root, "node6.json");
        File.WriteAllText(config, """{ "guestsFrom": ["node9"] }""");
        using var node6 = _cluster.StartMember("node6", "--config", config);
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("node6"), Patience, () => "node1 never saw node6");
        string[] program = [RepoPaths.TestProgram("compute"), "300000000"];
        var native = CommandRunner.Run(program, Options());
        using var run = Mosrun(program);
        CommandResult refused = null!;
        AgentProcess.WaitFor(() => !(refused = RunMigrate(run, "node6")).StderrText.Contains("not running under your mosrun", StringComparison.Ordinal),
            Patience, () => "mosrun never opened its control socket");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.StderrText.Trim(), Does.StartWith("migrate: the process stays where it is:").And.EndWith("node6 takes no guests from node1 (its owner's guestsFrom)"));
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.Zero);
        });
    }

    [Test]
    public void ANodeWhoseOwnerTakesNoGuestsOfThisUserRefusesThem()
    {
        string config = Path.Combine(_cluster.Root, "node7.json");
        File.WriteAllText(config, """{ "guestUsers": ["someone-else"] }""");
        using var node7 = _cluster.StartMember("node7", "--config", config);
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("node7"), Patience, () => "node1 never saw node7");
        using var run = Mosrun([RepoPaths.TestProgram("compute"), "300000000"]);
        CommandResult refused = null!;
        AgentProcess.WaitFor(() => !(refused = RunMigrate(run, "node7")).StderrText.Contains("not running under your mosrun", StringComparison.Ordinal),
            Patience, () => "mosrun never opened its control socket");
        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(1));
            Assert.That(refused.StderrText.Trim(), Does.EndWith($"node7 takes no guests of user '{Environment.UserName}' (its owner's guestUsers)"));
            Assert.That(run.WaitForExit().ExitCode, Is.Zero);
        });
    }

    [Test]
    public void WhenTheTargetAgentDiesMidTransferTheProcessGoesOnAtHome()
    {
        var node3 = _cluster.StartMember("node3");
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("node3"), Patience, () => "node1 never saw node3");
        string[] program = [RepoPaths.TestProgram("migrate_big"), "1024", "6"];
        var native = CommandRunner.Run(program, Options());
        using var run = Mosrun(program);
        run.WaitForStdout("started");
        using var migrate = CommandRunner.Start([AgentCluster.Bin("migrate"), run.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "node3"], Options());
        AgentProcess.WaitFor(() => GuestHosts().Count > 0, Patience, () => "no guest host started on node3");
        node3.Dispose(); // the agent gone mid-image: its guest host abandons the arrival
        var answer = migrate.WaitForExit();
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(answer.ExitCode, Is.EqualTo(1), answer.StdoutText);
            Assert.That(answer.StderrText, Does.StartWith("migrate: the process stays where it is"));
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.Zero);
        });
    }

    [Test]
    public void WhenTheTargetAgentStopsWhileTheProcessIsAwayItComesHomeAndFinishes()
    {
        var node4 = _cluster.StartMember("node4");
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("node4"), Patience, () => "node1 never saw node4");
        string[] program = [RepoPaths.TestProgram("migrate_big"), "64", "150"];
        var native = CommandRunner.Run(program, Options());
        using var run = Mosrun(program);
        run.WaitForStdout("started");
        Assert.That(Migrate(run, "node4"), Does.StartWith("moved to node4"));
        int guestHost = GuestHosts().Single();
        node4.Stop(); // a node leaving: its guests go home before it goes
        AgentProcess.WaitFor(() => !Directory.Exists($"/proc/{guestHost}"), Patience, () => "the guest host stayed after its agent");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.Zero);
        });
    }

    [Test]
    public void ADynamicallyLinkedProgramStartedWithMinusRRunsThereToItsEnd()
    {
        string[] program = ["python3", "-c", "import json, hashlib\nx = 0\nfor i in range(6_000_000): x = (x * 31 + i) % 1_000_003\nprint(x, json.dumps({'a': 1}), hashlib.sha256(b'x').hexdigest()[:8])"];
        var native = CommandRunner.Run(program, Options());
        int wentHomeBefore = CountInLog("node2", "the process went home"), leftBefore = CountInLog("node2", " left: ");
        using var run = Mosrun(program, "-rnode2");
        AgentProcess.WaitFor(() => GuestHosts().Count == 1, Patience, () => "no guest host on node2");
        var result = run.WaitForExit();
        WaitForGuestsToLeave("node2", leftBefore);
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.StderrText, Is.Empty);
            Assert.That(CountInLog("node2", "the process went home"), Is.EqualTo(wentHomeBefore), "its libraries were mapped on node2, from node2's identical copies");
        });
    }

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OpenFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute;
    private const UnixFileMode ClosedFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [TestCase(Readable, OpenFolder, false)]
    [TestCase(OwnerOnly, OpenFolder, true)]
    [TestCase(Readable, ClosedFolder, true)]
    public void AFileMappedAwayIsThisNodesCopyOnlyWhenAnyoneMayReadIt(UnixFileMode mode, UnixFileMode folderMode, bool homesBytes)
    {
        string data = _scratch.WriteFile("data/data.bin", new string('m', 10000), mode);
        File.SetUnixFileMode(Path.GetDirectoryName(data)!, folderMode);
        string[] program = ["python3", "-c", "import mmap, sys, time\nprint('started', flush=True)\nsys.stdin.readline()\nf = open(sys.argv[1], 'rb')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)\nprint(len(m), m[:3].decode(), bytes(m).count(b'm'))", data];
        int wentHomeBefore = CountInLog("node2", "the process went home"), leftBefore = CountInLog("node2", " left: ");
        int filledBefore = CountInLog("node2", "mapped with home's bytes");
        using var run = Mosrun(program);
        run.WaitForStdout("started");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        run.WriteStdin("go\n");
        var result = run.WaitForExit();
        Assert.That(result.StdoutText, Is.EqualTo("started\n10000 mmm 10000\n"), result.StderrText);
        WaitForGuestsToLeave("node2", leftBefore);
        Assert.Multiple(() =>
        {
            Assert.That(CountInLog("node2", "the process went home"), Is.EqualTo(wentHomeBefore), "a private mapping is served on node2");
            Assert.That(CountInLog("node2", "mapped with home's bytes") - filledBefore, Is.EqualTo(homesBytes ? 1 : 0),
                homesBytes ? "a file others may not read on node2 is filled with home's bytes" : "a world-readable identical copy is mapped from node2");
        });
    }

    /// <summary>
    /// Home's bytes, brought into an anonymous area: at an offset, over a partial last page, read-only
    /// and copy-on-write mappings alike, as the kernel's file mapping shows them natively.
    /// </summary>
    [Test]
    public void AFileMappedAwayWithHomesBytesReadsAsNativelyAtAnOffsetAndReadOnly()
    {
        string data = _scratch.WriteFile("data/varied.bin", string.Concat(Enumerable.Range(0, 3000).Select(i => (char)('a' + i * 7 % 26))), OwnerOnly);
        string script = "import hashlib, mmap, sys\nprint('started', flush=True)\nsys.stdin.readline()\nf = open(sys.argv[1], 'rb')\n"
            + "a = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ, offset=mmap.PAGESIZE)\n"
            + "b = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)\nb[0:5] = b'HELLO'\n"
            + "print(len(a), hashlib.sha256(a).hexdigest()[:16], len(b), b[:8], hashlib.sha256(b).hexdigest()[:16])";
        File.AppendAllText(data, new string('z', 3 * 4096 + 123 - 3000));
        string[] program = ["python3", "-c", script, data];
        var native = CommandRunner.Run(program, Options() with { Stdin = "go\n"u8.ToArray() });
        int wentHomeBefore = CountInLog("node2", "the process went home"), leftBefore = CountInLog("node2", " left: ");
        int filledBefore = CountInLog("node2", "mapped with home's bytes");
        using var run = Mosrun(program);
        run.WaitForStdout("started");
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        run.WriteStdin("go\n");
        var result = run.WaitForExit();
        WaitForGuestsToLeave("node2", leftBefore);
        Assert.Multiple(() =>
        {
            Assert.That(native.StdoutText, Does.StartWith("started\n8315 "), "the native run (the oracle)");
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.StderrText);
            Assert.That(CountInLog("node2", "the process went home"), Is.EqualTo(wentHomeBefore), () => "served on node2: " + _cluster["node2"].Log());
            Assert.That(CountInLog("node2", "mapped with home's bytes") - filledBefore, Is.EqualTo(2), "both mappings filled with home's bytes");
        });
    }

    private int CountInLog(string node, string text) =>
        _cluster[node].Log().Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Until the agent logs its guest's end: its guest host's own lines are then in the log too.</summary>
    private void WaitForGuestsToLeave(string node, int leftBefore) =>
        AgentProcess.WaitFor(() => CountInLog(node, " left: ") > leftBefore, Patience, () => $"{node} never logged its guest's end");

    /// <summary>
    /// At a real terminal (Terminal/pty_session.py, an interactive bash): Ctrl-C ends, and Ctrl-Z
    /// stops and fg continues, a program started on node2 with -r, exactly as they do natively.
    /// </summary>
    [TestCase("ctrl-c", "status: 130")]
    [TestCase("ctrl-z-python", "stopped: True", "fg finished: True", "status: 0")]
    public void AtATerminalCtrlCAndCtrlZReachAProgramAwayAsTheyWouldNatively(string scenario, params string[] expected)
    {
        string driver = Path.Combine(AppContext.BaseDirectory, "Terminal", "pty_session.py");
        string native = Session("command");
        int wentHomeBefore = CountInLog("node2", "the process went home"), leftBefore = CountInLog("node2", " left: ");
        string away = Session($"{AgentCluster.Bin("mosrun")} -rnode2");
        WaitForGuestsToLeave("node2", leftBefore);
        Assert.Multiple(() =>
        {
            foreach (var line in expected)
                Assert.That(native, Does.Contain(line), "the native run (the oracle) itself");
            Assert.That(away, Is.EqualTo(native), $"under mosrun -rnode2, scenario {scenario}");
            Assert.That(CountInLog("node2", "the process went home"), Is.EqualTo(wentHomeBefore), "it stayed on node2 throughout");
        });

        string Session(string prefix)
        {
            var result = CommandRunner.Run(["/usr/bin/python3", driver, prefix, scenario], Options() with { Timeout = TimeSpan.FromSeconds(90) });
            Assert.That(result.ExitCode, Is.Zero, $"pty_session.py {prefix} {scenario}: {result.StderrText}");
            return result.StdoutText;
        }
    }

    [Test]
    public void MospsShowsWhereEachProcessRunsAndItsState()
    {
        using var stays = Mosrun([RepoPaths.TestProgram("compute"), "50000000000"]);
        using var leaves = Mosrun([RepoPaths.TestProgram("compute"), "50000000000"]);
        Thread.Sleep(300);
        Assert.That(Migrate(leaves, "node2"), Does.StartWith("moved to node2"));
        int home = ProgramPid(stays), away = ProgramPid(leaves);

        var listed = CommandRunner.Run([AgentCluster.Bin("mosps")], Options());
        Assert.That(listed.ExitCode, Is.Zero, listed.Describe("mosps"));
        var lines = listed.StdoutText.TrimEnd().Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "PID", "WHERE", "STATE", "COMMAND" }));
            Assert.That(lines.Skip(1).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))),
                Is.EquivalentTo(new[] { $"{home} here running compute", $"{away} node2 running compute" }));
        });

        leaves.SendSignal(9);
        stays.SendSignal(9);
        stays.WaitForExit();
        leaves.WaitForExit();
    }

    [Test]
    public void CtrlZWhileAwayStopsTheJobAtHomeAndContinuingItFinishesAsNatively()
    {
        string[] program = [RepoPaths.TestProgram("compute"), "2500000000"];
        var native = CommandRunner.Run(program, Options());
        // A rare hang after SIGCONT (twice in many full runs, never alone): should it come back, the
        // failure carries home's tracer log and the state of every process on both sides.
        string homeLog = Path.Combine(_scratch.Work, "home-events.log");
        var options = Options();
        var environment = new Dictionary<string, string>(options.Environment!) { [DebugLog.Variable] = homeLog };
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), .. program], options with
        {
            Environment = environment,
            KeepStdinOpen = true,
            DescribeOnTimeout = () => $"""
                {ClusterState()}
                    home's tracer log, last lines:
                {string.Join('\n', File.ReadLines(homeLog).TakeLast(40))}
                """,
        });
        Thread.Sleep(300);
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        int deputy = ProgramPid(run);
        int incarnation = GuestProcesses.ChildrenOf(GuestHosts().Single()).Single();

        Libc.Kill(deputy, 20); // SIGTSTP to the home pid, as the terminal's Ctrl-Z or kill -TSTP sends it
        AgentProcess.WaitFor(() => ProcessStatus.IsStopped(run.Pid), Patience, () => "mosrun did not stop with its job");
        AgentProcess.WaitFor(() => CpuTicks(incarnation) == CpuTicks(incarnation, afterMs: 300), Patience, () => "the incarnation kept computing");
        var listed = CommandRunner.Run([AgentCluster.Bin("mosps"), "--json"], Options());
        Assert.That(listed.StdoutText, Does.Contain("\"state\": \"stopped\""), listed.Describe("mosps --json"));

        Libc.Kill(run.Pid, 18); // SIGCONT, as fg sends it to the job's process group
        Libc.Kill(deputy, 18);
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
        });
    }

    /// <summary>utime + stime of a process (clock ticks), optionally read again after a pause.</summary>
    private static long CpuTicks(int pid, int afterMs = 0)
    {
        Thread.Sleep(afterMs);
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Test]
    public void WhenTheNodeVanishesAProcessWithPeriodicCheckpointsRestartsAtHomeFromTheLatest()
    {
        var node5 = _cluster.StartMember("node5");
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("node5"), Patience, () => "node1 never saw node5");
        string[] program = [RepoPaths.TestProgram("compute"), "3000000000"];
        var native = CommandRunner.Run(program, Options());
        string images = Path.Combine(_scratch.Work, "job");
        using var run = Mosrun(program, "-C", images, "-A", "0.005"); // every 0.3 s
        AgentProcess.WaitFor(() => File.Exists(images + ".1"), Patience, () => "no periodic checkpoint");
        Assert.That(Migrate(run, "node5"), Does.StartWith("moved to node5"));
        int guestHost = GuestHosts().Single();
        Libc.Kill(guestHost, 9); // node5 vanishes: its guest host and its agent at once
        node5.Kill();
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(result.StderrText, Does.Match(@"^mosrun: lost the process on node5 \(.*\); restarted at home from its checkpoint .*job\.\d+\n$"));
        });
    }

    [Test]
    public void AfterTheNodeIsLostTheRestartDeliversNoLineTwice()
    {
        var lost = StartMemberToLose("node-lost1");
        string[] program = [RepoPaths.TestProgram("paced_lines"), "250", "20"];
        var native = NativeAndAtHome(program, Options());
        string images = Path.Combine(_scratch.Work, "job");
        // Periodic checkpoints at home first (as in the finding: the image long before the move).
        using var run = Mosrun(program, "-C", images, "-A", "0.005");
        AgentProcess.WaitFor(() => File.Exists(images + ".1"), Patience, () => "no periodic checkpoint");
        run.WaitForStdout("line 30 of");
        Assert.That(Migrate(run, "node-lost1"), Does.StartWith("moved to node-lost1"));
        run.WaitForStdout("line 90 of");
        Lose(lost);
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), "each line once, in order");
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Does.Match(@"^mosrun: lost the process on node-lost1 \(.*\); restarted at home from its checkpoint .*job\.\d+\n$"));
        });
    }

    [Test]
    public void ARestartThatWritesOtherBytesSaysSoOnceAndDeliversThem()
    {
        var lost = StartMemberToLose("node-lost2");
        string said = _scratch.WriteFile("work/said.txt", "before\n");
        string[] program = [RepoPaths.TestProgram("paced_lines"), "150", "20", said];
        using var run = Mosrun(program, "-C", Path.Combine(_scratch.Work, "job"), "-A", "10");
        run.WaitForStdout("line 20 of");
        Assert.That(Migrate(run, "node-lost2"), Does.StartWith("moved to node-lost2"));
        run.WaitForStdout("line 50 of");
        // What the process reads after the move changes: run again from the move, it writes other lines.
        File.WriteAllText(said + ".new", "after\n");
        File.Move(said + ".new", said, overwrite: true);
        run.WaitForStdout("line 60 of 150 after");
        Lose(lost);
        var result = run.WaitForExit();
        string[] lines = result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] errors = result.StderrText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(5));
            Assert.That(errors, Has.Length.EqualTo(2), result.StderrText);
            Assert.That(errors[0], Does.StartWith("mosrun: lost the process on node-lost2 ("));
            Assert.That(errors[1], Does.StartWith("mosrun: the restarted process wrote other bytes to descriptor 1"));
            Assert.That(lines[^1], Is.EqualTo("line 150 of 150 after"), "the restarted run's output delivered to its end");
            Assert.That(lines, Has.Length.GreaterThan(150), "the lines since the move: as first written, and as written again");
            Assert.That(lines.Where(l => l.EndsWith(" before", StringComparison.Ordinal)).Select(l => l.Replace(" before", " after", StringComparison.Ordinal)).Intersect(lines),
                Is.Not.Empty, "a line written before the change and written again after it");
        });
    }

    /// <summary>A member of the cluster that a test kills (its agent and its guest host) while it hosts a process.</summary>
    private AgentProcess StartMemberToLose(string name)
    {
        var member = _cluster.StartMember(name);
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey(name), Patience, () => $"node1 never saw {name}");
        return member;
    }

    /// <summary>The node vanishes: its guest host and its agent killed at once (SIGKILL, by pid).</summary>
    private static void Lose(AgentProcess member)
    {
        Libc.Kill(GuestHosts().Single(), 9);
        member.Kill();
    }

    [TestCase("expel", "asked 1 guest(s) to leave")]
    [TestCase("shutdown", "leaving the cluster")]
    public void TheOwnerSendsGuestsAwayAndTheyFinishAtHome(string action, string answer)
    {
        string name = $"node-{action}";
        var owned = _cluster.StartMember(name);
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey(name), Patience, () => $"node1 never saw {name}");
        string[] program = [RepoPaths.TestProgram("migrate_big"), "64", "400"];
        var native = CommandRunner.Run(program, Options());
        using var run = Mosrun(program);
        run.WaitForStdout("started");
        Assert.That(Migrate(run, name), Does.StartWith($"moved to {name}"));
        var said = AgentCluster.Mosctl(owned.State, action);
        Assert.That(said.StdoutText, Does.Contain(answer));
        AgentProcess.WaitFor(() => GuestHosts().Count == 0, Patience, () => $"the guest did not leave {name}");
        var listed = CommandRunner.Run([AgentCluster.Bin("mosps")], Options());
        Assert.That(listed.StdoutText, Does.Contain(" here "), "the process is back home while it still runs");
        if (action == "shutdown")
            AgentProcess.WaitFor(() => !owned.IsRunning, Patience, () => $"{name} did not leave once its guest was gone");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(owned.Log(), Does.Contain("asked to send its process home"));
        });
    }

    [Test]
    public void WhenTheHomeMosrunIsKilledTheIncarnationIsKilledToo()
    {
        using var run = Mosrun([RepoPaths.TestProgram("compute"), "50000000000"]);
        Thread.Sleep(300);
        Assert.That(Migrate(run, "node2"), Does.StartWith("moved to node2"));
        Assert.That(GuestHosts(), Has.Count.EqualTo(1));
        run.SendSignal(9);
        run.WaitForExit();
        AgentProcess.WaitFor(() => GuestHosts().Count == 0, TimeSpan.FromSeconds(15), () => "the guest host outlived its home");
    }

    /// <summary>The native run (the oracle), checked against a run under mosrun that stays at home.</summary>
    private static CommandResult NativeAndAtHome(string[] program, RunOptions options)
    {
        var native = CommandRunner.Run(program, options);
        var atHome = CommandRunner.Run([AgentCluster.Bin("mosrun"), .. program], options);
        Assert.That((atHome.StdoutText, atHome.ExitCode), Is.EqualTo((native.StdoutText, native.ExitCode)), atHome.Describe("mosrun, at home"));
        return native;
    }

    private RunOptions Options()
    {
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["MOSIX_STATE"] = _cluster.StateFor("node1");
        return new RunOptions
        {
            WorkingDirectory = _scratch.Work,
            Environment = environment,
            Timeout = TimeSpan.FromMinutes(3),
            DescribeOnTimeout = ClusterState,
        };
    }

    /// <summary>For a hang's failure message: the guest hosts' processes and the agents' last words.</summary>
    private string ClusterState()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("    guest side:").Append(HangReport.Of([.. GuestHosts()]));
        foreach (var agent in _cluster.Agents)
        {
            text.AppendLine($"    {agent.Name}'s log, last lines:");
            foreach (string line in agent.Log().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(25))
                text.AppendLine($"      {line}");
        }
        return text.ToString();
    }

    private RunningCommand Mosrun(string[] program, params string[] options) =>
        CommandRunner.Start([AgentCluster.Bin("mosrun"), .. options, .. program], Options() with { KeepStdinOpen = true });

    private CommandResult RunMigrate(RunningCommand run, string action) =>
        CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), action], Options());

    private string Migrate(RunningCommand run, string action)
    {
        var result = RunMigrate(run, action);
        Assert.That(result.ExitCode, Is.Zero, result.Describe($"migrate {action}"));
        return result.StdoutText;
    }

    private static int ProgramPid(RunningCommand run) => GuestProcesses.ChildrenOf(run.Pid).Single();

    private static List<int> GuestHosts() => GuestProcesses.Hosts();
}

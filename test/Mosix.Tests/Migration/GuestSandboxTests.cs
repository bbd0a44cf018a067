using System.Globalization;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// A guest can never reach the files, processes or network of the node it runs on. node2's agent
/// runs in namespaces of its own (as root): a private /tmp (a tmpfs holding only the cluster's
/// folder and a "node-private" file) and its own pids (with a victim process whose pid does not
/// exist at home). A program moved there writes /tmp/…/x, reads /tmp/…/private, ptrace-attaches
/// and kills the victim, and opens a socket: every effect must be home's, none node2's. node2 also
/// holds a world-readable file of home's path, size and modification time but other bytes: a
/// guest mapping it must see home's bytes.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class GuestSandboxTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private AgentCluster _cluster = null!;
    private AgentProcess _node2 = null!;
    private ScratchDirectory _scratch = null!;
    private string _shared = null!;
    private int _victim;

    /// <summary>
    /// Run by sh as pid 1 of node2's namespaces: /proc for its pids, a tmpfs over /tmp with the
    /// cluster folder bound back in, the node-private file, the victim at the chosen pid, the agent.
    /// </summary>
    private const string Node2Setup = """
        mount -t proc proc /proc
        mount --bind "$1" /mnt
        mount -t tmpfs -o mode=1777 tmpfs /tmp
        mkdir -p "$1" && mount --bind /mnt "$1" && umount /mnt
        mkdir -p "$2" && chmod 755 "$2" && echo "node2 secret" > "$2/private"
        printf 'NODE2-SECRET-98765432\n' > "$2/mapped" && chmod 644 "$2/mapped" && touch -d @1577934245 "$2/mapped"
        echo $(($3 - 1)) > /proc/sys/kernel/ns_last_pid
        sleep 1000 &
        shift 3
        exec "$@"
        """;

    [OneTimeSetUp]
    public void StartCluster()
    {
        Assume.That(Environment.IsPrivilegedProcess, "mount and pid namespaces for the agent need root");
        Assume.That(File.Exists("/usr/bin/unshare") && Directory.Exists("/mnt"), "unshare(1) and /mnt are needed");
        _cluster = new AgentCluster();
        _cluster.StartMember("node1");
        _shared = Path.Combine("/tmp", $"mosix-sandbox-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_shared);
        File.WriteAllText(Path.Combine(_shared, "private"), "home copy\n");
        string mapped = Path.Combine(_shared, "mapped");
        File.WriteAllText(mapped, HomesMappedBytes);
        File.SetUnixFileMode(mapped, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetLastWriteTimeUtc(mapped, DateTime.UnixEpoch.AddSeconds(1577934245)); // node2's copy: touch -d @1577934245
        _victim = FreePidAtHome();
        _node2 = _cluster.StartMember("node2", launcher:
            ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private", "--",
             "sh", "-ec", Node2Setup, "node2-setup", _cluster.Root, _shared, _victim.ToString(CultureInfo.InvariantCulture)]);
        AgentProcess.WaitFor(() => Probe.View(_cluster["node1"]).ContainsKey("node2"), Patience, () => "node1 never saw node2");
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        _cluster?.Dispose(); // node2's namespace ends with its pid 1: the victim with it
        if (_shared is not null)
            Directory.Delete(_shared, recursive: true);
    }

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    [Test]
    public void AGuestsFilesProcessesAndSocketsAreItsHomesNeverItsHosts()
    {
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["MOSIX_STATE"] = _cluster.StateFor("node1");
        var options = new RunOptions { WorkingDirectory = _scratch.Work, Environment = environment, Timeout = TimeSpan.FromMinutes(2) };
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), RepoPaths.TestProgram("sandbox_probe"), _shared, _victim.ToString(CultureInfo.InvariantCulture)], options with { KeepStdinOpen = true });
        Thread.Sleep(300);
        var moved = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), "node2"], options);
        Assert.That(moved.StdoutText, Does.StartWith("moved to node2"), moved.Describe("migrate"));
        int guestHost = GuestProcesses.Hosts().Single();
        int incarnation = GuestProcesses.ChildrenOf(guestHost).Single();
        int deputy = GuestProcesses.ChildrenOf(run.Pid).Single();
        // node2's view of the file system, through its mount namespace (unshare itself is in it).
        string node2Root = $"/proc/{_node2.Pid}/root";
        Assert.That(ReadLinkOrEmpty($"/proc/{guestHost}/ns/mnt"), Is.EqualTo(ReadLinkOrEmpty($"/proc/{_node2.Pid}/ns/mnt")), "the guest host lives in node2's namespace");

        run.WriteStdin("go\n");
        run.WaitForStdout("socket: descriptor");
        string said = System.Text.Encoding.UTF8.GetString(run.StdoutSoFar);
        int socketFd = int.Parse(said.Split("socket: descriptor ")[1].Trim(), CultureInfo.InvariantCulture);
        string deputySocket = ReadLinkOrEmpty($"/proc/{deputy}/fd/{socketFd}");
        string hostSocket = ReadLinkOrEmpty($"/proc/{incarnation}/fd/{socketFd}");
        run.WriteStdin("done\n");
        var result = run.WaitForExit();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.ReadAllText(Path.Combine(node2Root + _shared, "private")), Is.EqualTo("node2 secret\n"), "node2's /tmp is its own (the test's premise)");
            Assert.That(said, Does.Contain("write x: ok"));
            Assert.That(File.ReadAllText(Path.Combine(_shared, "x")), Is.EqualTo("from the guest\n"), "the file written is home's");
            Assert.That(File.Exists(Path.Combine(node2Root + _shared, "x")), Is.False, "node2's /tmp was not touched");
            Assert.That(said, Does.Contain("private: home copy"), "a path names home's file, never the host's");
            Assert.That(said, Does.Contain("ptrace: Operation not permitted"));
            Assert.That(said, Does.Contain("kill: No such process"), "the pid is looked up at home, where the victim does not exist");
            Assert.That(Directory.Exists($"{node2Root}/proc/{_victim}"), Is.True, "the host's process is alive");
            Assert.That(File.ReadAllText($"{node2Root}/proc/{_victim}/status"), Does.Contain("TracerPid:\t0"), "and untraced");
            Assert.That(deputySocket, Does.StartWith("socket:["), "the socket is the deputy's, at home");
            Assert.That(hostSocket, Does.Not.StartWith("socket:"), "node2's kernel holds no socket for the guest");
            Assert.That(result.ExitCode, Is.Zero, result.Describe("mosrun sandbox_probe"));
        }
    }

    /// <summary>Home's content of the file node2 holds with other bytes (NODE2-SECRET-98765432), same length and mtime.</summary>
    private const string HomesMappedBytes = "HOME-BYTES-0123456789\n";

    [Test]
    public void AFileMappedAwayShowsHomesBytesWhenTheNodesCopyLooksTheSameButDiffers()
    {
        string mapped = Path.Combine(_shared, "mapped");
        string[] program = ["/usr/bin/python3", "-c", "import mmap, sys\nprint('started', flush=True)\nsys.stdin.readline()\nf = open(sys.argv[1], 'rb')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)\nprint(m[:].decode(), end='')", mapped];
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["MOSIX_STATE"] = _cluster.StateFor("node1");
        var options = new RunOptions { WorkingDirectory = _scratch.Work, Environment = environment, Timeout = TimeSpan.FromMinutes(2) };
        var native = CommandRunner.Run(program, options with { Stdin = "go\n"u8.ToArray() });
        int filledBefore = CountInNode2Log("mapped with home's bytes"), wentHomeBefore = CountInNode2Log("the process went home");
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), .. program], options with { KeepStdinOpen = true });
        run.WaitForStdout("started");
        var moved = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), "node2"], options);
        Assert.That(moved.StdoutText, Does.StartWith("moved to node2"), moved.Describe("migrate"));
        run.WriteStdin("go\n");
        var result = run.WaitForExit();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(File.ReadAllText($"/proc/{_node2.Pid}/root{mapped}"), Is.EqualTo("NODE2-SECRET-98765432\n"), "node2's copy differs (the test's premise)");
            Assert.That(native.StdoutText, Is.EqualTo("started\n" + HomesMappedBytes), "the native run (the oracle)");
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), "the guest maps home's bytes, never node2's");
            Assert.That(result.ExitCode, Is.Zero, result.Describe("mosrun python3"));
        }
        // The guest host's lines reach node2's log as it ends.
        AgentProcess.WaitFor(() => CountInNode2Log("mapped with home's bytes") > filledBefore, Patience, () => "node2 never logged the mapping");
        Assert.That(CountInNode2Log("the process went home"), Is.EqualTo(wentHomeBefore), "it was mapped on node2, with home's bytes");
    }

    [Test]
    public void AProcessWithSuchAFileMappedDoesNotMoveThereAndKeepsHomesBytes()
    {
        string mapped = Path.Combine(_shared, "mapped");
        string[] program = ["/usr/bin/python3", "-c", "import mmap, sys\nf = open(sys.argv[1], 'rb')\nm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY)\nprint('started', flush=True)\nsys.stdin.readline()\nprint(m[:].decode(), end='')", mapped];
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["MOSIX_STATE"] = _cluster.StateFor("node1");
        var options = new RunOptions { WorkingDirectory = _scratch.Work, Environment = environment, Timeout = TimeSpan.FromMinutes(2) };
        var native = CommandRunner.Run(program, options with { Stdin = "go\n"u8.ToArray() });
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), .. program], options with { KeepStdinOpen = true });
        run.WaitForStdout("started");
        // Its pages of the file are the page cache's, not in the image: node2 would map its own copy.
        var moved = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), "node2"], options);
        run.WriteStdin("go\n");
        var result = run.WaitForExit();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(native.StdoutText, Is.EqualTo("started\n" + HomesMappedBytes), "the native run (the oracle)");
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), "the process keeps home's bytes");
            Assert.That(moved.StdoutText + moved.StderrText, Does.Contain("is not home's copy here"), moved.Describe("migrate"));
            Assert.That(result.ExitCode, Is.Zero, result.Describe("mosrun python3"));
        }
    }

    private int CountInNode2Log(string text) =>
        _cluster["node2"].Log().Split('\n').Count(line => line.Contains(text, StringComparison.Ordinal));

    private static string ReadLinkOrEmpty(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>A pid no process has at home now, high enough that none will take it during the test.</summary>
    private static int FreePidAtHome()
    {
        int max = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), CultureInfo.InvariantCulture);
        for (int pid = max - 100; pid > 300; pid--)
        {
            if (!Directory.Exists($"/proc/{pid}"))
                return pid;
        }
        throw new InvalidOperationException("no free pid");
    }
}

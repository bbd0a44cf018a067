using System.Globalization;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// Reads and writes away from home of any size deliver exactly the file's bytes: big_io makes one
/// call per transfer, 1 B to 256 MiB, with write, pwrite64, writev and pwritev, reads each back
/// with read, pread64, readv and preadv, and compares. Started on node2 with <c>mosrun -rnode2</c>,
/// every call is made at home (past 16 MiB as several); its output, its status and the file it
/// leaves must be the native run's, byte for byte, also when the process is brought home in the
/// middle of its large calls.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class LargeTransferTests
{
    private const string MaxBytes = "268435456";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private AgentCluster _cluster = null!;
    private ScratchDirectory _scratch = null!;

    [OneTimeSetUp]
    public void StartCluster()
    {
        _cluster = new AgentCluster();
        _cluster.StartMember("node1");
        _cluster.StartMember("node2");
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
        AgentProcess.WaitFor(() => GuestProcesses.Hosts().Count == 0, TimeSpan.FromSeconds(15), () => "a guest host was left running");
    }

    [Test]
    public void EveryCallAwayMovesTheFilesBytesWhateverItsSize()
    {
        var (native, nativeFile) = Native();
        var away = CommandRunner.Run([AgentCluster.Bin("mosrun"), "-rnode2", .. Program("away")], Options());
        Assert.Multiple(() =>
        {
            Assert.That(away.StdoutText, Is.EqualTo(native.StdoutText), away.Describe("mosrun -rnode2 big_io"));
            Assert.That(away.ExitCode, Is.Zero);
            Assert.That(away.StderrText, Is.Empty);
            Assert.That(File.ReadAllBytes(Data("away")), Is.EqualTo(nativeFile), "the file away is the native file");
        });
    }

    [Test]
    public void BroughtHomeInTheMiddleOfItsLargeCallsItStillMovesEveryByte()
    {
        var (native, nativeFile) = Native();
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), "-rnode2", .. Program("moved")], Options() with { KeepStdinOpen = true });
        run.WaitForStdout("write 67108864:");
        var home = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), "home"], Options());
        Assert.That(home.StdoutText, Does.StartWith("back home from node2"), home.Describe("migrate home"));
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun -rnode2 big_io, brought home"));
            Assert.That(result.ExitCode, Is.Zero);
            Assert.That(File.ReadAllBytes(Data("moved")), Is.EqualTo(nativeFile), "the file is the native file");
        });
    }

    /// <summary>The oracle: big_io run directly, which must find every transfer whole.</summary>
    private (CommandResult Result, byte[] File) Native()
    {
        var native = CommandRunner.Run(Program("native"), Options());
        Assert.That(native.ExitCode, Is.Zero, native.Describe("big_io, natively (the oracle)"));
        Assert.That(native.StdoutText, Does.Contain($"  preadv {long.Parse(MaxBytes, CultureInfo.InvariantCulture) + 1}: {MaxBytes} same bytes"));
        Assert.That(native.StdoutText, Does.Not.Contain("DIFFERENT"));
        return (native, File.ReadAllBytes(Data("native")));
    }

    private string[] Program(string name) => [RepoPaths.TestProgram("big_io"), Data(name), MaxBytes];

    private string Data(string name) => Path.Combine(_scratch.Work, $"{name}.dat");

    private RunOptions Options()
    {
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["MOSIX_STATE"] = _cluster.StateFor("node1");
        return new RunOptions
        {
            WorkingDirectory = _scratch.Work,
            Environment = environment,
            Timeout = TimeSpan.FromMinutes(4),
            DescribeOnTimeout = () => HangReport.Of([.. GuestProcesses.Hosts()]),
        };
    }
}

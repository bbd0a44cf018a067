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
    public void EveryCallAwayMovesTheFilesBytesWhateverItsSize()
    {
        var (native, nativeFile) = Native();
        var away = CommandRunner.Run([AgentCluster.Bin("mosrun"), "-rnode2", .. Program("away")], _nodes.Options());
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
        using var run = _nodes.Mosrun(["-rnode2", .. Program("moved")]);
        run.WaitForStdout("write 67108864:");
        Assert.That(_nodes.Migrate(run, "home"), Does.StartWith("back home from node2"));
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
        var native = CommandRunner.Run(Program("native"), _nodes.Options());
        Assert.That(native.ExitCode, Is.Zero, native.Describe("big_io, natively (the oracle)"));
        Assert.That(native.StdoutText, Does.Contain($"  preadv {long.Parse(MaxBytes, CultureInfo.InvariantCulture) + 1}: {MaxBytes} same bytes"));
        Assert.That(native.StdoutText, Does.Not.Contain("DIFFERENT"));
        return (native, File.ReadAllBytes(Data("native")));
    }

    private string[] Program(string name) => [RepoPaths.TestProgram("big_io"), Data(name), MaxBytes];

    private string Data(string name) => Path.Combine(_nodes.Scratch.Work, $"{name}.dat");
}

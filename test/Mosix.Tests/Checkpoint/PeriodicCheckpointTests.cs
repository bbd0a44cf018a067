using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// <c>mosrun -C BASE -A MINUTES</c> never fails silently: a periodic checkpoint that cannot be
/// taken says why on stderr once (at the start when it is known then), not once a period, and the
/// program still runs as natively; <c>mosps --checkpoints</c> shows the last good one.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class PeriodicCheckpointTests
{
    /// <summary>0.002 minutes: a period of 120 ms, a dozen or more over the program's run.</summary>
    private const string Often = "0.002";
    private static readonly string[] s_program = [RepoPaths.TestProgram("compute"), "1500000000"];
    private ThrowawayUser _user = null!;
    private ScratchDirectory _scratch = null!;

    [OneTimeSetUp]
    public void CreateUser() => _user = ThrowawayUser.CreateOrUseCurrent();

    [OneTimeTearDown]
    public void RemoveUser() => _user?.Dispose();

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create(_user);

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    [Test]
    public void ADescriptorThatCannotBeSavedIsNamedOnceAndTheProgramRunsOn()
    {
        var native = CommandRunner.Run(s_program, Options());
        // fd 3: a pipe, which a checkpoint cannot carry; its writer ends long before the program.
        string script = $"exec 3< <(true); exec {AgentCluster.Bin("mosrun")} -C {_scratch.Work}/img -A {Often} \"$@\"";
        var result = CommandRunner.Run(["bash", "-c", script, "bash", .. s_program], Options());
        var lines = result.StderrText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun -A"));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(lines, Has.Length.EqualTo(1), result.Describe("mosrun -A"));
            Assert.That(lines.FirstOrDefault(), Does.StartWith("mosrun: -A: no periodic checkpoint: cannot checkpoint: file descriptor 3 is"));
            Assert.That(Directory.GetFiles(_scratch.Work, "img.*"), Is.Empty);
        });
    }

    [Test]
    public void AnImageFolderThatCannotBeWrittenIsNamedOnce()
    {
        Assume.That(_user.IsThrowaway, "root may write anywhere: a throwaway user is needed");
        string closed = Path.Combine(_scratch.Root, "closed");
        Directory.CreateDirectory(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var native = CommandRunner.Run(s_program, Options());
        var result = CommandRunner.Run([AgentCluster.Bin("mosrun"), "-C", Path.Combine(closed, "img"), "-A", Often, .. s_program], Options());
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText), result.Describe("mosrun -A"));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
            Assert.That(result.StderrText, Is.EqualTo($"mosrun: -A: no periodic checkpoint: the image folder {closed} is not writable\n"));
        });
    }

    [Test]
    public void MospsShowsTheLastGoodCheckpoint()
    {
        using var run = CommandRunner.Start([AgentCluster.Bin("mosrun"), "-C", Path.Combine(_scratch.Work, "img"), "-A", Often, RepoPaths.TestProgram("compute"), "50000000000"],
            Options() with { KeepStdinOpen = true });
        AgentProcess.WaitFor(() => File.Exists(Path.Combine(_scratch.Work, "img.2")), TimeSpan.FromSeconds(30), () => "no second periodic checkpoint");
        var listed = CommandRunner.Run([AgentCluster.Bin("mosps"), "--checkpoints"], Options());
        var json = CommandRunner.Run([AgentCluster.Bin("mosps"), "--json"], Options());
        run.SendSignal(9);
        run.WaitForExit();
        var row = listed.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(row[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "PID", "WHERE", "STATE", "CHECKPOINT", "COMMAND" }), listed.Describe("mosps --checkpoints"));
            Assert.That(row, Has.Length.EqualTo(2));
            Assert.That(row.ElementAtOrDefault(1), Does.Match($@"\s{System.Text.RegularExpressions.Regex.Escape(_scratch.Work)}/img\.\d+\s+compute$"));
            Assert.That(json.StdoutText, Does.Contain($"\"checkpoint\": \"{_scratch.Work}/img."), json.Describe("mosps --json"));
        });
    }

    private RunOptions Options() => new()
    {
        RunAsPrefix = _user.CommandPrefix,
        WorkingDirectory = _scratch.Work,
        Environment = _user.EnvironmentFor(_scratch),
        Timeout = TimeSpan.FromMinutes(2),
    };
}

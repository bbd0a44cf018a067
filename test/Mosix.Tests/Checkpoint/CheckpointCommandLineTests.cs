using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// The checkpoint command lines used wrongly: one line on stderr and the shell's codes (2 for usage, 1 for a
/// failure), never a stack trace.
/// </summary>
[TestFixture]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class CheckpointCommandLineTests
{
    private ScratchDirectory _scratch = null!;
    private CheckpointRunner _runner = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = ScratchDirectory.Create();
        _runner = new CheckpointRunner(_scratch);
    }

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    [Test]
    public void Restart_MissingImage_Gives1AndOneLine()
    {
        string missing = Path.Combine(_scratch.Work, "no-such-image.1");
        CommandResult result = _runner.Mosrun("-R", missing);
        CheckpointAssert.OneLineError(result, "mosrun", ExitStatus.Exited(1));
        Assert.That(result.StderrText, Does.Contain(missing), "the error names the file");
    }

    [Test]
    public void Restart_WithAProgram_Gives2()
    {
        string image = _scratch.WriteFile("img.1", "whatever\n");
        CommandResult result = _runner.Mosrun("-R", image, "/bin/true");
        CheckpointAssert.OneLineError(result, "mosrun", ExitStatus.Exited(2));
    }

    [Test]
    public void Reopen_WithoutRestart_Gives2()
    {
        CommandResult result = _runner.Mosrun("-O", "1=" + Path.Combine(_scratch.Work, "out"), "/bin/true");
        CheckpointAssert.OneLineError(result, "mosrun", ExitStatus.Exited(2));
        Assert.That(Directory.EnumerateFileSystemEntries(_scratch.Work), Is.Empty, "nothing was run: no file made");
    }

    [Test]
    public void Migrate_NotAPid_Gives2()
    {
        CommandResult result = _runner.MigrateRaw("notapid", "checkpoint");
        CheckpointAssert.OneLineError(result, "migrate", ExitStatus.Exited(2));
    }

    [Test]
    public void Migrate_NoSuchProcess_Gives1_NotRunningUnderYourMosrun()
    {
        CommandResult result = _runner.MigrateRaw("999999", "checkpoint");
        CheckpointAssert.OneLineError(result, "migrate", ExitStatus.Exited(1));
        Assert.That(result.StderrText, Does.Contain("not running under your mosrun"), result.Describe("migrate"));
    }

    /// <summary>A live process that no mosrun runs (the test host itself) is refused the same way, and left alone.</summary>
    [Test]
    public void Migrate_ProcessNotUnderMosrun_Gives1_NotRunningUnderYourMosrun()
    {
        CommandResult result = _runner.MigrateRaw(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "chkexit");
        CheckpointAssert.OneLineError(result, "migrate", ExitStatus.Exited(1));
        Assert.That(result.StderrText, Does.Contain("not running under your mosrun"), result.Describe("migrate"));
    }

    [Test]
    public void Migrate_ActionThatIsNoNodeName_Gives2()
    {
        // Any word is a node's name (migrate PID NODE); words with blanks are not.
        CommandResult result = _runner.MigrateRaw(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "fly away");
        CheckpointAssert.OneLineError(result, "migrate", ExitStatus.Exited(2));
        Assert.That(result.StderrText, Does.Contain("fly"), "the error names the action");
    }

    [Test]
    public void Migrate_NoAction_Gives2()
    {
        CommandResult result = _runner.MigrateRaw("1");
        CheckpointAssert.OneLineError(result, "migrate", ExitStatus.Exited(2));
    }
}

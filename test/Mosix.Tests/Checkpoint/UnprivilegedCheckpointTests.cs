using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// Checkpoint and restart need no root: the native run, mosrun, migrate and the restart all run as one
/// unprivileged user (a throwaway user when the tests run as root), with the same environment, so migrate finds
/// that user's mosrun through that user's runtime folder. The image belongs to the user, readable by it alone.
/// </summary>
[TestFixture]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class UnprivilegedCheckpointTests
{
    private ThrowawayUser _user = null!;
    private ScratchDirectory _scratch = null!;
    private CheckpointRunner _runner = null!;

    public static IEnumerable<TestCaseData> Subset() => CheckpointScenarios.Cases("ckpt_signals", "python3", "ckpt_pthreads");

    [OneTimeSetUp]
    public void CreateUser()
    {
        InheritedDescriptors.AssertNoneLeak();
        _user = ThrowawayUser.CreateOrUseCurrent();
        TestContext.Progress.WriteLine($"{nameof(UnprivilegedCheckpointTests)}: running {_user.Description}");
    }

    [OneTimeTearDown]
    public void DeleteUser() => _user.Dispose();

    [SetUp]
    public void CreateScratch()
    {
        _scratch = ScratchDirectory.Create(_user);
        // The control sockets' folder inside the scratch folder: gone with it, and with the throwaway user.
        _runner = new CheckpointRunner(_scratch, _user, privateRuntimeDirectory: true);
    }

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    [TestCaseSource(nameof(Subset))]
    public void Chkexit_ThenRestart_AsTheSameUser_IsTheNativeRun(CheckpointScenario scenario)
    {
        TestContext.Out.WriteLine($"running {_user.Description}");
        var native = CheckpointOracle.Run(scenario, _runner, _scratch);
        string image = _runner.Image(1);

        var (migrate, before) = _runner.RunUntilChkexit(scenario, MigrateTarget.Mosrun);
        CommandResult owner = CommandRunner.Run(["stat", "-c", "%u %a", image], new RunOptions { Timeout = TimeSpan.FromSeconds(10) });
        CommandResult restart = _runner.Restart(image);

        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.MigrateSucceeded(migrate, image);
            CheckpointAssert.EndedByChkexit(before, image);
            Assert.That(owner.StdoutText.Trim(), Is.EqualTo($"{_user.Uid} 600"), "the image is the user's, mode 0600\n" + owner.Describe("stat"));
            CheckpointAssert.JoinsUpToNative(native.Result, restart, (before, image));
        }
    }
}

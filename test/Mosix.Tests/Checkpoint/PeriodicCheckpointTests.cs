using Mosix.Tests.Harness;
using Mosix.Tests.Transparency;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// <c>mosrun -A MINUTES</c> checkpoints on its own, every MINUTES minutes, while the program goes on: a 3 s
/// program under <c>-A 0.02</c> (1.2 s) leaves at least BASE.1 and BASE.2, its own run is the native run, and
/// each image restarts the rest of it, BASE.2 from a later point than BASE.1.
/// </summary>
[TestFixture]
public sealed class PeriodicCheckpointTests : CheckpointFixture
{
    [Test]
    public void EveryFewSeconds_LeavesRestartableImages()
    {
        // 100 steps of 30 ms: about 3 s, so the 1.2 s period fires at least twice.
        var scenario = CheckpointScenarios.Get("ckpt_static") with
        {
            Argv = [CheckpointScenario.TestsPrefix + "ckpt_static", "100"],
            FinalLine = "ckpt_static: done after 100 steps",
        };
        var native = CheckpointOracle.Run(scenario, Runner, Scratch);

        CommandResult full;
        using (SupervisedRun run = Runner.StartMosrun(scenario.ResolvedArgv(), ["-A", "0.02"]))
            full = run.WaitForExit();
        NativeOracle.AssertSame(native.Result, full, "mosrun -A 0.02");

        var entries = Runner.ImageFolderEntries();
        Assert.That(entries, Does.Contain("img.1").And.Contain("img.2"), "two periods passed: two images at least");
        Assert.That(entries, Has.All.Match(@"^img\.\d+$"), "images only, no temporary files");

        CommandResult first = Runner.Restart(Runner.Image(1));
        CommandResult second = Runner.Restart(Runner.Image(2));
        using (Assert.EnterMultipleScope())
        {
            CheckpointAssert.IsNativeRemainder(native.Result, first, printedBefore: 0);
            CheckpointAssert.IsNativeRemainder(native.Result, second, printedBefore: 0);
            Assert.That(second.Stdout.Length, Is.LessThan(first.Stdout.Length),
                "img.2 was taken later than img.1, so less of the run is left to restart\n" + first.Describe("restart of img.1") + "\n" + second.Describe("restart of img.2"));
        }
    }
}

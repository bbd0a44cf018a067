using NUnit.Framework;

namespace Mosix.Tests.Harness;

/// <summary>The harness's own promise: a command that hangs is killed at its timeout and the failure says what its processes were doing.</summary>
[TestFixture]
public sealed class HangReportTests
{
    [Test]
    public void AHungCommandIsKilledAndTheFailureShowsItsProcessesStates()
    {
        var options = new RunOptions { Timeout = TimeSpan.FromSeconds(1), DescribeOnTimeout = () => "    and the extra description" };
        RunningCommand? hung = null;
        var failure = Assert.Throws<AssertionException>(() =>
        {
            hung = CommandRunner.Start(["/bin/sh", "-c", "sleep 30 & wait"], options);
            hung.WaitForExit();
        });
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("did not finish within 1 s"));
            Assert.That(failure.Message, Does.Match(@"pid \d+ \(sh, state S, parent \d+\)"));
            Assert.That(failure.Message, Does.Match(@"pid \d+ \(sleep, state S, parent \d+\)"), "its child too");
            Assert.That(failure.Message, Does.Match(@"task \d+: State S \(sleeping\), TracerPid 0, SigQ [\d/]+, SigPnd 0+, ShdPnd 0+, SigBlk \w+, SigIgn \w+, SigCgt \w+ wchan \w+"));
            Assert.That(failure.Message, Does.Contain("and the extra description"));
            Assert.That(ProcessTree.Read(hung!.Pid), Is.Null.Or.Property("IsDead").True, "the tree was killed");
        });
    }
}

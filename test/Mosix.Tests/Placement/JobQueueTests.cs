using Mosix.Agent.Placement;
using NUnit.Framework;

namespace Mosix.Tests.Placement;

/// <summary>
/// mosrun -q's queue on made-up clusters: how many jobs it starts, and where, while the measured
/// load lags behind what it started.
/// </summary>
[TestFixture]
public sealed class JobQueueTests
{
    private const long GiB = 1L << 30;
    private static readonly PlacementSettings s_settings = new();

    /// <summary>Two idle one-core nodes, as their (lagging) measurements show them.</summary>
    private static List<NodeCapacity> IdleNodes() =>
        [new("home", 1.0, 1, 0.0, 8 * GiB, 16 * GiB, true), new("other", 1.0, 1, 0.0, 8 * GiB, 16 * GiB, true)];

    private static List<(int Pid, string Node)> Round(JobQueue queue)
    {
        List<(int, string)> started = [];
        queue.StartWhatFits(IdleNodes(), "home", s_settings, (job, node) => started.Add((job.Pid, node)));
        return started;
    }

    [Test]
    public void JobsStartOnePerFreeCoreAndTheRestWaitWhileTheMeasurementShowsNothingYet()
    {
        var queue = new JobQueue();
        var jobs = Enumerable.Range(1, 4).Select(pid => queue.Enqueue(pid, JobQueue.DefaultPriority, "compute", 0)).ToList();

        var first = Round(queue);
        var second = Round(queue); // the measurement still shows both nodes idle

        Assert.Multiple(() =>
        {
            Assert.That(first.Select(s => s.Pid), Is.EqualTo(new[] { 1, 2 }), "the first two in arrival order");
            Assert.That(first.Select(s => s.Node), Is.EquivalentTo(new[] { "home", "other" }), "one on each free core");
            Assert.That(second, Is.Empty, "started jobs hold their cores whatever the measurement says");
            Assert.That(queue.InOrder().Select(e => e.Pid), Is.EqualTo(new[] { 3, 4 }));
            Assert.That(jobs[0].Start.Task.Result, Is.EqualTo(first[0].Node), "the mosrun is told where to start");
        });
    }

    [Test]
    public void AJobThatEndsFreesItsCoreForTheNext()
    {
        var queue = new JobQueue();
        var jobs = Enumerable.Range(1, 3).Select(pid => queue.Enqueue(pid, JobQueue.DefaultPriority, "compute", 0)).ToList();
        var first = Round(queue);

        queue.Forget(jobs[1]); // its mosrun ended
        var next = Round(queue);

        Assert.That(next, Is.EqualTo(new[] { (3, first[1].Node) }));
    }

    [Test]
    public void AStartedJobsSlotFollowsItsProgramWhereverItMoves()
    {
        var queue = new JobQueue();
        var jobs = Enumerable.Range(1, 3).Select(pid => queue.Enqueue(pid, JobQueue.DefaultPriority, "compute", 0)).ToList();
        var first = Round(queue);
        int onOther = first.Single(s => s.Node == "other").Pid;
        var program = new HomeProcess(1000 + onOther, "/nonexistent", true, 0, "", "compute", DateTimeOffset.UtcNow);
        queue.Registered(onOther, program, new PendingLoad(TimeSpan.FromSeconds(1), () => DateTimeOffset.UtcNow));

        program.Where = "home"; // the balancer brought it home: two jobs on home, none on other
        var next = Round(queue);

        Assert.That(next, Is.EqualTo(new[] { (3, "other") }));
    }

    [Test]
    public void ADeletedJobNeverStarts()
    {
        var queue = new JobQueue();
        var job = queue.Enqueue(7, JobQueue.DefaultPriority, "compute", 0);

        var answer = queue.Change(7, Mosix.Shim.Wire.Messages.QueueAction.Delete, 0);

        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.EqualTo((true, "job 7 deleted")));
            Assert.That(job.Start.Task.Result, Is.Null);
            Assert.That(Round(queue), Is.Empty);
        });
    }
}

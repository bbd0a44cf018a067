using Mosix.Agent.Placement;
using NUnit.Framework;

namespace Mosix.Tests.Placement;

/// <summary>The placement decisions themselves, on made-up clusters: what the balancer and the simulation run.</summary>
[TestFixture]
public sealed class PlacementPolicyTests
{
    private const long GiB = 1L << 30;
    private static readonly PlacementSettings s_settings = new();

    private static NodeCapacity Node(string name, double speed, double load, int cores = 1, long free = 8 * GiB, bool takesGuests = true) =>
        new(name, speed, cores, load, free, 16 * GiB, takesGuests);

    private static PlacedProcess Process(int id, string where, double ageSeconds = 10, double residentSeconds = 60, long memory = 64 << 20, bool mayMove = true,
        int threads = 1) =>
        new(id, where, memory, TimeSpan.FromSeconds(ageSeconds), TimeSpan.FromSeconds(residentSeconds), mayMove, threads);

    /// <summary>
    /// A 4-thread program is 4 cores of demand: it leaves a busy home for a node with 4 idle cores,
    /// but not for one with 2 idle cores of 4 (its threads would share them: no better than home),
    /// where a single-threaded program would go.
    /// </summary>
    [Test]
    public void AMultiThreadedProcessGoesOnlyWhereAllItsThreadsFit()
    {
        var home = Node("home", 1.0, 6.0, cores: 4);
        var halfBusy = Node("half-busy", 1.0, 2.0, cores: 4);
        var idle = Node("idle", 1.0, 0.0, cores: 4);
        Assert.Multiple(() =>
        {
            Assert.That(PlacementPolicy.Balance([home, halfBusy], "home", [Process(1, "home", threads: 4)], s_settings), Is.Empty,
                "4 threads on 2 free cores of 4 get no more than at home");
            Assert.That(PlacementPolicy.Balance([home, halfBusy], "home", [Process(1, "home")], s_settings).Select(m => m.To), Is.EqualTo(new[] { "half-busy" }),
                "one thread gets a whole core there");
            Assert.That(PlacementPolicy.Balance([home, halfBusy, idle], "home", [Process(1, "home", threads: 4)], s_settings).Select(m => m.To), Is.EqualTo(new[] { "idle" }));
        });
    }

    [Test]
    public void ANewProcessGoesWhereItGetsTheMostOfACore()
    {
        var nodes = new[] { Node("home", 1.0, 1.0), Node("fast", 2.0, 2.0), Node("idle", 1.0, 0.0) };
        Assert.That(PlacementPolicy.BestNode(nodes, "home", 0, s_settings)?.Node, Is.EqualTo("idle"), "a whole core beats two thirds of a double-speed one");
    }

    [Test]
    public void HomeWinsATie()
    {
        var nodes = new[] { Node("a", 1.0, 0.0), Node("home", 1.0, 0.0), Node("b", 1.0, 0.0) };
        Assert.That(PlacementPolicy.BestNode(nodes, "home", 0, s_settings)?.Node, Is.EqualTo("home"));
    }

    [Test]
    public void ANodeWithoutRoomForTheMemoryIsNotChosen()
    {
        var nodes = new[] { Node("home", 1.0, 3.0), Node("small", 1.0, 0.0, free: 2 * GiB) };
        Assert.Multiple(() =>
        {
            Assert.That(PlacementPolicy.BestNode(nodes, "home", 4 * GiB, s_settings)?.Node, Is.EqualTo("home"));
            Assert.That(PlacementPolicy.BestNode(nodes, "home", 64L << 20, s_settings)?.Node, Is.EqualTo("small"));
        });
    }

    [Test]
    public void ABlockedNodeTakesNoNewProcess()
    {
        var nodes = new[] { Node("home", 1.0, 3.0), Node("blocked", 1.0, 0.0, takesGuests: false) };
        Assert.That(PlacementPolicy.BestNode(nodes, "home", 0, s_settings)?.Node, Is.EqualTo("home"));
    }

    [Test]
    public void AProcessOnABusyNodeMovesToAnIdleOne()
    {
        var nodes = new[] { Node("home", 1.0, 3.0), Node("idle", 1.0, 0.0) };
        var moves = PlacementPolicy.Balance(nodes, "home", [Process(1, "home")], s_settings);
        Assert.That(moves.Select(m => (m.ProcessId, m.From, m.To)), Is.EqualTo(new[] { (1, "home", "idle") }));
    }

    [Test]
    public void NoMoveForASmallGain_NoPingPong()
    {
        // 1.0 shared by 2 here, 1.1 alone there with the mover: 10% better, under the 20% margin.
        var nodes = new[] { Node("home", 1.0, 2.0, cores: 2), Node("other", 1.1, 0.0) };
        Assert.That(PlacementPolicy.Balance(nodes, "home", [Process(1, "home")], s_settings), Is.Empty);
    }

    [Test]
    public void NoMoveBeforeTheMinimumResidenceOrWithMinusL()
    {
        var nodes = new[] { Node("home", 1.0, 3.0), Node("idle", 1.0, 0.0) };
        Assert.Multiple(() =>
        {
            Assert.That(PlacementPolicy.Balance(nodes, "home", [Process(1, "home", residentSeconds: 1)], s_settings), Is.Empty, "arrived a second ago");
            Assert.That(PlacementPolicy.Balance(nodes, "home", [Process(1, "home", mayMove: false)], s_settings), Is.Empty, "mosrun -L");
        });
    }

    [Test]
    public void AYoungProcessWithMuchMemoryIsNotWorthMoving()
    {
        // 4 GiB takes 8 s to send; the process is expected to need only about a second more.
        var nodes = new[] { Node("home", 1.0, 2.0), Node("idle", 1.0, 0.0) };
        Assert.That(PlacementPolicy.Balance(nodes, "home", [Process(1, "home", ageSeconds: 1, memory: 4 * GiB)], s_settings), Is.Empty);
    }

    [Test]
    public void MovesInOneRoundCountEachOther_TheLoadSpreadsByCapacity()
    {
        // Six jobs at home (half a core); nodes of three quarters and a quarter of a core.
        var nodes = new[] { Node("home", 0.5, 6.0), Node("big", 0.75, 0.0), Node("small", 0.25, 0.0) };
        var processes = Enumerable.Range(1, 6).Select(i => Process(i, "home")).ToList();
        var moves = PlacementPolicy.Balance(nodes, "home", processes, s_settings with { MovesPerRound = 10 });
        var count = moves.GroupBy(m => m.To).ToDictionary(g => g.Key, g => g.Count());
        Assert.Multiple(() =>
        {
            Assert.That(count.GetValueOrDefault("big"), Is.EqualTo(3), "three quarters of a core: three jobs at a quarter each");
            Assert.That(count.GetValueOrDefault("small"), Is.EqualTo(1));
            Assert.That(moves, Has.Count.EqualTo(4), "two stay home");
        });
    }

    [Test]
    public void ANodeShortOfMemoryUshersItsBiggestProcessToTheMostRoom()
    {
        var nodes = new[]
        {
            Node("home", 1.0, 0.0, cores: 4, free: 1 * GiB), // under a tenth of 16 GiB free
            Node("roomy", 1.0, 2.0, free: 12 * GiB),
            Node("tight", 1.0, 0.0, free: 3 * GiB),
        };
        var moves = PlacementPolicy.Balance(nodes, "home", [Process(1, "home", memory: GiB), Process(2, "home", memory: 2 * GiB)], s_settings with { MovesPerRound = 1 });
        Assert.That(moves.Select(m => (m.ProcessId, m.To)), Is.EqualTo(new[] { (2, "roomy") }));
    }
}

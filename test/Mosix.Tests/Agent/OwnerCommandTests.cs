using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>mosctl status | block | unblock | expel | shutdown act on the agent, and the cluster sees the result.</summary>
[TestFixture]
[NonParallelizable]
public sealed class OwnerCommandTests
{
    [Test]
    public void Block_shows_in_the_others_view_and_unblock_undoes_it()
    {
        using var cluster = new AgentCluster();
        cluster.Start(2);
        var node1 = cluster["node1"];
        var node2 = cluster["node2"];

        Assert.That(AgentCluster.Mosctl(node2.State, "block").StdoutText, Does.Contain("blocked"));
        Assert.That(AgentCluster.Mosctl(node2.State, "block").StdoutText, Does.Contain("already blocked"));
        AgentProcess.WaitFor(() => Probe.View(node1).TryGetValue("node2", out var n) && n.GetProperty("blocked").GetBoolean(), TimeSpan.FromSeconds(30), () => "node1 never saw node2 blocked");
        Assert.That(Probe.Status(node2)!.Blocked, Is.True);

        AgentCluster.Mosctl(node2.State, "unblock");
        AgentProcess.WaitFor(() => Probe.View(node1).TryGetValue("node2", out var n) && !n.GetProperty("blocked").GetBoolean(), TimeSpan.FromSeconds(30), () => "node1 never saw node2 unblocked");
        Assert.That(AgentCluster.Mosctl(node2.State, "expel").StdoutText, Does.Contain("no guests to expel"));
    }

    [Test]
    public void Shutdown_leaves_the_cluster_and_stops_the_agent()
    {
        using var cluster = new AgentCluster();
        cluster.Start(2);
        var node2 = cluster["node2"];
        AgentProcess.WaitFor(() => Probe.View(cluster["node1"]).ContainsKey("node2"), TimeSpan.FromSeconds(30), () => "node1 never saw node2");

        Assert.That(AgentCluster.Mosctl(node2.State, "shutdown").StdoutText, Does.Contain("leaving the cluster"));
        AgentProcess.WaitFor(() => !node2.IsRunning, TimeSpan.FromSeconds(15), () => "node2 still runs after mosctl shutdown");
        AgentProcess.WaitFor(() => !Probe.View(cluster["node1"]).ContainsKey("node2"), TimeSpan.FromSeconds(5), () => "node1 still shows node2");
    }

    [Test]
    public void Commands_without_an_agent_say_so_in_one_line()
    {
        using var scratch = ScratchDirectory.Create();
        foreach (var argv in new[] { new[] { "mosctl", "status" }, ["mosmon", "--once"] })
        {
            var result = CommandRunner.Run([AgentCluster.Bin(argv[0]), "--state", scratch.Work, .. argv[1..]]);
            Assert.That(result.ExitCode, Is.EqualTo(1), result.Describe(argv[0]));
            Assert.That(result.StderrText, Does.StartWith($"{argv[0]}: no mosixd is running for {scratch.Work}"));
            Assert.That(result.StderrText.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line, no stack trace");
        }
    }

    [Test]
    public void Mosps_needs_no_agent_and_lists_nothing_when_nothing_runs()
    {
        using var scratch = ScratchDirectory.Create();
        var options = new RunOptions { Environment = TestEnvironment.For(scratch.Home, Environment.UserName) };
        var result = CommandRunner.Run([AgentCluster.Bin("mosps"), "--json"], options);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Describe("mosps"));
        Assert.That(result.StdoutText.Trim(), Is.EqualTo("[]"), "no mosrun of this user runs");
        var bad = CommandRunner.Run([AgentCluster.Bin("mosps"), "--bogus"], options);
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.StderrText.TrimEnd(), Does.StartWith("mosps: ").And.Not.Contain("\n"));
    }
}

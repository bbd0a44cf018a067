using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>Agents on 127.0.0.1 find each other, learn each other's loads, and forget the ones that are gone.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DiscoveryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Test]
    public void Four_agents_learn_each_others_loads()
    {
        using var cluster = new AgentCluster();
        cluster.Start(4);
        string[] names = ["node1", "node2", "node3", "node4"];
        foreach (var agent in cluster.Agents)
        {
            AgentProcess.WaitFor(() => names.All(Probe.View(agent).ContainsKey), Patience,
                () => $"{agent.Name} sees only {string.Join(", ", Probe.View(agent).Keys)}; log:\n{agent.Log()}");
            foreach (var (name, node) in Probe.View(agent))
            {
                Assert.That(node.GetProperty("cores").GetInt32(), Is.GreaterThan(0), $"{agent.Name}'s view of {name}: cores");
                Assert.That(node.GetProperty("speed").GetDouble(), Is.GreaterThan(0), $"{agent.Name}'s view of {name}: speed");
                Assert.That(node.GetProperty("totalMemory").GetInt64(), Is.GreaterThan(0), $"{agent.Name}'s view of {name}: memory");
                Assert.That(node.GetProperty("endpoint").GetString(), Is.EqualTo(cluster[name].Endpoint));
            }
        }
    }

    [Test]
    public void A_loaded_node_shows_it_in_the_others_view()
    {
        using var cluster = new AgentCluster();
        cluster.Start(2);
        // A load no real run queue here reaches, and a speed no core here has: unmistakably node3's.
        cluster.StartMember("node3", "--extra-load", "40", "--speed", "7.5");
        foreach (var agent in new[] { cluster["node1"], cluster["node2"] })
        {
            AgentProcess.WaitFor(() => Probe.View(agent).TryGetValue("node3", out var n) && n.GetProperty("load").GetDouble() >= 40, Patience,
                () => $"{agent.Name} does not see node3 loaded; log:\n{agent.Log()}");
            var view = Probe.View(agent);
            Assert.That(view["node3"].GetProperty("speed").GetDouble(), Is.EqualTo(7.5), "node3's --speed in " + agent.Name);
            Assert.That(view[agent.Name].GetProperty("load").GetDouble(), Is.LessThan(40), "the viewer's own load");
        }
    }

    [Test]
    public void A_killed_agent_leaves_the_others_view_after_the_timeout()
    {
        using var cluster = new AgentCluster();
        cluster.Start(3, "--timeout", "3");
        foreach (var agent in cluster.Agents)
            AgentProcess.WaitFor(() => Probe.View(agent).Count == 3, Patience, () => $"{agent.Name} never saw all three");

        cluster["node3"].Kill();
        foreach (var agent in new[] { cluster["node1"], cluster["node2"] })
        {
            AgentProcess.WaitFor(() => !Probe.View(agent).ContainsKey("node3"), Patience, () => $"{agent.Name} still shows node3; log:\n{agent.Log()}");
            Assert.That(agent.Log(), Does.Contain("node node3 left the view"));
            Assert.That(Probe.View(agent).ContainsKey(agent.Name == "node1" ? "node2" : "node1"), "the live node stays in view");
        }
    }

    [Test]
    public void A_stopped_agent_says_goodbye_and_cleans_up()
    {
        using var cluster = new AgentCluster();
        cluster.Start(2);
        var node1 = cluster["node1"];
        var node2 = cluster["node2"];
        AgentProcess.WaitFor(() => Probe.View(node1).ContainsKey("node2"), Patience, () => "node1 never saw node2");

        var result = node2.Stop();
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Describe("mosixd after SIGTERM"));
        Assert.That(File.Exists(node2.ControlSocket), Is.False, "the control socket is removed");
        Assert.That(File.Exists(Path.Combine(node2.State, "mosixd.pid")), Is.False, "the pid file is removed");
        // Gone at once by its goodbye, long before the 10 s timeout would have dropped it.
        AgentProcess.WaitFor(() => !Probe.View(node1).ContainsKey("node2"), TimeSpan.FromSeconds(5), () => $"node1 still shows node2; log:\n{node1.Log()}");
        Assert.That(node1.Log(), Does.Contain("node node2 left the cluster (goodbye)"));
    }
}

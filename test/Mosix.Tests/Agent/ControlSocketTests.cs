using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>
/// Each user's agent is theirs alone: its state folder is 0700, its control socket 0600, and it
/// answers only its own uid. As root the test runs two throwaway users' agents side by side.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ControlSocketTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Test]
    public void The_state_folder_and_control_socket_are_owner_only()
    {
        using var cluster = new AgentCluster();
        var agent = cluster.StartAgent("alone", cluster.StateFor("alone"), []);
        Assert.That(File.GetUnixFileMode(agent.State), Is.EqualTo(OwnerOnlyFolder), "state folder");
        Assert.That(File.GetUnixFileMode(agent.ControlSocket), Is.EqualTo(OwnerOnlyFile), "control socket");
        Assert.That(Probe.Status(agent)!.HasCredentials, Is.False, "no credentials: a one-node cluster");
    }

    [Test]
    public void Two_users_agents_do_not_see_each_others_control_sockets()
    {
        if (!Environment.IsPrivilegedProcess)
            Assert.Ignore("needs root to make two throwaway users; the owner-only modes are checked by the test above");

        using var alice = ThrowawayUser.CreateOrUseCurrent();
        using var bob = ThrowawayUser.CreateOrUseCurrent();
        using var cluster = new AgentCluster(); // disposed first: the agents end before their users are deleted
        var aliceAgent = StartAs(cluster, alice);
        var bobAgent = StartAs(cluster, bob);

        foreach (var (user, agent) in new[] { (alice, aliceAgent), (bob, bobAgent) })
        {
            Assert.That(File.GetUnixFileMode(agent.State), Is.EqualTo(OwnerOnlyFolder), $"{user.Name}'s state folder");
            Assert.That(File.GetUnixFileMode(agent.ControlSocket), Is.EqualTo(OwnerOnlyFile), $"{user.Name}'s control socket");
            Assert.That(ProcessTree.RealUid(agent.Pid), Is.EqualTo(user.Uid), $"{user.Name}'s agent runs as {user.Name}");
        }

        // Bob, with his own mosctl, cannot reach Alice's agent (nor even see into her state folder).
        var result = CommandRunner.Run([AgentCluster.Bin("mosctl"), "--state", aliceAgent.State, "status"],
            new RunOptions { RunAsPrefix = bob.CommandPrefix, Environment = EnvironmentOf(bob) });
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Describe("bob's mosctl on alice's state"));
        Assert.That(result.StderrText, Does.Contain("permission denied").IgnoreCase, result.Describe("bob's mosctl"));
        // But his own agent answers him.
        var own = CommandRunner.Run([AgentCluster.Bin("mosctl"), "--state", bobAgent.State, "status"],
            new RunOptions { RunAsPrefix = bob.CommandPrefix, Environment = EnvironmentOf(bob) });
        Assert.That(own.ExitCode, Is.EqualTo(0), own.Describe("bob's mosctl on his own state"));

        // Root passes the file modes, but not the agent's own check of who is calling (SO_PEERCRED).
        Assert.That(Probe.Status(aliceAgent), Is.Null, "alice's agent does not answer root");
        AgentProcess.WaitFor(() => aliceAgent.Log().Contains("control socket: refused uid 0"), TimeSpan.FromSeconds(10), () => $"no refusal in alice's log:\n{aliceAgent.Log()}");
    }

    private static AgentProcess StartAs(AgentCluster cluster, ThrowawayUser user)
    {
        string state = Path.Combine(user.PrivateDirectory, "state");
        var options = new RunOptions { RunAsPrefix = user.CommandPrefix, Environment = EnvironmentOf(user), Timeout = TimeSpan.FromMinutes(5) };
        // Probe.Status (root) is refused by the agent, so StartAgent's wait cannot be used: wait for the socket instead.
        var agent = new AgentProcess(user.Name, state, 0, [AgentCluster.Bin("mosixd"), "--state", state, "--name", user.Name], options);
        cluster.Adopt(agent);
        AgentProcess.WaitFor(() => File.Exists(agent.ControlSocket) || !agent.IsRunning, TimeSpan.FromSeconds(30), () => $"{agent} made no control socket");
        Assert.That(agent.IsRunning, $"{agent} ended at start: {agent.Log()}");
        return agent;
    }

    private static Dictionary<string, string> EnvironmentOf(ThrowawayUser user) =>
        TestEnvironment.For(user.PrivateDirectory, user.Name);
}

using System.Text.Json;
using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>Asks agents what they know: straight through the control socket, or as a user would, with bin/mosmon --once --json.</summary>
public static class Probe
{
    /// <summary>The agent's status, or null when it does not answer (not up yet, or gone).</summary>
    public static NodeStatus? Status(AgentProcess agent)
    {
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return Ask(agent.State, deadline.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is AgentUnreachableException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The nodes in <paramref name="agent"/>'s view (itself included), from <c>mosmon --once --json</c>.</summary>
    public static Dictionary<string, JsonElement> View(AgentProcess agent)
    {
        // As the agent's own user: an agent answers nobody else (root neither).
        var result = CommandRunner.Run([AgentCluster.Bin("mosmon"), "--state", agent.State, "--once", "--json"], new RunOptions { RunAsPrefix = agent.RunAsPrefix });
        if (result.ExitCode != 0)
            Assert.Fail(result.Describe($"mosmon of {agent.Name} failed"));
        using var json = JsonDocument.Parse(result.StdoutText);
        return json.RootElement.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.Clone());
    }

    private static async Task<NodeStatus> Ask(string state, CancellationToken cancel)
    {
        await using var client = await AgentClient.ConnectAsync(new StateDirectory(state), cancel);
        return await client.AskAsync(MessageKind.StatusRequest, new StatusRequest(), MessageKind.StatusReply, NodeStatus.Parser, cancel);
    }
}

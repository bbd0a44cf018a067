using Google.Protobuf;
using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Cluster;

/// <summary>One question to the node's agent over its control socket, with a deadline; failures become <see cref="AgentUnreachableException"/>.</summary>
internal static class AgentCall
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public static T Ask<T>(StateDirectory state, MessageKind kind, IMessage request, MessageKind replyKind, MessageParser<T> parser)
        where T : IMessage<T>
    {
        using var deadline = new CancellationTokenSource(Patience);
        try
        {
            return AskAsync(state, kind, request, replyKind, parser, deadline.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new AgentUnreachableException($"the agent of {state.Path} did not answer within {Patience.TotalSeconds:0} s");
        }
    }

    public static NodeStatus Status(StateDirectory state) =>
        Ask(state, MessageKind.StatusRequest, new StatusRequest(), MessageKind.StatusReply, NodeStatus.Parser);

    public static ClusterView View(StateDirectory state) =>
        Ask(state, MessageKind.ClusterViewRequest, new ClusterViewRequest(), MessageKind.ClusterViewReply, ClusterView.Parser);

    public static BestNodeReply BestNode(StateDirectory state, long memoryBytes) =>
        Ask(state, MessageKind.BestNodeRequest, new BestNodeRequest { MemoryBytes = (ulong)memoryBytes }, MessageKind.BestNodeReply, BestNodeReply.Parser);

    private static async Task<T> AskAsync<T>(StateDirectory state, MessageKind kind, IMessage request, MessageKind replyKind, MessageParser<T> parser, CancellationToken cancel)
        where T : IMessage<T>
    {
        await using var client = await AgentClient.ConnectAsync(state, cancel);
        return await client.AskAsync(kind, request, replyKind, parser, cancel);
    }
}

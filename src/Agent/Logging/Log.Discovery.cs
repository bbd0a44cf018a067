using Microsoft.Extensions.Logging;

namespace Mosix.Agent.Logging;

internal static partial class Log
{
    [LoggerMessage(50, LogLevel.Information, "node {Node} ({Endpoint}) is in view")]
    public static partial void NodeAppeared(ILogger logger, string node, string endpoint);

    [LoggerMessage(51, LogLevel.Information, "node {Node} left the view: nothing newer than {TimeoutSeconds:0.#} s")]
    public static partial void NodeTimedOut(ILogger logger, string node, double timeoutSeconds);

    [LoggerMessage(52, LogLevel.Information, "node {Node} left the cluster (goodbye)")]
    public static partial void NodeSaidGoodbye(ILogger logger, string node);

    [LoggerMessage(53, LogLevel.Warning, "gossip from {Peer} ignored: {Reason}")]
    public static partial void GossipIgnored(ILogger logger, string peer, string reason);
}

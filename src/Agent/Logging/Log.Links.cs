using Microsoft.Extensions.Logging;

namespace Mosix.Agent.Logging;

internal static partial class Log
{
    [LoggerMessage(20, LogLevel.Warning, "refused a connection from {Remote}: {Reason}")]
    public static partial void PeerRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(21, LogLevel.Information, "link from {Node} ({Remote}) accepted")]
    public static partial void LinkAccepted(ILogger logger, string node, string remote);

    [LoggerMessage(22, LogLevel.Information, "link to {Node} ({Endpoint}) up")]
    public static partial void LinkUp(ILogger logger, string node, string endpoint);

    [LoggerMessage(23, LogLevel.Warning, "closed the link from {Peer}: {Reason}")]
    public static partial void BadFrame(ILogger logger, string peer, string reason);

    [LoggerMessage(24, LogLevel.Warning, "cannot reach {Endpoint}: {Reason} (retrying in {RetrySeconds:0} s)")]
    public static partial void DialFailed(ILogger logger, string endpoint, string reason, double retrySeconds);

    [LoggerMessage(25, LogLevel.Debug, "still cannot reach {Endpoint}: {Reason} (retrying in {RetrySeconds:0} s)")]
    public static partial void DialFailedAgain(ILogger logger, string endpoint, string reason, double retrySeconds);

    [LoggerMessage(26, LogLevel.Warning, "{Endpoint} refused us: {Reason}")]
    public static partial void RefusedByPeer(ILogger logger, string endpoint, string reason);

    [LoggerMessage(27, LogLevel.Debug, "link {Direction} {Peer} closed: {Reason}")]
    public static partial void LinkClosed(ILogger logger, string direction, string peer, string reason);

    [LoggerMessage(28, LogLevel.Warning, "too many connections ({Limit}): refused {Remote}")]
    public static partial void TooManyConnections(ILogger logger, int limit, string remote);
}

using Microsoft.Extensions.Logging;

namespace Mosix.Agent.Logging;

internal static partial class Log
{
    [LoggerMessage(90, LogLevel.Information, "process {Pid} ({Command}) of this node goes to {Node}")]
    public static partial void GuestRouted(ILogger logger, uint pid, string command, string node);

    [LoggerMessage(91, LogLevel.Information, "guest from {Home} (its pid {Pid}, {Command}) accepted: guest host pid {GuestPid}")]
    public static partial void GuestAccepted(ILogger logger, string home, uint pid, string command, int guestPid);

    [LoggerMessage(92, LogLevel.Information, "guest from {Home} refused: {Reason}")]
    public static partial void GuestRefused(ILogger logger, string home, string reason);

    [LoggerMessage(93, LogLevel.Information, "guest from {Home} (its pid {Pid}) left: guest host exit {ExitCode}")]
    public static partial void GuestLeft(ILogger logger, string home, uint pid, int exitCode);

    [LoggerMessage(94, LogLevel.Information, "guest host {GuestPid}: {Line}")]
    public static partial void GuestSaid(ILogger logger, int guestPid, string line);

    [LoggerMessage(95, LogLevel.Information, "guest host {GuestPid} asked to send its process home: {Reason}")]
    public static partial void GuestAskedToLeave(ILogger logger, int guestPid, string reason);

    [LoggerMessage(96, LogLevel.Warning, "a process meant for {Node} was not sent: the agent at {Endpoint} proved to be {Peer} (gossip named a wrong endpoint)")]
    public static partial void GuestRouteImpostor(ILogger logger, string node, string peer, string endpoint);
}

using Microsoft.Extensions.Logging;

namespace Mosix.Agent.Logging;

internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "process {Pid} ({Command}) registered{Job}{Stays}")]
    public static partial void ProcessRegistered(ILogger logger, int pid, string command, string job, string stays);

    [LoggerMessage(101, LogLevel.Information, "moving process {Pid} from {From} to {To}: {Reason}")]
    public static partial void PlacementMove(ILogger logger, int pid, string from, string to, string reason);

    [LoggerMessage(102, LogLevel.Information, "process {Pid} stays on {From}: {Message}")]
    public static partial void PlacementMoveFailed(ILogger logger, int pid, string from, string message);

    [LoggerMessage(106, LogLevel.Information, "the owner's work needs this node ({Owners} runnable): guest host {GuestPid} (from {Home}, priority {Priority}) sent home")]
    public static partial void GuestReclaimed(ILogger logger, int guestPid, string home, int priority, int owners);

    [LoggerMessage(105, LogLevel.Debug, "placement round: {Nodes}")]
    public static partial void PlacementRound(ILogger logger, string nodes);

    [LoggerMessage(103, LogLevel.Information, "queued job {Pid} ({Command}) at priority {Priority}")]
    public static partial void JobQueued(ILogger logger, int pid, string command, int priority);

    [LoggerMessage(104, LogLevel.Information, "queued job {Pid} starts on {Node}")]
    public static partial void JobStarted(ILogger logger, int pid, string node);
}

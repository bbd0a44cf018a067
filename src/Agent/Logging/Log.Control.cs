using Microsoft.Extensions.Logging;

namespace Mosix.Agent.Logging;

internal static partial class Log
{
    [LoggerMessage(70, LogLevel.Information, "control socket {Path} ready")]
    public static partial void ControlReady(ILogger logger, string path);

    [LoggerMessage(71, LogLevel.Warning, "control socket: refused uid {Uid} (pid {Pid}); only uid {Owner} may steer this agent")]
    public static partial void ControlRefused(ILogger logger, uint uid, int pid, uint owner);

    [LoggerMessage(72, LogLevel.Information, "owner command: {Action}: {Result}")]
    public static partial void OwnerCommand(ILogger logger, string action, string result);

    [LoggerMessage(73, LogLevel.Debug, "control connection closed: {Reason}")]
    public static partial void ControlClosed(ILogger logger, string reason);
}

using Microsoft.Extensions.Logging;

namespace Mosix.Agent.Logging;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "mosixd {Version} started: node {Node}, listening on {Listen} as {Advertise}, state {State}, pid {Pid}")]
    public static partial void Started(ILogger logger, string version, string node, string listen, string advertise, string state, int pid);

    [LoggerMessage(2, LogLevel.Information, "mosixd {Version} started: node {Node} alone (no cluster credentials in {State}/tls, so no links), pid {Pid}")]
    public static partial void StartedAlone(ILogger logger, string version, string node, string state, int pid);

    [LoggerMessage(3, LogLevel.Information, "this node: speed {Speed:0.00} ({How}), {Cores} cores, {TotalMemory} MiB memory")]
    public static partial void Measured(ILogger logger, double speed, string how, int cores, long totalMemory);

    [LoggerMessage(4, LogLevel.Information, "stopping: {Reason}")]
    public static partial void Stopping(ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Information, "stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(6, LogLevel.Information, "seeds: {Seeds}")]
    public static partial void Seeds(ILogger logger, string seeds);

    [LoggerMessage(7, LogLevel.Error, "{What} failed; the agent stops: {Reason}")]
    public static partial void Fatal(ILogger logger, string what, string reason, Exception exception);
}

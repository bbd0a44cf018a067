using Mosix.Agent.Configuration;
using NLog;
using NLog.Config;
using NLog.Targets;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Mosix.Agent.Hosting;

/// <summary>
/// NLog, configured in code (no XML to lose): stderr for the terminal or the systemd journal, and
/// STATE/mosixd.log, kept to a few megabytes. The framework's own chatter is cut to warnings.
/// </summary>
public static class NLogSetup
{
    public static LoggingConfiguration For(AgentOptions options)
    {
        var config = new LoggingConfiguration();
        var level = LevelOf(options.LogLevel);
        var console = new ConsoleTarget("stderr")
        {
            StdErr = true,
            Layout = "${date:format=HH\\:mm\\:ss.fff} ${level:uppercase=true:padding=-5} ${logger:shortName=true}: ${message}${onexception: ${exception:format=Message}}",
        };
        var file = new FileTarget("file")
        {
            FileName = options.State.LogFile,
            Layout = "${longdate} ${level:uppercase=true:padding=-5} ${logger:shortName=true}: ${message}${onexception: ${exception:format=ToString}}",
            ArchiveAboveSize = 4 * 1024 * 1024,
            MaxArchiveFiles = 2,
        };
        config.AddRule(NLog.LogLevel.Trace, NLog.LogLevel.Info, new NullTarget("quiet"), "Microsoft.*", final: true);
        config.AddRule(level, NLog.LogLevel.Fatal, console);
        config.AddRule(level, NLog.LogLevel.Fatal, file);
        return config;
    }

    private static NLog.LogLevel LevelOf(MsLogLevel level) => level switch
    {
        MsLogLevel.Trace => NLog.LogLevel.Trace,
        MsLogLevel.Debug => NLog.LogLevel.Debug,
        MsLogLevel.Information => NLog.LogLevel.Info,
        MsLogLevel.Warning => NLog.LogLevel.Warn,
        MsLogLevel.Error => NLog.LogLevel.Error,
        _ => NLog.LogLevel.Fatal,
    };
}

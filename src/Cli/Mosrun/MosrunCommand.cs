using System.CommandLine;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// <c>mosrun [OPTIONS] PROGRAM [ARGS...]</c>: runs PROGRAM under the supervisor and ends the way
/// it ended: same exit code, or killed by the same signal.
/// </summary>
internal static class MosrunCommand
{
    private const string Name = "mosrun";

    public static int Run(string[] args)
    {
        var options = new MosrunOptions();
        var root = options.Build();
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(options.Help) is not null || parsed.GetResult(options.Version) is not null)
            return parsed.Invoke(); // --help, --version
        if (parsed.GetResult(options.Command) is not { Tokens.Count: > 0 })
            return Fail.With(Name, $"no program given (usage: {Name} [OPTIONS] PROGRAM [ARGS...]; see '{Name} --help')", Fail.Usage);
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message} (see '{Name} --help')", Fail.Usage);

        string[] command = parsed.GetValue(options.Command)!;
        if (command[0].StartsWith('-') && !ExplicitlyEnded(args, command.Length))
            return Fail.With(Name, $"unknown option '{command[0]}' (see '{Name} --help')", Fail.Usage);
        FileInfo? logFile = parsed.GetValue(options.LogSyscalls);
        return Supervise(command, logFile);
    }

    /// <summary>True when a <c>--</c> came right before the program, so it may start with a dash.</summary>
    private static bool ExplicitlyEnded(string[] args, int commandLength) =>
        args.Length > commandLength && args[^(commandLength + 1)] == "--";

    private static int Supervise(string[] command, FileInfo? logFile)
    {
        SpawnRequest request;
        try
        {
            request = SpawnRequest.WithCurrentEnvironment(ProgramLocator.Resolve(command[0]), command);
        }
        catch (SpawnException e)
        {
            return Fail.With(Name, e.Message, e.ShellExitCode);
        }

        StreamWriter? log = null;
        try
        {
            log = logFile is null ? null : new StreamWriter(logFile.FullName, append: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail.With(Name, $"cannot write the syscall log: {e.Message}", 1);
        }

        ExitOutcome outcome;
        using (log)
        {
            var supervisorOptions = new SupervisorOptions
            {
                Policy = log is null ? TrapPolicy.Home : TrapPolicy.LogAll,
                SyscallLog = log,
                EventLog = DebugLog.FromEnvironment(),
                StandsInForProgram = true,
            };
            try
            {
                outcome = Supervisor.Run(request, supervisorOptions);
            }
            catch (SpawnException e)
            {
                return Fail.With(Name, e.Message, e.ShellExitCode);
            }
            catch (InvalidOperationException e)
            {
                return Fail.With(Name, e.Message, 1);
            }
        }

        if (outcome.ExecErrno != 0)
        {
            var failure = new SpawnException(command[0], outcome.ExecErrno);
            return Fail.With(Name, failure.Message, failure.ShellExitCode);
        }
        if (outcome.Signal != 0)
            ProcessSetup.DieBySignal(outcome.Signal);
        return outcome.ExitCode;
    }
}

using System.CommandLine;
using System.Globalization;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Spawning;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// <c>mosrun [OPTIONS] PROGRAM [ARGS...]</c>, <c>mosrun -R FILE</c>, <c>mosrun -I FILE</c>: parses
/// the command line and hands over to the run, the restart or the image printer.
/// </summary>
internal static class MosrunCommand
{
    public const string Name = "mosrun";

    public static int Run(string[] args)
    {
        // The common case, `mosrun PROGRAM ARGS...` with no options, needs no parser: mosrun's
        // start-up is every supervised program's start-up.
        if (args.Length > 0 && !args[0].StartsWith('-'))
            return Launch.Run(args, MosrunSettings.Defaults);

        var options = new MosrunOptions();
        var parsed = options.Build().Parse(MosrunOptions.Unglue(args), new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(options.Help) is not null || parsed.GetResult(options.Version) is not null)
            return parsed.Invoke(); // --help, --version
        if (parsed.Errors.Count > 0)
            return Usage(parsed.Errors[0].Message);

        string[] command = parsed.GetValue(options.Command) ?? [];
        if (parsed.GetValue(options.Inspect) is { } image)
            return command.Length > 0 ? Usage("-I takes no program") : ImageInfo.Print(image.FullName, parsed.GetValue(options.Json));

        if (!TryReadSettings(parsed, options, out var settings, out string? problem))
            return Usage(problem!);
        if (parsed.GetValue(options.Restart) is { } restart)
            return command.Length > 0 ? Usage("-R takes no program: it restarts the one in the image") : Restart.Run(restart.FullName, settings);

        if (parsed.GetValue(options.JobScript) is { } maxJobs)
        {
            if (maxJobs < 1)
                return Usage("-S wants the most jobs to run at once (1 or more)");
            if (command.Length != 1)
                return Usage("-S takes one FILE[,FAILED] and no program");
            return Mosrun.JobScript.Run(maxJobs, command[0], OptionsFor(MosrunOptions.Unglue(args), command.Length));
        }
        if (command.Length == 0)
            return Usage($"no program given (usage: {Name} [OPTIONS] PROGRAM [ARGS...])");
        if (command[0].StartsWith('-') && !ExplicitlyEnded(args, command.Length))
            return Usage($"unknown option '{command[0]}'");
        if (settings.Reopen.Count > 0)
            return Usage("-O is for restarts (-R)");
        return Launch.Run(command, settings);
    }

    /// <summary>The options given, without -S and its value, for each job's own mosrun.</summary>
    private static List<string> OptionsFor(string[] unglued, int commandLength)
    {
        var options = unglued[..^commandLength].ToList();
        int s = options.IndexOf("-S");
        if (s >= 0)
            options.RemoveRange(s, Math.Min(2, options.Count - s));
        options.Remove("--");
        return options;
    }

    private static int Usage(string message) =>
        Fail.With(Name, $"{message.TrimEnd('.')} (see '{Name} --help')", Fail.Usage);

    /// <summary>True when a <c>--</c> came right before the program, so it may start with a dash.</summary>
    private static bool ExplicitlyEnded(string[] args, int commandLength) =>
        args.Length > commandLength && args[^(commandLength + 1)] == "--";

    private static bool TryReadSettings(ParseResult parsed, MosrunOptions options, out MosrunSettings settings, out string? problem)
    {
        settings = null!;
        problem = null;
        double? minutes = parsed.GetValue(options.CheckpointEvery);
        if (minutes is <= 0)
        {
            problem = "-A needs a positive number of minutes";
            return false;
        }
        var reopen = new Dictionary<int, string>();
        foreach (var spec in (parsed.GetValue(options.Reopen) ?? []).SelectMany(s => s.Split(',')))
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || !int.TryParse(spec.AsSpan(0, eq), NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || eq == spec.Length - 1)
            {
                problem = $"-O wants FD=PATH, not '{spec}'";
                return false;
            }
            reopen[fd] = Path.GetFullPath(spec[(eq + 1)..]);
        }
        string? startOn = parsed.GetValue(options.StartOn);
        bool best = parsed.GetValue(options.Best), home = parsed.GetValue(options.AtHome);
        if ((startOn is not null ? 1 : 0) + (best ? 1 : 0) + (home ? 1 : 0) > 1)
        {
            problem = "-r, -b and -h each choose where to start: give one";
            return false;
        }
        if (startOn is { Length: 0 })
        {
            problem = "-r needs a node";
            return false;
        }
        if (parsed.GetValue(options.AutoMigrate) && parsed.GetValue(options.Stay))
        {
            problem = "-l and -L contradict each other: give one";
            return false;
        }
        double? megabytes = parsed.GetValue(options.Memory);
        if (megabytes is < 0 or > 1e9)
        {
            problem = "-m wants the megabytes the program needs (0 or more)";
            return false;
        }
        if (parsed.GetValue(options.Job) is { } job && (job.Length == 0 || job.Any(char.IsWhiteSpace)))
        {
            problem = "-J wants a job id without blanks";
            return false;
        }
        if (parsed.GetValue(options.Queue) is not null && startOn is not null)
        {
            problem = "-q starts the program where a core is free: it cannot be combined with -r";
            return false;
        }
        settings = new MosrunSettings(
            parsed.GetValue(options.LogSyscalls)?.FullName,
            parsed.GetValue(options.CheckpointBase),
            minutes is { } m ? TimeSpan.FromMinutes(m) : null,
            reopen)
        {
            StartOn = best ? StartPlace.Best : startOn,
            Force = parsed.GetValue(options.Force),
            Placement = new PlacementWishes(!parsed.GetValue(options.Stay), (long)((megabytes ?? 0) * (1 << 20)), parsed.GetValue(options.Job)),
            QueuePriority = parsed.GetValue(options.Queue),
            Unserved = parsed.GetValue(options.WarnUnserved) ? UnservedCallPolicy.FailAndWarn
                : parsed.GetValue(options.FailUnserved) ? UnservedCallPolicy.Fail
                : UnservedCallPolicy.EndProcess,
        };
        return true;
    }
}

/// <summary>The options that shape a run or a restart.</summary>
/// <param name="SyscallLog">--log-syscalls FILE.</param>
/// <param name="CheckpointBase">-C BASE, or null for ckpt.PID.</param>
/// <param name="CheckpointEvery">-A MINUTES.</param>
/// <param name="Reopen">-O FD=PATH.</param>
internal sealed record MosrunSettings(string? SyscallLog, string? CheckpointBase, TimeSpan? CheckpointEvery, IReadOnlyDictionary<int, string> Reopen)
{
    public static MosrunSettings Defaults { get; } = new(null, null, null, new Dictionary<int, string>());

    /// <summary>-r NODE, or <see cref="StartPlace.Best"/> for -b; null: at home.</summary>
    public string? StartOn { get; init; }

    /// <summary>-l/-L, -m, -J.</summary>
    public PlacementWishes Placement { get; init; } = PlacementWishes.Defaults;

    /// <summary>-q[PRI]: wait in the queue first.</summary>
    public int? QueuePriority { get; init; }

    /// <summary>-F: run at home if the start node cannot take the program.</summary>
    public bool Force { get; init; }

    /// <summary>-e, -w: what a call that cannot be served away from home becomes.</summary>
    public UnservedCallPolicy Unserved { get; init; }

    public CheckpointNames NamesFor(int pid) => new(CheckpointBase ?? $"ckpt.{pid}", chosen: CheckpointBase is not null);
}

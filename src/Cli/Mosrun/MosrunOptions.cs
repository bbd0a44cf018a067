using System.CommandLine;
using System.CommandLine.Help;

namespace Mosix.Cli.Mosrun;

/// <summary>MOSIX's default queue priority.</summary>
internal static class JobQueueDefaults
{
    public const string Priority = "50";
}

/// <summary>
/// mosrun's command line: options first, then the program and its own arguments, untouched.
/// Short options take their value glued or separate, as in MOSIX (<c>-Cbase</c>, <c>-C base</c>).
/// </summary>
internal sealed class MosrunOptions
{
    /// <summary>The short options that take a value, for un-gluing <c>-Cbase</c>.</summary>
    public static readonly string[] ShortWithValue = ["-C", "-A", "-R", "-O", "-I", "-r", "-m", "-q", "-J", "-S"];

    public HelpOption Help { get; } = new("--help");

    public VersionOption Version { get; } = new("--version");

    public Option<FileInfo?> LogSyscalls { get; } = new("--log-syscalls")
    {
        Description = "Write every system call the program makes (and its result) to FILE; slow, for debugging",
        HelpName = "FILE",
    };

    public Option<string?> CheckpointBase { get; } = new("-C")
    {
        Description = "Name checkpoint files BASE.1, BASE.2, ... (default: ckpt.PID in the working directory)",
        HelpName = "BASE",
    };

    public Option<double?> CheckpointEvery { get; } = new("-A")
    {
        Description = "Checkpoint automatically every MINUTES minutes",
        HelpName = "MINUTES",
    };

    public Option<FileInfo?> Restart { get; } = new("-R")
    {
        Description = "Restart the process saved in checkpoint FILE, with this terminal's stdin, stdout and stderr",
        HelpName = "FILE",
    };

    public Option<string[]> Reopen { get; } = new("-O")
    {
        Description = "With -R: open file descriptor FD on PATH instead (FD=PATH[,FD=PATH...]; repeatable)",
        HelpName = "FD=PATH",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<FileInfo?> Inspect { get; } = new("-I")
    {
        Description = "Print what checkpoint FILE holds (program, memory, files, when it was taken)",
        HelpName = "FILE",
    };

    public Option<bool> Json { get; } = new("--json") { Description = "With -I: print the image as JSON" };

    public Option<string?> StartOn { get; } = new("-r")
    {
        Description = "Start the program on NODE (a node name as mosmon shows it, or HOST:PORT of its agent)",
        HelpName = "NODE",
    };

    public Option<bool> Best { get; } = new("-b") { Description = "Start the program on the best node (as mosbestnode says): the most CPU for it, counting speed, load and memory" };

    public Option<bool> AtHome { get; } = new("-h") { Description = "Start the program at home (the default)" };

    public Option<bool> Force { get; } = new("-F") { Description = "With -r or -b: run at home if the chosen node cannot take the program" };

    public Option<bool> FailUnserved { get; } = new("-e")
    {
        Description = "A system call that cannot be served away from home fails (ENOSYS) instead of ending the program",
    };

    public Option<bool> WarnUnserved { get; } = new("-w") { Description = "As -e, and say so on stderr each time" };

    public Option<bool> AutoMigrate { get; } = new("-l") { Description = "Let the cluster move the program automatically (the default)" };

    public Option<bool> Stay { get; } = new("-L") { Description = "Never move the program automatically (migrate still can)" };

    public Option<double?> Memory { get; } = new("-m")
    {
        Description = "The program needs MB megabytes of memory: it starts, and is moved, only where there is room",
        HelpName = "MB",
    };

    public Option<int?> Queue { get; } = new("-q")
    {
        Description = "Wait in the queue until the cluster has a free core (-qPRI: priority, lower first; 50 by default)",
        HelpName = "PRI",
    };

    public Option<string?> Job { get; } = new("-J")
    {
        Description = "Make the program part of job ID (moskillall and migrate -j act on whole jobs)",
        HelpName = "ID",
    };

    public Option<int?> JobScript { get; } = new("-S")
    {
        Description = "Run each line of the file given instead of a program (FILE[,FAILED]) as a job, at most MAXJOBS at a time; failed lines go to FAILED",
        HelpName = "MAXJOBS",
    };

    public Argument<string[]> Command { get; } = new("program")
    {
        Description = "The program to run, then its arguments",
        Arity = ArgumentArity.ZeroOrMore,
        CaptureRemainingTokens = true,
    };

    public Command Build() => new("mosrun",
        "Run a program under Mosix: it starts at home under the supervisor and behaves exactly as if run directly.")
    {
        // MOSIX gives -h its own meaning (run at home): help is --help only.
        Help, Version, LogSyscalls, CheckpointBase, CheckpointEvery, Restart, Reopen, Inspect, Json,
        StartOn, Best, AtHome, Force, FailUnserved, WarnUnserved, AutoMigrate, Stay, Memory, Queue, Job, JobScript, Command,
    };

    /// <summary>Splits <c>-Cbase</c> into <c>-C base</c> among the options before the program.</summary>
    public static string[] Unglue(string[] args)
    {
        var result = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "-q")
            {
                result.AddRange(["-q", JobQueueDefaults.Priority]); // -q alone: the default priority
                continue;
            }
            string? option = ShortWithValue.FirstOrDefault(o => a.Length > 2 && a.StartsWith(o, StringComparison.Ordinal));
            if (option is not null)
            {
                result.Add(option);
                result.Add(a[2..]);
                continue;
            }
            result.Add(a);
            if (!a.StartsWith('-') || a == "--")
            {
                // The program: it and everything after it are its own.
                result.AddRange(args[(i + 1)..]);
                break;
            }
            if (Array.IndexOf(ShortWithValue, a) >= 0 || a == "--log-syscalls")
            {
                if (i + 1 < args.Length)
                    result.Add(args[++i]);
            }
        }
        return [.. result];
    }
}

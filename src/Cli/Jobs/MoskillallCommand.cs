using System.CommandLine;
using System.CommandLine.Help;
using Mosix.Sandbox.Interop;

namespace Mosix.Cli.Jobs;

/// <summary>
/// <c>moskillall [-SIGNAL] [-J ID]</c>: signals all your processes under Mosix (SIGTERM by
/// default), or those of job ID (mosrun -J ID), wherever they run: the signal goes to each home
/// process, which passes it on to a process away.
/// </summary>
internal static class MoskillallCommand
{
    public const string Name = "moskillall";

    public static int Run(string[] args)
    {
        // -9, -KILL, -SIGKILL, as kill(1) takes them: before the parser, which would call them options.
        int signal = 15;
        if (args.Length > 0 && args[0].Length > 1 && args[0][0] == '-' && args[0] != "-J" && args[0] != "--help")
        {
            if (SignalNames.Parse(args[0][1..]) is not { } parsedSignal)
                return Fail.With(Name, $"'{args[0]}' is not a signal (try -TERM, -KILL, -9)", Fail.Usage);
            signal = parsedSignal;
            args = args[1..];
        }
        var help = new HelpOption("--help");
        var job = new Option<string?>("-J") { Description = "Only the processes of job ID (mosrun -J ID)", HelpName = "ID" };
        var command = new Command(Name, "Send a signal (-SIGNAL; TERM by default) to all your processes under Mosix, or to a job's") { help, job };
        var parsed = command.Parse(args);
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (usage: moskillall [-SIGNAL] [-J ID])", Fail.Usage);

        string? id = parsed.GetValue(job);
        var members = id is null ? Mosruns.All().Select(m => m.Member).ToList() : Mosruns.InJob(id);
        if (members.Count == 0)
            return Fail.With(Name, id is null ? "no processes of yours run under Mosix" : $"no processes in job {id}", 1);
        int failed = 0;
        foreach (var member in members)
        {
            // A member that ended since the listing (a child its parent's signal ended first) is no failure.
            if (ProcessSignals.Send(member.Pid, signal) is not (0 or -Errno.ESRCH))
            {
                failed++;
                Console.Error.WriteLine($"{Name}: could not signal process {member.Pid}");
            }
        }
        return failed == 0 ? 0 : 1;
    }
}

/// <summary>Signal names and numbers as kill(1) takes them.</summary>
internal static class SignalNames
{
    private static readonly string[] s_names =
        ["", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM",
         "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"];

    public static int? Parse(string text)
    {
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n))
            return n is > 0 and < 65 ? n : null;
        string name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text[3..] : text;
        int index = Array.FindIndex(s_names, s => s.Length > 0 && s.Equals(name, StringComparison.OrdinalIgnoreCase));
        return index > 0 ? index : null;
    }
}

using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Net.Sockets;
using Mosix.Shim.Local;

namespace Mosix.Cli.Migrate;

/// <summary>
/// <c>migrate PID ACTION</c>, as in MOSIX. Actions go to the process's mosrun through its control
/// socket: <c>NODE</c> (move there), <c>home</c> (bring it back), <c>checkpoint</c> (it goes on),
/// <c>chkstop</c> (then it is stopped), <c>chkexit</c> (then it ends). PID is the program's or its
/// mosrun's. <c>out</c> is for the owner of the node a guest runs on: PID is the guest's pid there.
/// </summary>
internal static class MigrateCommand
{
    private const string Name = "migrate";
    private static readonly string[] s_actions = ["checkpoint", "chkstop", "chkexit", "home", "out", "freeze", "continue"];
    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(10);

    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "-j")
            return RunOnJob(args[1..]);
        var help = new HelpOption("--help");
        var pid = new Argument<string>("pid") { Description = "The process (its pid, or its mosrun's)" };
        var action = new Argument<string>("action") { Description = "NODE | home | out | freeze | continue | checkpoint | chkstop | chkexit" };
        var command = new Command(Name, "Act on a process running under mosrun (migrate -j ID ACTION: on every process of job ID)") { help, pid, action };
        var parsed = command.Parse(args);
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (usage: migrate PID NODE|{string.Join('|', s_actions)})", Fail.Usage);

        string pidText = parsed.GetValue(pid)!, verb = parsed.GetValue(action)!;
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int target) || target <= 0)
            return Fail.With(Name, $"'{pidText}' is not a process id", Fail.Usage);
        if (verb == "out")
            return SendOut(target);
        if (Array.IndexOf(s_actions, verb) < 0 && (verb.Length == 0 || verb.StartsWith('-') || verb.Any(char.IsWhiteSpace)))
            return Fail.With(Name, $"'{verb}' is neither a node nor an action ({string.Join(", ", s_actions)})", Fail.Usage);
        return Ask(target, RequestFor(verb));
    }

    private static string RequestFor(string verb) => Array.IndexOf(s_actions, verb) >= 0 ? verb : $"move {verb}";

    /// <summary><c>migrate -j ID ACTION</c>: the action on each process of the job, in turn; fails if any fails.</summary>
    private static int RunOnJob(string[] args)
    {
        if (args.Length != 2 || args[0].Length == 0)
            return Fail.With(Name, "usage: migrate -j JOB NODE|home|freeze|continue|checkpoint|chkstop|chkexit", Fail.Usage);
        string verb = args[1];
        if (verb == "out" || (Array.IndexOf(s_actions, verb) < 0 && (verb.StartsWith('-') || verb.Any(char.IsWhiteSpace))))
            return Fail.With(Name, $"'{verb}' is not an action for a job", Fail.Usage);
        var members = Jobs.Mosruns.InJob(args[0]);
        if (members.Count == 0)
            return Fail.With(Name, $"no processes in job {args[0]}", 1);
        int failed = 0;
        foreach (var member in members)
        {
            var (ok, message) = Request(member.Pid, RequestFor(verb));
            if (ok)
                Console.Out.WriteLine($"{member.Pid}: {message}");
            else
                failed += Fail.With(Name, $"{member.Pid}: {message}", 1);
        }
        return failed == 0 ? 0 : 1;
    }

    private static int Ask(int target, string request)
    {
        var (ok, message) = Request(target, request);
        if (!ok)
            return Fail.With(Name, message, 1);
        Console.Out.WriteLine(message);
        return 0;
    }

    /// <summary>One request to the process's mosrun (that of the tree it belongs to): its answer, or why there is none.</summary>
    private static (bool Ok, string Message) Request(int target, string request)
    {
        try
        {
            return TreeAddress.Ask(target, request, s_patience) is { } reply
                ? (reply.Ok, reply.Message)
                : (false, $"process {target} is not running under your mosrun");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            return (false, e.Message);
        }
    }

    /// <summary>
    /// <c>migrate PID out</c> on the node a guest runs on: its guest host (the incarnation's parent,
    /// started by this node's agent) is asked with SIGTERM to send it home.
    /// </summary>
    private static int SendOut(int pid)
    {
        int host = GuestHostOf(pid) ?? (IsGuestHost(pid) ? pid : 0);
        if (host == 0)
            return Fail.With(Name, $"process {pid} is not a guest on this node", 1);
        if (Sandbox.Interop.ProcessSignals.Send(host, 15) != 0)
            return Fail.With(Name, $"may not send guest {pid} away (not your agent's guest?)", 1);
        Console.Out.WriteLine($"guest {pid} is sent home");
        return 0;
    }

    private static int? GuestHostOf(int pid)
    {
        try
        {
            string? ppid = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
            return ppid is not null && int.TryParse(ppid.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int parent) && IsGuestHost(parent) ? parent : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsGuestHost(int pid)
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return argv.Length >= 2 && Path.GetFileName(argv[0]) == "mosix" && argv[1] == "guest";
        }
        catch (IOException)
        {
            return false;
        }
    }
}

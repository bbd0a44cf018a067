using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Net.Sockets;
using Mosix.Shim.Local;

namespace Mosix.Cli.Migrate;

/// <summary>
/// <c>migrate PID ACTION</c>, as in MOSIX. Checkpoint actions go to the process's mosrun through its
/// control socket: <c>checkpoint</c> (it goes on), <c>chkstop</c> (then it is stopped),
/// <c>chkexit</c> (then it ends). PID is the program's or its mosrun's.
/// </summary>
internal static class MigrateCommand
{
    private const string Name = "migrate";
    private static readonly string[] s_actions = ["checkpoint", "chkstop", "chkexit"];
    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(10);

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help");
        var pid = new Argument<string>("pid") { Description = "The process (its pid, or its mosrun's)" };
        var action = new Argument<string>("action") { Description = "checkpoint | chkstop | chkexit" };
        var command = new Command(Name, "Act on a process running under mosrun") { help, pid, action };
        var parsed = command.Parse(args);
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (usage: migrate PID {string.Join('|', s_actions)})", Fail.Usage);

        string pidText = parsed.GetValue(pid)!, verb = parsed.GetValue(action)!;
        if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int target) || target <= 0)
            return Fail.With(Name, $"'{pidText}' is not a process id", Fail.Usage);
        if (Array.IndexOf(s_actions, verb) < 0)
            return Fail.With(Name, $"unknown action '{verb}' (this node supports: {string.Join(", ", s_actions)})", Fail.Usage);

        try
        {
            var reply = ControlLine.Ask(RuntimeDirectory.ProcessSocket(target), verb, s_patience);
            if (!reply.Ok)
                return Fail.With(Name, reply.Message, 1);
            Console.Out.WriteLine(reply.Message);
            return 0;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            string why = e is SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.ConnectionRefused } || !File.Exists(RuntimeDirectory.ProcessSocket(target))
                ? $"process {target} is not running under your mosrun"
                : e.Message;
            return Fail.With(Name, why, 1);
        }
    }
}

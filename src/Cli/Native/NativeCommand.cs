using System.Diagnostics;
using System.Globalization;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;

namespace Mosix.Cli.Native;

/// <summary>
/// <c>native CMD [ARG...]</c>: inside a program run by mosrun (a shell, say), runs CMD outside
/// Mosix: not traced, not filtered, never migrated. A supervised process cannot shed its seccomp
/// filter, so it asks its mosrun (the control socket of the nearest ancestor under mosrun) to
/// start the command on its behalf, with its working directory, environment, standard
/// descriptors and process group, and ends the way the command ended. Outside mosrun it simply
/// runs the command.
/// </summary>
internal static class NativeCommand
{
    public const string Name = "native";

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            (args.Length == 0 ? Console.Error : Console.Out).WriteLine("usage: native COMMAND [ARG...]\n\nInside a program started with mosrun, runs COMMAND outside Mosix (not supervised, never migrated).");
            return args.Length == 0 ? Fail.Usage : 0;
        }
        if (ControlSocketAbove(Environment.ProcessId) is not { } socket)
            return RunHere(args);

        ControlLine.Reply reply;
        try
        {
            // No time limit: the command runs as long as it runs.
            reply = ControlLine.Ask(socket, $"native {Environment.ProcessId}", Timeout.InfiniteTimeSpan);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            return Fail.With(Name, $"cannot reach this program's mosrun: {e.Message}", 1);
        }
        if (!reply.Ok)
            return Fail.With(Name, reply.Message, reply.Message.EndsWith("command not found", StringComparison.Ordinal) ? 127 : 126);
        string[] ended = reply.Message.Split(' ');
        int value = int.Parse(ended[1], CultureInfo.InvariantCulture);
        if (ended[0] == "signal")
        {
            ProcessSetup.DieBySignal(value); // the same death as the command's, for the shell's $?
            return 128 + value;
        }
        return value;
    }

    /// <summary>The control socket of the nearest ancestor that a mosrun supervises, or null.</summary>
    private static string? ControlSocketAbove(int pid)
    {
        for (int p = ProcessStatus.ParentOf(pid), hops = 0; p > 1 && hops < 4096; p = ProcessStatus.ParentOf(p), hops++)
        {
            string socket = RuntimeDirectory.ProcessSocket(p);
            if (File.Exists(socket))
                return socket;
        }
        return null;
    }

    /// <summary>Not under mosrun: already native.</summary>
    private static int RunHere(string[] args)
    {
        var start = new ProcessStartInfo(args[0]) { UseShellExecute = false };
        foreach (string arg in args[1..])
            start.ArgumentList.Add(arg);
        try
        {
            using var command = Process.Start(start)!;
            command.WaitForExit();
            return command.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return Fail.With(Name, $"{args[0]}: command not found", 127);
        }
    }
}

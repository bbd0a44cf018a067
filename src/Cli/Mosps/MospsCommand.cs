using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;

namespace Mosix.Cli.Mosps;

/// <summary>
/// <c>mosps</c>: your processes under Mosix, where each runs and in what state. Every mosrun
/// answers on its control socket in your runtime folder (the one <c>migrate</c> uses), so mosps
/// needs no agent and shows only your own processes: the folder is yours alone.
/// </summary>
internal static class MospsCommand
{
    public const string Name = "mosps";

    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(2);

    /// <summary>One process: its home pid, the node it runs on ("here" at home), running/migrating/stopped, its command.</summary>
    private sealed record Entry(int Pid, string Where, string State, string Command);

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help");
        var json = new Option<bool>("--json") { Description = "Print the list as JSON" };
        var command = new Command(Name, "List your processes under Mosix, where each runs and its state (running, migrating, frozen, stopped)") { help, json };
        var parsed = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (see '{Name} --help')", Fail.Usage);

        var entries = Collect();
        if (parsed.GetValue(json))
            return WriteJson(entries);
        Console.Out.WriteLine($"{"PID",7}  {"WHERE",-16}  {"STATE",-9}  COMMAND");
        foreach (var e in entries)
            Console.Out.WriteLine($"{e.Pid,7}  {e.Where,-16}  {e.State,-9}  {e.Command}");
        return 0;
    }

    /// <summary>Asks every control socket in the runtime folder; sockets of mosruns that died unanswered are skipped.</summary>
    private static List<Entry> Collect()
    {
        string folder = RuntimeDirectory.Path();
        if (!Directory.Exists(folder))
            return [];
        var entries = new Dictionary<int, Entry>();
        foreach (string socket in Directory.EnumerateFiles(folder, "process-*.sock"))
        {
            if (IsStoppedJob(socket, out var stopped))
            {
                if (stopped is not null)
                    entries[stopped.Pid] = stopped;
                continue;
            }
            ControlLine.Reply reply;
            try
            {
                reply = ControlLine.Ask(socket, "status", s_patience);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or UnauthorizedAccessException)
            {
                continue;
            }
            // WHERE STATE PID COMMAND (mosrun's status reply; each process answers on two sockets).
            string[] parts = reply.Message.Split(' ', 4);
            if (!reply.Ok || parts.Length < 4 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            string where = parts[0] == "home" ? "here" : parts[0];
            entries[pid] = new Entry(pid, where, parts[1] is "migrating" or "frozen" ? parts[1] : "running", parts[3]);
        }
        return entries.Values.OrderBy(e => e.Pid).ToList();
    }

    /// <summary>
    /// A stopped job (Ctrl-Z, SIGSTOP): its mosrun stops with the program and cannot answer, so
    /// /proc tells instead: the program's pid, its command, and "?" for where (mosrun knows).
    /// </summary>
    /// <remarks>Each job has two sockets (its program's pid and mosrun's); the entry comes from the program's.</remarks>
    private static bool IsStoppedJob(string socket, out Entry? entry)
    {
        entry = null;
        string name = Path.GetFileNameWithoutExtension(socket);
        if (!int.TryParse(name.AsSpan("process-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            return false;
        bool isMosrun = ProcessStatus.Comm(pid) == "mosrun";
        int mosrun = isMosrun ? pid : ProcessStatus.ParentOf(pid);
        if (mosrun == 0 || !ProcessStatus.IsStopped(mosrun))
            return false;
        if (!isMosrun)
            entry = new Entry(pid, "?", "stopped", ProcessStatus.Comm(pid) ?? "?");
        return true;
    }

    private static int WriteJson(List<Entry> entries)
    {
        using var json = new System.Text.Json.Utf8JsonWriter(Console.OpenStandardOutput(), new() { Indented = true });
        json.WriteStartArray();
        foreach (var e in entries)
        {
            json.WriteStartObject();
            json.WriteNumber("pid", e.Pid);
            json.WriteString("where", e.Where);
            json.WriteString("state", e.State);
            json.WriteString("command", e.Command);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.Flush();
        Console.Out.WriteLine();
        return 0;
    }
}

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

    /// <summary>One process: its home pid, the node it runs on ("here" at home), running/migrating/stopped, its command.</summary>
    private sealed record Entry(int Pid, string Where, string State, string Command)
    {
        /// <summary>The process's last good checkpoint of this run (asked only for --checkpoints and --json).</summary>
        public string? Checkpoint { get; init; }

        /// <summary>The pid of the process of its tree that created it; 0 for a program mosrun started.</summary>
        public int Parent { get; init; }
    }

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help");
        var json = new Option<bool>("--json") { Description = "Print the list as JSON (with each process's last checkpoint)" };
        var checkpoints = new Option<bool>("--checkpoints") { Description = "Add each process's last good checkpoint of this run (or none)" };
        var command = new Command(Name, "List your processes under Mosix, where each runs and its state (running, migrating, frozen, stopped)") { help, json, checkpoints };
        var parsed = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (see '{Name} --help')", Fail.Usage);

        bool withImages = parsed.GetValue(json) || parsed.GetValue(checkpoints);
        var entries = Collect(withImages);
        if (parsed.GetValue(json))
            return WriteJson(entries);
        if (!withImages)
        {
            Console.Out.WriteLine($"{"PID",7}  {"WHERE",-16}  {"STATE",-9}  COMMAND");
            foreach (var e in entries)
                Console.Out.WriteLine($"{e.Pid,7}  {e.Where,-16}  {e.State,-9}  {e.Command}");
            return 0;
        }
        // The checkpoint before the command, which may hold blanks; a path with blanks is quoted.
        Console.Out.WriteLine($"{"PID",7}  {"WHERE",-16}  {"STATE",-9}  {"CHECKPOINT",-24}  COMMAND");
        foreach (var e in entries)
            Console.Out.WriteLine($"{e.Pid,7}  {e.Where,-16}  {e.State,-9}  {Quoted(e.Checkpoint ?? "none"),-24}  {e.Command}");
        return 0;
    }

    /// <summary>Asks every mosrun's control socket; sockets of mosruns that died unanswered are skipped.</summary>
    private static string Quoted(string path) => path.Contains(' ') ? $"'{path}'" : path;

    private static List<Entry> Collect(bool withImages)
    {
        var entries = new List<Entry>();
        foreach (string socket in Jobs.Mosruns.Sockets())
        {
            if (IsStoppedJob(socket, out var stopped))
            {
                entries.Add(stopped);
                continue;
            }
            // Every process of the program's tree (mosrun's "members" reply).
            if (Jobs.Mosruns.Ask(socket, "members") is not { } listing)
                continue;
            foreach (var member in TreeListing.Parse(listing))
            {
                string where = member.Where == "home" ? "here" : member.Where;
                string? image = withImages ? Jobs.Mosruns.Ask(socket, ControlLine.For(member.Pid, "lastimage")) : null;
                entries.Add(new Entry(member.Pid, where, member.State is "migrating" or "frozen" ? member.State : "running", member.Command)
                {
                    Parent = member.ParentPid,
                    Checkpoint = image is null or "none" ? null : image,
                });
            }
        }
        return entries.OrderBy(e => e.Pid).ToList();
    }

    /// <summary>
    /// A stopped job (Ctrl-Z, SIGSTOP): its mosrun stops with the program and cannot answer, so
    /// /proc tells instead: the program's pid, its command, and "?" for where (mosrun knows).
    /// </summary>
    /// <remarks>The socket is named by the program's pid (<see cref="Jobs.Mosruns.Sockets"/>).</remarks>
    private static bool IsStoppedJob(string socket, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? entry)
    {
        entry = null;
        string name = Path.GetFileNameWithoutExtension(socket);
        if (!int.TryParse(name.AsSpan("process-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            return false;
        int mosrun = ProcessStatus.ParentOf(pid);
        if (mosrun == 0 || !ProcessStatus.IsStopped(mosrun))
            return false;
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
            json.WriteNumber("parent", e.Parent);
            json.WriteString("where", e.Where);
            json.WriteString("state", e.State);
            json.WriteString("command", e.Command);
            if (e.Checkpoint is { } image)
                json.WriteString("checkpoint", image);
            else
                json.WriteNull("checkpoint");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.Flush();
        Console.Out.WriteLine();
        return 0;
    }
}

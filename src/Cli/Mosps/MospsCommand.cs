using System.CommandLine;
using System.CommandLine.Help;
using Mosix.Cli.Cluster;
using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Mosps;

/// <summary>
/// <c>mosps</c>: your processes under Mosix and the node each runs on, as this node's agent knows
/// them. The agent answers for the caller's own uid only. Until migration exists every process
/// runs at home, and the agent tracks none yet, so the list is empty.
/// </summary>
internal static class MospsCommand
{
    public const string Name = "mosps";

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help");
        var state = StateOption.Create();
        var json = new Option<bool>("--json") { Description = "Print the list as JSON" };
        var command = new Command(Name, "List your processes under Mosix and where each runs") { help, state, json };
        var parsed = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (see '{Name} --help')", Fail.Usage);

        try
        {
            var list = AgentCall.Ask(StateOption.Resolve(parsed, state), MessageKind.ProcessListRequest, new ProcessListRequest(), MessageKind.ProcessListReply, ProcessList.Parser);
            if (parsed.GetValue(json))
                return WriteJson(list);
            Console.Out.WriteLine($"{"PID",7}  {"WHERE",-16}  COMMAND");
            foreach (var p in list.Processes)
                Console.Out.WriteLine($"{p.Pid,7}  {(p.Where.Length == 0 ? "here" : p.Where),-16}  {p.Command}");
            return 0;
        }
        catch (AgentUnreachableException e)
        {
            return Fail.With(Name, e.Message, 1);
        }
    }

    private static int WriteJson(ProcessList list)
    {
        using var json = new System.Text.Json.Utf8JsonWriter(Console.OpenStandardOutput(), new() { Indented = true });
        json.WriteStartArray();
        foreach (var p in list.Processes)
        {
            json.WriteStartObject();
            json.WriteNumber("pid", p.Pid);
            json.WriteString("command", p.Command);
            json.WriteString("where", p.Where);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.Flush();
        Console.Out.WriteLine();
        return 0;
    }
}

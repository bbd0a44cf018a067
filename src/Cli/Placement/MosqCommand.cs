using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using Mosix.Cli.Cluster;
using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Placement;

/// <summary>
/// <c>mosq [list]</c>, <c>mosq delete PID</c>, <c>mosq pri PID N</c>, <c>mosq run PID</c>: the
/// jobs waiting in this node's queue (mosrun -q), in the order they will start.
/// </summary>
internal static class MosqCommand
{
    public const string Name = "mosq";

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help");
        var state = StateOption.Create();
        var pid = new Argument<int>("pid") { Description = "The queued job: its mosrun's pid, as mosq lists it" };
        var priority = new Argument<int>("priority") { Description = "The new priority: lower starts first" };
        var list = new Command("list", "List the waiting jobs, first to start first (the default)");
        var delete = new Command("delete", "Take a job out of the queue: its mosrun ends without running it") { pid };
        var pri = new Command("pri", "Give a job a new priority") { pid, priority };
        var run = new Command("run", "Start a job now, whatever the load") { pid };
        var command = new Command(Name, "List and manage your jobs waiting in this node's queue (mosrun -q)") { help, state, list, delete, pri, run };
        var parsed = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (see '{Name} --help')", Fail.Usage);
        var folder = StateOption.Resolve(parsed, state);
        try
        {
            var verb = parsed.CommandResult.Command;
            if (verb == delete || verb == pri || verb == run)
            {
                var change = new QueueChange
                {
                    Pid = (uint)parsed.GetValue(pid),
                    Action = verb == delete ? QueueAction.Delete : verb == pri ? QueueAction.Priority : QueueAction.Run,
                    Priority = verb == pri ? parsed.GetValue(priority) : 0,
                };
                var reply = AgentCall.Ask(folder, MessageKind.QueueChange, change, MessageKind.QueueChangeReply, QueueChangeReply.Parser);
                if (!reply.Ok)
                    return Fail.With(Name, reply.Message, 1);
                Console.Out.WriteLine(reply.Message);
                return 0;
            }
            var jobs = AgentCall.Ask(folder, MessageKind.QueueListRequest, new QueueListRequest(), MessageKind.QueueList, QueueList.Parser);
            Console.Out.WriteLine($"{"PID",7}  {"PRI",4}  {"WAITING",8}  COMMAND");
            var now = DateTimeOffset.UtcNow;
            foreach (var job in jobs.Jobs)
            {
                var waited = now - DateTimeOffset.FromUnixTimeMilliseconds((long)job.QueuedUnixMs);
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{job.Pid,7}  {job.Priority,4}  {waited.TotalSeconds,7:F0}s  {job.Command}"));
            }
            return 0;
        }
        catch (AgentUnreachableException e)
        {
            return Fail.With(Name, e.Message, 1);
        }
    }
}

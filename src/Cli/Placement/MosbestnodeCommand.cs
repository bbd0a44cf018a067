using System.CommandLine;
using System.CommandLine.Help;
using Mosix.Cli.Cluster;
using Mosix.Shim.Local;

namespace Mosix.Cli.Placement;

/// <summary>
/// <c>mosbestnode [-m MB]</c>: the node a new process would start on now (what <c>mosrun -b</c>
/// does), as this node's agent sees the cluster: the most CPU for it, counting speed, load and
/// moves in flight, among nodes with room for its memory.
/// </summary>
internal static class MosbestnodeCommand
{
    public const string Name = "mosbestnode";

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help");
        var state = StateOption.Create();
        var memory = new Option<double?>("-m") { Description = "The process needs MB megabytes of memory", HelpName = "MB" };
        var why = new Option<bool>("-w") { Description = "Say why: the share of a core the process would get there" };
        var command = new Command(Name, "Print the node a new process would go to") { help, state, memory, why };
        var parsed = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (see '{Name} --help')", Fail.Usage);
        if (parsed.GetValue(memory) is < 0)
            return Fail.With(Name, "-m wants megabytes (0 or more)", Fail.Usage);
        try
        {
            var best = AgentCall.BestNode(StateOption.Resolve(parsed, state), (long)((parsed.GetValue(memory) ?? 0) * (1 << 20)));
            if (best.Node.Length == 0)
                return Fail.With(Name, best.Reason, 1);
            Console.Out.WriteLine(parsed.GetValue(why) ? $"{best.Node}: {best.Reason}" : best.Node);
            return 0;
        }
        catch (AgentUnreachableException e)
        {
            return Fail.With(Name, e.Message, 1);
        }
    }
}

using System.CommandLine;
using System.CommandLine.Help;
using Mosix.Cli.Cluster;
using Mosix.Shim.Local;
using Spectre.Console;

namespace Mosix.Cli.Mosmon;

/// <summary>
/// <c>mosmon [--once] [--json]</c>: the cluster as this node's agent sees it. Live (refreshing,
/// q or Ctrl-C to quit) on a terminal; one table with --once or when the output is not a terminal;
/// JSON for scripts with --json.
/// </summary>
internal static class MosmonCommand
{
    public const string Name = "mosmon";

    /// <summary>A console for a pipe or a file: no colour codes, and wide enough that rows do not wrap.</summary>
    private static IAnsiConsole Plain()
    {
        if (!Console.IsOutputRedirected)
            return AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No });
        console.Profile.Width = 132;
        return console;
    }

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help");
        var state = StateOption.Create();
        var once = new Option<bool>("--once") { Description = "Print the view once and exit" };
        var json = new Option<bool>("--json") { Description = "Print the view once, as JSON (for scripts)" };
        var every = new Option<double>("--interval") { Description = "Seconds between refreshes (default 1)", HelpName = "SECONDS", DefaultValueFactory = _ => 1 };
        var command = new Command(Name, "Watch the Mosix cluster: every node's speed, load, free memory and guests") { help, state, once, json, every };
        var parsed = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{(parsed.Errors[0].Message.StartsWith("Cannot parse argument", StringComparison.Ordinal) ? "--interval wants a number of seconds" : parsed.Errors[0].Message.TrimEnd('.'))} (see '{Name} --help')", Fail.Usage);
        double seconds = parsed.GetValue(every);
        if (!(seconds >= 0.1 && seconds <= 3600))
            return Fail.With(Name, "--interval must be between 0.1 and 3600 seconds", Fail.Usage);

        var node = StateOption.Resolve(parsed, state);
        try
        {
            if (parsed.GetValue(json))
            {
                using var stdout = Console.OpenStandardOutput();
                ViewJson.Write(stdout, AgentCall.View(node));
                Console.Out.WriteLine();
                return 0;
            }
            if (parsed.GetValue(once) || Console.IsOutputRedirected || Console.IsInputRedirected)
            {
                Plain().Write(ClusterTable.Render(AgentCall.View(node)));
                return 0;
            }
            return LiveView.Run(node, TimeSpan.FromSeconds(seconds));
        }
        catch (AgentUnreachableException e)
        {
            return Fail.With(Name, e.Message, 1);
        }
    }
}

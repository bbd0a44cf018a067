using System.CommandLine;
using Mosix.Shim.Local;

namespace Mosix.Cli.Cluster;

/// <summary><c>--state DIR</c>, shared by every cluster command: which node's state folder (and so which agent) to use.</summary>
internal static class StateOption
{
    public static Option<string?> Create() => new("--state")
    {
        Description = $"The node's state folder (default: ${StateDirectory.Variable}, else $XDG_STATE_HOME/mosix, else ~/.local/state/mosix)",
        HelpName = "DIR",
        Recursive = true,
    };

    public static StateDirectory Resolve(ParseResult parsed, Option<string?> option) => StateDirectory.Resolve(parsed.GetValue(option));
}

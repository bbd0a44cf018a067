using Mosix.Cli.Cluster;
using Mosix.Shim.Wire.Messages;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Mosix.Cli.Mosmon;

/// <summary>
/// mosmon's picture of the cluster as one node knows it: a row per node with its speed, load,
/// free memory and guests as bars, as MOSIX's mosmon drew them, and how old the news is.
/// </summary>
internal static class ClusterTable
{
    private const int BarWidth = 10;

    public static IRenderable Render(ClusterView view, string? problem = null)
    {
        var nodes = new List<(LoadVector Vector, bool Self)>();
        if (view.Self is { } self)
            nodes.Add((self, true));
        nodes.AddRange(view.Nodes.Select(n => (n, false)));
        double fastest = Math.Max(0.01, nodes.Count == 0 ? 1 : nodes.Max(n => n.Vector.Speed));

        var table = new Table().Border(TableBorder.Simple);
        table.Title = new TableTitle($"Mosix cluster as [bold]{Markup.Escape(view.Self?.Node ?? "?")}[/] sees it: {nodes.Count} node(s)");
        table.AddColumns("node", "speed", "load", "free memory", "guests", "state", "age");
        foreach (var (v, isSelf) in nodes)
        {
            double cores = Math.Max(1, v.Cores);
            table.AddRow(
                new Markup(isSelf ? $"[bold]{Markup.Escape(v.Node)}[/] (here)" : Markup.Escape(v.Node)),
                Bar(v.Speed / fastest, Units.Number(v.Speed), "deepskyblue1"),
                Bar(v.Load / cores, $"{Units.Number(v.Load)}/{v.Cores}", v.Load / cores < 0.5 ? "green" : v.Load / cores < 1 ? "yellow" : "red"),
                Bar(v.TotalMemory == 0 ? 0 : v.FreeMemory / (double)v.TotalMemory, Units.Bytes(v.FreeMemory), "green"),
                Bar(v.Guests / cores, v.Guests.ToString(System.Globalization.CultureInfo.InvariantCulture), "magenta"),
                new Markup(State((NodeFlags)v.Flags)),
                new Text(isSelf ? "now" : Units.Duration(TimeSpan.FromMilliseconds(v.AgeMs))));
        }
        string caption = $"load = run-queue length / cores; news older than {view.TimeoutMs / 1000.0:0.#} s is dropped";
        table.Caption = new TableTitle(problem is null ? caption : $"[red]{Markup.Escape(problem)}[/]");
        return table;
    }

    /// <summary>A bar filled to <paramref name="fraction"/> (clamped to 0..1), with its value after it.</summary>
    private static Markup Bar(double fraction, string label, string colour)
    {
        int filled = (int)Math.Round(Math.Clamp(double.IsFinite(fraction) ? fraction : 0, 0, 1) * BarWidth);
        return new Markup($"[{colour}]{new string('█', filled)}[/][grey23]{new string('░', BarWidth - filled)}[/] {Markup.Escape(label)}");
    }

    private static string State(NodeFlags flags)
    {
        var words = new List<string>();
        if ((flags & NodeFlags.Leaving) != 0)
            words.Add("[red]leaving[/]");
        if ((flags & NodeFlags.Expelling) != 0)
            words.Add("[yellow]expelling[/]");
        if ((flags & NodeFlags.Blocked) != 0)
            words.Add("[yellow]blocked[/]");
        return words.Count == 0 ? "[green]open[/]" : string.Join(' ', words);
    }
}

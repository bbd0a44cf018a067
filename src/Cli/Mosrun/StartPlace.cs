using Mosix.Cli.Cluster;
using Mosix.Shim.Local;

namespace Mosix.Cli.Mosrun;

/// <summary>mosrun -r NODE and -b: the program is moved there as soon as it has started.</summary>
/// <remarks>
/// A dynamically linked program then maps its libraries away from home: from the node's own
/// copies, when they are identical to home's and anyone may read them (FileMappingsAway); any other
/// file mapping takes it home first (docs/migration.md).
/// </remarks>
internal static class StartPlace
{
    /// <summary>The value of <see cref="MosrunSettings.StartOn"/> that means -b.</summary>
    public const string Best = "\0best";

    /// <summary>Null when the program runs where it should (or at home with -F); else mosrun's exit code.</summary>
    public static int? MoveAtStart(MosrunSession session, string place, bool force)
    {
        string? why = null;
        string? node = place == Best ? BestNode(out why) : place;
        string problem;
        if (node is null)
            problem = why!;
        else
        {
            var reply = session.Relocation.MoveTo(node);
            if (reply.Ok)
                return null;
            problem = reply.Message;
        }
        if (force)
        {
            Console.Error.WriteLine($"mosrun: {problem}; running at home (-F)");
            return null;
        }
        return Fail.With(MosrunCommand.Name, $"{problem} (-F runs it at home instead)", 1);
    }

    /// <summary>The least loaded other node, by load per unit of speed; null if there is none.</summary>
    private static string? BestNode(out string? why)
    {
        why = null;
        try
        {
            var view = AgentCall.View(StateDirectory.Resolve(null));
            const uint Unavailable = 1 | 2 | 4; // blocked, expelling, leaving
            var best = view.Nodes
                .Where(n => n.Node != view.Self.Node && (n.Flags & Unavailable) == 0)
                .OrderBy(n => (n.Load + 1) / Math.Max(n.Speed * Math.Max(n.Cores, 1), 0.01))
                .FirstOrDefault();
            if (best is null)
                why = "no other node is available";
            return best?.Node;
        }
        catch (AgentUnreachableException e)
        {
            why = e.Message;
            return null;
        }
    }
}

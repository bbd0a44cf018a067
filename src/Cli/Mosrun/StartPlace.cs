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

    /// <summary>
    /// Null when the program runs where it should (or at home with -F), or ended before it could
    /// move (mosrun then ends as it did); else mosrun's exit code. It moves once it has exec'd, so
    /// what moves is the program, never mosrun's own start-up code.
    /// </summary>
    public static int? MoveAtStart(MosrunSession session, Sandbox.Supervision.Supervisor supervisor, string place, bool force, long memoryBytes)
    {
        try
        {
            supervisor.Executed.GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            return null; // it never started (its exec failed): mosrun says why, with the shell's status
        }
        string? why = null;
        string? node = place == Best ? BestNode(memoryBytes, out why) : place;
        string problem;
        if (node is null && why is null)
            return null; // home is the best place
        if (node is null)
            problem = why!;
        else
        {
            var reply = session.Relocation.MoveTo(node);
            if (reply.Ok)
                session.Tree.StartedOn(node);
            if (reply.Ok || Ended(supervisor))
                return null; // moved, or too short-lived to move: either way its own status is mosrun's
            problem = reply.Message;
        }
        if (force)
        {
            Console.Error.WriteLine($"mosrun: {problem}; running at home (-F)");
            return null;
        }
        return Fail.With(MosrunCommand.Name, $"{problem} (-F runs it at home instead)", 1);
    }

    /// <summary>
    /// Whether the program ended during the move's attempt (a program that runs for less than a
    /// move takes, like <c>echo</c>): its exit may still be on its way to the supervisor.
    /// </summary>
    private static bool Ended(Sandbox.Supervision.Supervisor supervisor)
    {
        for (int i = 0; i < 20; i++)
        {
            if (supervisor.Completion.IsCompleted || Sandbox.Supervision.ProcessStatus.HasEnded(supervisor.RootPid))
                return true;
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>The node placement would choose (the agent's answer, as mosbestnode prints it); null with <paramref name="why"/> when there is none, or when home is best (why null).</summary>
    private static string? BestNode(long memoryBytes, out string? why)
    {
        why = null;
        try
        {
            var best = AgentCall.BestNode(StateDirectory.Resolve(null), memoryBytes);
            if (best.Node.Length == 0)
                why = best.Reason;
            return best.AtHome ? null : best.Node.Length > 0 ? best.Node : null;
        }
        catch (AgentUnreachableException e)
        {
            why = e.Message;
            return null;
        }
    }
}

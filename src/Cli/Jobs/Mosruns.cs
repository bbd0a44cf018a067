using System.Globalization;
using System.Net.Sockets;
using Mosix.Shim.Local;

namespace Mosix.Cli.Jobs;

/// <summary>
/// The user's running mosruns, found by their control sockets in the runtime folder (as mosps
/// finds them), and the members of a job (mosrun -J ID) among them.
/// </summary>
internal static class Mosruns
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(2);

    /// <summary>One process of a supervised tree: its pid (the home pid) and its mosrun's socket.</summary>
    public sealed record Member(int Pid, string Socket);

    /// <summary>
    /// Every program whose mosrun answers, with its job ("" for none). A stopped job's mosrun
    /// (Ctrl-Z) cannot answer, and is left out.
    /// </summary>
    public static List<(Member Member, string Job)> All()
    {
        var found = new List<(Member, string)>();
        foreach (string socket in Sockets())
        {
            if (Ask(socket, "members") is not { } listing || Ask(socket, "job") is not { } job)
                continue;
            // Every process of the tree: a job is all that its programs created.
            foreach (var entry in TreeListing.Parse(listing))
                found.Add((new Member(entry.Pid, socket), job));
        }
        return found;
    }

    /// <summary>The members of job <paramref name="job"/>.</summary>
    public static List<Member> InJob(string job) => All().Where(m => m.Job == job).Select(m => m.Member).ToList();

    /// <summary>
    /// The control sockets of your mosruns, one per program: each is named by its program's pid,
    /// with an alias (a symbolic link) named by mosrun's, which is left out.
    /// </summary>
    public static IEnumerable<string> Sockets() => TreeAddress.AllSockets();

    /// <summary>One request to a mosrun; its answer, or null if it failed or nobody answered in time.</summary>
    public static string? Ask(string socket, string request)
    {
        try
        {
            var reply = ControlLine.Ask(socket, request, s_patience);
            return reply.Ok ? reply.Message : null;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

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

    /// <summary>One supervised program: its pid (the home pid) and its mosrun's socket.</summary>
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
            if (Ask(socket, "status") is not { } status || Ask(socket, "job") is not { } job)
                continue;
            string[] parts = status.Split(' ', 4);
            if (parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                found.Add((new Member(pid, socket), job));
        }
        return found;
    }

    /// <summary>The members of job <paramref name="job"/>.</summary>
    public static List<Member> InJob(string job) => All().Where(m => m.Job == job).Select(m => m.Member).ToList();

    /// <summary>
    /// The control sockets of your mosruns, one per program: each is named by its program's pid,
    /// with an alias (a symbolic link) named by mosrun's, which is left out.
    /// </summary>
    public static IEnumerable<string> Sockets()
    {
        string folder = RuntimeDirectory.Path();
        if (!Directory.Exists(folder))
            return [];
        return Directory.EnumerateFiles(folder, "process-*.sock").Where(s => new FileInfo(s).LinkTarget is null);
    }

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

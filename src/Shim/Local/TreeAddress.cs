using System.Globalization;
using System.Net.Sockets;

namespace Mosix.Shim.Local;

/// <summary>
/// Finds the mosrun whose tree holds a process and asks it about that process, for commands that
/// are given a pid (<c>migrate PID</c>): the program mosrun started has a control socket named by
/// its pid; any other process of a tree is reached through the socket of the nearest ancestor
/// that has one (a process away still has its deputy, with its parent, at home); and a process
/// whose parent is gone (re-parented out of its tree) through whichever mosrun lists it.
/// </summary>
public static class TreeAddress
{
    /// <summary>How far up the parents to look: deeper trees are found by the listing instead.</summary>
    private const int MaxDepth = 64;

    /// <summary>
    /// Sends <paramref name="request"/> for process <paramref name="pid"/> to its mosrun; the reply,
    /// or null when no mosrun of the user's has it in its tree.
    /// </summary>
    /// <exception cref="IOException">Its mosrun was found but did not answer in time.</exception>
    public static ControlLine.Reply? Ask(int pid, string request, TimeSpan timeout)
    {
        string addressed = ControlLine.For(pid, request);
        var asked = new HashSet<string>();
        foreach (string socket in Candidates(pid))
        {
            if (!asked.Add(socket))
                continue;
            var reply = TryAsk(socket, addressed, timeout, notIfStopped: true);
            if (reply is not null && !IsNotMine(reply, pid))
                return reply;
        }
        foreach (string socket in AllSockets())
        {
            if (asked.Contains(socket) || TryAsk(socket, "members", TimeSpan.FromSeconds(2)) is not { Ok: true } listing)
                continue;
            if (TreeListing.Parse(listing.Message).Any(e => e.Pid == pid))
                return TryAsk(socket, addressed, timeout, notIfStopped: true);
        }
        return null;
    }

    /// <summary>The reply of a mosrun whose tree does not hold the process (see MosrunSession).</summary>
    private static bool IsNotMine(ControlLine.Reply reply, int pid) =>
        !reply.Ok && reply.Message == $"process {pid} is not running under this mosrun";

    /// <summary>The sockets of the process itself and of its ancestors, nearest first.</summary>
    private static IEnumerable<string> Candidates(int pid)
    {
        for (int p = pid, depth = 0; p > 1 && depth < MaxDepth; p = ParentOf(p), depth++)
        {
            string socket = RuntimeDirectory.ProcessSocket(p);
            if (File.Exists(socket))
                yield return socket;
        }
    }

    /// <summary>Every mosrun's own socket (aliases named by mosrun's pid left out).</summary>
    public static IEnumerable<string> AllSockets()
    {
        string folder = RuntimeDirectory.Path();
        if (!Directory.Exists(folder))
            return [];
        return Directory.EnumerateFiles(folder, "process-*.sock").Where(s => new FileInfo(s).LinkTarget is null);
    }

    private static ControlLine.Reply? TryAsk(string socket, string request, TimeSpan timeout, bool notIfStopped = false)
    {
        try
        {
            return ControlLine.Ask(socket, request, timeout, notIfStopped);
        }
        catch (SocketException)
        {
            return null; // a stale socket of a mosrun that is gone
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 3);
            return int.Parse(rest[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }
}

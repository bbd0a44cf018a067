using System.Globalization;

namespace Mosix.Shim.Local;

/// <summary>
/// The reply to "members": every process of a mosrun's tree on one line, entries separated by
/// tabs, each <c>PID PPID WHERE STATE STARTED_UNIX_MS COMMAND</c> (the command last: it may hold
/// blanks; tabs in it become blanks).
/// </summary>
public static class TreeListing
{
    /// <param name="ParentPid">The process of the tree that created it; 0 for the root.</param>
    /// <param name="Where">"home", or the node it runs on.</param>
    /// <param name="State">running, away, migrating, frozen.</param>
    public sealed record Entry(int Pid, int ParentPid, string Where, string State, DateTimeOffset StartedAt, string Command);

    public static string Format(IEnumerable<Entry> entries) => string.Join('\t', entries.Select(e =>
        string.Create(CultureInfo.InvariantCulture,
            $"{e.Pid} {e.ParentPid} {e.Where} {e.State} {e.StartedAt.ToUnixTimeMilliseconds()} {e.Command.Replace('\t', ' ')}")));

    /// <summary>The entries of a reply; malformed ones are left out.</summary>
    public static List<Entry> Parse(string reply)
    {
        var entries = new List<Entry>();
        foreach (string item in reply.Split('\t', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = item.Split(' ', 6);
            if (f.Length == 6
                && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent)
                && long.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out long started))
                entries.Add(new Entry(pid, parent, f[2], f[3], DateTimeOffset.FromUnixTimeMilliseconds(started), f[5]));
        }
        return entries;
    }
}

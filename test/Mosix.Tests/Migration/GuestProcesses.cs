using System.Globalization;
using Mosix.Tests.Agent;

namespace Mosix.Tests.Migration;

/// <summary>Processes of a migration as the host's /proc shows them: guest hosts and their children.</summary>
internal static class GuestProcesses
{
    /// <summary>Guest hosts running now (<c>mosix guest</c> processes), by pid.</summary>
    public static List<int> Hosts() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(d => d!.All(char.IsAsciiDigit))
            .Select(d => int.Parse(d!, CultureInfo.InvariantCulture))
            .Where(pid =>
            {
                try { return File.ReadAllText($"/proc/{pid}/cmdline").StartsWith(AgentCluster.Bin("mosix") + "\0guest", StringComparison.Ordinal); }
                catch (IOException) { return false; }
            })
            .ToList();

    /// <summary>The children of <paramref name="pid"/> (forked by any of its threads: a tracer thread, say).</summary>
    public static List<int> ChildrenOf(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task")
            .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
            .ToList();
}

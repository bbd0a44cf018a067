using System.Globalization;

namespace Mosix.Agent.Measuring;

/// <summary>
/// The share of the machine this agent's node is: the CPU and memory limits of the control groups
/// it runs in (v2 <c>cpu.max</c>/<c>memory.max</c>, or v1 CFS quota and memory limit). A node
/// confined to a group is that group: its capacity is the group's limit, its load the runnable
/// threads in the group, its free memory what the group may still use. Several agents on one
/// machine can so be nodes of different sizes (the placement tests), and an admin can lend a
/// workstation's share to the cluster the same way.
/// </summary>
public sealed class NodeConfinement
{
    private readonly string? _threadsFile;
    private readonly string? _memoryUsageFile;

    private NodeConfinement(string? threadsFile, double? cpuLimit, long? memoryLimit, string? memoryUsageFile)
    {
        _threadsFile = threadsFile;
        CpuLimit = cpuLimit;
        MemoryLimit = memoryLimit;
        _memoryUsageFile = memoryUsageFile;
    }

    /// <summary>Cores' worth of CPU time the group may use; null: not limited.</summary>
    public double? CpuLimit { get; }

    /// <summary>Bytes the group may use; null: not limited.</summary>
    public long? MemoryLimit { get; }

    /// <summary>True when the CPU load is the group's own, not the machine's.</summary>
    public bool CountsOwnThreads => _threadsFile is not null;

    /// <summary>Not confined: the whole machine.</summary>
    public static NodeConfinement None { get; } = new(null, null, null, null);

    /// <summary>The groups this process runs in.</summary>
    public static NodeConfinement OfThisProcess()
    {
        string? table = Read("/proc/self/cgroup");
        return table is null ? None : From(table, "/sys/fs/cgroup", File.Exists);
    }

    /// <summary>Reads the limits, given /proc/self/cgroup's text and where the hierarchies are mounted.</summary>
    public static NodeConfinement From(string procSelfCgroup, string mountRoot, Func<string, bool> exists)
    {
        string? unified = null, cpuV1 = null, memoryV1 = null;
        foreach (var line in procSelfCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
                continue;
            var controllers = parts[1].Split(',');
            if (parts[0] == "0" && parts[1].Length == 0)
                unified = parts[2];
            else if (controllers.Contains("cpu") && parts[2] != "/")
                cpuV1 = $"{mountRoot}/{parts[1]}{parts[2]}";
            else if (controllers.Contains("memory"))
                memoryV1 = $"{mountRoot}/{parts[1]}{parts[2]}";
        }

        string? threads = null, memoryUsage = null;
        double? cpu = null;
        long? memory = null;
        if (cpuV1 is not null && exists($"{cpuV1}/cpu.cfs_quota_us"))
        {
            threads = $"{cpuV1}/tasks";
            cpu = Quota(Read($"{cpuV1}/cpu.cfs_quota_us"), Read($"{cpuV1}/cpu.cfs_period_us"));
        }
        else if (unified is not null && unified != "/" && exists($"{mountRoot}{unified}/cpu.max"))
        {
            string dir = mountRoot + unified;
            threads = $"{dir}/cgroup.threads";
            var max = Read($"{dir}/cpu.max")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            cpu = max is { Length: 2 } ? Quota(max[0], max[1]) : null;
        }
        if (memoryV1 is not null && exists($"{memoryV1}/memory.limit_in_bytes"))
        {
            memory = Bytes(Read($"{memoryV1}/memory.limit_in_bytes"));
            memoryUsage = $"{memoryV1}/memory.usage_in_bytes";
        }
        else if (unified is not null && unified != "/" && exists($"{mountRoot}{unified}/memory.max"))
        {
            memory = Bytes(Read($"{mountRoot}{unified}/memory.max"));
            memoryUsage = $"{mountRoot}{unified}/memory.current";
        }
        return new NodeConfinement(threads, cpu, memory, memory is null ? null : memoryUsage);
    }

    /// <summary>
    /// Runnable threads in the group, this agent's and Mosix's own left out; null if they cannot
    /// be read. Threads, as the unconfined load (procs_running) counts them and as placement counts
    /// demand: a 4-thread program is 4 cores of work (docs/migration.md, "Threads"). A runtime's
    /// burst of threads at start-up is damped by the load's smoothing.
    /// </summary>
    public int? RunnableThreads() => RunnableThreads(static _ => false);

    /// <summary>As <see cref="RunnableThreads()"/>, leaving out the processes <paramref name="skip"/> picks (guests, say).</summary>
    public int? RunnableThreads(Func<int, bool> skip)
    {
        if (_threadsFile is null || Read(_threadsFile) is not { } list)
            return null;
        int self = Environment.ProcessId;
        int running = 0;
        var ours = new HashSet<int>();
        var theirs = new HashSet<int>();
        foreach (var tid in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Read($"/proc/{tid}/status") is not { } status || TgidOf(status) is not { } tgid || tgid == self || ours.Contains(tgid))
                continue; // gone, or the probe itself, or Mosix's
            if (!theirs.Contains(tgid))
            {
                if (skip(tgid) || IsMosix(tgid))
                {
                    ours.Add(tgid); // a supervisor or guest host: Mosix's own upkeep, not work to place
                    continue;
                }
                theirs.Add(tgid);
            }
            if (Read($"/proc/{tgid}/task/{tid}/stat") is { } stat && StateOf(stat) == 'R')
                running++;
        }
        return running;
    }

    private static readonly string? s_binFolder = Path.GetDirectoryName(Environment.ProcessPath);

    /// <summary>
    /// True for Mosix's own processes: mosrun and guest hosts (bin/mosix) and agents (bin/mosixd)
    /// beside this agent. Not an incarnation restored away, whose program is bin/mosix-restore.
    /// </summary>
    private static bool IsMosix(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget is { } exe && Path.GetDirectoryName(exe) == s_binFolder &&
                Path.GetFileName(exe) is "mosix" or "mosixd";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int? TgidOf(string status)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                return int.TryParse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int tgid) ? tgid : null;
        }
        return null;
    }

    /// <summary>Bytes the group may still use; null when it has no memory limit.</summary>
    public long? FreeMemory() =>
        MemoryLimit is { } limit && _memoryUsageFile is not null && Bytes(Read(_memoryUsageFile)) is { } used ? Math.Max(0, limit - used) : null;

    /// <summary>The state letter of a /proc/PID/stat line (after the command's closing parenthesis).</summary>
    public static char StateOf(string stat)
    {
        int close = stat.LastIndexOf(')');
        return close >= 0 && close + 2 < stat.Length ? stat[close + 2] : '?';
    }

    private static double? Quota(string? quota, string? period)
    {
        if (!double.TryParse(quota?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double q) || q <= 0 ||
            !double.TryParse(period?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p <= 0)
            return null; // "max", -1: no limit
        return q / p;
    }

    /// <summary>A byte count, or null for "max" and v1's "no limit" (a page-rounded 2^63).</summary>
    private static long? Bytes(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n < (1L << 60) ? n : null;

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

namespace Mosix.Tests.Harness;

/// <summary>Reads the process tree from /proc and ends parts of it, always one pid at a time.</summary>
/// <remarks>
/// The test host is a child subreaper (<see cref="Libc.BecomeChildSubreaper"/>), so whatever a command leaves
/// behind when it exits is re-parented to the test host and shows up in <see cref="AdoptedOrphans"/>.
/// </remarks>
internal static class ProcessTree
{
    public readonly record struct ProcInfo(int Pid, int ParentPid, char State, string Name)
    {
        public bool IsDead => State is 'Z' or 'X';

        public bool IsStopped => State is 'T' or 't';

        public override string ToString() => $"pid {Pid} ({Name}, state {State}, parent {ParentPid})";
    }

    /// <summary>One process from /proc/PID/stat (proc(5)), or null if it is gone.</summary>
    public static ProcInfo? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid ...": comm may itself hold spaces and parentheses, so split at the last ')'.
        int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
        string[] rest = stat[(close + 2)..].Split(' ');
        return new ProcInfo(pid, int.Parse(rest[1]), rest[0][0], stat[(open + 1)..close]);
    }

    public static List<ProcInfo> All()
    {
        var all = new List<ProcInfo>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && Read(pid) is { } info)
                all.Add(info);
        }
        return all;
    }

    public static List<ProcInfo> ChildrenOf(int pid) => All().Where(p => p.ParentPid == pid).ToList();

    /// <summary>Children of the test host that no running command owns: what finished commands left behind.</summary>
    public static List<ProcInfo> AdoptedOrphans(Func<int, bool> isOwned) =>
        ChildrenOf(Environment.ProcessId).Where(p => !isOwned(p.Pid)).ToList();

    /// <summary>Ends <paramref name="root"/> and all its descendants: SIGSTOP each (so none forks more), then SIGKILL each.</summary>
    public static IReadOnlyList<int> KillTree(int root)
    {
        var doomed = new List<int>();
        var seen = new HashSet<int>();
        void Freeze(int pid)
        {
            if (seen.Add(pid) && Libc.Kill(pid, Signals.SIGSTOP))
                doomed.Add(pid);
        }

        Freeze(root);
        for (int round = 0; round < 50; round++)
        {
            var newcomers = All().Where(p => seen.Contains(p.ParentPid) && !seen.Contains(p.Pid)).ToList();
            if (newcomers.Count == 0)
                break;
            newcomers.ForEach(p => Freeze(p.Pid));
        }
        foreach (int pid in doomed)
            Libc.Kill(pid, Signals.SIGKILL);
        return doomed;
    }

    /// <summary>
    /// Reaps dead orphans; gives live ones <paramref name="grace"/> to end by themselves (a tracee killed by its
    /// tracer's exit may still be on its way out), then kills them. Returns the ones that had to be killed.
    /// </summary>
    public static List<ProcInfo> EndAdoptedOrphans(Func<int, bool> isOwned, TimeSpan grace)
    {
        var killed = new List<ProcInfo>();
        var graceEnds = DateTime.UtcNow + grace;
        var giveUp = graceEnds + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < giveUp)
        {
            var orphans = AdoptedOrphans(isOwned);
            foreach (var dead in orphans.Where(p => p.IsDead))
                Libc.TryReap(dead.Pid);
            var live = orphans.Where(p => !p.IsDead).ToList();
            if (orphans.Count == 0)
                return killed;
            if (live.Count > 0 && DateTime.UtcNow >= graceEnds)
            {
                foreach (var p in live.Where(p => !killed.Any(k => k.Pid == p.Pid)))
                {
                    killed.Add(p);
                    KillTree(p.Pid);
                }
            }
            Thread.Sleep(20);
        }
        return killed;
    }

    /// <summary>The real uid of a process, from the "Uid:" line of /proc/PID/status; null if it is gone.</summary>
    public static int? RealUid(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

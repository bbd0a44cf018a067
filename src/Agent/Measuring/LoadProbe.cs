namespace Mosix.Agent.Measuring;

/// <summary>
/// Measures this node once per round: run-queue length, memory, cores. The run queue is sampled
/// (procs_running, less the probe itself; or the runnable threads of the node's control group)
/// and smoothed, as MOSIX smooths its load, so one busy instant does not look like a busy node and
/// a real burst shows within two or three rounds.
/// </summary>
public sealed class LoadProbe(double extraLoad, NodeConfinement confinement)
{
    /// <summary>Weight of the newest sample: after n rounds an old level has faded to (1 - Smoothing)^n.</summary>
    private const double Smoothing = 0.5;

    private double? _load;

    public Measurement Measure()
    {
        double running = confinement.RunnableThreads() ??
            Math.Max(0, (ReadOrNull("/proc/stat") is { } stat ? ProcFiles.RunningThreads(stat) ?? 1 : 1) - 1);
        _load = _load is { } previous ? previous + Smoothing * (running - previous) : running;
        string meminfo = ReadOrNull("/proc/meminfo") ?? "";
        long total = ProcFiles.MemInfoBytes(meminfo, "MemTotal") ?? 0;
        long free = ProcFiles.MemInfoBytes(meminfo, "MemAvailable") ?? ProcFiles.MemInfoBytes(meminfo, "MemFree") ?? 0;
        if (confinement.MemoryLimit is { } limit && limit < total)
        {
            total = limit;
            free = Math.Min(free, confinement.FreeMemory() ?? free);
        }
        var (cores, share) = Cores(confinement.CpuLimit);
        return new Measurement(cores, _load.Value + extraLoad, free, total, share);
    }

    /// <summary>
    /// Whole cores, and the share of each a CPU limit leaves: 0.75 of the machine is one core at
    /// three quarters of its speed; 1.5 is two cores at three quarters.
    /// </summary>
    public static (int Cores, double Share) Cores(double? limit)
    {
        int machine = Environment.ProcessorCount;
        if (limit is not { } cpu || cpu >= machine)
            return (machine, 1.0);
        int cores = Math.Max(1, (int)Math.Ceiling(cpu - 1e-9));
        return (cores, cpu / cores);
    }

    private static string? ReadOrNull(string path)
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

/// <summary>One measurement of this node.</summary>
/// <param name="CoreShare">The fraction of each core's time the node may use (its CPU limit); 1 when unconfined.</param>
public readonly record struct Measurement(int Cores, double Load, long FreeMemory, long TotalMemory, double CoreShare = 1.0);

namespace Mosix.Agent.Measuring;

/// <summary>
/// Measures this node once per round: run-queue length, memory, cores. The run queue is sampled
/// (procs_running, less the probe itself) and smoothed, as MOSIX smooths its load, so one busy
/// instant does not look like a busy node and a real burst shows within two or three rounds.
/// </summary>
public sealed class LoadProbe(double extraLoad)
{
    /// <summary>Weight of the newest sample: after n rounds an old level has faded to (1 - Smoothing)^n.</summary>
    private const double Smoothing = 0.5;

    private double? _load;

    public Measurement Measure()
    {
        double running = Math.Max(0, (ReadOrNull("/proc/stat") is { } stat ? ProcFiles.RunningThreads(stat) ?? 1 : 1) - 1);
        _load = _load is { } previous ? previous + Smoothing * (running - previous) : running;
        string meminfo = ReadOrNull("/proc/meminfo") ?? "";
        long total = ProcFiles.MemInfoBytes(meminfo, "MemTotal") ?? 0;
        long free = ProcFiles.MemInfoBytes(meminfo, "MemAvailable") ?? ProcFiles.MemInfoBytes(meminfo, "MemFree") ?? 0;
        return new Measurement(Environment.ProcessorCount, _load.Value + extraLoad, free, total);
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
public readonly record struct Measurement(int Cores, double Load, long FreeMemory, long TotalMemory);

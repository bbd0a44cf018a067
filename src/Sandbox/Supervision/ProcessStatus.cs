namespace Mosix.Sandbox.Supervision;

/// <summary>What /proc says of a process: its command name, whether it is stopped, its resident memory.</summary>
public static class ProcessStatus
{
    /// <summary>The process's command name (/proc/PID/comm), or null if it is gone.</summary>
    public static string? Comm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when the process is stopped by a signal (state T; not a tracer's passing stop, t).</summary>
    public static bool IsStopped(int pid) => Stat(pid) is { State: 'T' };

    /// <summary>Its resident memory in bytes (/proc/PID/statm), what a move would send; null if it is gone.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            string[] statm = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
            return long.Parse(statm[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True when the process has ended: no such pid, or a zombie not yet waited for.</summary>
    public static bool HasEnded(int pid) => Stat(pid) is not { State: not ('Z' or 'X') };

    /// <summary>
    /// The CPU time its threads have used (/proc/PID/stat utime + stime); null if it is gone.
    /// </summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // After the command name: state is field 3, utime and stime are fields 14 and 15.
            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long ticks = long.Parse(rest[11], System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(rest[12], System.Globalization.CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Whether a SIGCONT is pending for task <paramref name="tid"/>, to it or to its process (SigPnd, ShdPnd of /proc/TID/status).</summary>
    public static bool HasPendingSigcont(int tid)
    {
        const ulong SigcontBit = 1UL << (18 - 1);
        try
        {
            foreach (string line in File.ReadLines($"/proc/{tid}/status"))
            {
                if ((line.StartsWith("SigPnd:", StringComparison.Ordinal) || line.StartsWith("ShdPnd:", StringComparison.Ordinal))
                    && ulong.TryParse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out ulong pending)
                    && (pending & SigcontBit) != 0)
                    return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone: its end is reported next.
        }
        return false;
    }

    /// <summary>How many threads it has (/proc/PID/task); 0 if it is gone.</summary>
    public static int ThreadCount(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>USER_HZ, the unit of /proc's CPU times: 100 on every Linux this runs on (x86-64).</summary>
    private const int ClockTicksPerSecond = 100;

    /// <summary>The parent's pid, or 0 if the process is gone.</summary>
    public static int ParentOf(int pid) => Stat(pid)?.Parent ?? 0;

    private static (char State, int Parent)? Stat(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // State and parent follow the command name, which is in parentheses and may hold anything.
            string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 3);
            return (rest[0][0], int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}

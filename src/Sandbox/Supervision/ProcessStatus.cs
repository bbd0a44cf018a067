namespace Mosix.Sandbox.Supervision;

/// <summary>What /proc says of a process: its command name and whether it is stopped.</summary>
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

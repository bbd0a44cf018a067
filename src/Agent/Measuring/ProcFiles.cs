using System.Globalization;

namespace Mosix.Agent.Measuring;

/// <summary>Parsers for the /proc files the agent measures from (proc(5)); pure, so tests feed them text.</summary>
public static class ProcFiles
{
    /// <summary>"procs_running N" of /proc/stat: threads runnable right now, this reader included.</summary>
    public static int? RunningThreads(string procStat)
    {
        foreach (var line in procStat.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("procs_running "))
                return int.TryParse(line["procs_running ".Length..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
        }
        return null;
    }

    /// <summary>A "Name: N kB" field of /proc/meminfo, in bytes.</summary>
    public static long? MemInfoBytes(string memInfo, string field)
    {
        foreach (var line in memInfo.AsSpan().EnumerateLines())
        {
            if (line.Length > field.Length && line.StartsWith(field) && line[field.Length] == ':')
            {
                var rest = line[(field.Length + 1)..].Trim();
                bool kilobytes = rest.EndsWith(" kB");
                if (kilobytes)
                    rest = rest[..^3].Trim();
                return long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? (kilobytes ? n * 1024 : n) : null;
            }
        }
        return null;
    }
}

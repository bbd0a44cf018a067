using System.Globalization;

namespace Mosix.Sandbox.Forwarding;

/// <summary>Whether a process has a handler for a signal, from /proc/PID/status (no injection needed).</summary>
public static class SignalDispositions
{
    /// <summary>True if <paramref name="pid"/> catches <paramref name="signal"/> (SigCgt); false if it ignores it, leaves the default, or is gone.</summary>
    public static bool IsCaught(int pid, int signal)
    {
        if (signal is < 1 or > 64)
            return false;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("SigCgt:", StringComparison.Ordinal) &&
                    ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caught))
                    return (caught & (1UL << (signal - 1))) != 0;
            }
        }
        catch (IOException)
        {
            // Gone: nothing to restart.
        }
        return false;
    }
}

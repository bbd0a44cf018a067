using System.Diagnostics;
using System.Globalization;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    /// <summary>The signals mosrun passes on when a process (not the terminal) sends them to mosrun.</summary>
    private static readonly int[] s_forwarded =
    [
        Libc.SIGHUP, Libc.SIGINT, Libc.SIGQUIT, Libc.SIGTERM, Libc.SIGUSR1, Libc.SIGUSR2, Libc.SIGALRM,
        Libc.SIGTSTP, Libc.SIGTTIN, Libc.SIGTTOU, Libc.SIGCONT, Libc.SIGWINCH,
    ];

    /// <summary>How recent a signal the root got must be to count as the same one sent to mosrun.</summary>
    private static readonly long s_sameSignalWindow = Stopwatch.Frequency / 4;

    private unsafe void ForwardOwnSignals()
    {
        fixed (int* signals = s_forwarded)
        {
            int r = Native.SignalsForward(signals, s_forwarded.Length, Tracer.Tid);
            if (r < 0)
                throw new InvalidOperationException($"cannot install signal handlers: {Errno.Describe(-r)}");
        }
    }

    /// <summary>
    /// Passes on the signals mosrun got from other processes. A signal sent to the whole process
    /// group (kill -TERM -PGID, a shell's fg) has reached the program already: it is pending there,
    /// or the program got it moments ago. Only a signal aimed at mosrun alone is sent on.
    /// </summary>
    private void PassOnOwnSignals()
    {
        if (!_tracees.TryGetValue(RootPid, out var root))
            return;
        foreach (int signal in s_forwarded)
        {
            for (int n = Native.SignalsTake(signal); n > 0; n--)
            {
                if (IsPending(RootPid, signal) || TakeRecentArrival(root, signal))
                {
                    _options.EventLog?.WriteLine($"SIG{Libc.SignalName(signal)} sent to mosrun: the program has it already");
                    continue;
                }
                _options.EventLog?.WriteLine($"SIG{Libc.SignalName(signal)} sent to mosrun: passed on");
                Libc.Kill(RootPid, signal);
            }
        }
    }

    private static bool TakeRecentArrival(Tracee root, int signal)
    {
        long when = root.LastSignalArrival[signal];
        root.LastSignalArrival[signal] = 0;
        return when != 0 && Stopwatch.GetTimestamp() - when < s_sameSignalWindow;
    }

    /// <summary>Whether <paramref name="signal"/> is queued for the process (/proc/PID/status SigPnd, ShdPnd).</summary>
    private static bool IsPending(int pid, int signal)
    {
        try
        {
            ulong bit = 1UL << (signal - 1);
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("SigPnd:", StringComparison.Ordinal) && !line.StartsWith("ShdPnd:", StringComparison.Ordinal))
                    continue;
                if ((ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & bit) != 0)
                    return true;
            }
        }
        catch (IOException)
        {
            // The process is gone; nothing to pass on to.
        }
        return false;
    }

    /// <summary>
    /// The program stopped (Ctrl-Z, SIGSTOP, a background read): mosrun stops too, with the same
    /// signal, so the shell sees the job stopped. A later SIGCONT (fg, bg) continues both.
    /// </summary>
    private void StopAlongWith(int signal)
    {
        _options.EventLog?.WriteLine($"stopping along with the program (SIG{Libc.SignalName(signal)})");
        _options.EventLog?.Flush();
        Native.StopSelf(signal);
        _options.EventLog?.WriteLine("continued");
    }
}

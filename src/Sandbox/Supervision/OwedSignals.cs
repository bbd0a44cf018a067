namespace Mosix.Sandbox.Supervision;

/// <summary>
/// Signals that Mosix itself sends a tracee for its own ends (the deputy's interrupt, which cuts
/// short a forwarded call when the process must move), counted as they are sent and absorbed as
/// they arrive, wherever that is: at a signal-delivery stop, stashed during an injected call, or
/// after the process it was meant for has come home and runs its own code again. None ever
/// reaches the program.
/// </summary>
/// <remarks>
/// Real-time signals queue one instance per kill(2), so one count is one arrival. Sent from any
/// thread; absorbed on the tracer thread. A program's own instance of the same signal that arrives
/// while one of ours is owed is taken for ours: MOSIX reserves its signals the same way.
/// </remarks>
public sealed class OwedSignals
{
    private readonly int[] _owed = new int[65];

    /// <summary>Counts one instance of <paramref name="signal"/> as ours, before it is sent.</summary>
    public void Owe(int signal) => Interlocked.Increment(ref _owed[signal]);

    /// <summary>True (and one instance fewer owed) when <paramref name="signal"/> is one of ours.</summary>
    public bool TryAbsorb(int signal)
    {
        if (signal is <= 0 or > 64)
            return false;
        while (true)
        {
            int owed = Volatile.Read(ref _owed[signal]);
            if (owed == 0)
                return false;
            if (Interlocked.CompareExchange(ref _owed[signal], owed - 1, owed) == owed)
                return true;
        }
    }
}

using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Tracing;

/// <summary>
/// A status from waitpid(2), decoded for a ptrace supervisor (see ptrace(2), "Stopped tracee").
/// </summary>
/// <remarks>
/// Layout of a stop: <c>(event &lt;&lt; 16) | (signal &lt;&lt; 8) | 0x7f</c>; a syscall stop has
/// signal <c>SIGTRAP | 0x80</c> (PTRACE_O_TRACESYSGOOD).
/// </remarks>
public readonly record struct WaitStatus(int Raw)
{
    public bool Exited => (Raw & 0x7f) == 0;
    public bool Signaled => (Raw & 0x7f) != 0 && (Raw & 0x7f) != 0x7f;
    public bool Stopped => (Raw & 0xff) == 0x7f;

    /// <summary>The exit code, when <see cref="Exited"/>.</summary>
    public int ExitCode => (Raw >> 8) & 0xff;

    /// <summary>The killing signal, when <see cref="Signaled"/>.</summary>
    public int TermSignal => Raw & 0x7f;

    /// <summary>True when the killing signal dumped core.</summary>
    public bool CoreDumped => (Raw & 0x80) != 0;

    /// <summary>The stop signal, when <see cref="Stopped"/> (0x80 bit of syscall stops removed).</summary>
    public int StopSignal => (Raw >> 8) & 0x7f;

    /// <summary>The PTRACE_EVENT_* number of an event stop, else 0.</summary>
    public int Event => (Raw >> 16) & 0xff;

    /// <summary>A syscall-entry or -exit stop (PTRACE_SYSCALL with TRACESYSGOOD).</summary>
    public bool IsSyscallStop => Stopped && ((Raw >> 8) & 0xff) == (Libc.SIGTRAP | 0x80);

    /// <summary>A stop in which a signal is about to be delivered (ptrace(2): signal-delivery-stop).</summary>
    public bool IsSignalDelivery => Stopped && Event == 0 && !IsSyscallStop;

    /// <summary>PTRACE_EVENT_STOP caused by a stop signal: the thread joined a group-stop.</summary>
    public bool IsGroupStop => Stopped && Event == Ptrace.PTRACE_EVENT_STOP &&
        StopSignal is Libc.SIGSTOP or Libc.SIGTSTP or Libc.SIGTTIN or Libc.SIGTTOU;

    public override string ToString() =>
        Exited ? $"exited {ExitCode}" :
        Signaled ? $"killed by SIG{Libc.SignalName(TermSignal)}" :
        IsSyscallStop ? "syscall stop" :
        Event != 0 ? $"event {Event} (SIG{Libc.SignalName(StopSignal)})" :
        $"signal SIG{Libc.SignalName(StopSignal)}";
}

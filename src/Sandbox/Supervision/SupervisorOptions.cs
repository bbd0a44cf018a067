using Mosix.Sandbox.Syscalls;

namespace Mosix.Sandbox.Supervision;

/// <summary>How a <see cref="Supervisor"/> runs its tree.</summary>
public sealed record SupervisorOptions
{
    /// <summary>Which calls stop for the supervisor; <see cref="TrapPolicy.Home"/> by default.</summary>
    public TrapPolicy Policy { get; init; } = TrapPolicy.Home;

    /// <summary>Where to write one line per trapped call (<c>--log-syscalls</c>), or null.</summary>
    public TextWriter? SyscallLog { get; init; }

    /// <summary>Decides trapped calls (a guest's forwarding); null: they run natively.</summary>
    public ISyscallHandler? SyscallHandler { get; init; }

    /// <summary>
    /// Asked of a fault the kernel raised (SIGSEGV, SIGBUS) with its address, before it is
    /// delivered: true when the owner of the supervisor takes care of it (a guest that touched
    /// memory staying at home goes home), and the signal is dropped; the access is then made again
    /// (at home, once there). Null: faults are delivered as they come.
    /// </summary>
    public Func<Tracing.Tracee, ulong, bool>? FaultHandler { get; init; }

    /// <summary>Where to write every stop the supervisor handles (debugging the supervisor itself), or null.</summary>
    public TextWriter? EventLog { get; init; }

    /// <summary>
    /// The supervising process stands in for the program, as mosrun does: signals sent to it are
    /// passed on, and it stops when the program stops, so that the shell's job control works.
    /// Off for supervisors hosted inside another program (tests, the agent).
    /// </summary>
    public bool StandsInForProgram { get; init; }
}

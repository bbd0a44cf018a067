using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

/// <summary>
/// Decides the calls a supervision mode traps, beyond logging them. A guest's handler answers
/// virtual calls, forwards home calls, refuses what a guest may not do.
/// </summary>
/// <remarks>Runs on the tracer thread, the tracee at its seccomp stop; may block (a round trip home), never await.</remarks>
public interface ISyscallHandler
{
    /// <summary>
    /// Null: the call runs natively. A value: the call is skipped and returns it (-errno for a failure).
    /// </summary>
    long? Handle(Tracee tracee, in UserRegs regs, SyscallEntry? entry, TrapReason reason);
}

/// <summary>What a process that has become a deputy wants from its supervisor.</summary>
public interface IDeputyRole
{
    /// <summary>
    /// A signal reached the deputy (someone signalled the home pid). It is never delivered at home:
    /// the deputy's handlers point into memory it no longer has. Usually passed on to the incarnation.
    /// </summary>
    void SignalArrived(int signal);

    /// <summary>True once the deputy is to end: signals then take their course.</summary>
    bool Ending { get; }
}

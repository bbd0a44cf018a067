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
    /// The answer that skips the call now and has the process issue it again when it next runs: its
    /// instruction pointer goes back to the <c>syscall</c> instruction (after a move home, the call
    /// then runs there; after a signal, as the kernel restarts an interrupted call).
    /// </summary>
    const long Restart = long.MinValue;

    /// <summary>
    /// The answer that keeps the call: the thread stays at its seccomp stop, the supervisor serves
    /// the other threads meanwhile, and the handler answers later with
    /// <see cref="Supervisor.Answer"/> (a multi-threaded guest's call at home).
    /// </summary>
    const long Pending = long.MinValue + 1;

    /// <summary>
    /// Null: the call runs natively. A value: the call is skipped and returns it (-errno for a
    /// failure), or is issued again (<see cref="Restart"/>), or is answered later (<see cref="Pending"/>).
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
    /// <returns>The signal the deputy itself then takes: SIGSTOP for a stop signal (the job stops at
    /// home, where its shell sees it, as the process stops away), else 0.</returns>
    /// <param name="thread">The deputy thread it was sent to with tgkill or tkill (a thread-directed
    /// signal, for the incarnation's thread of the same tid), or 0 for the process.</param>
    int SignalArrived(int signal, int thread);

    /// <summary>True once the deputy is to end: signals then take their course.</summary>
    bool Ending { get; }
}

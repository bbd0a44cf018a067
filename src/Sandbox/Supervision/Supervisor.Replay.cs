using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    /// <summary>
    /// The process <paramref name="tracee"/> was just restored from an image: the writes it makes
    /// again whose bytes <paramref name="delivered"/> holds are skipped (<see cref="OutputReplay"/>).
    /// </summary>
    /// <remarks>Tracer thread, the tracee stopped (inside <see cref="RunStopped{T}"/>). <paramref name="notice"/>
    /// is told, once a descriptor, when the process writes other bytes than it did.</remarks>
    public static void ReplayOutput(Tracee tracee, DeliveredOutput delivered, Action<string> notice)
    {
        TracerThread.AssertOwner();
        tracee.Replay = delivered.IsEmpty ? null : new OutputReplay(delivered, notice);
    }

    /// <summary>
    /// A syscall stop (PTRACE_SYSCALL): an entry only while a replay runs; an exit for the replay
    /// or for the syscall log (whose call was seen at its seccomp stop, after its entry).
    /// </summary>
    private void OnSyscallStop(Tracee tracee)
    {
        if (tracee.Replay is { } replay)
        {
            bool entry = Ptrace.SyscallStopKind(tracee.Tid) == Ptrace.PTRACE_SYSCALL_INFO_ENTRY;
            if (entry)
                replay.OnEntry(tracee.Tid);
            else
                replay.OnExit(tracee.Tid);
            if (!replay.Active)
                tracee.Replay = null; // PTRACE_CONT from now on, unless the log waits for an exit
            if (entry)
            {
                Resume(tracee);
                return;
            }
        }
        OnSyscallExitStop(tracee);
    }
}

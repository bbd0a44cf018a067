using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    private SyscallLog? _log;

    private SyscallLog? Log => _log ??= _options.SyscallLog is { } writer ? new SyscallLog(writer) : null;

    /// <summary>
    /// A call the filter stopped (PTRACE_EVENT_SECCOMP). At home the only decision is whether to
    /// watch its exit for the log; every call then runs natively.
    /// </summary>
    private void OnSeccompStop(Tracee tracee)
    {
        var reason = (TrapReason)Ptrace.GetEventMessage(tracee.Tid);
        UserRegs regs = default;
        if (Registers.TryGet(tracee.Tid, ref regs) && Log is { } log)
        {
            tracee.CallInFlight = log.Describe(tracee.Tid, regs, reason);
            tracee.AwaitingSyscallExit = true;
        }
        Resume(tracee);
    }

    private void OnSyscallExitStop(Tracee tracee)
    {
        tracee.AwaitingSyscallExit = false;
        UserRegs regs = default;
        if (tracee.CallInFlight is { } call && Registers.TryGet(tracee.Tid, ref regs))
            Log?.Complete(call, (long)regs.Rax);
        tracee.CallInFlight = null;
        Resume(tracee);
    }
}

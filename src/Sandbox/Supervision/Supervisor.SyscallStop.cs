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
        if (!Registers.TryGet(tracee.Tid, ref regs))
            return; // gone: its exit is reported next
        if (_options.SyscallHandler is { } handler)
        {
            var entry = reason == TrapReason.ForeignAbi ? null : SyscallTable.Find((long)regs.OrigRax);
            string? call = Log?.Describe(tracee.Tid, regs, reason);
            if (handler.Handle(tracee, regs, entry, reason) is { } answer)
            {
                // Skip the call (number -1) and make its result the answer (seccomp(2), SECCOMP_RET_TRACE);
                // or, to restart it, leave the number in rax and step back over the 2-byte syscall instruction.
                if (answer == ISyscallHandler.Restart)
                {
                    regs.Rax = regs.OrigRax;
                    regs.Rip -= 2;
                }
                else
                {
                    regs.Rax = (unchecked((ulong)answer));
                }
                regs.OrigRax = ulong.MaxValue;
                Registers.TrySet(tracee.Tid, regs);
                if (call is not null)
                    Log!.Complete(call + (answer == ISyscallHandler.Restart ? " [again]" : " [home]"), answer == ISyscallHandler.Restart ? 0 : answer);
                Resume(tracee);
                return;
            }
            tracee.CallInFlight = call;
            tracee.AwaitingSyscallExit = call is not null;
            Resume(tracee);
            return;
        }
        if (Log is { } log)
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

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
                if (answer == ISyscallHandler.Pending)
                {
                    // Stays at this stop until the handler answers; work asked of it meanwhile runs here.
                    tracee.AwaitingAnswer = true;
                    tracee.CallInFlight = call;
                    RunPendingStops(tracee);
                    return;
                }
                SetAnswer(tracee, regs, answer, call);
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

    /// <summary>
    /// Skips the call at a seccomp stop (number -1) and makes its result the answer (seccomp(2),
    /// SECCOMP_RET_TRACE); or, to restart it, leaves the number in rax and steps back over the
    /// 2-byte syscall instruction.
    /// </summary>
    private void SetAnswer(Tracee tracee, UserRegs regs, long answer, string? call)
    {
        if (answer == ISyscallHandler.Restart)
        {
            regs.Rax = regs.OrigRax;
            regs.Rip -= 2;
        }
        else
        {
            regs.Rax = unchecked((ulong)answer);
        }
        regs.OrigRax = ulong.MaxValue;
        Registers.TrySet(tracee.Tid, regs);
        if (call is not null)
            Log!.Complete(call + (answer == ISyscallHandler.Restart ? " [again]" : " [home]"), answer == ISyscallHandler.Restart ? 0 : answer);
    }

    /// <summary>
    /// Answers a call its handler kept (<see cref="ISyscallHandler.Pending"/>), from any thread:
    /// on the tracer thread, <paramref name="complete"/> writes what the call returns into the
    /// thread's memory and gives its result (or <see cref="ISyscallHandler.Restart"/>), and the
    /// thread goes on (or stays held with its process, if a checkpoint holds it now).
    /// </summary>
    /// <param name="gone">Called instead, on the tracer thread, if the thread was killed meanwhile.</param>
    /// <returns>False if the tree has ended (neither is called).</returns>
    public bool Answer(int tid, Func<Tracee, long> complete, Action gone) => Tracer.Post(() =>
    {
        UserRegs regs = default;
        if (!_tracees.TryGetValue(tid, out var tracee) || !tracee.AwaitingAnswer || !Registers.TryGet(tid, ref regs))
        {
            gone(); // killed meanwhile: its exit is reported, or was
            return;
        }
        long answer = complete(tracee);
        tracee.AwaitingAnswer = false;
        string? call = tracee.CallInFlight;
        tracee.CallInFlight = null;
        SetAnswer(tracee, regs, answer, call);
        if (!tracee.Held)
            RunPendingStops(tracee);
    });

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

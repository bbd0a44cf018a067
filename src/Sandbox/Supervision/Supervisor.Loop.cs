using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    /// <summary>
    /// The wait loop: one event at a time until no tracee is left. A wake-up (posted work, a
    /// forwarded signal) first drains the events already waiting, so decisions see the latest state.
    /// </summary>
    private void Loop()
    {
        while (_tracees.Count > 0)
        {
            int r = Native.WaitNext(0, out int pid, out int status);
            if (r > 0)
            {
                Dispatch(pid, new WaitStatus(status));
                continue;
            }
            if (r == -Errno.ECHILD)
                break; // every tracee is gone, some without a report we could collect
            if (r < 0)
                throw new InvalidOperationException($"waitid failed: {Errno.Describe(-r)}");
            _options.EventLog?.WriteLine($"{Environment.TickCount64} woken");
            DrainEvents();
            Tracer.RunPosted();
            if (_options.StandsInForProgram)
                PassOnOwnSignals();
        }
        SettleExec();
    }

    /// <summary>
    /// The events that were waiting when the thread was woken: at most one per tracee. Not "until
    /// none is left": a tracee resumed here may report again at once (a call answered "again"),
    /// and draining its reports for ever would starve the posted work that would end the loop.
    /// </summary>
    private void DrainEvents()
    {
        for (int waiting = _tracees.Count; waiting > 0 && Native.WaitNext(1, out int pid, out int status) > 0; waiting--)
            Dispatch(pid, new WaitStatus(status));
    }

    /// <summary>For the debug log: the call and instruction a tracee stopped at, and a signal's si_code and si_addr.</summary>
    private static unsafe string WhereStopped(int tid)
    {
        var regs = default(UserRegs);
        string where = Registers.TryGet(tid, ref regs)
            ? $" call {(long)regs.OrigRax} rax {(long)regs.Rax} rip 0x{regs.Rip:x} rsp 0x{regs.Rsp:x}"
            : "";
        byte* siginfo = stackalloc byte[128];
        if (Ptrace.Request(Ptrace.PTRACE_GETSIGINFO, tid, 0, (nint)siginfo) == 0)
            where += $" si_code {*(int*)(siginfo + 8)} si_addr 0x{*(ulong*)(siginfo + 16):x}";
        return where;
    }

    private void Dispatch(int tid, WaitStatus status)
    {
        if (_options.EventLog is { } log)
            log.WriteLine($"{Environment.TickCount64} [{tid}] {status}{(status.Stopped ? WhereStopped(tid) : "")}");
        if (!_tracees.TryGetValue(tid, out var tracee))
        {
            // A new child can report before its parent's fork event: adopt it now.
            tracee = new Tracee(tid, isRoot: false);
            _tracees[tid] = tracee;
        }
        if (tracee.InFlight is { } call)
        {
            OnInjectedCallStop(tracee, call, status);
            return;
        }
        if (!status.Stopped)
        {
            OnGone(tracee, status);
            return;
        }
        tracee.LastStop = status;
        if (status.Event != Ptrace.PTRACE_EVENT_STOP)
            tracee.InGroupStop = false; // any other report means it left it (OnEventStop decides for its own)
        if (status.IsSyscallStop)
        {
            OnSyscallStop(tracee);
            return;
        }
        switch (status.Event)
        {
            case 0: OnSignalDelivery(tracee, status.StopSignal); break;
            case Ptrace.PTRACE_EVENT_SECCOMP: OnSeccompStop(tracee); break;
            case Ptrace.PTRACE_EVENT_FORK or Ptrace.PTRACE_EVENT_VFORK or Ptrace.PTRACE_EVENT_CLONE: OnNewTask(tracee, status.Event); break;
            case Ptrace.PTRACE_EVENT_EXEC: OnExec(tracee); break;
            case Ptrace.PTRACE_EVENT_STOP: OnEventStop(tracee, status); break;
            default: Resume(tracee); break; // EXIT, VFORK_DONE: nothing to do but go on
        }
    }

    /// <summary>Lets a stopped tracee go on, delivering its pending signal if it has one.</summary>
    private void Resume(Tracee tracee)
    {
        // Work waiting for an interrupt stop: ask for it again. A PTRACE_INTERRUPT that meets the
        // tracee on its way into another stop (a trapped call) is spent there, as the kernel counts
        // any trap as the one asked for; asked while it is stopped, it takes effect on the way out.
        // Otherwise a call answered "again" (a move under way) would trap forever, never interrupted.
        if (tracee.AtNextInterrupt.Count > 0)
            Ptrace.Request(Ptrace.PTRACE_INTERRUPT, tracee.Tid);
        int request = tracee.AwaitingSyscallExit || tracee.Replay is not null ? Ptrace.PTRACE_SYSCALL : Ptrace.PTRACE_CONT;
        int signal = tracee.SignalToDeliver;
        tracee.SignalToDeliver = 0;
        if (signal != 0 && tracee.Owed.TryAbsorb(signal))
            signal = 0; // ours, stashed while an injected call ran (a restore, say)
        // ESRCH: it was killed (SIGKILL) while stopped; its exit is reported next. Not an error.
        Ptrace.Request(request, tracee.Tid, 0, signal);
    }
}

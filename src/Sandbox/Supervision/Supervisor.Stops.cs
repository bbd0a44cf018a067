using System.Diagnostics;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    private void OnGone(Tracee tracee, WaitStatus status)
    {
        _tracees.Remove(tracee.Tid);
        FailPendingInterrupts(tracee);
        if (!tracee.IsRoot)
            return;
        SettleExec();
        _rootOutcome ??= status.Exited
            ? new ExitOutcome(status.ExitCode, 0, false, 0)
            : new ExitOutcome(0, status.TermSignal, status.CoreDumped, 0);
    }

    private void OnSignalDelivery(Tracee tracee, int signal)
    {
        if (tracee.Owed.TryAbsorb(signal))
        {
            Resume(tracee); // ours (a move's interrupt, perhaps after the process came home): never the program's
            return;
        }
        if (tracee.Deputy is { Ending: false } deputy && signal != Libc.SIGTRAP)
        {
            // Not for the deputy's own handlers (its memory is gone): for the incarnation.
            tracee.SignalToDeliver = deputy.SignalArrived(signal);
            Resume(tracee);
            return;
        }
        if (signal < tracee.LastSignalArrival.Length)
            tracee.LastSignalArrival[signal] = Stopwatch.GetTimestamp();
        tracee.SignalToDeliver = signal;
        Resume(tracee);
    }

    private void OnNewTask(Tracee parent)
    {
        long child = Ptrace.GetEventMessage(parent.Tid);
        if (child > 0 && !_tracees.ContainsKey((int)child))
            _tracees[(int)child] = new Tracee((int)child, isRoot: false);
        Resume(parent);
    }

    private void OnExec(Tracee tracee)
    {
        // A non-leader thread that execs takes over the leader's tid; the old thread id is gone.
        long formerTid = Ptrace.GetEventMessage(tracee.Tid);
        if (formerTid > 0 && formerTid != tracee.Tid)
            _tracees.Remove((int)formerTid);
        if (tracee.IsRoot && !_rootExecuted)
        {
            _rootExecuted = true;
            SettleExec();
            _rootExecutedTask.TrySetResult();
        }
        Resume(tracee);
    }

    /// <summary>
    /// PTRACE_EVENT_STOP: a group-stop (a stop signal took effect), the first stop of a new task,
    /// or the stop a PTRACE_INTERRUPT asked for.
    /// </summary>
    private void OnEventStop(Tracee tracee, WaitStatus status)
    {
        if (status.IsGroupStop)
        {
            // Stay stopped, but let a later SIGCONT be seen (ptrace(2), PTRACE_LISTEN).
            Ptrace.Request(Ptrace.PTRACE_LISTEN, tracee.Tid);
            if (tracee.IsRoot && _options.StandsInForProgram && !(_quietStop && status.StopSignal == Libc.SIGSTOP))
                StopAlongWith(status.StopSignal);
            _quietStop = false;
            return;
        }
        while (tracee.AtNextInterrupt.TryDequeue(out var pending))
        {
            try
            {
                pending.Run(tracee);
            }
            catch (TraceeGoneException gone)
            {
                // It died under the work; if its exit was already collected, account for it now.
                pending.Fail(gone);
                if (gone.Status is { } exit)
                    OnGone(tracee, exit);
                return;
            }
        }
        Resume(tracee);
    }

    /// <summary>Queues work for the next interrupt stop of <paramref name="tid"/> and asks for that stop.</summary>
    private void RequestInterrupt(int tid, PendingStop pending)
    {
        if (!_tracees.TryGetValue(tid, out var tracee))
        {
            pending.Fail(new InvalidOperationException($"{tid} is not a live process of this supervisor"));
            return;
        }
        tracee.AtNextInterrupt.Enqueue(pending);
        long r = Ptrace.Request(Ptrace.PTRACE_INTERRUPT, tid);
        if (r < 0 && r != -Errno.ESRCH) // ESRCH: it is dying; OnGone fails the request
        {
            tracee.AtNextInterrupt.Clear();
            pending.Fail(new InvalidOperationException($"cannot interrupt {tid}: {Errno.Describe((int)-r)}"));
        }
    }

    private static void FailPendingInterrupts(Tracee tracee)
    {
        // The tracee is gone: run nothing, but do not leave callers waiting forever.
        while (tracee.AtNextInterrupt.TryDequeue(out var pending))
            pending.Fail(new InvalidOperationException($"process {tracee.Tid} exited before it could be stopped"));
    }
}

using System.Diagnostics;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    private void OnGone(Tracee tracee, WaitStatus status)
    {
        _tracees.Remove(tracee.Tid);
        OnTaskGone(tracee); // first: whoever a failed request wakes sees the process gone from the tree
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
            tracee.SignalToDeliver = deputy.SignalArrived(signal, SentToThread(tracee.Tid) ? tracee.Tid : 0);
            Resume(tracee);
            return;
        }
        if (signal is Libc.SIGSEGV or Libc.SIGBUS && _options.FaultHandler is { } faults
            && FaultAddress(tracee.Tid) is { } address && faults(tracee, address))
        {
            // Dropped; held here until the work asked for runs (then the access is made again).
            tracee.HeldAtFault = true;
            if (tracee.AtNextInterrupt.Count > 0)
                RunHeldWork(tracee);
            return;
        }
        if (signal < tracee.LastSignalArrival.Length)
            tracee.LastSignalArrival[signal] = Stopwatch.GetTimestamp();
        tracee.SignalToDeliver = signal;
        Resume(tracee);
    }

    /// <summary>Whether the signal at this delivery stop was sent to the thread alone (tgkill, tkill: si_code SI_TKILL).</summary>
    private static unsafe bool SentToThread(int tid)
    {
        const int SI_TKILL = -6;
        byte* siginfo = stackalloc byte[128];
        return Ptrace.Request(Ptrace.PTRACE_GETSIGINFO, tid, 0, (nint)siginfo) == 0 && *(int*)(siginfo + 8) == SI_TKILL;
    }

    /// <summary>The address of the access that faulted, when the kernel raised the signal for one (si_code > 0); null for a signal somebody sent.</summary>
    private static unsafe ulong? FaultAddress(int tid)
    {
        byte* siginfo = stackalloc byte[128];
        if (Ptrace.Request(Ptrace.PTRACE_GETSIGINFO, tid, 0, (nint)siginfo) != 0)
            return null;
        int code = *(int*)(siginfo + 8);
        return code > 0 && code < 0x80 ? *(ulong*)(siginfo + 16) : null; // SI_KERNEL (0x80): no address
    }

    private void OnNewTask(Tracee parent, int ptraceEvent)
    {
        long childTid = Ptrace.GetEventMessage(parent.Tid);
        if (childTid > 0)
        {
            if (!_tracees.TryGetValue((int)childTid, out var child))
                _tracees[(int)childTid] = child = new Tracee((int)childTid, isRoot: false);
            PlaceNewTask(parent, child, ptraceEvent);
        }
        Resume(parent);
    }

    private void OnExec(Tracee tracee)
    {
        // A non-leader thread that execs takes over the leader's tid; the old thread id is gone.
        long formerTid = Ptrace.GetEventMessage(tracee.Tid);
        if (formerTid > 0 && formerTid != tracee.Tid && _tracees.Remove((int)formerTid, out var former))
            former.Group?.Remove(former);
        OnGroupExec(tracee);
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
        if (status.IsGroupStop && tracee.InGroupStop && ProcessStatus.HasPendingSigcont(tracee.Tid))
        {
            // The trap that tells a listening tracer the group-stop has ended: SIGCONT came. It carries
            // the last stop signal, like a group-stop's own report; taken for a new one, it would stop
            // mosrun again, and nobody would continue it. Let the tracee go on (it takes the SIGCONT).
            tracee.InGroupStop = false;
            RunPendingStops(tracee);
            return;
        }
        if (status.IsGroupStop)
        {
            // Stay stopped, but let a later SIGCONT be seen (ptrace(2), PTRACE_LISTEN).
            Ptrace.Request(Ptrace.PTRACE_LISTEN, tracee.Tid);
            tracee.InGroupStop = true;
            // Each thread of the root reports the group-stop; only the leader's decides, and only it
            // ends a quiet stop (chkstop's): another thread's report coming first must not make
            // mosrun stop before it has answered.
            if (tracee.IsRoot)
            {
                if (_options.StandsInForProgram && !(_quietStop && status.StopSignal == Libc.SIGSTOP))
                    StopAlongWith(status.StopSignal);
                _quietStop = false;
            }
            if (tracee.Group is { } group && group.Tasks.Any(t => t.IsRoot))
                SettleQuietStop(group);
            return;
        }
        tracee.InGroupStop = false;
        RunPendingStops(tracee);
    }

    /// <summary>The work waiting for a tracee held at a fault, run at that stop; then it goes on.</summary>
    private void RunHeldWork(Tracee tracee)
    {
        tracee.HeldAtFault = false;
        RunPendingStops(tracee);
    }

    /// <summary>
    /// Runs the work waiting for the tracee to be stopped, then lets it go on; unless the work
    /// left a system call in flight in it, whose end the loop waits for like any other event, or
    /// holds it for the rest of its process.
    /// </summary>
    private void RunPendingStops(Tracee tracee)
    {
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
                ReleaseAdopted(current: null);
                if (gone.Status is { } exit)
                    OnGone(tracee, exit);
                return;
            }
            ReleaseAdopted(tracee); // threads the work made (a restore's) go on with it
            if (tracee.InFlight is not null)
                return; // the rest waits until the call is done (OnInjectedCallStop)
            if (tracee.Held)
                return; // stays stopped until the rest of its process is (Supervisor.ProcessStop)
        }
        if (tracee.AwaitingAnswer)
            return; // goes on when its call is answered (Answer)
        Resume(tracee);
    }

    /// <summary>A stop of a tracee with an injected call in flight: the call's, until it is done.</summary>
    private void OnInjectedCallStop(Tracee tracee, Injection.InjectedCall call, WaitStatus status)
    {
        bool done;
        try
        {
            done = call.Advance(status);
        }
        catch (TraceeGoneException gone)
        {
            tracee.InFlight = null;
            call.Fail(gone);
            if (gone.Status is { } exit)
                OnGone(tracee, exit); // else it was killed while stopped: its exit is reported next
            return;
        }
        catch (InvalidOperationException e)
        {
            tracee.InFlight = null;
            call.Fail(e);
            return; // left stopped: the caller's failure path decides (it cannot be resumed into unmapped code)
        }
        if (!done)
            return;
        tracee.LastStop = status;
        tracee.InFlight = null;
        call.Complete();
        RunPendingStops(tracee);
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
        if (tracee.HeldAtFault)
        {
            RunHeldWork(tracee); // stopped already: no interrupt needed
            return;
        }
        if (tracee.AwaitingAnswer)
        {
            RunPendingStops(tracee); // stopped already, at its kept call
            return;
        }
        if (tracee.InFlight is not null)
            return; // stopped again when its injected call is done, and the work runs then
        long r = Ptrace.Request(Ptrace.PTRACE_INTERRUPT, tid);
        if (r < 0 && r != -Errno.ESRCH) // ESRCH: it is dying; OnGone fails the request
        {
            tracee.AtNextInterrupt.Clear();
            pending.Fail(new InvalidOperationException($"cannot interrupt {tid}: {Errno.Describe((int)-r)}"));
        }
    }

    /// <summary>What a request for a stopped process is told: it would only be served once the process is continued.</summary>
    private static string StoppedMessage(Tracee tracee)
    {
        int pid = tracee.Group?.Pid ?? tracee.Tid;
        return $"process {pid} is stopped; continue it first (fg, or kill -CONT {pid})";
    }

    private static void FailPendingInterrupts(Tracee tracee)
    {
        // The tracee is gone: run nothing, but do not leave callers waiting forever.
        while (tracee.AtNextInterrupt.TryDequeue(out var pending))
            pending.Fail(new InvalidOperationException($"process {tracee.Tid} exited before it could be stopped"));
    }
}

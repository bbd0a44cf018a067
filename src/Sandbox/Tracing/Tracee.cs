namespace Mosix.Sandbox.Tracing;

/// <summary>
/// One traced thread (a task, in ptrace(2)'s words) and what the supervisor remembers about it
/// between stops.
/// </summary>
public sealed class Tracee
{
    public Tracee(int tid, bool isRoot)
    {
        Tid = tid;
        IsRoot = isRoot;
    }

    /// <summary>The kernel thread id; for a thread-group leader also the pid.</summary>
    public int Tid { get; private set; }

    /// <summary>The first process of the tree: its exit status becomes mosrun's.</summary>
    public bool IsRoot { get; }

    /// <summary>The process (thread group) this thread belongs to; set when the supervisor learns which.</summary>
    public ThreadGroup? Group { get; internal set; }

    /// <summary>The last stop this tracee reported, while it is stopped.</summary>
    public WaitStatus LastStop { get; internal set; }

    /// <summary>Resume with PTRACE_SYSCALL, to see the exit of a call trapped at entry (syscall log).</summary>
    internal bool AwaitingSyscallExit { get; set; }

    /// <summary>Set while a restarted process makes again writes whose bytes were delivered already: resume with PTRACE_SYSCALL.</summary>
    internal Supervision.OutputReplay? Replay { get; set; }

    /// <summary>The syscall-log text of the call in flight, completed at its exit stop.</summary>
    internal string? CallInFlight { get; set; }

    /// <summary>The signal to deliver when resumed (0: none); set at a signal-delivery-stop.</summary>
    internal int SignalToDeliver { get; set; }

    /// <summary>Signals Mosix sent this tracee for its own ends: absorbed, never delivered.</summary>
    public Supervision.OwedSignals Owed { get; } = new();

    /// <summary>Set when this process stands in at home for an incarnation elsewhere.</summary>
    public Supervision.IDeputyRole? Deputy { get; set; }

    /// <summary>
    /// A system call injected into it that has not returned yet (a deputy's forwarded call): its
    /// stops go to the call, not to the supervisor's handlers, until it is done.
    /// </summary>
    public Injection.InjectedCall? InFlight { get; set; }

    /// <summary>
    /// Held at the signal-delivery stop of a fault its supervisor's owner took over (a guest's
    /// touch of memory at home): not resumed, so that it cannot fault again and again, and the work
    /// that owner asks for runs at this stop instead of an interrupt stop (which a fault would
    /// always get to first: the kernel spends a PTRACE_INTERRUPT on the stop the tracee is in).
    /// </summary>
    internal bool HeldAtFault { get; set; }

    /// <summary>
    /// At a seccomp stop whose call its handler answers later (<see cref="Supervision.ISyscallHandler.Pending"/>):
    /// stopped already, so work asked of it runs at once, and it is never resumed until answered.
    /// </summary>
    internal bool AwaitingAnswer { get; set; }

    /// <summary>
    /// Kept stopped after its interrupt stop's work ran, until the rest of its process is stopped
    /// too and the work on the whole process is done (<see cref="Supervision.Supervisor.WithProcessStopped{T}"/>).
    /// </summary>
    internal bool Held { get; set; }

    /// <summary>
    /// In a group-stop (SIGSTOP, Ctrl-Z), listening for SIGCONT: an interrupt asked now would not
    /// stop it until it is continued. A checkpoint is refused at once then
    /// (<see cref="Supervision.Supervisor.WithProcessStopped{T}"/>); other work (a deputy's next
    /// call, as the job is being continued) waits for the SIGCONT.
    /// </summary>
    internal bool InGroupStop { get; set; }

    /// <summary>Work to run at this tracee's next PTRACE_INTERRUPT stop.</summary>
    internal Queue<PendingStop> AtNextInterrupt { get; } = new();

    /// <summary>When the tracee last got each signal (signal-delivery-stop), to recognise forwarded duplicates.</summary>
    internal long[] LastSignalArrival { get; } = new long[65];

    /// <summary>After a non-leader thread's execve, the thread takes over the leader's tid.</summary>
    internal void BecomeLeader(int leaderTid) => Tid = leaderTid;

    public override string ToString() => $"tracee {Tid}";
}

/// <summary>Work waiting for a tracee's interrupt stop, and what to do if the tracee dies first.</summary>
internal sealed record PendingStop(Action<Tracee> Run, Action<Exception> Fail);

using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Injection;

/// <summary>
/// Runs chosen system calls inside a stopped tracee, as if it had made them itself, and puts it
/// back exactly as it was. Checkpointing reads kernel state this way, restore rebuilds it, and
/// the deputy executes forwarded calls.
/// </summary>
/// <remarks>
/// <code>
///   using var remote = RemoteSyscalls.Enter(tracee);
///   var page = remote.Syscall(Sys.mmap, 0, 4096, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, ulong.MaxValue, 0);
///   ...
/// </code>
/// Each call: registers set (number, arguments, rip at a <c>syscall</c> instruction, orig_rax -1 so
/// the kernel does not treat the stop as an interrupted call to restart), one PTRACE_SINGLESTEP,
/// result read from rax. Dispose writes the saved registers back; an interrupted call of the
/// tracee's own (rax -ERESTARTSYS, orig_rax its number) then restarts as it would have.
/// Precondition: the tracee is in an interrupt, event or signal-delivery stop of this tracer thread,
/// not at a syscall-entry or seccomp stop, and not in a group-stop.
/// </remarks>
public sealed class RemoteSyscalls : IDisposable
{
    private readonly Tracee _tracee;
    private readonly UserRegs _saved;
    private ulong _syscallAddress;
    private bool _disposed;

    private RemoteSyscalls(Tracee tracee, UserRegs saved, ulong syscallAddress)
    {
        _tracee = tracee;
        _saved = saved;
        _syscallAddress = syscallAddress;
    }

    /// <summary>The registers the tracee had when the scope was entered, and will have again.</summary>
    public UserRegs SavedRegisters => _saved;

    /// <summary>Opens an injection scope on a stopped tracee.</summary>
    public static RemoteSyscalls Enter(Tracee tracee)
    {
        TracerThread.AssertOwner();
        var saved = Registers.Get(tracee.Tid);
        return new RemoteSyscalls(tracee, saved, SyscallInstruction.Find(tracee.Tid));
    }

    /// <summary>
    /// Opens an injection scope on a tracee at its seccomp stop, whose own call is skipped: one
    /// single step finishes that call (number -1, nothing done) and leaves the tracee just past its
    /// <c>syscall</c> instruction, at an ordinary stop from which calls can be injected. The caller
    /// then gives the skipped call its result (the handler's answer).
    /// </summary>
    /// <remarks>Injecting straight from the seccomp stop does not work: the first step would report
    /// the end of the pending call, not of the injected one.</remarks>
    public static RemoteSyscalls EnterAtSeccompStop(Tracee tracee)
    {
        TracerThread.AssertOwner();
        var regs = Registers.Get(tracee.Tid);
        regs.OrigRax = ulong.MaxValue;
        Registers.Set(tracee.Tid, regs);
        while (true)
        {
            if (Ptrace.Request(Ptrace.PTRACE_SINGLESTEP, tracee.Tid) < 0 || Wait.ForTid(tracee.Tid, out int raw) < 0)
                throw new TraceeGoneException(tracee.Tid);
            var status = new WaitStatus(raw);
            if (!status.Stopped)
                throw new TraceeGoneException(tracee.Tid) { Status = status };
            if (status.IsSignalDelivery && status.StopSignal == Libc.SIGTRAP)
                return Enter(tracee);
            if (status.IsSignalDelivery && tracee.SignalToDeliver == 0)
                tracee.SignalToDeliver = status.StopSignal; // someone else's signal: deliver it later
        }
    }

    /// <summary>Opens an injection scope through a <c>syscall</c> instruction the caller placed and
    /// knows (a deputy's own loop): no search of the tracee's memory.</summary>
    public static RemoteSyscalls Enter(Tracee tracee, ulong syscallAddress)
    {
        TracerThread.AssertOwner();
        return new RemoteSyscalls(tracee, Registers.Get(tracee.Tid), syscallAddress);
    }

    /// <summary>Executes system call <paramref name="number"/> in the tracee; its raw result (-errno on failure).</summary>
    public long Syscall(long number, params ReadOnlySpan<ulong> args)
    {
        PointAtCall(number, args);
        StepOverSyscall();
        return (long)Registers.Get(_tracee.Tid).Rax;
    }

    /// <summary>
    /// A signal that, arriving before the injected call has begun, cancels it: the call is not made
    /// and its result is -ERESTARTNOINTR, as if the signal had cut it short at once (0: none does).
    /// </summary>
    /// <remarks>
    /// A signal met at that stop is otherwise kept for later and the call made: a blocking one would
    /// then wait deaf to the very signal sent to cut it short (the deputy's move interrupt).
    /// </remarks>
    public int CancellingSignal { get; set; }

    /// <summary>The tracee's vDSO moved (restore does that): find the <c>syscall</c> instruction again.</summary>
    public void Relocate() => _syscallAddress = SyscallInstruction.Find(_tracee.Tid);

    /// <summary>The tracee being worked on.</summary>
    public Tracee Tracee => _tracee;

    /// <summary>Like <see cref="Syscall"/>, but a failure throws with the call named.</summary>
    public ulong Checked(long number, params ReadOnlySpan<ulong> args)
    {
        long r = Syscall(number, args);
        if (r < 0 && r > -4096)
            throw new RemoteSyscallException(Syscalls.SyscallTable.NameOf(number), (int)-r);
        return (ulong)r;
    }

    /// <summary>Puts the registers back: the tracee continues as if nothing happened.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Registers.TrySet(_tracee.Tid, _saved);
    }

    /// <summary>
    /// True at a signal-delivery stop just past the injected <c>syscall</c> instruction with a
    /// kernel restart code in rax (-ERESTARTSYS..-ERESTART_RESTARTBLOCK): the signal cut a blocking
    /// call short. Stepping on would have the kernel restart it and block again, deaf to the signal.
    /// </summary>
    private bool InterruptedHere()
    {
        var regs = Registers.Get(_tracee.Tid);
        long rax = (long)regs.Rax;
        return regs.Rip == _syscallAddress + 2 && rax is >= -516 and <= -512;
    }

    /// <summary>At a signal-delivery stop still on the injected <c>syscall</c> instruction: skips it,
    /// with the restart code as its result. False if the call has already begun.</summary>
    private bool CancelBeforeEntry()
    {
        const long ERESTARTNOINTR = 513;
        var regs = Registers.Get(_tracee.Tid);
        if (regs.Rip != _syscallAddress)
            return false;
        regs.Rip = _syscallAddress + 2;
        regs.Rax = unchecked((ulong)-ERESTARTNOINTR);
        Registers.Set(_tracee.Tid, regs);
        return true;
    }

    private void StepOverSyscall()
    {
        while (true)
        {
            if (Ptrace.Request(Ptrace.PTRACE_SINGLESTEP, _tracee.Tid) < 0)
                throw new TraceeGoneException(_tracee.Tid);
            if (Wait.ForTid(_tracee.Tid, out int raw) < 0)
                throw new TraceeGoneException(_tracee.Tid);
            if (CallDoneAt(new WaitStatus(raw)))
                return;
        }
    }

    /// <summary>
    /// Starts system call <paramref name="number"/> in the tracee and returns at once: the tracer
    /// thread goes on serving the rest of the tree while the call blocks (a deputy's read of a pipe
    /// or wait4 for a child, which only the other processes of the tree can end). The supervisor
    /// hands each later stop of the tracee to the returned call (<see cref="InjectedCall"/>) until
    /// it is done. Precondition as for <see cref="Syscall"/>; the tracee is resumed by this call.
    /// </summary>
    public InjectedCall Begin(long number, ReadOnlySpan<ulong> args, Action<long> finished, Action<Exception> failed)
    {
        PointAtCall(number, args);
        var call = new InjectedCall(this, finished, failed);
        StepOn();
        return call;
    }

    /// <summary>The saved registers with call <paramref name="number"/> set up at the <c>syscall</c> instruction.</summary>
    private void PointAtCall(long number, ReadOnlySpan<ulong> args)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var regs = _saved;
        regs.SetSyscall(number, args);
        regs.OrigRax = ulong.MaxValue;
        regs.Rip = _syscallAddress;
        Registers.Set(_tracee.Tid, regs);
    }

    /// <summary>One single step of the injected call.</summary>
    internal void StepOn()
    {
        if (Ptrace.Request(Ptrace.PTRACE_SINGLESTEP, _tracee.Tid) < 0)
            throw new TraceeGoneException(_tracee.Tid);
    }

    /// <summary>The call's result, once <see cref="CallDoneAt"/> said it is done.</summary>
    internal long Result => (long)Registers.Get(_tracee.Tid).Rax;

    /// <summary>
    /// Whether the stop <paramref name="status"/> (of the tracee, during an injected call) ends
    /// the call: the single step's trap, a cancelling signal before it began, or a signal that cut
    /// a blocking call short. Another signal is kept for later (<see cref="Tracee.SignalToDeliver"/>).
    /// </summary>
    internal bool CallDoneAt(WaitStatus status)
    {
        if (!status.Stopped)
            throw new TraceeGoneException(_tracee.Tid) { Status = status };
        if (status.IsSignalDelivery && status.StopSignal == Libc.SIGTRAP)
            return true; // the step trap: the call is done
        if (status.IsSignalDelivery && status.StopSignal is Libc.SIGSEGV or Libc.SIGBUS or Libc.SIGILL &&
            Registers.Get(_tracee.Tid).Rip == _syscallAddress)
            throw new InvalidOperationException($"the injected system call faulted (SIG{Libc.SignalName(status.StopSignal)}): the syscall instruction at 0x{_syscallAddress:x} is gone");
        if (status.IsSignalDelivery && _tracee.SignalToDeliver == 0)
            _tracee.SignalToDeliver = status.StopSignal; // someone else's signal: deliver it later
        if (status.IsSignalDelivery && status.StopSignal == CancellingSignal && CancelBeforeEntry())
            return true;
        if (status.IsSignalDelivery && InterruptedHere())
            return true; // a blocking call cut short by that signal: its result is the restart code
        // A seccomp stop for the injected call itself, or another signal: step on.
        return false;
    }
}

/// <summary>
/// A system call injected into a tracee and not yet done (<see cref="RemoteSyscalls.Begin"/>):
/// the supervisor's loop gives it each stop of its tracee until <see cref="Advance"/> says done,
/// then <see cref="Complete"/> runs the caller's continuation on the tracer thread.
/// </summary>
public sealed class InjectedCall
{
    private readonly RemoteSyscalls _remote;
    private readonly Action<long> _finished;
    private readonly Action<Exception> _failed;

    internal InjectedCall(RemoteSyscalls remote, Action<long> finished, Action<Exception> failed)
    {
        _remote = remote;
        _finished = finished;
        _failed = failed;
    }

    /// <summary>True when <paramref name="status"/> ends the call; else the tracee is stepped on.</summary>
    /// <exception cref="TraceeGoneException">The tracee died meanwhile.</exception>
    public bool Advance(WaitStatus status)
    {
        if (_remote.CallDoneAt(status))
            return true;
        _remote.StepOn();
        return false;
    }

    /// <summary>Runs the continuation with the call's result (tracer thread, the tracee stopped).</summary>
    public void Complete()
    {
        try
        {
            _finished(_remote.Result);
        }
        catch (Exception e) when (e is not TraceeGoneException)
        {
            _failed(e);
        }
    }

    /// <summary>The call will never be done: the tracee is gone (or the call could not go on).</summary>
    public void Fail(Exception why) => _failed(why);
}

/// <summary>An injected system call failed.</summary>
public sealed class RemoteSyscallException(string call, int errno)
    : Exception($"{call} in the traced process failed: {Interop.Errno.Describe(errno)}")
{
    public string Call { get; } = call;
    public int Errno { get; } = errno;
}

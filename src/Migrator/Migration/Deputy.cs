using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Migrator.Migration;

/// <summary>
/// The home process of a migrated program, kept as its stand-in (DESIGN.md, process model): it
/// keeps its pid, parent, descriptors, working directory and terminal; its memory is released but
/// for memory it shares with other processes, a scratch area and a three-instruction pause loop. Forwarded calls run inside it by
/// injection; signals sent to it are passed to the incarnation; when the incarnation ends, it ends
/// the same way.
/// </summary>
/// <remarks>All members run on the home supervisor's tracer thread, the deputy stopped.</remarks>
public sealed class Deputy : IDeputyRole
{
    /// <summary>Scratch for forwarded calls' buffers; grown on demand.</summary>
    private const ulong InitialScratch = 1 << 20;

    /// <summary><c>1: mov $34, %eax; syscall; jmp 1b</c>: pause(2) forever, so signals are seen at once.</summary>
    private static readonly byte[] s_pauseLoop = [0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7];

    /// <summary>Where the loop's <c>syscall</c> is: every forwarded call is injected through it, so
    /// no call has to search the deputy's memory for one.</summary>
    private const int SyscallInLoop = 5;

    private ulong _syscall;

    private readonly Action<int> _onSignal;
    private ulong _scratch, _scratchSize;

    private Deputy(Action<int> onSignal) => _onSignal = onSignal;

    public bool Ending { get; private set; }

    /// <summary>
    /// The signal home sends the deputy to cut short a forwarded call that blocks there (a read of
    /// the terminal) when the process must move: it is never passed on. A program's own use of
    /// SIGRTMAX while away is lost to this; MOSIX reserves signals the same way.
    /// </summary>
    public const int InterruptSignal = 64;

    /// <summary>The deputy's owed interrupts (its tracee's), reached from the thread that asks for a move.</summary>
    private OwedSignals? _owed;

    /// <summary>Set while the process stands in: only then is there a call to cut short.</summary>
    private volatile bool _standingIn;

    public int SignalArrived(int signal)
    {
        // Our own interrupt never gets here: the supervisor absorbs it (OwedSignals).
        _onSignal(signal);
        return StopsTheJob(signal) ? Libc.SIGSTOP : 0;
    }

    /// <summary>
    /// Ctrl-Z and friends stop the incarnation away and the deputy at home: the deputy's stop is what
    /// stops mosrun and shows the shell a stopped job; the SIGCONT of fg or bg reaches the deputy,
    /// which passes it on. (A program that catches SIGTSTP runs its handler away while its job shows
    /// stopped at home: the deputy cannot know the incarnation's dispositions of the moment.)
    /// </summary>
    private static bool StopsTheJob(int signal) => signal is Libc.SIGSTOP or Libc.SIGTSTP or Libc.SIGTTIN or Libc.SIGTTOU;

    /// <summary>
    /// Cuts short the forwarded call the deputy may be blocked in (any thread). The signal is owed
    /// before it is sent, so wherever and whenever it arrives (in the call, in the pause loop, or
    /// once the process is home and runs its own code again) it is absorbed, never delivered.
    /// </summary>
    public void Interrupt(int pid)
    {
        if (!_standingIn || _owed is not { } owed)
            return; // home already, or going: no forwarded call left to cut short
        owed.Owe(InterruptSignal);
        Libc.Kill(pid, InterruptSignal);
    }

    /// <summary>
    /// Turns a stopped process (its image already taken) into a deputy. Precondition: the tracer
    /// thread, the tracee in an interrupt stop.
    /// </summary>
    public static Deputy Become(Tracee tracee, Action<int> onSignal)
    {
        var deputy = new Deputy(onSignal);
        deputy.StandIn(tracee);
        return deputy;
    }

    /// <summary>Empties the process but for the pause loop and the scratch area, and points it at the loop.</summary>
    private void StandIn(Tracee tracee)
    {
        ulong code;
        using (var remote = RemoteSyscalls.Enter(tracee))
        {
            ForgetMemoryRegistrations(remote);
            foreach (var area in MemoryMap.Read(tracee.Tid))
            {
                // Shared memory stays: other home processes share it, and the process touches it
                // here (it comes home for that) until it unmaps it.
                if (!area.IsVdsoArea && area.Path != "[vsyscall]" && !area.StaysAtHome)
                    remote.Checked(Sys.Munmap, area.Start, area.Length);
            }
            const ulong rw = Mman.PROT_READ | Mman.PROT_WRITE, anonymous = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;
            code = remote.Checked(Sys.Mmap, 0, Mman.PageSize, rw, anonymous, ulong.MaxValue, 0);
            ProcessMemory.TryWrite(tracee.Tid, code, s_pauseLoop);
            remote.Checked(Sys.Mprotect, code, Mman.PageSize, Mman.PROT_READ | Mman.PROT_EXEC);
            _syscall = code + SyscallInLoop;
            _scratch = remote.Checked(Sys.Mmap, 0, InitialScratch, rw, anonymous, ulong.MaxValue, 0);
            _scratchSize = InitialScratch;
            DisarmTimers(remote);
        }
        var regs = Registers.Get(tracee.Tid);
        regs.Rip = code;
        regs.Rsp = _scratch + _scratchSize - 64;
        regs.OrigRax = ulong.MaxValue; // no call to restart: the loop starts fresh
        regs.Rax = 0;
        Registers.Set(tracee.Tid, regs);
        ExtendedState.SetSignalMask(tracee.Tid, 0); // every signal must reach us, to be passed on
        _owed = tracee.Owed;
        tracee.Deputy = this;
        _standingIn = true;
        // A signal that came while the process was being emptied (met by the injected calls) is
        // the incarnation's, like any later one: delivered here, its handler would be unmapped memory.
        int stashed = tracee.SignalToDeliver;
        tracee.SignalToDeliver = 0;
        if (stashed != 0 && !tracee.Owed.TryAbsorb(stashed))
            tracee.SignalToDeliver = SignalArrived(stashed);
    }

    /// <summary>Runs a forwarded call inside the deputy and returns what its kernel answered.</summary>
    /// <remarks>The tracer thread waits for the call: for calls that cannot block for long (tests).
    /// A stay away uses <see cref="Begin"/>.</remarks>
    public ForwardedResult Execute(Tracee tracee, ForwardedCall call)
    {
        using var remote = Prepare(tracee, call);
        ForwardedResult result;
        using (var scratch = RemoteScratch.Borrow(remote, _scratch, _scratchSize))
            result = DeputyExecutor.Execute(remote, scratch, call);
        return WithSignals(tracee, result);
    }

    /// <summary>
    /// Starts a forwarded call inside the deputy and returns while it runs: a read of a pipe
    /// another process of the tree writes, or a wait4 for a child, blocks until the tree's other
    /// processes act, and the tracer thread must go on serving them meanwhile (docs/supervisor.md).
    /// <paramref name="done"/> gets what the deputy's kernel answered, on the tracer thread.
    /// </summary>
    public void Begin(Tracee tracee, ForwardedCall call, Action<ForwardedResult> done, Action<Exception> failed)
    {
        var remote = Prepare(tracee, call);
        var scratch = RemoteScratch.Borrow(remote, _scratch, _scratchSize);
        var laidOut = DeputyExecutor.LayOut(scratch, call);
        tracee.InFlight = remote.Begin(call.Number, laidOut.Args,
            ret =>
            {
                var result = DeputyExecutor.Collect(scratch, laidOut, ret);
                remote.Dispose(); // the pause loop's registers again
                done(WithSignals(tracee, result));
            },
            e =>
            {
                remote.Dispose();
                failed(e);
            });
    }

    private RemoteSyscalls Prepare(Tracee tracee, ForwardedCall call)
    {
        var remote = RemoteSyscalls.Enter(tracee, _syscall);
        ulong needed = DeputyExecutor.SpaceFor(call);
        if (needed > _scratchSize)
            Grow(remote, needed);
        // A move's interrupt that comes before the call has begun skips it (restarted wherever the
        // process then is): met there and kept for later, it would leave a blocking call deaf to it.
        remote.CancellingSignal = InterruptSignal;
        return remote;
    }

    /// <summary>A signal that reached the deputy during the call (and may have cut it short) is the incarnation's.</summary>
    private ForwardedResult WithSignals(Tracee tracee, ForwardedResult result)
    {
        int signal = tracee.SignalToDeliver;
        if (signal == 0)
            return result;
        // Sent on before the result, so that it is pending there when the call returns.
        tracee.SignalToDeliver = 0;
        if (tracee.Owed.TryAbsorb(signal))
            return result; // a move cut it short: InterruptedBy 0, the call is made again
        _onSignal(signal);
        if (StopsTheJob(signal))
            tracee.SignalToDeliver = Libc.SIGSTOP; // taken when the deputy goes on: see SignalArrived
        return result with { InterruptedBy = signal };
    }

    /// <summary>
    /// The process comes home: the deputy stops standing in, and the incarnation's image is restored
    /// into it, descriptors untouched (they never left). Precondition as for <see cref="Become"/>.
    /// </summary>
    /// <remarks>
    /// If the restore fails part-way, the process is emptied again and goes on standing in: the
    /// incarnation, still alive where it is, stays the process (the caller tells the guest so).
    /// </remarks>
    /// <param name="restore">Restores the incarnation's image into the tracee (as it arrives).</param>
    public void ComeHome(Tracee tracee, Action<Tracee> restore)
    {
        _standingIn = false;
        tracee.Deputy = null;
        try
        {
            restore(tracee);
        }
        catch
        {
            StandIn(tracee);
            throw;
        }
    }

    /// <summary>Ends the deputy as the incarnation ended: the same exit code, or the same signal.</summary>
    public void End(Tracee tracee, ExitOutcome outcome)
    {
        Ending = true;
        using (var remote = RemoteSyscalls.Enter(tracee))
        {
            if (outcome.Signal == 0)
            {
                remote.Syscall(Sys.ExitGroup, (ulong)outcome.ExitCode);
                return;
            }
            // Default disposition: the signal then does to the deputy what it did to the incarnation.
            var dfl = new byte[32];
            using var scratch = RemoteScratch.Borrow(remote, _scratch, _scratchSize);
            remote.Syscall(Sys.RtSigaction, (ulong)outcome.Signal, scratch.Put(0, dfl), 0, 8);
        }
        // Sent from outside, not injected: an injected kill's signal would be met at a stop of the
        // injection's single step and go undelivered. This one is pending when the deputy resumes,
        // reaches the supervisor as the deputy's own (Ending), and takes its default action.
        Libc.Kill(tracee.Tid, outcome.Signal);
    }

    /// <summary>
    /// Drops the kernel's pointers into the memory about to go: the rseq area (the kernel writes it
    /// on every return to user space, and kills the process if it cannot), the robust futex list and
    /// clear_child_tid (touched at exit).
    /// </summary>
    private static void ForgetMemoryRegistrations(RemoteSyscalls remote)
    {
        const ulong RSEQ_FLAG_UNREGISTER = 1, RobustListHeadSize = 24;
        var rseq = ExtendedState.GetRseq(remote.Tracee.Tid);
        if (rseq.Address != 0)
            remote.Checked(Sys.Rseq, rseq.Address, rseq.Length, RSEQ_FLAG_UNREGISTER, rseq.Signature);
        remote.Syscall(Sys.SetRobustList, 0, RobustListHeadSize);
        remote.Syscall(Sys.SetTidAddress, 0);
    }

    /// <summary>
    /// Stops the deputy's interval timers (setitimer, alarm): the incarnation runs its own copies,
    /// restored from the image; left running here, each tick would reach it twice. Coming home
    /// sets them from the image again. Precondition: the scratch area is fresh (zeros).
    /// </summary>
    private void DisarmTimers(RemoteSyscalls remote)
    {
        const ulong ITIMER_REAL = 0, ITIMER_PROF = 2;
        for (ulong which = ITIMER_REAL; which <= ITIMER_PROF; which++)
            remote.Checked(Sys.Setitimer, which, _scratch, 0);
    }

    private void Grow(RemoteSyscalls remote, ulong needed)
    {
        remote.Syscall(Sys.Munmap, _scratch, _scratchSize);
        _scratchSize = Mman.PageAlignUp(needed);
        _scratch = remote.Checked(Sys.Mmap, 0, _scratchSize, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, ulong.MaxValue, 0);
    }
}

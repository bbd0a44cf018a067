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
/// for memory it shares with other processes, a scratch area per thread and a three-instruction
/// pause loop. Forwarded calls run inside it by injection; signals sent to it are passed to the
/// incarnation; when the incarnation ends, it ends the same way.
/// </summary>
/// <remarks>
/// A multi-threaded process keeps all its threads, each parked in the pause loop on a stack of its
/// own, with its tid: each stands in for the incarnation's thread of the same tid, and runs that
/// thread's forwarded calls, so that one thread's call blocked at home (a read of the terminal)
/// never holds up another's (docs/migration.md, "Threads").
/// </remarks>
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

    /// <summary>Gets each signal for the incarnation, and the home tid it was sent to alone (0: the process).</summary>
    private readonly Action<int, int> _onSignal;

    private readonly int _pid;

    /// <summary>Each thread's scratch area, by tid: its forwarded calls' buffers, and the stack it pauses on. Tracer thread only.</summary>
    private readonly Dictionary<int, Scratch> _scratch = [];

    /// <summary>The threads standing in, with their owed interrupts: read by <see cref="Interrupt"/> from any thread.</summary>
    private volatile (int Tid, OwedSignals Owed)[] _threads = [];

    private sealed class Scratch(ulong address, ulong size)
    {
        public ulong Address = address, Size = size;
    }

    private Deputy(int pid, Action<int, int> onSignal)
    {
        _pid = pid;
        _onSignal = onSignal;
    }

    /// <summary>Whether <paramref name="tid"/> is one of the threads standing in (a forwarded call may name only those).</summary>
    public bool HasThread(int tid) => Array.Exists(_threads, t => t.Tid == tid);

    /// <summary>How many threads stand in.</summary>
    public int ThreadCount => _threads.Length;

    /// <summary>Thread <paramref name="tid"/> no longer stands in: its thread away has exited (<see cref="ExitThread"/> ends it).</summary>
    public void Forget(int tid) => _threads = [.. _threads.Where(t => t.Tid != tid)];

    /// <summary>
    /// Ends one deputy thread, as its thread away ended: exit(2) injected into it and not waited
    /// for (it never returns; the thread's end reaches the supervisor like any other).
    /// </summary>
    public static void ExitThread(Tracee thread)
    {
        var exiting = RemoteSyscalls.Enter(thread);
        thread.InFlight = exiting.Begin(Sys.Exit, [0], _ => exiting.Dispose(), _ => exiting.Dispose());
    }

    public bool Ending { get; private set; }

    /// <summary>
    /// The signal home sends the deputy to cut short a forwarded call that blocks there (a read of
    /// the terminal) when the process must move: it is never passed on. A program's own use of
    /// SIGRTMAX while away is lost to this; MOSIX reserves signals the same way.
    /// </summary>
    public const int InterruptSignal = 64;

    /// <summary>Set while the process stands in: only then is there a call to cut short.</summary>
    private volatile bool _standingIn;

    public int SignalArrived(int signal, int thread)
    {
        // Our own interrupt never gets here: the supervisor absorbs it (OwedSignals).
        _onSignal(signal, thread);
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
    /// Cuts short the forwarded calls the deputy's threads may be blocked in (from any thread): one
    /// interrupt to each thread. Each is owed before it is sent, so wherever and whenever it arrives
    /// (in the call, in the pause loop, or once the process is home and runs its own code again) it
    /// is absorbed, never delivered.
    /// </summary>
    public void Interrupt()
    {
        if (!_standingIn)
            return; // home already, or going: no forwarded call left to cut short
        foreach (var (tid, owed) in _threads)
        {
            owed.Owe(InterruptSignal);
            if (Libc.Tgkill(_pid, tid, InterruptSignal) < 0)
                owed.TryAbsorb(InterruptSignal); // not sent: not owed
        }
    }

    /// <summary>
    /// Turns a stopped process (its image already taken) into a deputy. Precondition: the tracer
    /// thread, the tracee in an interrupt stop.
    /// </summary>
    /// <param name="onSignal">Gets each signal for the incarnation, and the home tid it was sent to alone (0: the process).</param>
    public static Deputy Become(Tracee tracee, Action<int, int> onSignal)
    {
        var deputy = new Deputy(tracee.Tid, onSignal);
        deputy.StandIn(tracee);
        return deputy;
    }

    private static IReadOnlyList<Tracee> ThreadsOf(Tracee leader) =>
        leader.Group is { Tasks.Count: > 0 } group ? group.Tasks : [leader];

    /// <summary>
    /// Empties the process but for the pause loop and a scratch area per thread, and points every
    /// thread at the loop. Precondition: every thread of the process is stopped (held).
    /// </summary>
    private void StandIn(Tracee tracee)
    {
        var threads = ThreadsOf(tracee).ToList();
        foreach (var thread in threads.Where(t => t != tracee))
        {
            using var own = RemoteSyscalls.Enter(thread);
            ForgetMemoryRegistrations(own);
        }
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
            _scratch.Clear();
            foreach (var thread in threads)
                _scratch[thread.Tid] = new Scratch(remote.Checked(Sys.Mmap, 0, InitialScratch, rw, anonymous, ulong.MaxValue, 0), InitialScratch);
            DisarmTimers(remote, _scratch[tracee.Tid].Address);
        }
        foreach (var thread in threads)
            Park(thread, code);
        _threads = [.. threads.Select(t => (t.Tid, t.Owed))];
        _standingIn = true;
    }

    /// <summary>Points one thread at the pause loop, on its own stack, every signal let through to be passed on.</summary>
    private void Park(Tracee thread, ulong code)
    {
        var scratch = _scratch[thread.Tid];
        var regs = Registers.Get(thread.Tid);
        regs.Rip = code;
        regs.Rsp = scratch.Address + scratch.Size - 64;
        regs.OrigRax = ulong.MaxValue; // no call to restart: the loop starts fresh
        regs.Rax = 0;
        Registers.Set(thread.Tid, regs);
        ExtendedState.SetSignalMask(thread.Tid, 0); // every signal must reach us, to be passed on
        thread.Deputy = this;
        // A signal that came while the process was being emptied (met by the injected calls) is
        // the incarnation's, like any later one: delivered here, its handler would be unmapped memory.
        int stashed = thread.SignalToDeliver;
        thread.SignalToDeliver = 0;
        if (stashed != 0 && !thread.Owed.TryAbsorb(stashed))
            thread.SignalToDeliver = SignalArrived(stashed, 0);
    }

    /// <summary>Runs a forwarded call inside the deputy and returns what its kernel answered.</summary>
    /// <remarks>The tracer thread waits for the call: for calls that cannot block for long (tests).
    /// A stay away uses <see cref="Begin"/>.</remarks>
    public ForwardedResult Execute(Tracee tracee, ForwardedCall call)
    {
        using var remote = Prepare(tracee, call, out var area);
        ForwardedResult result;
        using (var scratch = RemoteScratch.Borrow(remote, area.Address, area.Size))
            result = DeputyExecutor.Execute(remote, scratch, call);
        return WithSignals(tracee, result);
    }

    /// <summary>
    /// Starts a forwarded call inside the deputy thread <paramref name="tracee"/> and returns while
    /// it runs: a read of a pipe another process of the tree writes, or a wait4 for a child, blocks
    /// until the tree's other processes act, and the tracer thread must go on serving them (and the
    /// other deputy threads) meanwhile (docs/supervisor.md). <paramref name="done"/> gets what the
    /// deputy's kernel answered, on the tracer thread.
    /// </summary>
    public void Begin(Tracee tracee, ForwardedCall call, Action<ForwardedResult> done, Action<Exception> failed)
    {
        var remote = Prepare(tracee, call, out var area);
        var scratch = RemoteScratch.Borrow(remote, area.Address, area.Size);
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

    private RemoteSyscalls Prepare(Tracee tracee, ForwardedCall call, out Scratch area)
    {
        if (!_scratch.TryGetValue(tracee.Tid, out area!))
            throw new InvalidOperationException($"thread {tracee.Tid} does not stand in for the process");
        var remote = RemoteSyscalls.Enter(tracee, _syscall);
        ulong needed = DeputyExecutor.SpaceFor(call);
        if (needed > area.Size)
            Grow(remote, area, needed);
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
        _onSignal(signal, 0);
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
        foreach (var thread in ThreadsOf(tracee))
            thread.Deputy = null;
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
        if (outcome.Signal == 0)
        {
            // Started, not waited for here: exit_group ends the other deputy threads too, and each
            // one's exit stop must reach the loop, which lets it finish, before the leader's own end
            // can be reported (a leader's exit waits for its threads).
            var exiting = RemoteSyscalls.Enter(tracee);
            tracee.InFlight = exiting.Begin(Sys.ExitGroup, [(ulong)outcome.ExitCode], _ => exiting.Dispose(), _ => exiting.Dispose());
            return;
        }
        using (var remote = RemoteSyscalls.Enter(tracee))
        {
            // Default disposition: the signal then does to the deputy what it did to the incarnation.
            var dfl = new byte[32];
            var area = _scratch[tracee.Tid];
            using var scratch = RemoteScratch.Borrow(remote, area.Address, area.Size);
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
    /// sets them from the image again. Precondition: <paramref name="zeros"/> is a fresh scratch area.
    /// </summary>
    private static void DisarmTimers(RemoteSyscalls remote, ulong zeros)
    {
        const ulong ITIMER_REAL = 0, ITIMER_PROF = 2;
        for (ulong which = ITIMER_REAL; which <= ITIMER_PROF; which++)
            remote.Checked(Sys.Setitimer, which, zeros, 0);
    }

    /// <summary>A bigger scratch area for one thread (the pause loop never touches the stack that pointed into the old one).</summary>
    private static void Grow(RemoteSyscalls remote, Scratch area, ulong needed)
    {
        remote.Syscall(Sys.Munmap, area.Address, area.Size);
        area.Size = Mman.PageAlignUp(needed);
        area.Address = remote.Checked(Sys.Mmap, 0, area.Size, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS, ulong.MaxValue, 0);
    }
}

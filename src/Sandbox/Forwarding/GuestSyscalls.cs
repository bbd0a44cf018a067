using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// The syscall handler of an incarnation away from home (TrapPolicy.Guest): what the table calls
/// home goes home through <see cref="IHomeChannel"/> and runs in the deputy; the process's own pid
/// is answered from its home identity; refused calls fail with their errno; calls only home can
/// make send the process home first; a guest never touches this node's files, sockets or processes.
/// </summary>
/// <param name="files">Home's answers about the files it maps; without them every file mapping takes the process home.</param>
public sealed class GuestSyscalls(IHomeChannel home, int homePid, IHomeFiles? files = null) : ISyscallHandler
{
    private readonly FileMappingsAway? _mappings = files is null ? null : new FileMappingsAway(home, files);

    /// <summary>The process's pid at home, which getpid answers away (known once the image is in).</summary>
    public int HomePid { get; set; } = homePid;

    /// <summary>Each thread's tid here and the home tid it stands for, which gettid answers (filled by the restore).</summary>
    public ThreadIds Threads { get; } = new();

    /// <summary>
    /// The incarnation's supervisor, which answers a multi-threaded process's calls when they come
    /// back from home (<see cref="ISyscallHandler.Pending"/>); without it every call waits on the
    /// tracer thread.
    /// </summary>
    public Supervisor? Answers { get; set; }

    private readonly Lock _atHome = new();
    private int _callsAtHome;
    private List<Action>? _whenSettled;

    /// <summary>How many calls of the process's threads are at home now, unanswered.</summary>
    public int CallsAtHome
    {
        get
        {
            lock (_atHome)
                return _callsAtHome;
        }
    }

    /// <summary>
    /// Runs <paramref name="then"/> once no call is at home (now, if none is; else on the tracer
    /// thread, as the last answer is taken). A move home waits for that: a call answered after the
    /// image was taken would be lost, or made twice.
    /// </summary>
    public void WhenSettled(Action then)
    {
        lock (_atHome)
        {
            if (_callsAtHome > 0)
            {
                (_whenSettled ??= []).Add(then);
                return;
            }
        }
        then();
    }

    private const ulong MAP_ANONYMOUS = 0x20;
    private const long ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTART_RESTARTBLOCK = 516;

    /// <summary>
    /// False until the image has been restored into the incarnation: until then the calls are
    /// the restorer stub's own (its execve, its pause), and run natively.
    /// </summary>
    public bool Armed { get; set; }

    /// <summary>
    /// Whether the image left memory at home (shared with home processes): only then are the
    /// calls the table checks away (<see cref="SyscallEntry.CheckedAway"/>) looked at, at the cost
    /// of reading the memory map. A process away cannot make more of it (MAP_SHARED goes home).
    /// </summary>
    public bool MemoryAtHome { get; set; }

    /// <summary>What a call that cannot be served here becomes (mosrun -e, -w; by default the process ends).</summary>
    public UnservedCallPolicy Unserved { get; set; }

    /// <summary>
    /// Starts taking the process home, for a call only home can make (a new process, exec, a file
    /// mapping); false if it cannot go. The call is held meanwhile: issued again when the process
    /// next runs, which is at home.
    /// </summary>
    public Func<SyscallEntry, bool>? TakeHome { get; set; }

    /// <summary>
    /// The process is being taken home: calls that need home are held (issued again once it is
    /// there) instead of being sent, so that none blocks at home while the move waits for it.
    /// </summary>
    public bool Leaving { get; set; }

    /// <summary>A file mapping was given home's bytes rather than this node's copy: the path, and why.</summary>
    public event Action<string, string>? MappedWithHomesBytes
    {
        add => _mappings?.FilledFromHome += value;
        remove => _mappings?.FilledFromHome -= value;
    }

    /// <summary>A thread of a multi-threaded incarnation is exiting: its home tid (home ends its deputy thread).</summary>
    public event Action<int>? ThreadExiting;

    /// <summary>A call that cannot be served away from home, described; raised before the policy applies.</summary>
    public event Action<string, UnservedCallPolicy>? CannotServe;

    public long? Handle(Tracee tracee, in UserRegs regs, SyscallEntry? entry, TrapReason reason)
    {
        if (!Armed)
            return null;
        if (reason == TrapReason.ForeignAbi || entry is null)
            return Unservable(reason == TrapReason.ForeignAbi ? "a 32-bit system call (int 0x80)" : $"system call {(long)regs.OrigRax}");
        // Held while the process is being taken home; a file mapping too, which would otherwise
        // make home calls of its own (FileMappingsAway) on every retry while the move waits.
        if (Leaving && (entry.Class is SyscallClass.Virtual or SyscallClass.Home or SyscallClass.BringHome || IsFileMapping(entry, regs)))
            return ISyscallHandler.Restart;
        try
        {
            return entry.Class switch
            {
                SyscallClass.Local when IsFileMapping(entry, regs) => _mappings?.TryMap(tracee, regs) ?? GoHome(entry),
                // Memory shared at home is a placeholder here: made accessible or moved, it would
                // be private memory of zeros. At home the call meets the real thing.
                SyscallClass.Local when entry.CheckedAway is { } memory && MemoryAtHome
                    && MemoryMap.TouchesMemoryAtHome(tracee.Tid, regs.Arg(memory.AddressArg), memory.Length(regs)) => GoHome(entry),
                SyscallClass.Local => null,
                SyscallClass.Virtual when entry.Name is "getpid" => HomePid,
                SyscallClass.Virtual when entry.Name is "gettid" => HomeTid(tracee),
                SyscallClass.Virtual or SyscallClass.Home => Forward(tracee, regs, entry),
                // A thread's exit runs here; home ends its deputy thread (the last thread's exit ends
                // the process, and the deputy with it).
                SyscallClass.BringHome when entry.Name == "exit" => ThreadExits(tracee),
                SyscallClass.Refused => -entry.Errno,
                _ => GoHome(entry),
            };
        }
        catch (RemoteFaultException)
        {
            return -Errno.EFAULT;
        }
        catch (InvalidCallException invalid)
        {
            return -invalid.Errno;
        }
    }

    private static bool IsFileMapping(SyscallEntry entry, in UserRegs regs) => entry.Name == "mmap" && (regs.Arg(3) & MAP_ANONYMOUS) == 0;

    private static int ThreadCount(Tracee tracee) => tracee.Group?.Tasks.Count ?? 1;

    /// <summary>exit(2) of one thread: made here (null), and home told, unless it is the process's last thread.</summary>
    private long? ThreadExits(Tracee tracee)
    {
        if (ThreadCount(tracee) > 1 && Threads.HomeOf(tracee.Tid) is { } home)
            ThreadExiting?.Invoke(home);
        return null;
    }

    /// <summary>The home tid the thread stands for: its deputy thread's, which glibc's copies hold too.</summary>
    private int HomeTid(Tracee tracee) => Threads.HomeOf(tracee.Tid) ?? HomePid;

    /// <summary>The tag of the thread's calls: 0 for a single-threaded process (home runs them in the leader).</summary>
    private int CallTag(Tracee tracee) => ThreadCount(tracee) > 1 || Threads.Count > 1 ? HomeTid(tracee) : 0;

    private long Forward(Tracee tracee, in UserRegs regs, SyscallEntry entry)
    {
        int thread = CallTag(tracee);
        if (LargeTransfers.Split(tracee.Tid, regs, entry) is { } parts)
        {
            // Piece by piece, waited for here: a large transfer holds up the other threads' calls meanwhile.
            var moved = LargeTransfers.Forward(home, tracee.Tid, regs, entry, parts, thread);
            return IsInterruption(moved) ? AfterInterruption(tracee, moved.Return, moved.InterruptedBy) : moved.Return;
        }
        bool regular = CallMarshaller.IsRegular(entry);
        ForwardedCall? call = regular
            ? CallMarshaller.Capture(tracee.Tid, regs, entry)
            : IrregularCalls.Capture(regs, entry) is { } irregular ? IrregularCalls.WithInputs(tracee.Tid, irregular) : null;
        if (call is null)
            return Unservable(entry.Args.Count >= 2 ? $"{entry.Name}(0x{regs.Arg(0):x}, 0x{regs.Arg(1):x}, ...)" : entry.Name);
        if (thread != 0 && Answers is { } answers)
            return Send(tracee.Tid, regs, entry, call, regular, thread, answers);
        return Complete(tracee, regs, entry, regular, home.Call(call));
    }

    /// <summary>What a call that came back from home returns, its outputs written into the thread's memory.</summary>
    private static long Complete(Tracee tracee, in UserRegs regs, SyscallEntry entry, bool regular, ForwardedResult result)
    {
        if (IsInterruption(result))
            return AfterInterruption(tracee, result.Return, result.InterruptedBy);
        if (regular)
            CallMarshaller.Apply(tracee.Tid, regs, entry, result);
        else
            IrregularCalls.Apply(tracee.Tid, regs, result);
        return result.Return;
    }

    /// <summary>
    /// A thread's call sent home without waiting: the thread stays at its stop, and the tracer
    /// thread goes on serving the others; the answer, when it comes, is written in and the thread
    /// let go (<see cref="Supervisor.Answer"/>).
    /// </summary>
    private long Send(int tid, UserRegs regs, SyscallEntry entry, ForwardedCall call, bool regular, int thread, Supervisor answers)
    {
        lock (_atHome)
            _callsAtHome++;
        home.Begin(call, thread, result =>
        {
            if (!answers.Answer(tid, tracee => Answered(() => CompleteChecked(tracee, regs, entry, regular, result)), () => Answered(() => 0)))
                Answered(() => 0); // the tree has ended
        });
        return ISyscallHandler.Pending;
    }

    private static long CompleteChecked(Tracee tracee, in UserRegs regs, SyscallEntry entry, bool regular, ForwardedResult result)
    {
        try
        {
            return Complete(tracee, regs, entry, regular, result);
        }
        catch (RemoteFaultException)
        {
            return -Errno.EFAULT;
        }
        catch (InvalidCallException invalid)
        {
            return -invalid.Errno;
        }
    }

    /// <summary>One call fewer at home, once its answer is taken; a move waiting for the last goes on.</summary>
    private long Answered(Func<long> take)
    {
        long answer = take();
        List<Action>? settled = null;
        lock (_atHome)
        {
            if (--_callsAtHome == 0)
                (settled, _whenSettled) = (_whenSettled, null);
        }
        settled?.ForEach(then => then());
        return answer;
    }

    private static bool IsInterruption(ForwardedResult result) => result.Return is <= -ERESTARTSYS and >= -ERESTART_RESTARTBLOCK;

    /// <summary>
    /// The call was interrupted at home, by a signal now pending here or by a move: do what the
    /// kernel would have done had the call been local (signal(7), "Interruption of system calls").
    /// </summary>
    private static long AfterInterruption(Tracee tracee, long code, int signal)
    {
        if (signal == 0 || -code == ERESTARTNOINTR)
            return ISyscallHandler.Restart; // a move, not a signal: the call is made again, wherever the process then is
        // A handler's SA_RESTART flag is not visible from outside without injecting into the process,
        // which cannot be done at its seccomp stop: a handled signal makes the call fail with EINTR
        // (what a handler without SA_RESTART sees); an ignored or default one restarts it.
        return SignalDispositions.IsCaught(tracee.Tid, signal) ? -Errno.EINTR : ISyscallHandler.Restart;
    }

    private long GoHome(SyscallEntry entry) =>
        TakeHome?.Invoke(entry) == true ? ISyscallHandler.Restart : Unservable(entry.Name);

    private long Unservable(string what)
    {
        CannotServe?.Invoke(what, Unserved);
        return -Errno.ENOSYS;
    }
}

/// <summary>What a call that cannot be served away from home becomes.</summary>
public enum UnservedCallPolicy
{
    /// <summary>The process is ended, with a message naming the call (the default, as in MOSIX).</summary>
    EndProcess,

    /// <summary>The call fails with ENOSYS (mosrun -e).</summary>
    Fail,

    /// <summary>The call fails with ENOSYS and a warning goes to the user's stderr (mosrun -w).</summary>
    FailAndWarn,
}

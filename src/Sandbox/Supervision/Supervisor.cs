using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

/// <summary>
/// Runs one process tree under ptrace: spawns the root traced, follows every descendant, lets
/// the seccomp filter decide which calls stop, and reports how the root ended once the whole tree
/// has exited.
/// </summary>
/// <remarks>
/// All state here belongs to the tracer thread; other threads reach it only through
/// <see cref="TracerThread.Post"/> (see <see cref="WithStopped{T}"/>). Split by phase:
/// Spawn (start and seize), Loop (wait and dispatch), Stops (each kind of stop),
/// Signals (mosrun's own signals and job control), SyscallStop (trapped calls).
/// </remarks>
public sealed partial class Supervisor
{
    private readonly SupervisorOptions _options;
    private readonly Dictionary<int, Tracee> _tracees = new();
    private readonly TaskCompletionSource<ExitOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _rootStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _rootExecutedTask = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TracerThread? _tracer;
    private ExitOutcome? _rootOutcome;
    private int _execErrFd = -1;
    private bool _rootExecuted;

    private Supervisor(SupervisorOptions options) => _options = options;

    /// <summary>The root's pid, once spawned.</summary>
    public int RootPid { get; private set; }

    /// <summary>Completes once the root has exec'd its program (faults if it could not).</summary>
    public Task Executed => _rootExecutedTask.Task;

    /// <summary>Completes when every process of the tree has exited, with the root's outcome.</summary>
    public Task<ExitOutcome> Completion => _outcome.Task;

    /// <summary>
    /// Spawns <paramref name="request"/> under a new tracer thread and returns once the root has
    /// been seized and released to exec.
    /// </summary>
    public static Supervisor Start(SpawnRequest request, SupervisorOptions options)
    {
        var supervisor = new Supervisor(options);
        supervisor._tracer = TracerThread.Start($"tracer:{Path.GetFileName(request.Path)}", tracer => supervisor.Run(tracer, request));
        supervisor._tracer.Completion.ContinueWith(t =>
        {
            if (t.Exception is { } e)
            {
                supervisor._rootStarted.TrySetException(e.InnerExceptions);
                supervisor._outcome.TrySetException(e.InnerExceptions);
            }
        }, TaskScheduler.Default);
        supervisor._rootStarted.Task.GetAwaiter().GetResult();
        return supervisor;
    }

    /// <summary>Spawns, supervises to the end and returns the root's outcome.</summary>
    public static ExitOutcome Run(SpawnRequest request, SupervisorOptions options) =>
        Start(request, options).Completion.GetAwaiter().GetResult();

    /// <summary>
    /// Stops thread <paramref name="tid"/> with PTRACE_INTERRUPT, runs <paramref name="action"/> on
    /// the tracer thread while it is stopped, and lets it go on.
    /// </summary>
    /// <remarks>The action may use <see cref="Injection.RemoteSyscalls"/> on the tracee it is given.</remarks>
    public Task<T> WithStopped<T>(int tid, Func<Tracee, T> action)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = Tracer.Post(() => RequestInterrupt(tid, new PendingStop(
            tracee =>
            {
                try { result.SetResult(action(tracee)); }
                catch (TraceeGoneException) { throw; } // the loop must learn of it too
                catch (Exception e) { result.SetException(e); }
            },
            e => result.TrySetException(e))));
        if (!posted)
            result.TrySetException(new InvalidOperationException($"process {tid} has exited"));
        return result.Task;
    }

    /// <summary>
    /// <see cref="WithStopped{T}"/> for a dedicated thread that blocks until the action ran: its
    /// result, or its exception rethrown. The wait does not spin: a spinning waiter takes the CPU
    /// the tracer thread and the tracee need (on two cores, a forwarded call's round trip
    /// doubled), and there is no task whose continuation would hop through the thread pool.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process has exited.</exception>
    public T RunStopped<T>(int tid, Func<Tracee, T> action) =>
        RunInFlight<T>(tid, (tracee, done, _) => done(action(tracee)));

    /// <summary>
    /// Like <see cref="RunStopped{T}"/> for work that leaves a system call in flight in the tracee
    /// (<see cref="Tracee.InFlight"/>): <paramref name="begin"/> starts it, stopped, and later calls
    /// its first argument with the result (or the second with a failure), on the tracer thread.
    /// The calling thread waits for that result; the tracer thread serves the tree meanwhile.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process has exited.</exception>
    public T RunInFlight<T>(int tid, Action<Tracee, Action<T>, Action<Exception>> begin)
    {
        var done = new ManualResetEventSlim(false, spinCount: 0);
        T value = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        BeginInFlight<T>(tid, begin,
            result =>
            {
                value = result;
                done.Set();
            },
            e =>
            {
                error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                done.Set();
            });
        done.Wait();
        error?.Throw();
        return value;
    }

    /// <summary>
    /// <see cref="RunInFlight{T}"/> without the wait: returns at once, and exactly one of
    /// <paramref name="done"/> or <paramref name="failed"/> is called later, on the tracer thread
    /// (or at once, on this one, if the process has exited). For a caller with several calls in
    /// flight at once: the deputy threads of a multi-threaded process.
    /// </summary>
    public void BeginInFlight<T>(int tid, Action<Tracee, Action<T>, Action<Exception>> begin, Action<T> done, Action<Exception> failed)
    {
        int finished = 0;
        void Finish(T result, Exception? e)
        {
            if (Interlocked.Exchange(ref finished, 1) == 1)
                return;
            if (e is null)
                done(result);
            else
                failed(e);
        }
        bool posted = Tracer.Post(() => RequestInterrupt(tid, new PendingStop(
            tracee =>
            {
                try
                {
                    begin(tracee, result => Finish(result, null), e => Finish(default!, e));
                }
                catch (TraceeGoneException) { throw; } // the loop must learn of it too; it calls Fail
                catch (Exception e) { Finish(default!, e); }
            },
            e => Finish(default!, e))));
        if (!posted)
            Finish(default!, new InvalidOperationException($"process {tid} has exited"));
    }

    /// <summary>Sends <paramref name="signal"/> to the root process (kill(2), from any thread).</summary>
    public void SignalRoot(int signal) => Interop.Libc.Kill(RootPid, signal);

    /// <summary>Sends <paramref name="signal"/> to every process of the tree (any thread).</summary>
    public void SignalAll(int signal)
    {
        foreach (var member in Members)
            Interop.Libc.Kill(member.Pid, signal);
    }

    /// <summary>Sends <paramref name="signal"/> to process <paramref name="pid"/> if it is one of the tree's (any thread).</summary>
    public void Signal(int pid, int signal)
    {
        if (IsMember(pid))
            Interop.Libc.Kill(pid, signal);
    }

    /// <summary>
    /// Stops the root with SIGSTOP without mosrun stopping along at once (a checkpoint's reply must
    /// go out first); the caller stops mosrun itself afterwards with <see cref="ProcessSetup.StopSelf"/>,
    /// once the returned task says every thread of the root is in its group-stop (or the root is
    /// gone). Stopped any earlier, mosrun would leave the stop half made: the thread that took the
    /// SIGSTOP waits for its tracer to let the stop begin, and the others run on.
    /// </summary>
    public Task StopRootQuietly()
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _quietlyStopped, stopped);
        _quietStop = true;
        SignalRoot(Interop.Libc.SIGSTOP);
        if (Completion.IsCompleted)
            stopped.TrySetResult();
        return stopped.Task;
    }

    private volatile bool _quietStop;

    /// <summary>Completed when a quiet stop has taken every thread of the root (<see cref="StopRootQuietly"/>).</summary>
    private TaskCompletionSource? _quietlyStopped;

    /// <summary>Completes the quiet stop under way once every task of the root's process is in its group-stop. Tracer thread.</summary>
    private void SettleQuietStop(ThreadGroup? root)
    {
        if (Volatile.Read(ref _quietlyStopped) is not { } stopped)
            return;
        if (root is null || root.Ended || root.Tasks.All(t => t.InGroupStop))
        {
            Volatile.Write(ref _quietlyStopped, null);
            stopped.TrySetResult();
        }
    }

    private TracerThread Tracer => _tracer ?? throw new InvalidOperationException("the supervisor has not started");

    private void Run(TracerThread tracer, SpawnRequest request)
    {
        _tracer = tracer;
        try
        {
            SpawnRoot(request);
        }
        catch (Exception e)
        {
            _rootStarted.SetException(e);
            _outcome.TrySetException(e);
            return;
        }
        _rootStarted.SetResult();
        if (_options.StandsInForProgram)
            ForwardOwnSignals();
        Loop();
        Volatile.Read(ref _quietlyStopped)?.TrySetResult(); // nothing left to stop
        Tracer.Close(); // work posted as the tree ended finds no tracee and fails; later posts fail at once
        _rootExecutedTask.TrySetException(new InvalidOperationException("the program ended before it started"));
        _outcome.TrySetResult(_rootOutcome ?? new ExitOutcome(0, 0, false, 0));
    }
}

using System.Collections.Concurrent;
using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Tracing;

/// <summary>
/// The one OS thread that owns a supervised process tree: it seizes the tracees and makes every
/// ptrace and wait call for them, for the tree's whole life.
/// </summary>
/// <remarks>
/// ptrace is per thread: the kernel answers ESRCH to any other thread. So this thread never awaits
/// and never runs on the thread pool; other code reaches it through <see cref="Post"/>, which queues
/// the work and wakes the thread out of its wait with a thread-directed signal (native/preload/wait.c).
/// If this thread ended, its tracees would be killed (PTRACE_O_EXITKILL): the body catches everything.
/// </remarks>
public sealed class TracerThread
{
    /// <summary>SIGRTMIN+10: not used by glibc (32, 33) nor by the .NET runtime (SIGRTMIN).</summary>
    public const int WakeSignal = 44;

    [ThreadStatic] private static TracerThread? t_current;

    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private volatile int _tid;
    private bool _closed;

    private TracerThread(string name, Action<TracerThread> body)
    {
        _thread = new Thread(() => Run(body)) { Name = name, IsBackground = true };
    }

    /// <summary>The kernel thread id, for wake-ups.</summary>
    public int Tid => _tid;

    /// <summary>Completes when the body returns; faults if it threw.</summary>
    public Task Completion => _completed.Task;

    /// <summary>True when the caller is a tracer thread.</summary>
    public static bool OnTracerThread => t_current is not null;

    /// <summary>Starts a tracer thread running <paramref name="body"/>; returns once it can take posts.</summary>
    public static TracerThread Start(string name, Action<TracerThread> body)
    {
        var tracer = new TracerThread(name, body);
        tracer._thread.Start();
        tracer._started.Task.GetAwaiter().GetResult();
        return tracer;
    }

    /// <summary>Guards every ptrace wrapper: a request from any other thread is a bug, not an ESRCH.</summary>
    public static void AssertOwner()
    {
        if (t_current is null)
            throw new InvalidOperationException("ptrace request from a thread that is not a tracer thread");
    }

    /// <summary>
    /// Queues <paramref name="action"/> to run on this thread and wakes it; false once the thread
    /// has closed (its tree ended), when nothing would ever run it.
    /// </summary>
    public bool Post(Action action)
    {
        lock (_posted)
        {
            if (_closed)
                return false;
            _posted.Enqueue(action);
        }
        Native.Wake(_tid);
        return true;
    }

    /// <summary>Runs the work queued by <see cref="Post"/>. Only the tracer thread calls this.</summary>
    public void RunPosted()
    {
        while (_posted.TryDequeue(out var action))
            action();
    }

    /// <summary>Takes no more work, and runs what was already queued. Only the tracer thread calls this.</summary>
    public void Close()
    {
        lock (_posted)
            _closed = true;
        RunPosted();
    }

    private void Run(Action<TracerThread> body)
    {
        t_current = this;
        try
        {
            _tid = Native.GetTid();
            int r = Native.WaitInit(WakeSignal);
            if (r < 0)
                throw new InvalidOperationException($"cannot set up the tracer's wake-up signal: errno {-r}");
            _started.SetResult();
            body(this);
            _completed.SetResult();
        }
        catch (Exception e)
        {
            _started.TrySetException(e);
            _completed.TrySetException(e);
        }
    }
}

using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    /// <summary>
    /// Stops every thread of process <paramref name="pid"/> (PTRACE_INTERRUPT each, wherever it is:
    /// computing, or blocked in a futex wait, a read or a sleep), runs <paramref name="action"/> on
    /// the tracer thread with the thread-group leader while all of them are held, and lets them all
    /// go on. What a checkpoint needs: one consistent moment of the whole process.
    /// </summary>
    /// <remarks>
    /// A thread created while the others were being stopped is stopped too before the action runs; a
    /// thread that ends meanwhile is simply no longer waited for. The action may inject calls into
    /// any of the group's tasks (<see cref="ThreadGroup.Tasks"/>), and add threads with
    /// <see cref="AdoptThread"/>: those are held too and go on with the rest.
    /// </remarks>
    public Task<T> WithProcessStopped<T>(int pid, Func<Tracee, T> action)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool posted = Tracer.Post(() => StopProcess(pid, new ProcessStop(
            leader =>
            {
                try { result.SetResult(action(leader)); }
                catch (TraceeGoneException) { throw; } // the loop must learn of it too
                catch (Exception e) { result.SetException(e); }
            },
            e => result.TrySetException(e))));
        if (!posted)
            result.TrySetException(new InvalidOperationException($"process {pid} has exited"));
        return result.Task;
    }

    /// <summary>
    /// Takes into the tree a thread that an injected clone(CLONE_THREAD) just made in
    /// <paramref name="parent"/>'s process (a restore re-creating the image's threads): waits for
    /// its first stop, where it has not run one instruction, and keeps it stopped until the work
    /// under way (<see cref="WithProcessStopped{T}"/>, <see cref="WithStopped{T}"/>) is done.
    /// Tracer thread only; the caller owns the thread until then (registers, injected calls).
    /// </summary>
    /// <exception cref="TraceeGoneException">The new thread died before its first stop.</exception>
    public Tracee AdoptThread(Tracee parent, int tid)
    {
        TracerThread.AssertOwner();
        if (!_tracees.TryGetValue(tid, out var thread))
            _tracees[tid] = thread = new Tracee(tid, isRoot: false);
        // Its first stop (PTRACE_EVENT_STOP of an auto-attached task), collected here so that the loop,
        // which would resume it, never sees it.
        if (Interop.Wait.ForTid(tid, out int raw) < 0)
            throw new TraceeGoneException(tid);
        var status = new WaitStatus(raw);
        if (!status.Stopped)
        {
            _tracees.Remove(tid);
            throw new TraceeGoneException(tid) { Status = status };
        }
        thread.LastStop = status;
        if (thread.Group is null && parent.Group is { } group)
        {
            group.Add(thread);
            PublishMembers();
        }
        thread.Held = true;
        (_adopted ??= []).Add(thread);
        return thread;
    }

    /// <summary>Threads adopted during the work under way, released when it is done.</summary>
    private List<Tracee>? _adopted;

    /// <summary>Lets go the threads <see cref="AdoptThread"/> took, once the work that made them is done.</summary>
    private void ReleaseAdopted(Tracee? current)
    {
        if (_adopted is not { } adopted)
            return;
        _adopted = null;
        foreach (var thread in adopted)
            Release(thread, current);
    }

    private void StopProcess(int pid, ProcessStop stop)
    {
        if (!_groups.TryGetValue(pid, out var group) || group.Ended)
        {
            stop.Fail(new InvalidOperationException($"{pid} is not a live process of this supervisor"));
            return;
        }
        if (group.Tasks.FirstOrDefault(t => t.InGroupStop) is { } stopped)
        {
            stop.Fail(new InvalidOperationException(StoppedMessage(stopped)));
            return;
        }
        stop.Group = group;
        Interrupt(stop, [.. group.Tasks]);
    }

    /// <summary>Asks each of <paramref name="tasks"/> to stop, counting them all before any stop can be handled.</summary>
    private void Interrupt(ProcessStop stop, List<Tracee> tasks)
    {
        stop.Waiting += tasks.Count;
        foreach (var task in tasks)
            RequestInterrupt(task.Tid, new PendingStop(t => OnHeld(stop, t), e => OnLost(stop, task, e)));
    }

    private void OnHeld(ProcessStop stop, Tracee task)
    {
        task.Held = true;
        stop.Waiting--;
        if (stop.Waiting == 0 && !stop.Done)
            Complete(stop, task);
    }

    private void OnLost(ProcessStop stop, Tracee task, Exception why)
    {
        if (stop.Done)
            return;
        if (task.Tid == stop.Group!.Pid)
        {
            // The leader is gone: the process is exiting (or a thread exec'd). Nothing to act on.
            stop.Done = true;
            foreach (var held in stop.Group.Tasks.Where(t => t.Held).ToList())
                Release(held, current: null);
            stop.Fail(why);
            return;
        }
        stop.Waiting--; // a thread that ended: no longer part of the moment
        if (stop.Waiting == 0)
            Complete(stop, current: null);
    }

    /// <summary>Every task seen so far is held: stop the ones created meanwhile, else run the action and let all go.</summary>
    private void Complete(ProcessStop stop, Tracee? current)
    {
        var group = stop.Group!;
        var loose = group.Tasks.Where(t => !t.Held).ToList();
        if (loose.Count > 0)
        {
            Interrupt(stop, loose);
            return;
        }
        stop.Done = true;
        var leader = group.Tasks.FirstOrDefault(t => t.Tid == group.Pid);
        try
        {
            if (leader is null)
                stop.Fail(new InvalidOperationException($"the main thread of process {group.Pid} has exited; its other threads still run"));
            else
                stop.Run(leader);
        }
        finally
        {
            ReleaseAdopted(current);
            foreach (var task in group.Tasks.Where(t => t.Held).ToList())
                Release(task, current);
        }
    }

    /// <summary>
    /// Ends a hold. The task whose stop is being handled (<paramref name="current"/>) is resumed by
    /// that handling; every other goes on now, after any work queued for it meanwhile.
    /// </summary>
    private void Release(Tracee task, Tracee? current)
    {
        task.Held = false;
        if (task != current && _tracees.ContainsKey(task.Tid))
            RunPendingStops(task);
    }

    /// <summary>A process being stopped as a whole: how many of its tasks have yet to stop, and what then.</summary>
    private sealed class ProcessStop(Action<Tracee> run, Action<Exception> fail)
    {
        public ThreadGroup? Group;
        public int Waiting;
        public bool Done;

        public void Run(Tracee leader) => run(leader);

        public void Fail(Exception why) => fail(why);
    }
}

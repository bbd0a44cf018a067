namespace Mosix.Agent.Placement;

/// <summary>
/// mosrun -q: jobs of this node that wait for a free core in the cluster, in priority order
/// (lower first, then first come), each started on the best node as cores free up.
/// </summary>
/// <remarks>
/// A node's free cores are its cores less its load. The measured load lags (it is smoothed, and
/// reaches here by gossip), so a started job also holds a slot on the node where it runs for as
/// long as its mosrun lives: a node's load is never taken as less than the jobs this queue has
/// running there. Each node keeps its own queue: MOSIX's queue is the cluster's, ours is the
/// home's, placing on the whole cluster.
/// </remarks>
public sealed class JobQueue
{
    private readonly Lock _lock = new();
    private readonly List<QueuedEntry> _waiting = [];
    private readonly List<QueuedEntry> _started = [];
    private long _arrivals;

    public const int DefaultPriority = 50;

    /// <summary>Adds a job; the task completes when it may start (the node) or is deleted (null).</summary>
    public QueuedEntry Enqueue(int pid, int priority, string command, long memoryBytes)
    {
        var entry = new QueuedEntry(pid, priority, command, memoryBytes, DateTimeOffset.UtcNow, Interlocked.Increment(ref _arrivals));
        lock (_lock)
            _waiting.Add(entry);
        return entry;
    }

    /// <summary>
    /// A mosrun registered its program, where it was started (mosrun registers once its start
    /// placement is done): if it was a queued job, its slot follows the program from now on and
    /// the node's measurement starts to take over from the load counted for it.
    /// </summary>
    public void Registered(int mosrunPid, HomeProcess process, PendingLoad pending)
    {
        QueuedEntry? started;
        lock (_lock)
        {
            started = _started.FirstOrDefault(e => e.Pid == mosrunPid);
            if (started is not null)
                started.Process = process;
        }
        if (started?.Load is { } load)
            pending.Landed(load);
    }

    /// <summary>Takes a job out, waiting or started (its mosrun went away), freeing its slot.</summary>
    public void Forget(QueuedEntry entry)
    {
        lock (_lock)
        {
            _waiting.Remove(entry);
            _started.Remove(entry);
        }
    }

    /// <summary>The waiting jobs in the order they will start.</summary>
    public IReadOnlyList<QueuedEntry> InOrder()
    {
        lock (_lock)
            return Ordered().ToList();
    }

    /// <summary>mosq delete | pri | run; the answer for mosq.</summary>
    public (bool Ok, string Message) Change(int pid, Shim.Wire.Messages.QueueAction action, int priority)
    {
        lock (_lock)
        {
            var entry = _waiting.FirstOrDefault(e => e.Pid == pid);
            if (entry is null)
                return (false, $"no queued job {pid}");
            switch (action)
            {
                case Shim.Wire.Messages.QueueAction.Delete:
                    _waiting.Remove(entry);
                    entry.Start.TrySetResult(null);
                    return (true, $"job {pid} deleted");
                case Shim.Wire.Messages.QueueAction.Priority:
                    entry.Priority = priority;
                    return (true, $"job {pid} now has priority {priority}");
                case Shim.Wire.Messages.QueueAction.Run:
                    entry.RunNow = true;
                    return (true, $"job {pid} starts at the next round");
                default:
                    return (false, $"unknown queue action {(int)action}");
            }
        }
    }

    /// <summary>
    /// Starts the jobs that fit, in order, each on the best node with a free core; the node loads
    /// in <paramref name="nodes"/> are raised to at least the started jobs running there, and by
    /// one for each start. Stops at the first job that does not fit.
    /// </summary>
    public void StartWhatFits(List<NodeCapacity> nodes, string home, PlacementSettings settings, Action<QueuedEntry, string> started)
    {
        List<(QueuedEntry Entry, string Node)> starts = [];
        lock (_lock)
        {
            foreach (var running in _started.GroupBy(e => e.Place))
            {
                int i = nodes.FindIndex(n => n.Node == running.Key);
                if (i >= 0)
                    nodes[i] = nodes[i] with { Load = Math.Max(nodes[i].Load, running.Count()) };
            }
            foreach (var entry in Ordered().ToList())
            {
                var withRoom = nodes.Where(n => n.Cores - n.Load >= 0.5 || entry.RunNow).ToList();
                if (PlacementPolicy.BestNode(withRoom, home, entry.MemoryBytes, settings) is not { } best)
                    break;
                int i = nodes.FindIndex(n => n.Node == best.Node);
                nodes[i] = nodes[i] with { Load = nodes[i].Load + 1 };
                _waiting.Remove(entry);
                entry.Node = best.Node;
                _started.Add(entry);
                starts.Add((entry, best.Node));
            }
        }
        foreach (var (entry, node) in starts)
        {
            started(entry, node);
            entry.Start.TrySetResult(node);
        }
    }

    private IEnumerable<QueuedEntry> Ordered() => _waiting.OrderByDescending(e => e.RunNow).ThenBy(e => e.Priority).ThenBy(e => e.Arrival);
}

/// <summary>One waiting job.</summary>
public sealed class QueuedEntry(int pid, int priority, string command, long memoryBytes, DateTimeOffset queuedAt, long arrival)
{
    public int Pid { get; } = pid;

    public int Priority { get; set; } = priority;

    public string Command { get; } = command;

    public long MemoryBytes { get; } = memoryBytes;

    public DateTimeOffset QueuedAt { get; } = queuedAt;

    public long Arrival { get; } = arrival;

    /// <summary>Its load counted on the node it was sent to, until its program registers.</summary>
    public object? Load { get; set; }

    /// <summary>The node it was started on; null while it waits.</summary>
    public string? Node { get; set; }

    /// <summary>Its program, once registered: the balancer's polls say where it is now.</summary>
    public HomeProcess? Process { get; set; }

    /// <summary>Where its slot is: where its program was last seen, else where it was started.</summary>
    public string? Place => Process?.Where ?? Node;

    /// <summary>mosq run: start at the next round whatever the load.</summary>
    public bool RunNow { get; set; }

    /// <summary>The node to start on, or null when deleted.</summary>
    public TaskCompletionSource<string?> Start { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

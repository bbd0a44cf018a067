namespace Mosix.Agent.Placement;

/// <summary>
/// The programs this node's mosruns registered (their home is here), and what the balancer last
/// learnt of each: where it runs, since when, its memory. A registration lasts as long as its
/// mosrun's connection.
/// </summary>
public sealed class LocalProcesses
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, HomeProcess> _processes = [];

    public event Action? Changed;

    public void Add(HomeProcess process)
    {
        lock (_lock)
            _processes[process.Pid] = process;
        Changed?.Invoke();
    }

    public void Remove(HomeProcess process)
    {
        lock (_lock)
        {
            if (_processes.TryGetValue(process.Pid, out var known) && ReferenceEquals(known, process))
                _processes.Remove(process.Pid);
        }
        Changed?.Invoke();
    }

    public IReadOnlyList<HomeProcess> Snapshot()
    {
        lock (_lock)
            return [.. _processes.Values];
    }
}

/// <summary>One registered program; its placement facts are updated by the balancer's polls.</summary>
public sealed class HomeProcess(int pid, string controlSocket, bool autoMigrate, long statedMemory, string job, string command, DateTimeOffset started)
{
    public int Pid { get; } = pid;

    /// <summary>Its mosrun's control socket: "status", "move NODE", "home".</summary>
    public string ControlSocket { get; } = controlSocket;

    /// <summary>mosrun -l (true, the default) or -L.</summary>
    public bool AutoMigrate { get; } = autoMigrate;

    /// <summary>mosrun -m, in bytes; 0 when not stated.</summary>
    public long StatedMemory { get; } = statedMemory;

    public string Job { get; } = job;

    public string Command { get; } = command;

    public DateTimeOffset Started { get; } = started;

    /// <summary>The node it runs on (the home node's name at home); null until first polled.</summary>
    public string? Where { get; set; }

    /// <summary>"running", "away", "migrating", "stopped", "frozen": only the first two may be moved.</summary>
    public string State { get; set; } = "running";

    /// <summary>When it came where it is; a new process may move at once.</summary>
    public DateTimeOffset ArrivedAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Its resident memory when last seen at home (what a move would send).</summary>
    public long MeasuredMemory { get; set; }

    /// <summary>True while the balancer has a move of it under way.</summary>
    public bool Moving { get; set; }

    public long Memory => StatedMemory > 0 ? StatedMemory : MeasuredMemory;

    /// <summary>Its threads when last seen at home: its demand, in cores (docs/migration.md, "Threads").</summary>
    public int Threads { get; set; } = 1;

    /// <summary>
    /// The share of a core it used between the last two polls at home; null until measured (or
    /// while away, where its node's load tells instead). A shell waiting for its children uses
    /// none: moving it would gain nothing.
    /// </summary>
    public double? CpuShare { get; private set; }

    private TimeSpan _lastCpu;
    private DateTimeOffset _lastCpuAt;

    /// <summary>Notes its CPU time at <paramref name="now"/> (seen at home); null when it is away.</summary>
    public void SawCpu(TimeSpan? cpu, DateTimeOffset now)
    {
        if (cpu is not { } used)
        {
            CpuShare = null;
            _lastCpuAt = default;
            return;
        }
        if (_lastCpuAt != default && now > _lastCpuAt)
            CpuShare = (used - _lastCpu).TotalSeconds / (now - _lastCpuAt).TotalSeconds;
        (_lastCpu, _lastCpuAt) = (used, now);
    }

    /// <summary>
    /// True unless it was seen at home using almost no CPU (or not seen yet at all). The bar is
    /// low on purpose: six CPU-bound processes sharing half a core get a twelfth of one each, and
    /// a shell blocked in wait4 gets none.
    /// </summary>
    public bool MayBeBusy(string homeNode) => Where != homeNode || CpuShare is >= IdleBelow;

    /// <summary>The share of a core under which a process at home counts as idle (waiting, not computing).</summary>
    public const double IdleBelow = 0.02;

    /// <summary>
    /// The other processes of its tree (its program's children and theirs), each placed on its own;
    /// learnt from its mosrun's "members" by the balancer's polls. Only the registered program has any.
    /// </summary>
    public Dictionary<int, HomeProcess> Descendants { get; } = [];

    /// <summary>This process and its descendants.</summary>
    public IEnumerable<HomeProcess> Tree() => Descendants.Count == 0 ? [this] : Descendants.Values.Prepend(this);

    /// <summary>A process of this one's tree, reached through the same mosrun, with its wishes (-l/-L, -J).</summary>
    public HomeProcess Descendant(int pid, string command, DateTimeOffset started) =>
        new(pid, ControlSocket, AutoMigrate, statedMemory: 0, Job, command, started);
}

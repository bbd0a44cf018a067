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
}

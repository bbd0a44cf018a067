using Mosix.Migrator.Migration;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Supervision;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// Every process of a mosrun's tree as a Mosix process of its own: the root and each descendant
/// (fork, vfork, clone without CLONE_THREAD) has its own place and moves, by its own pid
/// (docs/migration.md, "Process trees").
/// </summary>
/// <remarks>
/// Kept in step with the supervisor's thread groups through its events (raised on the tracer
/// thread, so they only record); read from the control socket's thread and the return trips' timer.
/// </remarks>
internal sealed class ProcessTree : IDisposable
{
    private readonly Supervisor _supervisor;
    private readonly UnservedCallPolicy _unserved;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, TreeProcess> _members = [];
    private readonly ReturnTrips _returns;

    public ProcessTree(Supervisor supervisor, UnservedCallPolicy unserved, RestartImages rootRestart)
    {
        _supervisor = supervisor;
        _unserved = unserved;
        Root = new TreeProcess(new Relocation(supervisor, supervisor.RootPid, unserved, rootRestart), parentPid: 0);
        _members[Root.Pid] = Root;
        supervisor.ProcessCreated += OnCreated;
        supervisor.ProcessEnded += OnEnded;
        // Children created before the subscription (a fast fork right after exec) are adopted from the members list.
        foreach (var member in supervisor.Members)
        {
            if (member.Pid != Root.Pid)
                OnCreated(member.ParentPid, member.Pid);
        }
        _returns = new ReturnTrips(this);
    }

    /// <summary>The process mosrun started.</summary>
    public TreeProcess Root { get; }

    /// <summary>The live member with pid <paramref name="pid"/>, or null.</summary>
    public TreeProcess? Find(int pid)
    {
        lock (_lock)
            return _members.GetValueOrDefault(pid);
    }

    /// <summary>Every live member, the root first, then by pid.</summary>
    public IReadOnlyList<TreeProcess> All()
    {
        lock (_lock)
            return [.. _members.Values.OrderBy(m => m == Root ? 0 : 1).ThenBy(m => m.StartedAt)];
    }

    /// <summary>
    /// mosrun -r/-b moved the program to <paramref name="node"/> as it started: the children it
    /// created during the move belong there too (each goes once it is worth moving), as those it
    /// creates later will.
    /// </summary>
    public void StartedOn(string node)
    {
        foreach (var member in All())
        {
            if (member != Root && member.NodeItBelongsOn() is null)
                member.BelongOn(node, cpuMark: TimeSpan.Zero);
        }
    }

    private void OnCreated(int parentPid, int childPid)
    {
        lock (_lock)
        {
            if (_members.ContainsKey(childPid))
                return;
            var child = new TreeProcess(new Relocation(_supervisor, childPid, _unserved, restart: null), parentPid);
            // A child created while its parent belongs on another node goes there too once it is worth moving.
            if (_members.GetValueOrDefault(parentPid) is { } parent && parent.NodeItBelongsOn() is { } node)
                child.BelongOn(node, cpuMark: TimeSpan.Zero);
            _members[childPid] = child;
        }
    }

    private void OnEnded(int pid)
    {
        lock (_lock)
        {
            if (pid != Root.Pid)
                _members.Remove(pid);
        }
    }

    public void Dispose()
    {
        _returns.Dispose();
        _supervisor.ProcessCreated -= OnCreated;
        _supervisor.ProcessEnded -= OnEnded;
    }
}

/// <summary>One process of the tree: where it runs, whether it is frozen, and where it belongs.</summary>
internal sealed class TreeProcess(Relocation relocation, int parentPid)
{
    private readonly Lock _lock = new();
    private string? _belongsOn;
    private RemoteRun? _stayHandled;

    public int Pid => Relocation.Pid;

    /// <summary>The pid of the process of the tree that created it; 0 for the root.</summary>
    public int ParentPid { get; } = parentPid;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public Relocation Relocation { get; } = relocation;

    /// <summary>1 while <c>migrate PID freeze</c> holds it.</summary>
    public int Frozen;

    /// <summary>The CPU time it had used when it came to belong on its node (see <see cref="ReturnTrips"/>).</summary>
    public TimeSpan CpuMark { get; private set; }

    /// <summary>running, migrating, away, or frozen.</summary>
    public string State => Volatile.Read(ref Frozen) == 1 ? "frozen" : Relocation.State;

    /// <summary>
    /// The node the process belongs on while it runs at home: it was there and came home only for a
    /// call that needs home (fork, exec), or its parent was there when it was created. Null when
    /// it belongs at home (it was brought home, or moved by somebody's choice).
    /// </summary>
    public string? NodeItBelongsOn()
    {
        lock (_lock)
        {
            if (Relocation.Where is { } node)
                return node;
            // A stay that just ended for a call (the fork being made now) counts at once.
            if (Relocation.LastStay is { Ended.IsCompleted: true, CameHomeFor: not null } stay && stay != _stayHandled)
            {
                _stayHandled = stay;
                _belongsOn = stay.Node;
                CpuMark = ProcessStatus.CpuTime(Pid) ?? TimeSpan.Zero;
            }
            return _belongsOn;
        }
    }

    public void BelongOn(string node, TimeSpan cpuMark)
    {
        lock (_lock)
        {
            _belongsOn = node;
            CpuMark = cpuMark;
        }
    }

    /// <summary>
    /// Somebody sent it to a node: it belongs there, now that it is there (<see cref="Relocation.Where"/>)
    /// and after the stay that began, if that one ends for a call only home can make.
    /// </summary>
    public void SentAway()
    {
        lock (_lock)
        {
            _belongsOn = null;
            _stayHandled = null;
        }
    }

    /// <summary>Somebody brought it home, or it cannot go back: it belongs where it is.</summary>
    public void Settle()
    {
        lock (_lock)
        {
            _belongsOn = null;
            _stayHandled = Relocation.LastStay;
        }
    }
}

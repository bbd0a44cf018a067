using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

/// <summary>A process of the tree as other threads see it: a snapshot, taken on the tracer thread.</summary>
/// <param name="Pid">Its pid (the home pid, wherever it runs).</param>
/// <param name="ParentPid">The pid of the process of the tree that forked it; 0 for the root.</param>
/// <param name="StartedAt">When the supervisor first saw it.</param>
/// <param name="Threads">How many threads it has.</param>
public sealed record TreeMember(int Pid, int ParentPid, DateTimeOffset StartedAt, int Threads);

public sealed partial class Supervisor
{
    private readonly Dictionary<int, ThreadGroup> _groups = new();
    private readonly Lock _membersLock = new();
    private TreeMember[] _members = [];

    /// <summary>A process of the tree forked another (parent pid, child pid). Raised on the tracer thread: handlers must not block.</summary>
    public event Action<int, int>? ProcessCreated;

    /// <summary>A process of the tree exec'd a new program. Tracer thread; must not block.</summary>
    public event Action<int>? ProcessExecuted;

    /// <summary>A process of the tree ended (its last thread is gone). Tracer thread; must not block.</summary>
    public event Action<int>? ProcessEnded;

    /// <summary>Every live process of the tree, the root first; from any thread.</summary>
    public IReadOnlyList<TreeMember> Members
    {
        get
        {
            lock (_membersLock)
                return _members;
        }
    }

    /// <summary>True while <paramref name="pid"/> is a live process of this tree; from any thread.</summary>
    public bool IsMember(int pid) => Members.Any(m => m.Pid == pid);

    /// <summary>The thread group of <paramref name="pid"/>. Tracer thread only.</summary>
    public ThreadGroup? GroupOf(int pid)
    {
        TracerThread.AssertOwner();
        return _groups.GetValueOrDefault(pid);
    }

    /// <summary>Pids of the live processes of the tree that <paramref name="pid"/> forked. Tracer thread only.</summary>
    public IEnumerable<int> ChildrenOf(int pid)
    {
        TracerThread.AssertOwner();
        return _groups.Values.Where(g => g.Parent?.Pid == pid).Select(g => g.Pid);
    }

    private void AddRootGroup(Tracee root) => AddGroup(root, parent: null, new AddressSpace());

    private void AddGroup(Tracee leader, ThreadGroup? parent, AddressSpace memory)
    {
        var group = new ThreadGroup(leader.Tid, parent, memory);
        group.Add(leader);
        _groups[group.Pid] = group;
        PublishMembers();
        if (parent is not null)
            ProcessCreated?.Invoke(parent.Pid, group.Pid);
    }

    /// <summary>
    /// A fork, vfork or clone event of <paramref name="parent"/>: the new task joins its parent's
    /// thread group (CLONE_THREAD) or starts one of its own, in fresh memory or in the parent's.
    /// </summary>
    private void PlaceNewTask(Tracee parent, Tracee child, int ptraceEvent)
    {
        if (child.Group is not null || parent.Group is not { } family)
            return;
        switch (ptraceEvent)
        {
            case Ptrace.PTRACE_EVENT_FORK:
                AddGroup(child, family, new AddressSpace());
                break;
            case Ptrace.PTRACE_EVENT_VFORK:
                AddGroup(child, family, family.Memory); // the parent's memory until the child execs or exits
                break;
            default: // PTRACE_EVENT_CLONE: a thread, or a process whose exit signal is not SIGCHLD
                if (ThreadGroupIdOf(child.Tid) == family.Pid)
                {
                    family.Add(child);
                    PublishMembers();
                }
                else
                {
                    AddGroup(child, family, SameMemory(parent.Tid, child.Tid) ? family.Memory : new AddressSpace());
                }
                break;
        }
    }

    private void OnGroupExec(Tracee tracee)
    {
        if (tracee.Group is not { } group)
            return;
        group.TakeFreshMemory();
        ProcessExecuted?.Invoke(group.Pid);
    }

    private void OnTaskGone(Tracee tracee)
    {
        if (tracee.Group is not { } group)
            return;
        group.Remove(tracee);
        if (!group.Ended)
        {
            PublishMembers();
            return;
        }
        group.Leave();
        _groups.Remove(group.Pid);
        PublishMembers();
        ProcessEnded?.Invoke(group.Pid);
    }

    private void PublishMembers()
    {
        var members = _groups.Values
            .OrderBy(g => g.Pid == RootPid ? 0 : 1).ThenBy(g => g.StartedAt)
            .Select(g => new TreeMember(g.Pid, g.Parent?.Pid ?? 0, g.StartedAt, g.Tasks.Count))
            .ToArray();
        lock (_membersLock)
            _members = members;
    }

    /// <summary>The Tgid line of /proc/TID/status: which process a new task belongs to.</summary>
    private static int ThreadGroupIdOf(int tid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{tid}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                    return int.Parse(line.AsSpan(5).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // Gone already: its exit is reported next.
        }
        return tid;
    }

    /// <summary>kcmp(KCMP_VM): whether two tasks share one memory (clone with CLONE_VM).</summary>
    private static bool SameMemory(int a, int b)
    {
        const long SYS_kcmp = 312, KCMP_VM = 1;
        return RawSyscall.Invoke(SYS_kcmp, [(ulong)a, (ulong)b, KCMP_VM, 0, 0, 0]) == 0;
    }
}

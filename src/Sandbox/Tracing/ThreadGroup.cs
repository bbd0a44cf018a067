namespace Mosix.Sandbox.Tracing;

/// <summary>
/// One process of a supervised tree (a thread group, in rr's and the kernel's words): its pid, the
/// traced threads (<see cref="Tracee"/>, rr's Task) that make it up, the memory they run in
/// (<see cref="AddressSpace"/>) and the process of the tree that created it.
/// </summary>
/// <remarks>
/// Mosix moves, freezes and checkpoints processes, not threads: every decision about a process of
/// the tree is made on its thread group, and a process can leave home only when it is the one
/// user of its address space (docs/migration.md, "Process trees"). Tracer thread only.
/// </remarks>
public sealed class ThreadGroup
{
    private readonly List<Tracee> _tasks = [];
    private readonly List<ThreadGroup> _children = [];

    internal ThreadGroup(int pid, ThreadGroup? parent, AddressSpace memory)
    {
        Pid = pid;
        Parent = parent;
        parent?._children.Add(this);
        Memory = memory;
        memory.Join(this);
        StartedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The process id (the thread-group leader's tid): the home pid, wherever it runs.</summary>
    public int Pid { get; }

    /// <summary>The process of the tree that forked it; null for the root (mosrun's child).</summary>
    public ThreadGroup? Parent { get; }

    /// <summary>The memory its threads run in; shared with its parent between a vfork and the child's exec.</summary>
    public AddressSpace Memory { get; private set; }

    /// <summary>When the supervisor first saw it.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Its traced threads, the leader first.</summary>
    public IReadOnlyList<Tracee> Tasks => _tasks;

    /// <summary>True once its last thread has gone.</summary>
    public bool Ended => _tasks.Count == 0;

    internal void Add(Tracee task)
    {
        _tasks.Add(task);
        task.Group = this;
    }

    internal void Remove(Tracee task) => _tasks.Remove(task);

    /// <summary>An exec gives the process memory of its own (and, for a vfork child, gives the parent its own back).</summary>
    internal void TakeFreshMemory()
    {
        Memory.Leave(this);
        Memory = new AddressSpace();
        Memory.Join(this);
    }

    internal void Leave() => Memory.Leave(this);

    /// <summary>
    /// The processes it forked that are still its children: running, or ended but not yet waited
    /// for (a zombie keeps its /proc entry, and its parent may still wait for it).
    /// </summary>
    public IReadOnlyList<ThreadGroup> Children()
    {
        _children.RemoveAll(c => c.Ended && Supervision.ProcessStatus.ParentOf(c.Pid) != Pid);
        return _children;
    }

    /// <summary>
    /// Why the process cannot be taken out of the tree as a whole (moved or checkpointed), or null:
    /// an image holds the threads of one address space, and nobody else's.
    /// </summary>
    public string? WhyNotAlone()
    {
        if (Ended)
            return "it has exited";
        if (Memory.SharedWith(this) is { } other)
            return $"it shares its memory with process {other.Pid} (a vfork child that has not exec'd yet, or CLONE_VM)";
        return null;
    }

    public override string ToString() => $"process {Pid}";
}

/// <summary>
/// Memory that one or more thread groups run in. Usually one; a vfork child runs in its parent's
/// until it execs or exits, and clone(CLONE_VM) without CLONE_THREAD shares it for good. Neither
/// may move alone: emptying one user's memory (a deputy's) would empty the other's.
/// </summary>
public sealed class AddressSpace
{
    private readonly List<ThreadGroup> _users = [];

    internal void Join(ThreadGroup group) => _users.Add(group);

    internal void Leave(ThreadGroup group) => _users.Remove(group);

    /// <summary>Another thread group that runs in this memory, or null when <paramref name="group"/> is alone in it.</summary>
    public ThreadGroup? SharedWith(ThreadGroup group) => _users.FirstOrDefault(u => u != group && !u.Ended);
}

namespace Mosix.Sandbox.Syscalls;

/// <summary>
/// Which system calls stop for the supervisor in one supervision mode. Everything else runs
/// natively, at the cost of a few BPF instructions.
/// </summary>
/// <param name="Name">For logs and docs.</param>
/// <param name="Traps">True for the classes whose calls must stop.</param>
/// <param name="TrapUnknown">Whether numbers the table does not know stop too.</param>
/// <param name="SelfOnly">
/// Whether untrapped calls that may name another process run natively only when they name the
/// caller (<see cref="SyscallEntry.SelfArgs"/> all 0) and fail with EPERM otherwise: a guest's
/// pids are home's, and the host's processes are none of its business.
/// </param>
public sealed record TrapPolicy(string Name, Func<SyscallEntry, bool> Traps, bool TrapUnknown, bool SelfOnly = false)
{
    /// <summary>At home the process is where its files and relatives are: nothing needs to stop.</summary>
    public static TrapPolicy Home { get; } = new("home", _ => false, TrapUnknown: false);

    /// <summary>Every call stops, so that <c>--log-syscalls</c> can write it down.</summary>
    public static TrapPolicy LogAll { get; } = new("log-all", _ => true, TrapUnknown: true);

    /// <summary>
    /// A guest on another node: everything but local calls stops, to be answered, forwarded home,
    /// brought home or refused; and the local calls checked away (<see cref="SyscallEntry.CheckedAway"/>).
    /// </summary>
    public static TrapPolicy Guest { get; } = new("guest",
        e => e.Class != SyscallClass.Local || e.CheckedAway is not null, TrapUnknown: true, SelfOnly: true);

    /// <summary>The untrapped calls whose <see cref="SyscallEntry.SelfArgs"/> the filter checks under this policy.</summary>
    public IEnumerable<SyscallEntry> SelfOnlyCalls() =>
        SelfOnly ? SyscallTable.All.Where(e => e.SelfArgs.Count > 0 && !Traps(e)) : [];

    /// <summary>The numbers in <c>[0, limit)</c> that stop under this policy.</summary>
    public IEnumerable<int> TrappedNumbers(int limit)
    {
        for (int nr = 0; nr < limit; nr++)
        {
            var entry = SyscallTable.Find(nr);
            if (entry is null ? TrapUnknown : Traps(entry))
                yield return nr;
        }
    }
}

namespace Mosix.Migrator.Restore;

/// <summary>The stages of a restore, in the order they run. A failure names its stage.</summary>
public enum RestoreStage
{
    /// <summary>Same kernel, same files: checked before anything is changed.</summary>
    Validate,
    /// <summary>Every mapping of the target (the stub's, or the deputy's) is unmapped, but the kernel's vDSO areas.</summary>
    ClearAddressSpace,
    /// <summary>The vDSO areas are moved to the image's addresses, keeping their relative offsets.</summary>
    PlaceVdso,
    /// <summary>Each mapping is created at its address, read-write, from the file or anonymous.</summary>
    MapMemory,
    /// <summary>The stored pages are written in.</summary>
    WritePages,
    /// <summary>Each mapping gets its own protection back.</summary>
    Protect,
    /// <summary>The mm fields (brk, arg and env areas, auxv) with prctl(PR_SET_MM_MAP).</summary>
    Layout,
    /// <summary>Open files are reopened at their descriptor numbers and offsets; the working directory is set.</summary>
    Files,
    /// <summary>Signal handlers, alternate stack, rseq, robust list, clear_child_tid, itimers, the thread name.</summary>
    KernelState,
    /// <summary>The image's other threads made again (an injected clone each), with their own kernel state.</summary>
    Threads,
    /// <summary>Pending signals queued again, the signal mask set, registers and FPU/AVX state loaded, last.</summary>
    Registers,
}

/// <summary>A restore failed at <see cref="Stage"/>; the target must be discarded.</summary>
public sealed class RestoreException(RestoreStage stage, string message, Exception? inner = null)
    : Exception($"cannot restore ({stage}): {message}", inner)
{
    public RestoreStage Stage { get; } = stage;
}

/// <summary>Choices made at restore time.</summary>
/// <param name="Reopen">-O FD=PATH: descriptors to open on another file than the image says.</param>
/// <param name="ReopenFiles">
/// False for a migration: away from home the files and working directory stay with the deputy
/// (a guest must never touch its host's files); coming home, the deputy still has them open.
/// </param>
/// <param name="SameNode">
/// True for a restart from a checkpoint: a mapped file must be the very same (inode too). False for
/// a migration: another node's copy is another inode; size and modification time must match.
/// </param>
/// <param name="ProveMappedFiles">A guest's restore: each mapped file must be a copy anybody here may
/// read whose SHA-256 is the image's (home's); else the restore fails and the process stays home.</param>
/// <param name="HostsGuest">
/// True for a guest's arrival on this node: the image is another node's word, so every file it
/// maps must be one any user of this node may read (<see cref="Sandbox.Forwarding.NodeCopies.AnybodyMayRead"/>); never this node's
/// private files.
/// </param>
/// <param name="KeepThreadIds">
/// True for a guest's arrival: its threads keep home's tids in the program's eyes (glibc's copies
/// are not rewritten; gettid answers home's, <see cref="Sandbox.Forwarding.ThreadIds"/>), so that
/// coming home, each thread is again the one of that tid.
/// </param>
public sealed record RestoreOptions(IReadOnlyDictionary<int, string> Reopen, bool ReopenFiles = true, bool SameNode = true,
    bool ProveMappedFiles = false, bool HostsGuest = false, bool KeepThreadIds = false)
{
    public static RestoreOptions Default { get; } = new(new Dictionary<int, string>());

    /// <summary>A migration's restore: no file is opened, the deputy has them; mapped files are this node's copies.</summary>
    public static RestoreOptions Migration { get; } = Default with { ReopenFiles = false, SameNode = false };

    /// <summary>A guest arriving here (<c>mosix guest</c>): a migration's restore of an image from another node,
    /// its mapped files this node's copies that anybody may read, proven home's.</summary>
    public static RestoreOptions Guest { get; } = Migration with { ProveMappedFiles = true, HostsGuest = true, KeepThreadIds = true };
}

namespace Mosix.Sandbox.Syscalls;

/// <summary>
/// One x86-64 system call as data: its number, its kernel name, its class and the shapes of its
/// arguments. Built only through the constructors of <see cref="SyscallTable"/>.
/// </summary>
/// <param name="Number">The x86-64 number (arch/x86/entry/syscalls/syscall_64.tbl).</param>
/// <param name="Name">The kernel's name, without the <c>sys_</c> prefix.</param>
/// <param name="Class">Where the call may run.</param>
/// <param name="Args">One shape per argument, in order.</param>
/// <param name="Errno">For <see cref="SyscallClass.Refused"/>: the error a guest gets.</param>
/// <param name="Note">Why the entry is classed as it is, when that is not obvious; shown in docs/syscalls.md.</param>
public sealed record SyscallEntry(
    int Number,
    string Name,
    SyscallClass Class,
    IReadOnlyList<ArgShape> Args,
    int Errno = 0,
    string? Note = null)
{
    /// <summary>
    /// For a Home call on a descriptor (argument 0): when that descriptor is a plain file (a regular
    /// file, a directory, /dev/null, /dev/zero), home may make the call itself on a copy of the
    /// descriptor (<c>DirectCalls</c>): the same open file, offset and flags, and nothing in the
    /// call depends on which process makes it: it cannot block, stop or signal anyone.
    /// </summary>
    public bool OnPlainFileDirect { get; init; }

    /// <summary>
    /// For a read or write of a caller's buffer (or iovecs, argument 1) on a descriptor: how a
    /// transfer larger than one forwarded call carries is split into consecutive calls
    /// (<c>LargeTransfers</c>); null for any other call.
    /// </summary>
    public TransferSplit? Transfer { get; init; }

    /// <summary>
    /// For a Local call that may name another process (a pid, or setpriority's which and who):
    /// the arguments that must be 0 (the caller itself) for the call to run natively away from
    /// home. Any other value would name a process of the host node, so the guest's seccomp filter
    /// fails the call with EPERM instead (<see cref="TrapPolicy.SelfOnly"/>).
    /// </summary>
    public IReadOnlyList<int> SelfArgs { get; init; } = [];

    /// <summary>
    /// For a Local call on the caller's memory: away from home it stops for the guest's handler,
    /// which lets it run natively unless the memory it names is home's (memory shared with home
    /// processes stays at home; a file mapping needs home's descriptor). Null for other calls.
    /// </summary>
    public MemoryArgs? CheckedAway { get; init; }

    public override string ToString() => $"{Name}({Number})";
}

/// <summary>The memory a call names: an address argument, and a length argument or (-1) one 32-bit word.</summary>
public sealed record MemoryArgs(int AddressArg, int LengthArg)
{
    public ulong Length(in Tracing.UserRegs regs) => LengthArg < 0 ? 4 : regs.Arg(LengthArg);
}

/// <summary>How a large read or write is made as consecutive calls of the same kind.</summary>
/// <param name="PositionArg">The argument holding the file position of a positioned call
/// (pread64, preadv...), advanced piece by piece; -1 for a call at the descriptor's own offset.</param>
public sealed record TransferSplit(int PositionArg)
{
    /// <summary>At the descriptor's offset, which the kernel advances by itself.</summary>
    public static TransferSplit AtOffset { get; } = new(-1);

    /// <summary>At the position in argument 3 (a position of -1 means the descriptor's offset, preadv2).</summary>
    public static TransferSplit AtPosition { get; } = new(3);
}

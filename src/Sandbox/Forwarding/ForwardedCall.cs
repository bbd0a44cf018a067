namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// A system call of an incarnation, made portable: its number, its six raw arguments, and the
/// memory its pointer arguments refer to, copied out by the shapes of the syscall table. The
/// deputy at home runs it against its own kernel objects and sends back a <see cref="ForwardedResult"/>.
/// </summary>
/// <param name="Number">The x86-64 system call number.</param>
/// <param name="Args">The raw argument registers; pointer arguments are replaced at home.</param>
/// <param name="Buffers">One entry per pointer argument the call reads or writes.</param>
public sealed record ForwardedCall(long Number, ulong[] Args, IReadOnlyList<CallBuffer> Buffers);

/// <summary>How an argument's memory travels.</summary>
public enum BufferDirection : byte
{
    /// <summary>Read by the kernel: its bytes go home (paths, write buffers, structs passed in).</summary>
    In = 1,
    /// <summary>Written by the kernel: only its capacity goes home, its bytes come back.</summary>
    Out = 2,
    /// <summary>Both: its bytes go home and come back.</summary>
    InOut = 3,
}

/// <summary>The memory behind pointer argument <paramref name="ArgIndex"/>.</summary>
/// <param name="ArgIndex">Which argument (0-5) points to it.</param>
/// <param name="Direction">Which way its bytes travel.</param>
/// <param name="Data">The bytes, for In and InOut; empty for Out.</param>
/// <param name="Capacity">How many bytes the kernel may write, for Out and InOut.</param>
public sealed record CallBuffer(int ArgIndex, BufferDirection Direction, byte[] Data, int Capacity);

/// <summary>What the deputy's kernel answered: the return value and the bytes written into Out buffers.</summary>
/// <param name="Return">The raw return value (-errno on failure).</param>
/// <param name="Outputs">For each Out or InOut buffer, by argument index, the bytes the kernel wrote.</param>
public sealed record ForwardedResult(long Return, IReadOnlyDictionary<int, byte[]> Outputs)
{
    /// <summary>
    /// The signal that interrupted the call at home (the call then returns a kernel restart code,
    /// -ERESTARTSYS and friends); 0 when none did, or when a move interrupted it.
    /// </summary>
    public int InterruptedBy { get; init; }

    public static ForwardedResult Error(int errno) => new(-errno, new Dictionary<int, byte[]>());

    /// <summary>
    /// The call was not made because the process is being moved: -ERESTARTNOINTR, so the guest
    /// makes it again wherever the process then runs.
    /// </summary>
    public static ForwardedResult NotMadeForAMove { get; } = Error(513);
}

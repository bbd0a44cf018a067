namespace Mosix.Sandbox.Syscalls;

/// <summary>What one system-call argument is, so that logs can print it and forwarding can marshal it.</summary>
public enum ArgKind : byte
{
    /// <summary>A plain integer (flags, modes, sizes, ids).</summary>
    Int,
    /// <summary>A file descriptor.</summary>
    Fd,
    /// <summary>A pointer whose target is not marshalled by shape (handled by a named handler, or local).</summary>
    Pointer,
    /// <summary>A NUL-terminated path read from the caller.</summary>
    Path,
    /// <summary>A NUL-terminated string that is not a path (names, attribute names).</summary>
    String,
    /// <summary>A buffer the kernel reads; its length is argument <see cref="ArgShape.SizeArg"/> or <see cref="ArgShape.FixedSize"/>.</summary>
    In,
    /// <summary>A buffer the kernel writes; its capacity is argument <see cref="ArgShape.SizeArg"/> or <see cref="ArgShape.FixedSize"/>.</summary>
    Out,
    /// <summary>A buffer the kernel reads and writes back.</summary>
    InOut,
    /// <summary>A buffer the kernel writes as many bytes into as the call returns (read, readlink, getdents64).</summary>
    OutCounted,
    /// <summary>An iovec array the kernel reads from; the count is argument <see cref="ArgShape.SizeArg"/>.</summary>
    IoVecIn,
    /// <summary>An iovec array the kernel writes into; the count is argument <see cref="ArgShape.SizeArg"/>.</summary>
    IoVecOut,
    /// <summary>An array of <see cref="ArgShape.FixedSize"/>-byte elements, as many as argument <see cref="ArgShape.SizeArg"/>
    /// says, which the kernel fills with as many as the call returns (epoll_wait's events).</summary>
    OutArray,
    /// <summary>An array of <see cref="ArgShape.FixedSize"/>-byte elements, as many as argument <see cref="ArgShape.SizeArg"/>
    /// says, read and written back whole (poll's pollfds).</summary>
    InOutArray,
}

/// <summary>
/// The shape of one argument. Sizes come either from another argument (<see cref="SizeArg"/>, 0-based)
/// or are fixed by the kernel ABI (<see cref="FixedSize"/>, e.g. <c>sizeof(struct stat)</c>).
/// </summary>
public readonly record struct ArgShape(ArgKind Kind, sbyte SizeArg = -1, int FixedSize = 0)
{
    public static readonly ArgShape Int = new(ArgKind.Int);
    public static readonly ArgShape Fd = new(ArgKind.Fd);
    public static readonly ArgShape Ptr = new(ArgKind.Pointer);
    public static readonly ArgShape Path = new(ArgKind.Path);
    public static readonly ArgShape Str = new(ArgKind.String);

    /// <summary>A buffer the kernel reads, sized by argument <paramref name="sizeArg"/>.</summary>
    public static ArgShape In(int sizeArg) => new(ArgKind.In, (sbyte)sizeArg);
    /// <summary>A buffer the kernel writes, sized by argument <paramref name="sizeArg"/>.</summary>
    public static ArgShape Out(int sizeArg) => new(ArgKind.Out, (sbyte)sizeArg);
    /// <summary>A buffer the kernel fills with as many bytes as the call returns, its capacity in argument <paramref name="sizeArg"/>.</summary>
    public static ArgShape OutCounted(int sizeArg) => new(ArgKind.OutCounted, (sbyte)sizeArg);
    /// <summary>A buffer read and written back, sized by argument <paramref name="sizeArg"/>.</summary>
    public static ArgShape InOut(int sizeArg) => new(ArgKind.InOut, (sbyte)sizeArg);
    /// <summary>A struct of fixed ABI size the kernel reads.</summary>
    public static ArgShape StructIn(int size) => new(ArgKind.In, -1, size);
    /// <summary>A struct of fixed ABI size the kernel writes.</summary>
    public static ArgShape StructOut(int size) => new(ArgKind.Out, -1, size);
    /// <summary>A struct of fixed ABI size read and written back.</summary>
    public static ArgShape StructInOut(int size) => new(ArgKind.InOut, -1, size);
    /// <summary>An iovec array to gather from, with its count in argument <paramref name="countArg"/>.</summary>
    public static ArgShape IoVecIn(int countArg) => new(ArgKind.IoVecIn, (sbyte)countArg);
    /// <summary>An iovec array to scatter into, with its count in argument <paramref name="countArg"/>.</summary>
    public static ArgShape IoVecOut(int countArg) => new(ArgKind.IoVecOut, (sbyte)countArg);

    /// <summary>An array of <paramref name="elementSize"/>-byte elements the kernel fills, as many as it returns; room for argument <paramref name="countArg"/>.</summary>
    public static ArgShape OutArray(int countArg, int elementSize) => new(ArgKind.OutArray, (sbyte)countArg, elementSize);
    /// <summary>An array of <paramref name="elementSize"/>-byte elements, argument <paramref name="countArg"/> of them, read and written back.</summary>
    public static ArgShape InOutArray(int countArg, int elementSize) => new(ArgKind.InOutArray, (sbyte)countArg, elementSize);

    /// <summary>True for an array of fixed-size elements counted by another argument.</summary>
    public bool IsArray => Kind is ArgKind.OutArray or ArgKind.InOutArray;

    /// <summary>
    /// An array's element count, from its count argument's value: a count no kernel would take
    /// (negative as an int, or past int.MaxValue) is 0 here, so that no buffer is sized by it and
    /// home's kernel refuses the call as the native one would.
    /// </summary>
    public static long ArrayCount(ulong count) => count > int.MaxValue ? 0 : (long)count;

    /// <summary>True when the argument points into the caller's memory.</summary>
    public bool IsMemory => Kind is not (ArgKind.Int or ArgKind.Fd);
}

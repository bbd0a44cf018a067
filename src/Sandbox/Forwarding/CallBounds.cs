using Mosix.Sandbox.Syscalls;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// What home checks of a call that came from a guest before it makes the call: that the table
/// forwards it at all (Home or Virtual), that every pointer argument of a regular shape comes with
/// the one buffer its shape calls for, and that no size argument names more memory than that
/// buffer holds. A confused or hostile node can then never make home's kernel read or write
/// outside the buffers home laid out, in the deputy or in home's own memory (DirectCalls).
/// </summary>
/// <remarks>
/// Irregular calls (ioctl, fcntl: <see cref="ArgKind.Pointer"/>) carry a buffer whose size the
/// request decides; they run only inside the deputy, whose address space holds nothing but its
/// scratch area and pause loop, never on home's own memory.
/// </remarks>
public static class CallBounds
{
    /// <summary>Why <paramref name="call"/> must not be made, or null when it may.</summary>
    public static string? Violation(ForwardedCall call)
    {
        if (SyscallTable.Find(call.Number) is not { Class: SyscallClass.Home or SyscallClass.Virtual } entry)
            return $"{SyscallTable.NameOf(call.Number)} is not a call home makes for a guest";
        if (call.Args.Length != 6)
            return $"{entry.Name} came with {call.Args.Length} arguments";
        var seen = new bool[6];
        foreach (var buffer in call.Buffers)
        {
            if (buffer.ArgIndex is < 0 or > 5 || buffer.ArgIndex >= entry.Args.Count || seen[buffer.ArgIndex])
                return $"{entry.Name} came with a buffer for argument {buffer.ArgIndex}";
            seen[buffer.ArgIndex] = true;
            if (ShapeViolation(entry, entry.Args[buffer.ArgIndex], buffer, call.Args) is { } why)
                return $"{entry.Name}, argument {buffer.ArgIndex}: {why}";
        }
        for (int i = 0; i < entry.Args.Count; i++)
        {
            var shape = entry.Args[i];
            // A pointer argument left as the guest sent it would point into home's memory.
            if (shape.IsMemory && shape.Kind != ArgKind.Pointer && !seen[i] && call.Args[i] != 0)
                return $"{entry.Name}, argument {i}: a pointer with no buffer";
        }
        return null;
    }

    private static string? ShapeViolation(SyscallEntry entry, ArgShape shape, CallBuffer buffer, ulong[] args)
    {
        if (shape.Kind == ArgKind.Pointer)
            return null; // irregular: see remarks
        if (!shape.IsMemory)
            return "not a pointer";
        if (buffer.Direction != Expected(shape.Kind))
            return $"sent {buffer.Direction}, the table says {Expected(shape.Kind)}";
        int held = Math.Max(buffer.Data.Length, buffer.Capacity);
        switch (shape.Kind)
        {
            case ArgKind.Path or ArgKind.String:
                return buffer.Data.Length > 0 && buffer.Data[^1] == 0 ? null : "a string without its terminating NUL";
            case ArgKind.IoVecIn or ArgKind.IoVecOut:
                return null; // the executor lays one iovec over exactly the buffer
            case ArgKind.InOut or ArgKind.InOutArray when buffer.Data.Length > buffer.Capacity:
                return "more bytes than its capacity";
            case ArgKind.OutArray or ArgKind.InOutArray:
                long elements = ArgShape.ArrayCount(args[shape.SizeArg]);
                return elements * shape.FixedSize <= held ? null : $"{elements} elements of {shape.FixedSize} bytes named, {held} bytes sent";
            default:
                ulong needed = shape.FixedSize > 0 ? (ulong)shape.FixedSize : shape.SizeArg >= 0 ? args[shape.SizeArg] : 0;
                return needed <= (ulong)held ? null : $"{needed} bytes named, {held} sent";
        }
    }

    private static BufferDirection Expected(ArgKind kind) => kind switch
    {
        ArgKind.Path or ArgKind.String or ArgKind.In or ArgKind.IoVecIn => BufferDirection.In,
        ArgKind.InOut or ArgKind.InOutArray => BufferDirection.InOut,
        _ => BufferDirection.Out,
    };

    /// <summary>A call refused by <see cref="Violation"/>: it fails with EFAULT, and home makes nothing of it.</summary>
    public static ForwardedResult Refused { get; } = ForwardedResult.Error(Interop.Errno.EFAULT);
}

using System.Buffers.Binary;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// A read or write away from home larger than one forwarded call carries
/// (<see cref="CallMarshaller.MaxBuffer"/>): made at home as consecutive pieces, each the same
/// call on the next part of the caller's memory (and of the file, for a positioned call), until
/// everything has moved or a piece moves less than it asked for (the end of a file, a pipe with
/// less in it, a full disk, a signal).
/// </summary>
/// <remarks>
/// <para>On a regular file that is what one large call does natively: it moves everything up to
/// the end of the file. On a pipe, a socket or a terminal a piece that comes back short ends the
/// call there, so it never waits for data a native call would not have waited for.</para>
/// <para>Each piece is a call of the table's own entry (its flags, its descriptor) with one
/// buffer: a contiguous part of the caller's memory, as a single iovec for the vector calls.</para>
/// </remarks>
internal static class LargeTransfers
{
    /// <summary>UIO_MAXIOV: a vector call with more iovecs fails with EINVAL natively.</summary>
    private const int MaxIoVecs = 1024;

    private const int IoVecSize = 16;

    /// <summary>
    /// The parts of the caller's memory that <paramref name="entry"/> moves, in order, when they
    /// add up to more than one forwarded call carries; null when the call fits in one.
    /// </summary>
    /// <exception cref="RemoteFaultException">The iovec array is unreadable.</exception>
    /// <exception cref="InvalidCallException">More iovecs than the kernel accepts.</exception>
    public static List<(ulong Address, ulong Length)>? Split(int tid, in UserRegs regs, SyscallEntry entry)
    {
        if (entry.Transfer is null)
            return null;
        var kind = entry.Args[1].Kind;
        if (kind is not (ArgKind.IoVecIn or ArgKind.IoVecOut))
            return regs.Arg(2) > CallMarshaller.MaxBuffer ? [(regs.Arg(1), regs.Arg(2))] : null;

        ulong count = regs.Arg(2);
        if (count > MaxIoVecs)
            throw new InvalidCallException(Errno.EINVAL);
        var raw = new byte[(int)count * IoVecSize];
        if (raw.Length > 0 && !ProcessMemory.TryRead(tid, regs.Arg(1), raw))
            throw new RemoteFaultException(entry, 1);
        var parts = new List<(ulong, ulong)>((int)count);
        ulong total = 0;
        for (int i = 0; i < (int)count; i++)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * IoVecSize + 8));
            if (length > long.MaxValue - total)
                throw new InvalidCallException(Errno.EINVAL); // the lengths overflow ssize_t, as the kernel says
            total += length;
            parts.Add((BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * IoVecSize)), length));
        }
        return total > CallMarshaller.MaxBuffer ? parts : null;
    }

    /// <summary>
    /// Makes the call piece by piece. The result is the first piece's when that one fails (an
    /// error, an interruption for the caller to handle), else the bytes moved in all.
    /// </summary>
    /// <param name="thread">The home tid of the thread that makes it (<see cref="IHomeChannel.Call"/>).</param>
    public static ForwardedResult Forward(IHomeChannel home, int tid, in UserRegs regs, SyscallEntry entry, List<(ulong Address, ulong Length)> parts,
        int thread = 0)
    {
        bool reading = entry.Args[1].Kind is ArgKind.OutCounted or ArgKind.IoVecOut;
        int position = entry.Transfer!.PositionArg;
        bool positioned = position >= 0 && (long)regs.Arg(position) != -1;
        long moved = 0;
        foreach (var (address, length) in parts)
        {
            for (ulong at = 0; at < length;)
            {
                int size = (int)Math.Min(length - at, CallMarshaller.MaxBuffer);
                var args = new ulong[6];
                for (int i = 0; i < 6; i++)
                    args[i] = regs.Arg(i);
                args[2] = IsVector(entry) ? 1UL : (ulong)size; // the executor lays one iovec over the buffer
                if (positioned)
                    args[position] = regs.Arg(position) + (ulong)moved;
                CallBuffer buffer;
                if (reading)
                {
                    buffer = new CallBuffer(1, BufferDirection.Out, [], size);
                }
                else
                {
                    var bytes = new byte[size];
                    if (!ProcessMemory.TryRead(tid, address + at, bytes))
                        return Moved(moved, -Errno.EFAULT);
                    buffer = new CallBuffer(1, BufferDirection.In, bytes, 0);
                }
                var result = home.Call(new ForwardedCall(entry.Number, args, [buffer]), thread);
                if (result.Return < 0)
                    return moved == 0 ? result : Moved(moved, 0);
                int done = (int)Math.Min(result.Return, size);
                if (reading && done > 0 && !(result.Outputs.TryGetValue(1, out var read) && read.Length >= done
                        && ProcessMemory.TryWrite(tid, address + at, read.AsSpan(0, done))))
                    return Moved(moved, -Errno.EFAULT);
                moved += done;
                at += (ulong)done;
                if (done < size)
                    return Moved(moved, 0);
            }
        }
        return Moved(moved, 0);
    }

    private static bool IsVector(SyscallEntry entry) => entry.Args[1].Kind is ArgKind.IoVecIn or ArgKind.IoVecOut;

    /// <summary>What moved so far; with nothing moved, the error that stopped it.</summary>
    private static ForwardedResult Moved(long moved, int error) =>
        new(moved > 0 || error == 0 ? moved : error, new Dictionary<int, byte[]>());
}

/// <summary>The call's arguments are ones the kernel refuses outright: it fails with <see cref="Errno"/>, as natively.</summary>
public sealed class InvalidCallException(int errno) : Exception($"invalid arguments (errno {errno})")
{
    public int Errno { get; } = errno;
}

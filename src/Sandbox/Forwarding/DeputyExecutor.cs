using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// Runs a <see cref="ForwardedCall"/> inside the deputy, with the deputy's own file descriptors,
/// working directory and relatives: its buffers are laid out in the deputy's scratch area, the
/// pointer arguments pointed there, the call injected, and what the kernel wrote read back.
/// </summary>
public static class DeputyExecutor
{
    private const int Align = 16;

    /// <summary>Executes <paramref name="call"/>; <paramref name="scratch"/> must hold all its buffers.</summary>
    public static ForwardedResult Execute(RemoteSyscalls remote, RemoteScratch scratch, ForwardedCall call)
    {
        var laidOut = LayOut(scratch, call);
        return Collect(scratch, laidOut, remote.Syscall(call.Number, laidOut.Args));
    }

    /// <summary>A call's buffers in the scratch area, and its arguments pointed at them.</summary>
    public sealed record LaidOut(ForwardedCall Call, ulong[] Args, IReadOnlyList<(CallBuffer Buffer, ulong Address)> Placed);

    /// <summary>Writes the call's input buffers into <paramref name="scratch"/> and points its arguments there.</summary>
    public static LaidOut LayOut(RemoteScratch scratch, ForwardedCall call)
    {
        var entry = SyscallTable.Find(call.Number);
        var args = (ulong[])call.Args.Clone();
        var placed = new List<(CallBuffer Buffer, ulong Address)>();
        ulong offset = 0;
        foreach (var buffer in call.Buffers)
        {
            int size = Math.Max(buffer.Data.Length, buffer.Capacity);
            ulong address = scratch.Address + offset;
            if (buffer.Data.Length > 0)
                scratch.Put(offset, buffer.Data);
            offset = Next(offset, size);
            var kind = entry?.Args[buffer.ArgIndex].Kind;
            if (kind is ArgKind.IoVecIn or ArgKind.IoVecOut)
            {
                // One iovec over the gathered bytes: the same data for the kernel, a count of 1.
                var vec = new byte[16];
                BitConverter.TryWriteBytes(vec.AsSpan(0, 8), address);
                BitConverter.TryWriteBytes(vec.AsSpan(8, 8), (ulong)size);
                args[buffer.ArgIndex] = scratch.Put(offset, vec);
                args[entry!.Args[buffer.ArgIndex].SizeArg] = 1;
                offset = Next(offset, 16);
            }
            else
            {
                args[buffer.ArgIndex] = address;
            }
            placed.Add((buffer, address));
        }
        return new LaidOut(call, args, placed);
    }

    /// <summary>What the kernel wrote into the call's output buffers, with its return value.</summary>
    public static ForwardedResult Collect(RemoteScratch scratch, LaidOut laidOut, long ret)
    {
        var entry = SyscallTable.Find(laidOut.Call.Number);
        var outputs = new Dictionary<int, byte[]>();
        foreach (var (buffer, address) in laidOut.Placed)
        {
            if (buffer.Direction == BufferDirection.In)
                continue;
            int written = entry is null ? buffer.Capacity : CallMarshaller.Written(entry.Args[buffer.ArgIndex], buffer.Capacity, ret);
            if (ret < 0 && ret > -4096)
                written = 0; // a failed call wrote nothing the caller may rely on
            outputs[buffer.ArgIndex] = written > 0 ? scratch.Get(address - scratch.Address, written) : [];
        }
        return new ForwardedResult(ret, outputs);
    }

    /// <summary>The scratch bytes <paramref name="call"/> needs.</summary>
    public static ulong SpaceFor(ForwardedCall call) =>
        call.Buffers.Aggregate(0UL, (total, b) => Next(Next(total, Math.Max(b.Data.Length, b.Capacity)), 16));

    private static ulong Next(ulong offset, int size) => (offset + (ulong)size + Align - 1) & ~(ulong)(Align - 1);
}

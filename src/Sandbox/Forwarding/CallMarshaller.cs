using System.Buffers.Binary;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// Turns an incarnation's trapped call into a <see cref="ForwardedCall"/> by the argument shapes of
/// the syscall table, and writes the deputy's answer back into the incarnation's memory.
/// </summary>
/// <remarks>
/// Regular shapes only: paths and strings, buffers sized by an argument or by the ABI, iovec
/// arrays. A call with an irregular pointer argument needs a named handler.
/// </remarks>
public static class CallMarshaller
{
    /// <summary>Larger transfers are cut: the call then reads or writes less, as a kernel may.</summary>
    public const int MaxBuffer = 16 << 20;
    private const int MaxPath = 4096;

    /// <summary>True when every pointer argument of <paramref name="entry"/> has a regular shape.</summary>
    public static bool IsRegular(SyscallEntry entry) => entry.Args.All(a => a.Kind != ArgKind.Pointer);

    public static ForwardedCall Capture(int tid, in UserRegs regs, SyscallEntry entry)
    {
        var args = new ulong[6];
        for (int i = 0; i < 6; i++)
            args[i] = regs.Arg(i);
        var buffers = new List<CallBuffer>();
        for (int i = 0; i < entry.Args.Count; i++)
        {
            var shape = entry.Args[i];
            ulong pointer = args[i];
            if (!shape.IsMemory || pointer == 0)
                continue;
            int size = SizeOf(shape, args);
            // A count larger than the buffer that goes home is cut to it: the kernel there must never
            // be told of more memory than it was given (the call then moves less, as a kernel may;
            // reads and writes past the limit are split up by LargeTransfers before they get here).
            if (shape.Kind is ArgKind.In or ArgKind.Out or ArgKind.OutCounted or ArgKind.InOut && shape.SizeArg >= 0)
                args[shape.SizeArg] = Math.Min(args[shape.SizeArg], (ulong)size);
            else if (shape.IsArray && size > 0)
                args[shape.SizeArg] = Math.Min(args[shape.SizeArg], (ulong)(size / shape.FixedSize));
            switch (shape.Kind)
            {
                case ArgKind.Path or ArgKind.String:
                    string text = ProcessMemory.ReadCString(tid, pointer, MaxPath) ?? throw new RemoteFaultException(entry, i);
                    buffers.Add(new CallBuffer(i, BufferDirection.In, System.Text.Encoding.UTF8.GetBytes(text + "\0"), 0));
                    break;
                case ArgKind.In:
                    buffers.Add(new CallBuffer(i, BufferDirection.In, Read(tid, pointer, size, entry, i), 0));
                    break;
                case ArgKind.InOut or ArgKind.InOutArray:
                    buffers.Add(new CallBuffer(i, BufferDirection.InOut, Read(tid, pointer, size, entry, i), size));
                    break;
                case ArgKind.Out or ArgKind.OutCounted or ArgKind.OutArray:
                    buffers.Add(new CallBuffer(i, BufferDirection.Out, [], size));
                    break;
                case ArgKind.IoVecIn:
                    buffers.Add(new CallBuffer(i, BufferDirection.In, Gather(tid, IoVecs(tid, pointer, size, entry, i), entry, i), 0));
                    break;
                case ArgKind.IoVecOut:
                    int capacity = (int)Math.Min(IoVecs(tid, pointer, size, entry, i).Sum(v => (long)v.Length), MaxBuffer);
                    buffers.Add(new CallBuffer(i, BufferDirection.Out, [], capacity));
                    break;
            }
        }
        return new ForwardedCall(entry.Number, args, buffers);
    }

    /// <summary>Writes what the deputy's kernel wrote into the incarnation's own buffers.</summary>
    public static void Apply(int tid, in UserRegs regs, SyscallEntry entry, ForwardedResult result)
    {
        foreach (var (index, bytes) in result.Outputs)
        {
            ulong pointer = regs.Arg(index);
            var shape = entry.Args[index];
            if (shape.Kind == ArgKind.IoVecOut)
                Scatter(tid, IoVecs(tid, pointer, (int)regs.Arg(shape.SizeArg), entry, index), bytes);
            else if (bytes.Length > 0 && !ProcessMemory.TryWrite(tid, pointer, bytes))
                throw new RemoteFaultException(entry, index);
        }
    }

    /// <summary>How many bytes of an Out buffer the kernel wrote, for a call that returned <paramref name="ret"/>.</summary>
    public static int Written(ArgShape shape, int capacity, long ret) => shape.Kind switch
    {
        ArgKind.OutCounted or ArgKind.IoVecOut => (int)Math.Clamp(ret, 0, capacity),
        ArgKind.OutArray => (int)Math.Clamp(ret, 0, capacity / shape.FixedSize) * shape.FixedSize,
        _ => capacity,
    };

    private static int SizeOf(ArgShape shape, ulong[] args)
    {
        if (shape.IsArray)
            return (int)Math.Min(ArgShape.ArrayCount(args[shape.SizeArg]), MaxBuffer / shape.FixedSize) * shape.FixedSize;
        if (shape.FixedSize > 0)
            return shape.FixedSize;
        if (shape.SizeArg < 0)
            return 0;
        ulong size = args[shape.SizeArg];
        return shape.Kind is ArgKind.IoVecIn or ArgKind.IoVecOut ? (int)Math.Min(size, 1024) : (int)Math.Min(size, MaxBuffer);
    }

    private static byte[] Read(int tid, ulong pointer, int size, SyscallEntry entry, int index)
    {
        var bytes = new byte[size];
        if (size > 0 && !ProcessMemory.TryRead(tid, pointer, bytes))
            throw new RemoteFaultException(entry, index);
        return bytes;
    }

    private static List<(ulong Base, ulong Length)> IoVecs(int tid, ulong pointer, int count, SyscallEntry entry, int index)
    {
        var raw = Read(tid, pointer, count * 16, entry, index);
        var vecs = new List<(ulong, ulong)>(count);
        for (int i = 0; i < count; i++)
            vecs.Add((BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 16)), BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 16 + 8))));
        return vecs;
    }

    private static byte[] Gather(int tid, List<(ulong Base, ulong Length)> vecs, SyscallEntry entry, int index)
    {
        var all = new byte[Math.Min(vecs.Sum(v => (long)v.Length), MaxBuffer)];
        int at = 0;
        foreach (var (b, length) in vecs)
        {
            int n = (int)Math.Min(length, (ulong)(all.Length - at));
            if (n > 0 && !ProcessMemory.TryRead(tid, b, all.AsSpan(at, n)))
                break; // what was readable before the fault goes, as a kernel's partial write; never zeros in its place
            at += n;
        }
        if (at == 0 && all.Length > 0)
            throw new RemoteFaultException(entry, index);
        return at == all.Length ? all : all.AsSpan(0, at).ToArray();
    }

    private static void Scatter(int tid, List<(ulong Base, ulong Length)> vecs, byte[] bytes)
    {
        int at = 0;
        foreach (var (b, length) in vecs)
        {
            if (at == bytes.Length)
                break;
            // An empty iovec takes nothing; the ones after it still do (readv of {p,0},{q,2}).
            int n = (int)Math.Min(length, (ulong)(bytes.Length - at));
            if (n > 0)
                ProcessMemory.TryWrite(tid, b, bytes.AsSpan(at, n));
            at += n;
        }
    }
}

/// <summary>An argument pointed to memory the incarnation cannot read or write: the call fails with EFAULT, as it would natively.</summary>
public sealed class RemoteFaultException(SyscallEntry entry, int argument)
    : Exception($"{entry.Name}: argument {argument} points to unreadable memory");

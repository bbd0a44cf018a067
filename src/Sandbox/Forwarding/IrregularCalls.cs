using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// Home calls whose pointer argument has no fixed shape: the shape depends on another argument
/// (an ioctl's request, an fcntl's command). One named rule each; anything else is not served.
/// </summary>
internal static class IrregularCalls
{
    /// <summary>ioctl requests by number (asm-generic/ioctls.h): which way the argument goes, how big it is.</summary>
    private static readonly Dictionary<ulong, (BufferDirection Direction, int Size)> s_ioctls = new()
    {
        [0x5401] = (BufferDirection.Out, 60),  // TCGETS: isatty(), termios
        [0x5402] = (BufferDirection.In, 60),   // TCSETS
        [0x5403] = (BufferDirection.In, 60),   // TCSETSW
        [0x5404] = (BufferDirection.In, 60),   // TCSETSF
        [0x540F] = (BufferDirection.Out, 4),   // TIOCGPGRP
        [0x5410] = (BufferDirection.In, 4),    // TIOCSPGRP
        [0x5413] = (BufferDirection.Out, 8),   // TIOCGWINSZ
        [0x5414] = (BufferDirection.In, 8),    // TIOCSWINSZ
        [0x541B] = (BufferDirection.Out, 4),   // FIONREAD
        [0x5421] = (BufferDirection.In, 4),    // FIONBIO
        [0x5450] = (BufferDirection.In, 0),    // FIONCLEX
        [0x5451] = (BufferDirection.In, 0),    // FIOCLEX
    };

    /// <summary>fcntl commands whose third argument is a plain integer.</summary>
    private static readonly HashSet<ulong> s_fcntlIntegers = [0, 1, 2, 3, 4, 1030, 1033, 1034]; // DUPFD GETFD SETFD GETFL SETFL DUPFD_CLOEXEC SETPIPE_SZ GETPIPE_SZ

    /// <summary>The forwarded form of the call, or null when it cannot be served from here.</summary>
    public static ForwardedCall? Capture(in UserRegs regs, SyscallEntry entry)
    {
        var args = new ulong[6];
        for (int i = 0; i < 6; i++)
            args[i] = regs.Arg(i);
        switch (entry.Name)
        {
            case "ioctl" when s_ioctls.TryGetValue(args[1] & 0xffffffff, out var shape):
                return new ForwardedCall(entry.Number, args,
                    shape.Size == 0 || args[2] == 0 ? [] : [new CallBuffer(2, shape.Direction, [], shape.Size)]);
            case "fcntl" when s_fcntlIntegers.Contains(args[1]):
                return new ForwardedCall(entry.Number, args, []);
            default:
                return null;
        }
    }

    /// <summary>Reads In buffers now that the call is known (Capture only sized them) and writes Out buffers back.</summary>
    public static ForwardedCall WithInputs(int tid, ForwardedCall call)
    {
        var buffers = call.Buffers.Select(b =>
        {
            if (b.Direction == BufferDirection.Out)
                return b;
            var bytes = new byte[b.Capacity];
            if (!ProcessMemory.TryRead(tid, call.Args[b.ArgIndex], bytes))
                throw new RemoteFaultException(Syscalls.SyscallTable.Find(call.Number)!, b.ArgIndex);
            return b with { Data = bytes, Capacity = b.Direction == BufferDirection.InOut ? b.Capacity : 0 };
        }).ToList();
        return call with { Buffers = buffers };
    }

    public static void Apply(int tid, in UserRegs regs, ForwardedResult result)
    {
        foreach (var (index, bytes) in result.Outputs)
        {
            if (bytes.Length > 0)
                ProcessMemory.TryWrite(tid, regs.Arg(index), bytes);
        }
    }
}

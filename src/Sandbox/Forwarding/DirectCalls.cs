using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// The short way for a forwarded call on one of the deputy's plain files (the table's
/// <see cref="SyscallEntry.OnPlainFileDirect"/> calls): home takes a copy of the deputy's
/// descriptor (pidfd_getfd) and makes the call itself. The copy is the same open file (offset,
/// flags, position in a directory), so the effect is the deputy's own; and no ptrace stop, no
/// injection and no thread hand-off stand between the call and its answer.
/// </summary>
/// <remarks>
/// Anything else (pipes, sockets, terminals, locks: where the calling process matters, or a call
/// may block) goes the long way, injected into the deputy. So does a plain-file call whose answer
/// would have signalled the caller (EFBIG: SIGXFSZ), after it failed here with no effect.
/// The deputy stands in its pause loop meanwhile; another of its threads may be in a call injected
/// for its own thread away, as two threads' calls on one file run at once natively.
/// </remarks>
public sealed class DirectCalls(SafeFileHandle deputy) : IDisposable
{
    private const uint S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFCHR = 0x2000;
    private const int EFBIG = 27;

    /// <summary>/dev/null (1:3) and /dev/zero (1:5): character devices that never block or signal.</summary>
    private static readonly ulong[] s_plainDevices = [Makedev(1, 3), Makedev(1, 5)];

    /// <summary>A handle on <paramref name="deputyPid"/>, or null if the kernel has no pidfd_getfd for us.</summary>
    public static DirectCalls? For(int deputyPid) =>
        PidFd.Open(deputyPid, out _) is { } pidfd ? new DirectCalls(pidfd) : null;

    /// <summary>Makes <paramref name="call"/> here if it qualifies; false (and nothing done) otherwise.</summary>
    public bool TryExecute(ForwardedCall call, out ForwardedResult result)
    {
        result = null!;
        if (SyscallTable.Find(call.Number) is not { OnPlainFileDirect: true } entry || call.Args.Length < 6)
            return false;
        int copy = PidFd.GetFd(deputy, (int)call.Args[0]);
        if (copy < 0)
            return false; // no such descriptor: the deputy gives the right EBADF
        try
        {
            if (!IsPlain(copy))
                return false;
            long ret = Execute(entry, call, copy, out var outputs);
            if (ret == -EFBIG)
                return false;
            result = new ForwardedResult(ret, outputs);
            return true;
        }
        finally
        {
            Descriptors.CloseRaw(copy);
        }
    }

    private static long Execute(SyscallEntry entry, ForwardedCall call, int fd, out Dictionary<int, byte[]> outputs)
    {
        var args = (ulong[])call.Args.Clone();
        args[0] = (ulong)fd;
        var buffers = new byte[call.Buffers.Count][];
        var pins = new GCHandle[call.Buffers.Count];
        try
        {
            for (int i = 0; i < call.Buffers.Count; i++)
            {
                var b = call.Buffers[i];
                buffers[i] = b.Direction == BufferDirection.In ? b.Data : new byte[Math.Max(b.Capacity, b.Data.Length)];
                if (b.Direction == BufferDirection.InOut)
                    b.Data.CopyTo(buffers[i], 0);
                pins[i] = GCHandle.Alloc(buffers[i], GCHandleType.Pinned);
                args[b.ArgIndex] = (ulong)pins[i].AddrOfPinnedObject();
            }
            long ret = RawSyscall.Invoke(call.Number, args);
            outputs = [];
            for (int i = 0; i < call.Buffers.Count; i++)
            {
                var b = call.Buffers[i];
                if (b.Direction == BufferDirection.In)
                    continue;
                int written = ret < 0 && ret > -4096 ? 0 : CallMarshaller.Written(entry.Args[b.ArgIndex], b.Capacity, ret);
                outputs[b.ArgIndex] = buffers[i].AsSpan(0, written).ToArray();
            }
            return ret;
        }
        finally
        {
            foreach (var pin in pins)
            {
                if (pin.IsAllocated)
                    pin.Free();
            }
        }
    }

    private static bool IsPlain(int fd)
    {
        if (FileStat.TypeOf(fd) is not var (mode, rdev))
            return false;
        uint type = mode & S_IFMT;
        return type is S_IFREG or S_IFDIR || type == S_IFCHR && Array.IndexOf(s_plainDevices, rdev) >= 0;
    }

    /// <summary>The kernel's encoding of a device number (glibc's makedev).</summary>
    private static ulong Makedev(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

    public void Dispose() => deputy.Dispose();
}

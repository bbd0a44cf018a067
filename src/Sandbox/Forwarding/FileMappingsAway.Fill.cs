using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// A private file mapping given home's bytes: what the program can see of a private mapping is
/// the file's content at the time it touches each page, and a copy of its own once it writes; an
/// anonymous area filled with home's content now is that, read eagerly.
/// </summary>
/// <remarks>
/// Differences from the kernel's mapping, accepted: pages wholly past the end of the file read
/// zeros instead of raising SIGBUS; a change home makes to the file later is not seen in pages not
/// yet touched (POSIX leaves that unspecified); /proc/PID/maps shows no path; and every byte is
/// read (and sent) at once, so an area bigger than <see cref="MaxFill"/> takes the process home
/// instead, where the kernel maps it lazily.
/// </remarks>
internal sealed partial class FileMappingsAway
{
    /// <summary>At most this many of home's bytes are brought for one mapping.</summary>
    public const long MaxFill = 64L << 20;

    private const ulong MAP_TYPE = 0x0f, MAP_PRIVATE = 0x02;
    private const int Chunk = 2 << 20; // well under the channel's frame limit (32 MiB)

    private long? FillFromHome(Tracee tracee, in UserRegs regs, int fd, HomeFile file, string why)
    {
        ulong length = regs.Arg(1), offset = regs.Arg(5), prot = regs.Arg(2);
        long bytes = (long)Math.Min(length, (ulong)Math.Max(0, file.Size - (long)Math.Min(offset, (ulong)long.MaxValue)));
        if (bytes > MaxFill)
            return null;
        using var remote = RemoteSyscalls.EnterAtSeccompStop(tracee);
        // The program's own address, length, offset and flags: the kernel gives the errors it would
        // give the file mapping (EINVAL for an unaligned offset or length 0, ENOMEM, EEXIST).
        ulong anonymous = (regs.Arg(3) & ~MAP_TYPE) | MAP_PRIVATE | MAP_ANONYMOUS;
        long area = remote.Syscall(Sys.Mmap, regs.Arg(0), length, Mman.PROT_READ | Mman.PROT_WRITE, anonymous, ulong.MaxValue, offset);
        if (area < 0 && area > -4096)
            return area;
        if (Fill(tracee.Tid, (ulong)area, fd, (long)offset, bytes) is { } failed)
        {
            remote.Syscall(Sys.Munmap, (ulong)area, length);
            return failed;
        }
        if (prot != (Mman.PROT_READ | Mman.PROT_WRITE))
            remote.Syscall(Sys.Mprotect, (ulong)area, length, prot);
        FilledFromHome?.Invoke(file.Path, why);
        return area;
    }

    /// <summary>Home's bytes [offset, offset + bytes) of the deputy's <paramref name="fd"/> into the area; null on success, else -errno.</summary>
    private long? Fill(int tid, ulong area, int fd, long offset, long bytes)
    {
        for (long done = 0; done < bytes;)
        {
            int want = (int)Math.Min(Chunk, bytes - done);
            var result = home.Call(new ForwardedCall(Sys.Pread64, [(ulong)fd, 0, (ulong)want, (ulong)(offset + done), 0, 0],
                [new CallBuffer(1, BufferDirection.Out, [], want)]));
            if (result.Return < 0)
                return result.Return;
            if (result.Return == 0 || !result.Outputs.TryGetValue(1, out var data) || data.Length == 0)
                return null; // the file got shorter meanwhile: the rest reads zeros
            if (!ProcessMemory.TryWrite(tid, area + (ulong)done, data.AsSpan(0, (int)Math.Min(data.Length, want))))
                return -Errno.EFAULT;
            done += data.Length;
        }
        return null;
    }
}

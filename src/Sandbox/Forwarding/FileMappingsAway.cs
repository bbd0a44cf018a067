using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// A private file mapping made away from home (a dynamic loader mapping a library, a program
/// mapping a data file to read it). The file is home's (the descriptor is the deputy's); the
/// mapping gets home's bytes, from one of two places:
/// <list type="bullet">
/// <item>this node's own copy at home's path, when it is proven to hold home's content: its
/// SHA-256, computed here over the file we open, equals the one home computed over the deputy's
/// descriptor (a library, mapped from the node's page cache as natively);</item>
/// <item>otherwise home itself: the area is made anonymous and filled with home's bytes, read
/// through forwarded pread calls, then given the protection asked for (<see cref="FillFromHome"/>).</item>
/// </list>
/// A shared mapping, a file home cannot describe, or one too big to bring takes the process home.
/// </summary>
/// <remarks>
/// <para>Sandbox: a guest never reads this node's files beyond content identical to home's. Home
/// chooses the path, so it is never trusted: the copy must be a regular file every user here may
/// read (o+r, in directories with o+x, no symbolic link on the way), and its hash is ours, over
/// our own descriptor (<see cref="NodeCopies"/>, the rule the restore of an image follows too). Between our hash and the incarnation's mapping the path could be pointed at
/// another file: the incarnation's descriptor is fstat'ed before it is mapped, and must be the very
/// version (device, inode, size, mtime, ctime) we hashed.</para>
/// <para>How: home answers <see cref="IHomeFiles.Describe"/> (path, size, hash); then, into the
/// incarnation at its seccomp stop, openat(path, O_RDONLY|O_NOFOLLOW), fstat, the mmap with that
/// descriptor, close. The mmap's answer is the call's.</para>
/// </remarks>
internal sealed partial class FileMappingsAway(IHomeChannel home, IHomeFiles files)
{
    private const ulong MAP_SHARED = 0x01, MAP_SHARED_VALIDATE = 0x03, MAP_ANONYMOUS = 0x20;
    private const long AT_FDCWD = -100;
    private const ulong O_RDONLY_NOFOLLOW_CLOEXEC = 0x20000 | 0x80000;
    private const int StatSize = 144, PathMax = 4096;

    /// <summary>A mapping was given home's bytes instead of this node's copy: the path, and why (for the guest host's log).</summary>
    public event Action<string, string>? FilledFromHome;

    /// <summary>The mmap's result, made here; null when this node cannot serve it (the caller then takes the process home).</summary>
    public long? TryMap(Tracee tracee, in UserRegs regs)
    {
        ulong flags = regs.Arg(3);
        if ((flags & MAP_ANONYMOUS) != 0 || (flags & MAP_SHARED_VALIDATE) is MAP_SHARED or MAP_SHARED_VALIDATE)
            return null;
        int fd = (int)regs.Arg(4);
        if (files.Describe(fd) is not { } file)
            return null;
        if (file.Sha256 is null)
            return FillFromHome(tracee, regs, fd, file, "home did not hash it (too big)");
        if (NodeCopies.Proven(file.Path, file.Sha256) is not { } copy)
            return FillFromHome(tracee, regs, fd, file, "this node has no readable copy with home's content");
        return MapOurCopy(tracee, regs, file.Path, copy) ?? FillFromHome(tracee, regs, fd, file, "this node's copy changed before it was mapped");
    }

    /// <summary>The incarnation opens the copy and maps it if it is still the version we hashed; null (nothing mapped) if not.</summary>
    private static long? MapOurCopy(Tracee tracee, in UserRegs regs, string path, FileStat.Version hashed)
    {
        using var remote = RemoteSyscalls.EnterAtSeccompStop(tracee);
        long local;
        // The scratch area is gone before the program's mmap: a MAP_FIXED one may ask for where it was.
        using (var scratch = RemoteScratch.Map(remote, PathMax + StatSize))
        {
            local = remote.Syscall(Sys.Openat, unchecked((ulong)AT_FDCWD), scratch.PutString(0, path), O_RDONLY_NOFOLLOW_CLOEXEC);
            if (local < 0)
                return null; // gone meanwhile: home's bytes instead
            if (remote.Syscall(Sys.Fstat, (ulong)local, scratch.Address + PathMax) < 0
                || FileStat.VersionIn(scratch.Get(PathMax, StatSize)) != hashed)
            {
                remote.Syscall(Sys.Close, (ulong)local);
                return null;
            }
        }
        long mapped = remote.Syscall(Sys.Mmap, regs.Arg(0), regs.Arg(1), regs.Arg(2), regs.Arg(3), (ulong)local, regs.Arg(5));
        remote.Syscall(Sys.Close, (ulong)local);
        return mapped;
    }
}

using System.Text;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// A private file mapping made away from home (a dynamic loader mapping a library, a program
/// mapping a data file to read it): the file is home's (the descriptor is the deputy's), but this
/// node has an identical copy, as the restore assumes of every mapped file; the incarnation maps
/// that copy. Anything else (a shared mapping, a file this node lacks or holds in another
/// version) still takes the process home.
/// </summary>
/// <remarks>
/// <para>Sandbox: the copy is used only when it is a regular file that every user of this node
/// may read (o+r, in directories with o+x, no symbolic link on the way), of the same size and
/// modification time as home's: the guest learns nothing of this node it could not read as
/// anybody, and a private mapping never writes back.</para>
/// <para>How: home answers fstat and the descriptor's path (readlink of /proc/self/fd/N, in the
/// deputy); then, into the incarnation at its seccomp stop, openat(path, O_RDONLY), the mmap with
/// that descriptor, close. The mmap's answer is the call's.</para>
/// </remarks>
internal static class FileMappingsAway
{
    private const ulong MAP_SHARED = 0x01, MAP_SHARED_VALIDATE = 0x03, MAP_ANONYMOUS = 0x20;
    private const long AT_FDCWD = -100;
    private const ulong O_RDONLY_CLOEXEC = 0x80000;
    private const int StatSize = 144, PathMax = 4096;

    /// <summary>The mmap's result, made here; null when this node cannot serve it (the caller then takes the process home).</summary>
    public static long? TryMap(Tracee tracee, in UserRegs regs, IHomeChannel home)
    {
        ulong flags = regs.Arg(3);
        if ((flags & MAP_ANONYMOUS) != 0 || (flags & MAP_SHARED_VALIDATE) is MAP_SHARED or MAP_SHARED_VALIDATE)
            return null;
        int fd = (int)regs.Arg(4);
        if (HomeFile(home, fd) is not { } file || !SameCopyHere(file.Path, file.Stat))
            return null;

        using var remote = RemoteSyscalls.EnterAtSeccompStop(tracee);
        using var scratch = RemoteScratch.Map(remote, PathMax + 64);
        ulong path = scratch.PutString(0, file.Path);
        long local = remote.Syscall(Sys.Openat, unchecked((ulong)AT_FDCWD), path, O_RDONLY_CLOEXEC);
        if (local < 0)
            return local; // the copy vanished meanwhile: the program sees openat's error, as for a missing file
        long mapped = remote.Syscall(Sys.Mmap, regs.Arg(0), regs.Arg(1), regs.Arg(2), flags, (ulong)local, regs.Arg(5));
        remote.Syscall(Sys.Close, (ulong)local);
        return mapped;
    }

    /// <summary>The path and fstat of the deputy's descriptor <paramref name="fd"/>, or null if it is no regular file.</summary>
    private static (string Path, byte[] Stat)? HomeFile(IHomeChannel home, int fd)
    {
        var stat = home.Call(new ForwardedCall(Sys.Fstat, [(ulong)fd, 0, 0, 0, 0, 0], [new CallBuffer(1, BufferDirection.Out, [], StatSize)]));
        if (stat.Return < 0 || !stat.Outputs.TryGetValue(1, out var st) || st.Length < StatSize || !FileStat.IsRegular(st))
            return null;
        byte[] link = Encoding.UTF8.GetBytes($"/proc/self/fd/{fd}\0");
        var target = home.Call(new ForwardedCall(Sys.Readlinkat, [unchecked((ulong)AT_FDCWD), 0, 0, PathMax, 0, 0],
            [new CallBuffer(1, BufferDirection.In, link, 0), new CallBuffer(2, BufferDirection.Out, [], PathMax)]));
        if (target.Return <= 0 || !target.Outputs.TryGetValue(2, out var name))
            return null;
        string path = Encoding.UTF8.GetString(name);
        return path.StartsWith('/') && !path.EndsWith(" (deleted)", StringComparison.Ordinal) ? (path, st) : null;
    }

    /// <summary>This node's file at <paramref name="path"/> is one anybody may read and matches home's size and modification time.</summary>
    private static bool SameCopyHere(string path, byte[] homeStat)
    {
        if (!AnybodyMayRead(path) || FileStat.Of(path) is not { } here)
            return false;
        var home = FileStat.IdentityOf(homeStat);
        return here.Size == home.Size && here.MtimeNs == home.MtimeNs;
    }

    /// <summary>
    /// A regular file with o+r, reached through directories with o+x and no symbolic link on the
    /// way (home's path is canonical; a link here could lead where others may not go).
    /// </summary>
    private static bool AnybodyMayRead(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.LinkTarget is not null || (file.UnixFileMode & UnixFileMode.OtherRead) == 0)
                return false;
            for (var dir = file.Directory; dir is not null; dir = dir.Parent)
            {
                if (dir.LinkTarget is not null || (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
                    return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

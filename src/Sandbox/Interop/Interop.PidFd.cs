using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mosix.Sandbox.Interop;

/// <summary>
/// pidfd_open(2) and pidfd_getfd(2): a handle on a process, and copies of its descriptors. The
/// deputy's plain files are read and written through such copies (one open file, one offset).
/// </summary>
public static partial class PidFd
{
    private const long SYS_pidfd_open = 434, SYS_pidfd_getfd = 438;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall3(long number, long a, long b, long c);

    /// <summary>A pidfd for <paramref name="pid"/>, or null with <paramref name="errno"/> set.</summary>
    public static SafeFileHandle? Open(int pid, out int errno)
    {
        long fd = Syscall3(SYS_pidfd_open, pid, 0, 0);
        errno = fd < 0 ? Marshal.GetLastSystemError() : 0;
        return fd < 0 ? null : new SafeFileHandle((nint)fd, ownsHandle: true);
    }

    /// <summary>
    /// A close-on-exec copy, in this process, of descriptor <paramref name="targetFd"/> of the
    /// process behind <paramref name="pidfd"/>; -errno if it has no such descriptor (or we may not
    /// take it: the caller must be able to ptrace the process).
    /// </summary>
    public static int GetFd(SafeFileHandle pidfd, int targetFd)
    {
        bool added = false;
        pidfd.DangerousAddRef(ref added);
        try
        {
            long fd = Syscall3(SYS_pidfd_getfd, pidfd.DangerousGetHandle(), targetFd, 0);
            return fd < 0 ? -Marshal.GetLastSystemError() : (int)fd;
        }
        finally
        {
            if (added)
                pidfd.DangerousRelease();
        }
    }
}

using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>waitpid(2) for one specific tracee, used while the tracer steps it (syscall injection).</summary>
internal static partial class Wait
{
    public const int __WALL = 0x40000000;

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int RawWaitPid(int pid, out int status, int options);

    /// <summary>Waits for the next state change of <paramref name="tid"/>; its tid, or -errno.</summary>
    public static int ForTid(int tid, out int status)
    {
        Tracing.TracerThread.AssertOwner();
        while (true)
        {
            int r = RawWaitPid(tid, out status, __WALL);
            if (r >= 0)
                return r;
            int errno = Marshal.GetLastSystemError();
            if (errno != Errno.EINTR)
                return -errno;
        }
    }
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mosix.Sandbox.Interop;

/// <summary>Moving standard descriptors out of a child's reach (the guest host's channel to its agent); opening and asking files for FileMappingsAway.</summary>
public static partial class Descriptors
{
    private const int F_DUPFD_CLOEXEC = 1030, F_GETFL = 3, O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_CLOEXEC = 0x80000;
    private const int O_NONBLOCK = 0x800, O_NOFOLLOW = 0x20000;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int from, int to);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>Closes a raw descriptor this process holds (one pidfd_getfd gave, say).</summary>
    public static void CloseRaw(int fd) => Close(fd);

    /// <summary>Whether <paramref name="fd"/> was opened for reading (O_RDONLY or O_RDWR), as mmap(2) demands of a file it maps.</summary>
    public static bool IsOpenForReading(int fd) => Fcntl(fd, F_GETFL, 0) is >= 0 and var flags && (flags & O_ACCMODE) != O_WRONLY;

    /// <summary>
    /// <paramref name="path"/> opened read-only, never through a symbolic link at its end, never
    /// blocking (a FIFO put there meanwhile); null if it cannot be opened.
    /// </summary>
    public static SafeFileHandle? OpenReadOnlyNoFollow(string path)
    {
        int fd = Open(path, O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>A raw close-on-exec descriptor on /dev/null, read and write (-1 if even that fails).</summary>
    public static int OpenDevNull() => Open("/dev/null", O_RDWR | O_CLOEXEC);

    /// <summary>
    /// A close-on-exec copy of <paramref name="fd"/> above the standard three, and <paramref name="fd"/>
    /// itself pointed at /dev/null: this process keeps the channel, its children never see it.
    /// </summary>
    /// <exception cref="IOException">The kernel refused (out of descriptors).</exception>
    public static SafeFileHandle MoveAside(int fd)
    {
        int copy = Fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
            throw new IOException($"cannot copy descriptor {fd}: {Errno.Describe(Marshal.GetLastSystemError())}");
        int devNull = Open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devNull < 0 || Dup2(devNull, fd) < 0)
            throw new IOException($"cannot point descriptor {fd} at /dev/null: {Errno.Describe(Marshal.GetLastSystemError())}");
        Close(devNull);
        return new SafeFileHandle(copy, ownsHandle: true);
    }
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mosix.Sandbox.Interop;

/// <summary>memfd_create(2): a file that lives in memory only, for an image in flight (no disk between nodes).</summary>
public static partial class AnonymousFile
{
    private const uint MFD_CLOEXEC = 1;

    [LibraryImport("libc", EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MemfdCreate(string name, uint flags);

    /// <summary>A new, empty, close-on-exec memory file; <paramref name="name"/> shows in /proc/PID/fd.</summary>
    /// <exception cref="IOException">The kernel refused (out of memory, too many files).</exception>
    public static SafeFileHandle Create(string name)
    {
        int fd = MemfdCreate(name, MFD_CLOEXEC);
        if (fd < 0)
            throw new IOException($"memfd_create: {Errno.Describe(Marshal.GetLastSystemError())}");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>A path that opens the same file again (for readers that take a path).</summary>
    public static string PathOf(SafeFileHandle file) => $"/proc/self/fd/{file.DangerousGetHandle()}";
}

using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mosix.Sandbox.Interop;

/// <summary>
/// A listening Unix socket at the level of file descriptors (native/preload/control.c): mosrun's
/// control socket costs microseconds this way, where .NET's socket stack costs every start-up
/// milliseconds. Connections are plain descriptors, read and written as files.
/// </summary>
public static partial class LocalSocket
{
    [LibraryImport("libmosix", EntryPoint = "mosix_listen_unix", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RawListen(string path);

    [LibraryImport("libmosix", EntryPoint = "mosix_accept")]
    private static partial int RawAccept(int fd);

    [LibraryImport("libmosix", EntryPoint = "mosix_shutdown")]
    private static partial int RawShutdown(int fd);

    /// <summary>Binds and listens at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">With the errno's words.</exception>
    public static SafeFileHandle Listen(string path)
    {
        int fd = RawListen(path);
        if (fd < 0)
            throw new IOException($"cannot listen on {path}: {Errno.Describe(-fd)}");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Waits for the next connection of this process's own user (SO_PEERCRED; any other is closed unanswered); null once the listener is shut down.</summary>
    public static SafeFileHandle? Accept(SafeFileHandle listener)
    {
        int fd = RawAccept((int)listener.DangerousGetHandle());
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Wakes a thread blocked in <see cref="Accept"/> (closing alone would not).</summary>
    public static void Shutdown(SafeFileHandle listener) => RawShutdown((int)listener.DangerousGetHandle());
}

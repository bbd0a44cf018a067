using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>access(2): what the kernel itself will allow, with the real uid's rights.</summary>
public static partial class Access
{
    private const int X_OK = 1, W_OK = 2;

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RawAccess(string path, int mode);

    public static bool CanExecute(string path) => RawAccess(path, X_OK) == 0;

    /// <summary>Whether the real uid may create files in (or write to) <paramref name="path"/>.</summary>
    public static bool CanWrite(string path) => RawAccess(path, W_OK) == 0;
}

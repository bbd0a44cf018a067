using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Mosix.Shim.Local;

/// <summary>
/// Whether a folder may hold a user's control sockets: a real directory (not a symbolic link),
/// owned by that user, with no permission for anybody else (0700). Anything less could be a
/// folder another user made first, to read, replace or squat the sockets in it.
/// </summary>
internal static partial class FolderTrust
{
    private const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, OthersBits = 0x3F; // group and other rwx
    private const int StatSize = 144, ModeOffset = 24, UidOffset = 28;

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Lstat(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial uint CurrentUid();

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Stat(string path, [Out] byte[] buffer);

    /// <summary>The uid owning <paramref name="path"/> (symbolic links followed), or null if it cannot be read.</summary>
    public static uint? Owner(string path)
    {
        var stat = new byte[StatSize];
        return Stat(path, stat) == 0 ? BinaryPrimitives.ReadUInt32LittleEndian(stat.AsSpan(UidOffset)) : null;
    }

    /// <summary>Absent (null), or whether <paramref name="path"/> is a folder only the current user may use.</summary>
    public static bool? IsOwnPrivateFolder(string path)
    {
        var stat = new byte[StatSize];
        if (Lstat(path, stat) != 0)
            return Marshal.GetLastSystemError() == 2 ? null : false; // ENOENT: absent; any other error: not to be trusted
        uint mode = BinaryPrimitives.ReadUInt32LittleEndian(stat.AsSpan(ModeOffset));
        uint owner = BinaryPrimitives.ReadUInt32LittleEndian(stat.AsSpan(UidOffset));
        return (mode & S_IFMT) == S_IFDIR && owner == CurrentUid() && (mode & OthersBits) == 0;
    }
}

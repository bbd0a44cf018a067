using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>stat(2) and fstat(2), for the identity of a file (device, inode, size, modification time), the version of an open file and the type of a descriptor.</summary>
public static partial class FileStat
{
    /// <summary>The fields of struct stat (x86-64 layout) that identify a file's contents.</summary>
    public readonly record struct Identity(ulong Device, ulong Inode, long Size, long MtimeNs);

    /// <summary>
    /// One version of one file: its identity and its status-change time. A write that puts the
    /// modification time back (touch -d) still moves ctime, so a content hash keyed by this is
    /// never reused for other bytes.
    /// </summary>
    public readonly record struct Version(ulong Device, ulong Inode, long Size, long MtimeNs, long CtimeNs);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int RawStat(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static unsafe partial int RawFstat(int fd, byte* buffer);

    /// <summary>What a descriptor is: its st_mode and, for a device, st_rdev; null if it cannot be stat'ed.</summary>
    public static unsafe (uint Mode, ulong Rdev)? TypeOf(int fd)
    {
        byte* buffer = stackalloc byte[144];
        if (RawFstat(fd, buffer) != 0)
            return null;
        var s = new ReadOnlySpan<byte>(buffer, 144);
        return (BinaryPrimitives.ReadUInt32LittleEndian(s[24..]), BinaryPrimitives.ReadUInt64LittleEndian(s[40..]));
    }

    /// <summary>The version of the file open on <paramref name="fd"/>, and whether it is a regular file; null if it cannot be stat'ed.</summary>
    public static unsafe (Version Version, bool Regular)? VersionOf(int fd)
    {
        byte* buffer = stackalloc byte[144];
        if (RawFstat(fd, buffer) != 0)
            return null;
        var s = new ReadOnlySpan<byte>(buffer, 144);
        return (VersionIn(s), IsRegular(s));
    }

    /// <summary>The version in a struct stat another process's kernel filled (an injected fstat).</summary>
    public static Version VersionIn(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(s),
        BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[48..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[88..]) * 1_000_000_000 + BinaryPrimitives.ReadInt64LittleEndian(s[96..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[104..]) * 1_000_000_000 + BinaryPrimitives.ReadInt64LittleEndian(s[112..]));

    /// <summary>What a path names (st_mode, st_rdev) and which object it is (st_dev, st_ino); null if it cannot be stat'ed.</summary>
    /// <remarks>On <c>/proc/PID/fd/N</c>: the open object itself, a pipe or socket included.</remarks>
    public static unsafe (uint Mode, ulong Rdev, ulong Device, ulong Inode)? KindOf(string path)
    {
        byte* buffer = stackalloc byte[144];
        if (RawStat(path, buffer) != 0)
            return null;
        var s = new ReadOnlySpan<byte>(buffer, 144);
        return (BinaryPrimitives.ReadUInt32LittleEndian(s[24..]), BinaryPrimitives.ReadUInt64LittleEndian(s[40..]),
            BinaryPrimitives.ReadUInt64LittleEndian(s), BinaryPrimitives.ReadUInt64LittleEndian(s[8..]));
    }

    /// <summary>The file's identity, or null if it cannot be stat'ed.</summary>
    public static unsafe Identity? Of(string path)
    {
        byte* buffer = stackalloc byte[144];
        if (RawStat(path, buffer) != 0)
            return null;
        return IdentityOf(new ReadOnlySpan<byte>(buffer, 144));
    }

    /// <summary>The identity in a struct stat another process's kernel filled (a forwarded fstat).</summary>
    public static Identity IdentityOf(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(s),
        BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[48..]),
        BinaryPrimitives.ReadInt64LittleEndian(s[88..]) * 1_000_000_000 + BinaryPrimitives.ReadInt64LittleEndian(s[96..]));

    /// <summary>Whether a struct stat describes a regular file (S_IFREG).</summary>
    public static bool IsRegular(ReadOnlySpan<byte> s) => (BinaryPrimitives.ReadUInt32LittleEndian(s[24..]) & 0xF000) == 0x8000;
}

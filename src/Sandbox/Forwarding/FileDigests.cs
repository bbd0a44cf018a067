using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// SHA-256 of whole files, cached by version (device, inode, size, mtime, ctime): ld.so maps
/// each library in several segments, and a process maps the same libraries on every move, so
/// each version is read once per process that hashes it (home's mosrun, a node's guest host).
/// </summary>
/// <remarks>
/// A hash is only cached when the file's version is the same after reading as before: a file
/// written meanwhile is not hashed (null), never hashed wrong.
/// </remarks>
public static class FileDigests
{
    /// <summary>Larger files are not hashed: reading them whole could cost more than the mapping is worth.</summary>
    public const long MaxSize = 256L << 20;

    private const int MaxEntries = 4096, Chunk = 1 << 20;
    private static readonly ConcurrentDictionary<FileStat.Version, byte[]> s_known = new();

    /// <summary>The version of the regular file open on <paramref name="file"/> and the hash of its content; null if it is none, too big, or changed while read.</summary>
    public static (FileStat.Version Version, byte[] Sha256)? Of(SafeFileHandle file)
    {
        if (Stat(file) is not { } before || before.Size > MaxSize)
            return null;
        if (s_known.TryGetValue(before, out var known))
            return (before, known);
        byte[] digest = Hash(file);
        if (Stat(file) != before)
            return null;
        if (s_known.Count >= MaxEntries)
            s_known.Clear();
        s_known[before] = digest;
        return (before, digest);
    }

    private static byte[] Hash(SafeFileHandle file)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Chunk];
        long offset = 0;
        for (int n; (n = RandomAccess.Read(file, buffer, offset)) > 0; offset += n)
            sha.AppendData(buffer, 0, n);
        return sha.GetHashAndReset();
    }

    private static FileStat.Version? Stat(SafeFileHandle file)
    {
        bool added = false;
        file.DangerousAddRef(ref added);
        try
        {
            return FileStat.VersionOf((int)file.DangerousGetHandle()) is { Regular: true } s ? s.Version : null;
        }
        finally
        {
            if (added)
                file.DangerousRelease();
        }
    }
}

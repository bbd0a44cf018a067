using Google.Protobuf;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Interop;

namespace Mosix.Migrator.Checkpoint;

/// <summary>
/// A migration's image says what each mapped file holds (SHA-256): the receiving node restores a
/// file mapping from its own copy only when that copy hashes the same (NodeCopies), since the
/// pages the file still backs are not sent.
/// </summary>
internal static class MappedFileHashes
{
    public static void Add(IEnumerable<Mapping> mappings)
    {
        var done = new Dictionary<string, ByteString>();
        foreach (var m in mappings.Where(m => m.Kind is MappingKind.File or MappingKind.SharedFile && m.File is not null))
        {
            if (!done.TryGetValue(m.Path, out var sha))
                done[m.Path] = sha = Hash(m.Path, m.File);
            m.File.Sha256 = sha;
        }
    }

    /// <summary>The file's hash if the path still names the file the mapping was described by; empty if not (the receiver then refuses it).</summary>
    private static ByteString Hash(string path, FileIdentity described)
    {
        using var handle = Descriptors.OpenReadOnlyNoFollow(path);
        (FileStat.Version Version, byte[] Sha256)? hashed;
        try
        {
            hashed = handle is null ? null : FileDigests.Of(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            hashed = null;
        }
        if (hashed is not { } digest)
            return ByteString.Empty;
        var v = digest.Version;
        bool same = v.Device == described.Device && v.Inode == described.Inode && (ulong)v.Size == described.Size && v.MtimeNs == described.MtimeNs;
        return same ? ByteString.CopyFrom(digest.Sha256) : ByteString.Empty;
    }
}

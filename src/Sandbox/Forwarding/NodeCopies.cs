using System.Security.Cryptography;
using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// This node's copy of one of home's files, used by a guest only when it is proven to hold home's
/// content: a file mapped away (FileMappingsAway), a file mapping of an image restored here.
/// </summary>
/// <remarks>
/// Home names the path and the hash, so neither is trusted: the copy must be one every user of
/// this node may read (the guest learns nothing it could not read as anybody), opened by us
/// without following a link, and its SHA-256 ours, over our own descriptor. Whoever then maps it
/// must check that what it opened is the version returned (the path may change meanwhile).
/// </remarks>
public static class NodeCopies
{
    /// <summary>The version of this node's file at <paramref name="path"/> if anybody may read it and its SHA-256 is <paramref name="sha256"/>; else null.</summary>
    public static FileStat.Version? Proven(string path, byte[] sha256)
    {
        if (!AnybodyMayRead(path) || Descriptors.OpenReadOnlyNoFollow(path) is not { } handle)
            return null;
        using (handle)
        {
            try
            {
                return FileDigests.Of(handle) is { } ours && CryptographicOperations.FixedTimeEquals(ours.Sha256, sha256)
                    ? ours.Version
                    : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null; // unreadable here: not a copy we can use
            }
        }
    }

    /// <summary>
    /// A regular file with o+r, reached through directories with o+x and no symbolic link on the
    /// way (home's path is canonical; a link here could lead where others may not go). The one
    /// rule of what a guest may see of its host's files, for a mapping away and for a restore.
    /// </summary>
    public static bool AnybodyMayRead(string path)
    {
        try
        {
            var file = new FileInfo(path);
            if (!path.StartsWith('/') || !file.Exists || file.LinkTarget is not null || (file.UnixFileMode & UnixFileMode.OtherRead) == 0)
                return false;
            for (var dir = file.Directory; dir is not null; dir = dir.Parent)
            {
                if (dir.LinkTarget is not null || (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
                    return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}

namespace Mosix.Migrator.Restore;

/// <summary>
/// Which of this node's files a guest's restore may map: those any user of the node may read.
/// A guest's image names its mapped files by path, and the path is home's word: without this
/// rule, an image naming a private file of the guest host's user (the agent's TLS key, a file
/// in a 0700 folder) would have it opened and mapped into the incarnation, which sends it home.
/// </summary>
internal static class HostFiles
{
    /// <summary>
    /// A regular file with o+r, reached through directories with o+x and no symbolic link on the
    /// way (an image's path is canonical at home; a link here could lead where others may not go).
    /// </summary>
    public static bool AnybodyMayRead(string path)
    {
        if (!Path.IsPathFullyQualified(path))
            return false;
        try
        {
            var file = new FileInfo(path);
            if (!file.Exists || file.LinkTarget is not null || (file.UnixFileMode & UnixFileMode.OtherRead) == 0)
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

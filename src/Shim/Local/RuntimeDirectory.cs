namespace Mosix.Shim.Local;

/// <summary>
/// Where a user's Mosix processes put their local control sockets (mosrun's, found by migrate,
/// mosps, moskillall, native and the agent's balancer). The first of these that is the user's own
/// private folder (<see cref="FolderTrust"/>), or can be made so:
/// <list type="number">
/// <item><c>$XDG_RUNTIME_DIR/mosix</c>, when XDG_RUNTIME_DIR is set and is the user's own 0700 folder;</item>
/// <item><c>/tmp/mosix-UID</c>, unless somebody else made it first (or opened it up);</item>
/// <item><c>~/.mosix/run</c>, which no other user can make.</item>
/// </list>
/// </summary>
/// <remarks>
/// Every command decides the same way from the same state, so all of them find the same folder:
/// a squatted /tmp/mosix-UID makes each of them use the one under the user's home instead.
/// </remarks>
public static class RuntimeDirectory
{
    public static string Path()
    {
        foreach (string candidate in Candidates())
        {
            if (FolderTrust.IsOwnPrivateFolder(candidate) is null or true)
                return candidate;
        }
        return HomeFallback();
    }

    /// <summary>Creates the folder owner-only if missing; refuses one that turned out not to be the user's own.</summary>
    public static string Ensure()
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            string path = Path();
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (FolderTrust.IsOwnPrivateFolder(path) == true)
                return path;
            // Somebody made it between our look and our mkdir: the next look passes it by.
        }
        throw new IOException($"no private folder for control sockets: {Path()} is not yours alone (0700); remove it");
    }

    /// <summary>The control socket of the process with pid <paramref name="pid"/> under mosrun.</summary>
    public static string ProcessSocket(int pid) => System.IO.Path.Combine(Path(), $"process-{pid}.sock");

    private static IEnumerable<string> Candidates()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(xdg) && FolderTrust.IsOwnPrivateFolder(xdg) == true)
            yield return System.IO.Path.Combine(xdg, "mosix");
        yield return $"/tmp/mosix-{FolderTrust.CurrentUid()}";
    }

    private static string HomeFallback()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string dotMosix = System.IO.Path.Combine(home, ".mosix");
        if (!Directory.Exists(dotMosix))
            Directory.CreateDirectory(dotMosix, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return System.IO.Path.Combine(dotMosix, "run");
    }
}

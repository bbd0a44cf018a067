namespace Mosix.Shim.Local;

/// <summary>
/// Where a user's Mosix processes put their local control sockets: <c>$XDG_RUNTIME_DIR/mosix</c>,
/// or <c>/tmp/mosix-UID</c>; created owner-only (0700), so other users can neither connect nor list.
/// </summary>
public static class RuntimeDirectory
{
    public static string Path()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        string root = !string.IsNullOrEmpty(xdg) && Directory.Exists(xdg)
            ? System.IO.Path.Combine(xdg, "mosix")
            : $"/tmp/mosix-{CurrentUid()}";
        return root;
    }

    /// <summary>Creates the folder owner-only if missing; refuses one that another user owns or others can enter.</summary>
    public static string Ensure()
    {
        string path = Path();
        if (!Directory.Exists(path))
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute)) != 0)
            throw new IOException($"{path} is open to other users; remove it or make it 0700");
        return path;
    }

    /// <summary>The control socket of the process with pid <paramref name="pid"/> under mosrun.</summary>
    public static string ProcessSocket(int pid) => System.IO.Path.Combine(Path(), $"process-{pid}.sock");

    private static uint CurrentUid()
    {
        // The owner of /proc/self is the real uid; no P/Invoke needed in the Shim.
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }
}

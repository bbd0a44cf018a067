using System.Globalization;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// Names checkpoint files as MOSIX does: <c>BASE.1</c>, <c>BASE.2</c>, ... (<c>mosrun -C BASE</c>;
/// default <c>ckpt.PID</c> in the working directory). Numbering continues after the highest file
/// already there, so an older image is never overwritten.
/// </summary>
/// <param name="chosen">True when the user chose BASE (-C); false for the default ckpt.PID.</param>
internal sealed class CheckpointNames(string basePath, bool chosen = true)
{
    private readonly object _lock = new();
    private readonly Dictionary<int, CheckpointNames> _members = [];
    private int _last = Highest(basePath);

    public string BasePath { get; } = Path.GetFullPath(basePath);

    /// <summary>
    /// The names for another process of the tree: its own <c>ckpt.PID</c> by default, or
    /// <c>BASE-PID.N</c> under a chosen BASE, so no two processes' images share a name.
    /// </summary>
    public CheckpointNames ForMember(int pid)
    {
        lock (_lock)
        {
            if (!_members.TryGetValue(pid, out var names))
            {
                string folder = Path.GetDirectoryName(BasePath)!;
                _members[pid] = names = new CheckpointNames(chosen ? $"{BasePath}-{pid}" : Path.Combine(folder, $"ckpt.{pid}"), chosen);
            }
            return names;
        }
    }

    public string Next()
    {
        lock (_lock)
            return $"{BasePath}.{++_last}";
    }

    private static int Highest(string basePath)
    {
        string full = Path.GetFullPath(basePath);
        string dir = Path.GetDirectoryName(full)!, prefix = Path.GetFileName(full) + ".";
        if (!Directory.Exists(dir))
            return 0;
        int highest = 0;
        foreach (var file in Directory.EnumerateFiles(dir, prefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(file).AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
                highest = Math.Max(highest, n);
        }
        return highest;
    }
}

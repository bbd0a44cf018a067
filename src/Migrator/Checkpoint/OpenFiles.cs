using System.Globalization;

namespace Mosix.Migrator.Checkpoint;

/// <summary>A process's open file descriptors, from /proc/PID/fd and /proc/PID/fdinfo.</summary>
internal static class OpenFiles
{
    public sealed record Descriptor(int Number, string Target, long Position, int Flags);

    public static List<Descriptor> List(int pid)
    {
        var result = new List<Descriptor>();
        foreach (var link in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            if (!int.TryParse(Path.GetFileName(link), CultureInfo.InvariantCulture, out int fd))
                continue;
            string? target;
            try
            {
                target = new FileInfo(link).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            if (string.IsNullOrEmpty(target))
                continue; // closed meanwhile (asked while the process runs: mosrun -A's early look)
            var (position, flags) = ReadInfo(pid, fd);
            result.Add(new Descriptor(fd, target, position, flags));
        }
        result.Sort((a, b) => a.Number.CompareTo(b.Number));
        return result;
    }

    /// <summary>Why this descriptor cannot be reopened at restore, or null if it can.</summary>
    public static string? Obstacle(Descriptor fd)
    {
        if (fd.Target.StartsWith("socket:", StringComparison.Ordinal))
            return "a socket";
        if (fd.Target.StartsWith("pipe:", StringComparison.Ordinal))
            return "a pipe";
        if (fd.Target.StartsWith("anon_inode:", StringComparison.Ordinal))
            return $"an {fd.Target["anon_inode:".Length..].Trim('[', ']')} descriptor";
        if (!fd.Target.StartsWith('/'))
            return $"{fd.Target}, which cannot be reopened by name";
        if (fd.Target.EndsWith(" (deleted)", StringComparison.Ordinal))
            return $"a deleted file, {fd.Target}";
        return null;
    }

    /// <summary>Descriptor <paramref name="fd"/>'s offset and open flags (fdinfo).</summary>
    public static (long Position, int Flags) ReadInfo(int pid, int fd)
    {
        long position = 0;
        int flags = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/fdinfo/{fd}"))
            {
                if (line.StartsWith("pos:", StringComparison.Ordinal))
                    position = long.Parse(line.AsSpan(4).Trim(), CultureInfo.InvariantCulture);
                else if (line.StartsWith("flags:", StringComparison.Ordinal))
                    flags = Convert.ToInt32(line[6..].Trim(), 8);
            }
        }
        catch (IOException)
        {
            // closed meanwhile: position 0 is as good as any
        }
        return (position, flags);
    }
}

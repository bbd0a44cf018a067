using System.Globalization;

namespace Mosix.Sandbox.Memory;

/// <summary>One line of /proc/PID/maps: a virtual memory area.</summary>
public sealed record Vma(ulong Start, ulong End, string Permissions, ulong Offset, string Device, ulong Inode, string Path)
{
    public ulong Length => End - Start;
    public bool Readable => Permissions[0] == 'r';
    public bool Writable => Permissions[1] == 'w';
    public bool Executable => Permissions[2] == 'x';
    public bool Shared => Permissions[3] == 's';

    /// <summary>[vdso], [vvar], [vvar_vclock]: placed by the kernel, moved rather than copied.</summary>
    public bool IsVdsoArea => Path is "[vdso]" or "[vvar]" or "[vvar_vclock]";

    /// <summary>A mapping of a file (not anonymous, not one of the kernel's bracketed areas).</summary>
    public bool IsFile => Inode != 0 && !Path.StartsWith('[');

    /// <summary>
    /// Memory shared with other processes, which a move leaves at home with the deputy: every
    /// shared mapping but a read-only one of a file that still exists (that one is mapped again
    /// from the file). Away, its place is held by an inaccessible shared placeholder, which this
    /// rule names alike, and the first touch of it takes the process home (docs/migration.md).
    /// </summary>
    public bool StaysAtHome => Shared && (Writable || !IsFile || Path.EndsWith(" (deleted)", StringComparison.Ordinal));

    /// <summary>PROT_* bits of <see cref="Permissions"/>.</summary>
    public ulong Protection => (Readable ? 1UL : 0) | (Writable ? 2UL : 0) | (Executable ? 4UL : 0);

    public bool Contains(ulong address) => address >= Start && address < End;

    public override string ToString() => $"{Start:x}-{End:x} {Permissions} {Path}";
}

/// <summary>Reads /proc/PID/maps.</summary>
public static class MemoryMap
{
    public static List<Vma> Read(int pid)
    {
        var areas = new List<Vma>();
        foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
            areas.Add(Parse(line));
        return areas;
    }

    /// <summary>Whether <c>[start, start + length)</c> (one byte at least) overlaps memory that stays at home (<see cref="Vma.StaysAtHome"/>).</summary>
    public static bool TouchesMemoryAtHome(int pid, ulong start, ulong length)
    {
        ulong end = start + Math.Max(length, 1);
        return end > start && Read(pid).Any(a => a.StaysAtHome && a.Start < end && start < a.End);
    }

    /// <summary>Parses <c>start-end perms offset dev inode   path</c>; the path may contain spaces.</summary>
    public static Vma Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        int dash = fields[0].IndexOf('-');
        return new Vma(
            Hex(fields[0].AsSpan(0, dash)),
            Hex(fields[0].AsSpan(dash + 1)),
            fields[1],
            Hex(fields[2]),
            fields[3],
            ulong.Parse(fields[4], CultureInfo.InvariantCulture),
            fields.Length > 5 ? fields[5].Trim() : "");
    }

    private static ulong Hex(ReadOnlySpan<char> s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

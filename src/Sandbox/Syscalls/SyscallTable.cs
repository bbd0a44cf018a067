using System.Collections.Frozen;

namespace Mosix.Sandbox.Syscalls;

/// <summary>
/// Every x86-64 system call, once, as data. The entries live in the <c>SyscallTable.*.cs</c>
/// partial files, grouped by family; this file holds the constructors they use and the lookups.
/// </summary>
/// <remarks>
/// Everything that needs to know about a call asks here: the seccomp filter
/// (<see cref="SeccompFilter"/>), the syscall log, docs/syscalls.md and, for guests, the forwarding
/// marshallers. Invariants, checked by tests: numbers are unique, every number in the kernel's
/// <c>asm/unistd_64.h</c> is present with the kernel's name.
/// </remarks>
public static partial class SyscallTable
{
    /// <summary>Bit 30 marks the x32 ABI; such numbers are never in this table.</summary>
    public const int X32SyscallBit = 0x4000_0000;

    private static readonly SyscallEntry[] s_byNumber = BuildIndex();

    /// <summary>All entries, ordered by number.</summary>
    public static IReadOnlyList<SyscallEntry> All { get; } = s_byNumber.Where(e => e is not null).ToArray();

    /// <summary>The highest number in the table.</summary>
    public static int MaxNumber => s_byNumber.Length - 1;

    // Built on first use: name lookups are for tools and tests, not for mosrun's start-up path.
    private static readonly Lazy<FrozenDictionary<string, SyscallEntry>> s_byName =
        new(() => All.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal));

    /// <summary>The entry for <paramref name="number"/>, or null for a number the table does not know.</summary>
    public static SyscallEntry? Find(long number) =>
        number >= 0 && number < s_byNumber.Length ? s_byNumber[number] : null;

    /// <summary>The entry named <paramref name="name"/> (kernel name), or null.</summary>
    public static SyscallEntry? Find(string name) => s_byName.Value.GetValueOrDefault(name);

    /// <summary>The name for logs: the kernel's name, or <c>syscall_N</c> for an unknown number.</summary>
    public static string NameOf(long number) => Find(number)?.Name ?? $"syscall_{number}";

    private static SyscallEntry[] BuildIndex()
    {
        var entries = Entries();
        int max = 0;
        foreach (var entry in entries)
            max = Math.Max(max, entry.Number);
        var index = new SyscallEntry[max + 1];
        foreach (var entry in entries)
        {
            if (index[entry.Number] is { } clash)
                throw new InvalidOperationException($"syscall table: {entry} reuses the number of {clash}");
            index[entry.Number] = entry;
        }
        return index;
    }

    /// <summary>Runs natively everywhere.</summary>
    private static SyscallEntry Local(int nr, string name, params ArgShape[] args) =>
        new(nr, name, SyscallClass.Local, args);

    /// <summary>Native at home; answered from the image's identity elsewhere.</summary>
    private static SyscallEntry Virtual(int nr, string name, params ArgShape[] args) =>
        new(nr, name, SyscallClass.Virtual, args);

    /// <summary>Native at home; forwarded to the deputy elsewhere.</summary>
    private static SyscallEntry Home(int nr, string name, params ArgShape[] args) =>
        new(nr, name, SyscallClass.Home, args);

    /// <summary>A <see cref="Home"/> call on a descriptor that home may make itself when the descriptor is a plain file.</summary>
    private static SyscallEntry HomeDirect(int nr, string name, params ArgShape[] args) =>
        Home(nr, name, args) with { OnPlainFileDirect = true };

    /// <summary>Native at home; elsewhere the process migrates home first.</summary>
    private static SyscallEntry BringHome(int nr, string name, string note, params ArgShape[] args) =>
        new(nr, name, SyscallClass.BringHome, args, Note: note);

    /// <summary>Native at home; a guest gets <paramref name="errno"/>.</summary>
    private static SyscallEntry Refused(int nr, string name, int errno, string note, params ArgShape[] args) =>
        new(nr, name, SyscallClass.Refused, args, errno, note);
}

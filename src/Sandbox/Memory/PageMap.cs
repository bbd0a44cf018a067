namespace Mosix.Sandbox.Memory;

/// <summary>
/// /proc/PID/pagemap: one 64-bit entry per virtual page (Documentation/admin-guide/mm/pagemap.rst).
/// Unprivileged readers get the flags (bits 55-63) with the frame number zeroed, which is all a
/// checkpoint needs: which pages exist at all, and which are private copies rather than file pages.
/// </summary>
public sealed class PageMap : IDisposable
{
    private const ulong Present = 1UL << 63, Swapped = 1UL << 62, FileOrSharedAnon = 1UL << 61;
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;

    private PageMap(Microsoft.Win32.SafeHandles.SafeFileHandle handle) => _handle = handle;

    public static PageMap Open(int pid) =>
        new(File.OpenHandle($"/proc/{pid}/pagemap", FileMode.Open, FileAccess.Read));

    /// <summary>Reads the entries of <paramref name="pageCount"/> pages from <paramref name="start"/>.</summary>
    public void Read(ulong start, Span<ulong> entries)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(entries);
        long offset = (long)(start / 4096 * 8);
        int done = 0;
        while (done < bytes.Length)
        {
            int n = RandomAccess.Read(_handle, bytes[done..], offset + done);
            if (n <= 0)
                throw new IOException($"short read of pagemap at 0x{start:x}");
            done += n;
        }
    }

    /// <summary>The page exists: in memory or in swap. A page never touched does not.</summary>
    public static bool Exists(ulong entry) => (entry & (Present | Swapped)) != 0;

    /// <summary>The page is the file's own (page cache), not a private copy: the file can supply it again.</summary>
    public static bool IsFilePage(ulong entry) => (entry & FileOrSharedAnon) != 0 && (entry & Swapped) == 0;

    public void Dispose() => _handle.Dispose();
}

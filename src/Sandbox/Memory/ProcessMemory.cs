using System.Text;
using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Memory;

/// <summary>
/// Bulk reads and writes of a tracee's memory with process_vm_readv/writev (no stop needed, no
/// word-at-a-time PEEKDATA). Writes honour the tracee's page protections; a write into
/// read-only memory goes through <c>/proc/PID/mem</c>, as ptrace's own pokes do.
/// </summary>
public static class ProcessMemory
{
    private const int PageSize = 4096;

    /// <summary>Reads exactly <paramref name="into"/>.Length bytes, or returns false.</summary>
    public static bool TryRead(int pid, ulong address, Span<byte> into) =>
        ProcessVm.Read(pid, address, into) == into.Length;

    /// <summary>Writes all of <paramref name="from"/>, or returns false.</summary>
    public static bool TryWrite(int pid, ulong address, ReadOnlySpan<byte> from) =>
        ProcessVm.Write(pid, address, from) == from.Length;

    /// <summary>Writes through /proc/PID/mem, which may write into read-only private mappings.</summary>
    public static void WriteForced(int pid, ulong address, ReadOnlySpan<byte> from)
    {
        using var mem = File.OpenHandle($"/proc/{pid}/mem", FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(mem, from, (long)address);
    }

    /// <summary>Reads a NUL-terminated string of at most <paramref name="max"/> bytes; null if unreadable.</summary>
    public static string? ReadCString(int pid, ulong address, int max = 4096)
    {
        if (address == 0)
            return null;
        var bytes = new List<byte>();
        Span<byte> chunk = stackalloc byte[PageSize];
        while (bytes.Count < max)
        {
            // Never read across a page boundary: the next page may be unmapped.
            int length = (int)Math.Min((ulong)(max - bytes.Count), PageSize - (address % PageSize));
            long n = ProcessVm.Read(pid, address, chunk[..length]);
            if (n <= 0)
                return bytes.Count > 0 ? Encoding.UTF8.GetString(bytes.ToArray()) : null;
            int end = chunk[..(int)n].IndexOf((byte)0);
            if (end >= 0)
            {
                bytes.AddRange(chunk[..end]);
                return Encoding.UTF8.GetString(bytes.ToArray());
            }
            bytes.AddRange(chunk[..(int)n]);
            address += (ulong)n;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}

using Mosix.Migrator.Images;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;

namespace Mosix.Migrator.Checkpoint;

/// <summary>
/// Streams a process's memory into an image: for every mapping, the pages that exist and that the
/// restore cannot get elsewhere, minus those that are all zero.
/// </summary>
/// <remarks>
/// Which pages to read comes from /proc/PID/pagemap: a page never touched does not exist (zero
/// for anonymous memory, the file's for a file mapping), and a page of a private file mapping that
/// is still the file's own needs no copy either. The rest is read with process_vm_readv in big
/// batches, checked for zeros with vector instructions, compacted and handed to the writer.
/// Reading and writing overlap: while one buffer is written to the image (checksum, page cache),
/// the next batch is read into the other.
/// </remarks>
internal sealed class CaptureMemory(int pid, IImageSink writer) : IDisposable
{
    private const int PageSize = 4096;
    private const int BatchPages = 2048; // 8 MiB per read
    private byte[] _buffer = GC.AllocateUninitializedArray<byte>(BatchPages * PageSize, pinned: true);
    private byte[] _spare = GC.AllocateUninitializedArray<byte>(BatchPages * PageSize, pinned: true);
    private readonly ulong[] _entries = new ulong[BatchPages];
    private readonly List<PageRunAt> _runs = [];
    private Task _writing = Task.CompletedTask;

    /// <summary>The areas an image holds, each with its mapping described (no page runs yet): the layout.</summary>
    /// <param name="forMigration">A move's image: shared memory stays at home (<see cref="MappingKind.HomeShared"/>).</param>
    public static List<(Vma Area, Mapping Mapping)> Plan(IReadOnlyList<Vma> areas, bool forMigration = false) =>
        areas.Where(a => !a.IsVdsoArea && a.Path != "[vsyscall]").Select(a => (a, Describe(a, forMigration))).ToList();

    /// <summary>Stores the pages of the planned areas, adding each mapping's page runs as it goes.</summary>
    public void Write(IReadOnlyList<(Vma Area, Mapping Mapping)> plan)
    {
        using var pageMap = PageMap.Open(pid);
        foreach (var (area, mapping) in plan)
        {
            if (mapping.Kind is MappingKind.SharedFile or MappingKind.HomeShared)
                continue; // nothing to store: every page is the file's, or stays at home
            for (ulong first = 0, pages = area.Length / PageSize; first < pages; first += BatchPages)
            {
                int count = (int)Math.Min(BatchPages, pages - first);
                pageMap.Read(area.Start + first * PageSize, _entries.AsSpan(0, count));
                CopyBatch(area, mapping, first, count);
            }
        }
        _writing.GetAwaiter().GetResult();
    }

    /// <summary>Never leaves a write running on a buffer we drop; its failure, if any, was or will be reported by <see cref="Write"/>.</summary>
    public void Dispose() => ((IAsyncResult)_writing).AsyncWaitHandle.WaitOne();

    public static Mapping Describe(Vma area, bool forMigration = false)
    {
        if (forMigration && area.StaysAtHome)
            return new Mapping { Start = area.Start, End = area.End, Prot = (uint)area.Protection, Kind = MappingKind.HomeShared, Path = area.Path };
        var mapping = new Mapping
        {
            Start = area.Start,
            End = area.End,
            Prot = (uint)area.Protection,
            Kind = area.Path switch
            {
                "[heap]" => MappingKind.Heap,
                "[stack]" => MappingKind.Stack,
                _ when area.IsFile && area.Shared => MappingKind.SharedFile,
                _ when area.IsFile => MappingKind.File,
                _ => MappingKind.Anonymous,
            },
        };
        if (mapping.Kind is MappingKind.File or MappingKind.SharedFile)
        {
            mapping.Path = area.Path;
            mapping.FileOffset = area.Offset;
            if (FileStat.Of(area.Path) is { } id)
                mapping.File = new FileIdentity { Device = id.Device, Inode = id.Inode, Size = (ulong)id.Size, MtimeNs = id.MtimeNs };
        }
        return mapping;
    }

    /// <summary>Reads the wanted pages of one batch, keeps the non-zero ones and writes them out.</summary>
    private void CopyBatch(Vma area, Mapping mapping, ulong firstPage, int count)
    {
        bool fileMapping = mapping.Kind == MappingKind.File;
        int kept = 0; // pages kept so far, packed at the front of the buffer
        for (int i = 0; i < count;)
        {
            if (!Wanted(_entries[i], fileMapping))
            {
                i++;
                continue;
            }
            int runEnd = i + 1;
            while (runEnd < count && Wanted(_entries[runEnd], fileMapping))
                runEnd++;

            // kept <= i, so the run always fits behind the pages kept so far.
            int runSlot = kept;
            ReadRun(area, area.Start + (firstPage + (ulong)i) * PageSize, _buffer.AsSpan(runSlot * PageSize, (runEnd - i) * PageSize));
            for (int p = i; p < runEnd; p++)
            {
                int slot = runSlot + (p - i);
                var page = _buffer.AsSpan(slot * PageSize, PageSize);
                if (page.IndexOfAnyExcept((byte)0) < 0)
                    continue;
                if (slot != kept)
                    page.CopyTo(_buffer.AsSpan(kept * PageSize, PageSize));
                kept++;
                AppendPage(mapping, firstPage + (ulong)p);
                AppendRun(_runs, area.Start + (firstPage + (ulong)p) * PageSize);
            }
            i = runEnd;
        }
        if (kept > 0)
            HandOver(kept * PageSize);
    }

    /// <summary>Starts writing the buffer's first <paramref name="bytes"/> and swaps buffers; one write at a time.</summary>
    private void HandOver(int bytes)
    {
        _writing.GetAwaiter().GetResult();
        var (full, runs) = (_buffer, _runs.ToArray());
        _writing = Task.Run(() => writer.WritePages(full.AsSpan(0, bytes), runs));
        (_buffer, _spare) = (_spare, _buffer);
        _runs.Clear();
    }

    /// <summary>Adds the page at <paramref name="address"/> to the batch's runs (where its packed pages belong).</summary>
    private static void AppendRun(List<PageRunAt> runs, ulong address)
    {
        if (runs.Count > 0 && runs[^1].Address + (ulong)runs[^1].Pages * PageSize == address)
            runs[^1] = runs[^1] with { Pages = runs[^1].Pages + 1 };
        else
            runs.Add(new PageRunAt(address, 1));
    }

    private static bool Wanted(ulong entry, bool fileMapping) =>
        PageMap.Exists(entry) && !(fileMapping && PageMap.IsFilePage(entry));

    private void ReadRun(Vma area, ulong address, Span<byte> into)
    {
        // Unreadable mappings (PROT_NONE guard areas) with pages in them: /proc/PID/mem reads those.
        if (area.Readable && ProcessMemory.TryRead(pid, address, into))
            return;
        using var mem = File.OpenHandle($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read);
        int n = RandomAccess.Read(mem, into, (long)address);
        if (n != into.Length)
            throw new CheckpointRefusedException($"cannot checkpoint: memory at 0x{address:x} cannot be read");
    }

    private static void AppendPage(Mapping mapping, ulong page)
    {
        if (mapping.Runs.Count > 0 && mapping.Runs[^1].FirstPage + mapping.Runs[^1].Count == page)
            mapping.Runs[^1].Count++;
        else
            mapping.Runs.Add(new PageRun { FirstPage = page, Count = 1 });
    }
}

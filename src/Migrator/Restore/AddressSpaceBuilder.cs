using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Migrator.Restore;

/// <summary>
/// Rebuilds an image's address space inside the target by injected calls: clears it, moves the
/// vDSO areas, maps every mapping and writes the stored pages.
/// </summary>
/// <param name="proven">Away from home: the version of each mapped file proven to be home's copy (RestoreValidation);
/// what the tracee opens must be that very version.</param>
/// <param name="hostsGuest">The target is a guest's stub: memory shared at home (<see cref="MappingKind.HomeShared"/>)
/// gets a placeholder. Otherwise the target is the deputy, which has kept that memory: it stays as it is.</param>
internal sealed class AddressSpaceBuilder(RemoteSyscalls remote, ProcessImage metadata, IReadOnlyDictionary<string, FileStat.Version>? proven = null,
    bool hostsGuest = false)
{
    private const int PageSize = 4096;
    private const int ChunkBytes = 8 << 20;
    private int Pid => remote.Tracee.Tid;
    private ProcessImage Metadata => metadata;

    /// <summary>
    /// Unmaps all of the target but its vDSO areas (injection runs through the vDSO) and, in the
    /// deputy, the shared memory it kept for the image (what the process unmapped away goes).
    /// </summary>
    public void Clear()
    {
        var current = MemoryMap.Read(Pid);
        var kept = hostsGuest ? [] : KeptAtHome(current);
        foreach (var area in current)
        {
            if (area.IsVdsoArea || area.Path == "[vsyscall]")
                continue;
            ulong at = area.Start;
            foreach (var (start, end) in kept.Where(k => k.Start < area.End && area.Start < k.End))
            {
                if (start > at)
                    remote.Checked(Sys.Munmap, at, start - at);
                at = end;
            }
            if (at < area.End)
                remote.Checked(Sys.Munmap, at, area.End - at);
        }
    }

    /// <summary>
    /// The image's shared memory, in address order, each part of it one the deputy still has
    /// (a guest cannot make home map anything; the deputy keeps what the process had).
    /// </summary>
    private List<(ulong Start, ulong End)> KeptAtHome(List<Vma> current)
    {
        var kept = Metadata.Mappings.Where(m => m.Kind == MappingKind.HomeShared).Select(m => (m.Start, m.End)).OrderBy(k => k.Start).ToList();
        foreach (var (start, end) in kept)
        {
            if (!current.Any(a => a.StaysAtHome && a.Start <= start && end <= a.End))
                throw new RestoreException(RestoreStage.ClearAddressSpace,
                    $"the image's shared memory at 0x{start:x}-0x{end:x} is not this process's at home (only its own deputy can take it back)");
        }
        return kept;
    }

    /// <summary>
    /// Moves [vvar], [vvar_vclock] and [vdso] to where the image had them. Through a free spot
    /// first when old and new places overlap, so that no move lands on an area still to move.
    /// </summary>
    public void PlaceVdso()
    {
        var current = MemoryMap.Read(Pid).Where(a => a.IsVdsoArea).ToDictionary(a => a.Path);
        var wanted = Metadata.Vdso.Areas;
        foreach (var area in wanted)
        {
            if (!current.TryGetValue(area.Name, out var now) || now.Length != area.End - area.Start)
                throw new RestoreException(RestoreStage.PlaceVdso, $"this kernel's {area.Name} differs from the image's");
        }
        if (wanted.Count == 0 || wanted.All(w => current[w.Name].Start == w.Start))
            return; // already in place (a deputy coming home has the image's own)
        bool overlaps = wanted.Any(w => current.Values.Any(c => w.Start < c.End && c.Start < w.End));
        if (overlaps)
        {
            ulong low = wanted.Min(w => w.Start), span = wanted.Max(w => w.End) - low;
            ulong temporary = FreeGap(span);
            foreach (var area in wanted)
            {
                var now = current[area.Name];
                ulong to = temporary + (area.Start - low);
                remote.Checked(Sys.Mremap, now.Start, now.Length, now.Length, Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, to);
                current[area.Name] = now with { Start = to, End = to + now.Length };
                remote.Relocate(); // the syscall instruction injection uses may just have moved
            }
        }
        foreach (var area in wanted)
        {
            var now = current[area.Name];
            if (now.Start != area.Start)
            {
                remote.Checked(Sys.Mremap, now.Start, now.Length, now.Length, Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED, area.Start);
                remote.Relocate();
            }
        }
    }

    /// <summary>Creates every mapping read-write at its address (protections come last).</summary>
    public void Map(RemoteScratch scratch)
    {
        const ulong rw = Mman.PROT_READ | Mman.PROT_WRITE, fixedPrivate = Mman.MAP_PRIVATE | Mman.MAP_FIXED;
        foreach (var m in Metadata.Mappings)
        {
            ulong length = m.End - m.Start;
            if (m.Kind == MappingKind.HomeShared)
            {
                // Away: an inaccessible shared placeholder (the touch that faults on it takes the
                // process home, and a later move names it shared memory again). At home: kept.
                if (hostsGuest)
                    remote.Checked(Sys.Mmap, m.Start, length, Mman.PROT_NONE, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED | Mman.MAP_NORESERVE, ulong.MaxValue, 0);
                continue;
            }
            if (m.Kind is MappingKind.File or MappingKind.SharedFile)
            {
                // A shared mapping gets its final protection now: it is read-only and has no pages to write.
                bool shared = m.Kind == MappingKind.SharedFile;
                ulong path = scratch.PutString(0, m.Path);
                ulong fd = remote.Checked(Sys.Openat, Mman.AT_FDCWD, path, Mman.O_RDONLY | Mman.O_CLOEXEC | (proven is null ? 0 : O_NOFOLLOW));
                if (proven is not null)
                    CheckProven(scratch, fd, m.Path);
                remote.Checked(Sys.Mmap, m.Start, length, shared ? m.Prot : rw,
                    shared ? Mman.MAP_SHARED | Mman.MAP_FIXED : fixedPrivate, fd, m.FileOffset);
                remote.Checked(Sys.Close, fd);
                continue;
            }
            ulong flags = fixedPrivate | Mman.MAP_ANONYMOUS | (m.Kind == MappingKind.Stack ? Mman.MAP_GROWSDOWN : 0);
            remote.Checked(Sys.Mmap, m.Start, length, rw, flags, ulong.MaxValue, 0);
        }
    }

    private const ulong O_NOFOLLOW = 0x20000;
    private const int StatAt = 8192, StatSize = 144;

    /// <summary>The file the tracee opened is the version hashed (the path could have been pointed elsewhere since).</summary>
    private void CheckProven(RemoteScratch scratch, ulong fd, string path)
    {
        remote.Checked(Sys.Fstat, fd, scratch.Address + StatAt);
        if (!proven!.TryGetValue(path, out var version) || FileStat.VersionIn(scratch.Get(StatAt, StatSize)) != version)
            throw new RestoreException(RestoreStage.MapMemory, $"{path} changed on this node while the process was restored");
    }

    /// <summary>Copies the stored pages from an image file into the target, in big slices.</summary>
    public void WritePages(ImageReader image)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ChunkBytes, pinned: true);
        long offset = 0;
        foreach (var m in Metadata.Mappings)
        {
            foreach (var run in m.Runs)
            {
                ulong address = m.Start + run.FirstPage * PageSize;
                long remaining = (long)run.Count * PageSize;
                while (remaining > 0)
                {
                    int n = (int)Math.Min(remaining, ChunkBytes);
                    var slice = buffer.AsSpan(0, n);
                    image.ReadPages(offset, slice);
                    if (!ProcessMemory.TryWrite(Pid, address, slice))
                        throw new RestoreException(RestoreStage.WritePages, $"cannot write memory at 0x{address:x}");
                    offset += n;
                    address += (ulong)n;
                    remaining -= n;
                }
            }
        }
    }

    /// <summary>Gives each mapping its own protection.</summary>
    public void Protect()
    {
        foreach (var m in Metadata.Mappings.Where(m => m.Kind is not (MappingKind.SharedFile or MappingKind.HomeShared) && m.Prot != (Mman.PROT_READ | Mman.PROT_WRITE)))
            remote.Checked(Sys.Mprotect, m.Start, m.End - m.Start, m.Prot);
    }

    /// <summary>A free range of <paramref name="size"/> bytes that the image does not use, low in the address space.</summary>
    public ulong FreeGap(ulong size)
    {
        var taken = Metadata.Mappings.Select(m => (m.Start, m.End))
            .Concat(Metadata.Vdso.Areas.Select(a => (a.Start, a.End)))
            .Concat(MemoryMap.Read(Pid).Select(a => (a.Start, a.End)))
            .OrderBy(r => r.Start);
        ulong candidate = 0x1000_0000; // above any non-PIE program's text, below any PIE one's
        foreach (var (start, end) in taken)
        {
            if (end <= candidate)
                continue;
            if (start >= candidate + size)
                break;
            candidate = Mman.PageAlignUp(end);
        }
        return candidate;
    }
}

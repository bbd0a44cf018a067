using Mosix.Migrator.Images;
using Mosix.Sandbox.Memory;

namespace Mosix.Migrator.Restore;

/// <summary>
/// The restore's page stage, handed to whoever has the pages: an image file, or a migration's
/// channel writing each run where it belongs as it arrives. The address space is mapped and
/// writable meanwhile; protections come after.
/// </summary>
public sealed class PageWriter
{
    private readonly int _pid;
    private readonly AddressSpaceBuilder _space;

    internal PageWriter(int pid, AddressSpaceBuilder space)
    {
        _pid = pid;
        _space = space;
    }

    /// <summary>Bytes written so far through <see cref="At"/>.</summary>
    public long Written { get; private set; }

    /// <summary>Every page an image file holds, where its runs say.</summary>
    public void FromImage(ImageReader image) => _space.WritePages(image);

    /// <summary>Pages that belong at <paramref name="address"/>.</summary>
    /// <exception cref="RestoreException">The range is not mapped in the image's layout.</exception>
    public void At(ulong address, ReadOnlySpan<byte> pages)
    {
        if (!ProcessMemory.TryWrite(_pid, address, pages))
            throw new RestoreException(RestoreStage.WritePages, $"cannot write {pages.Length} bytes at 0x{address:x}: not in the image's mappings");
        Written += pages.Length;
    }
}

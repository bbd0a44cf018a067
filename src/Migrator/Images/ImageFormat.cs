using System.Buffers.Binary;

namespace Mosix.Migrator.Images;

/// <summary>The framing of a checkpoint image file (docs/images.md).</summary>
/// <remarks>
/// <para>How it works in a nutshell: the checkpointer streams page data first, because it learns which
/// pages it stored only while it stores them, and writes the metadata (<see cref="ProcessImage"/>) after
/// them. A fixed-size trailer at the very end says where the metadata is. A reader therefore starts at both
/// ends: the header says "this is an image, of this format"; the trailer says where everything is and what
/// the checksum of everything before it must be.</para>
/// <code>
///  offset 0     +--------------------------------------------------------------+
///               | "MOSIXIMG" (8) | format version u32 LE | flags u32 LE (0)    |  header, 16 bytes
///  16           +--------------------------------------------------------------+
///               | zero padding up to PageDataOffset                            |  so pages are page-aligned
///  4096         +--------------------------------------------------------------+
///               | page data: raw 4096-byte pages, mapping by mapping, run by   |
///               | run, in the order ProcessImage.mappings[].runs list them     |  page bytes
///  4096 + P     +--------------------------------------------------------------+
///               | ProcessImage, protobuf                                       |  metadata length
///  end - 40     +--------------------------------------------------------------+
///               | metadata offset u64 | metadata length u64 | page bytes u64   |
///               | crc32c u32 | reserved u32 (0) | "MOSIXEND" (8)             |  trailer, 40 bytes
///  end          +--------------------------------------------------------------+
/// </code>
/// <para>All integers are little-endian. The CRC-32C covers every byte before the trailer: header,
/// padding, pages and metadata. Invariants a reader checks: metadata offset = PageDataOffset + page bytes,
/// metadata offset + metadata length + TrailerSize = file length, page bytes is a multiple of PageSize,
/// and the metadata's page_bytes and page runs agree with the trailer's page bytes.</para>
/// </remarks>
public static class ImageFormat
{
    /// <summary>The format this build writes, and the newest it reads.</summary>
    /// <remarks>
    /// Bump rule: adding protobuf fields does NOT bump it; older readers skip fields they do not know, and
    /// that is the only way the metadata changes (never renumber, retype or reuse a field; retire one with
    /// <c>reserved</c>). Bump it only when an older reader would misread the file: a change to the framing
    /// above, to how pages are laid out or encoded, or a new field an older restorer must not ignore. Readers
    /// refuse a version newer than theirs and keep reading every older one.
    /// <para>Version 2 added the threads besides the leader (<see cref="ProcessImage.Threads"/>): a version-1
    /// reader would restore one thread of a multi-threaded process.</para>
    /// </remarks>
    public const uint Version = 2;

    /// <summary>The first 8 bytes of every image.</summary>
    public static ReadOnlySpan<byte> Magic => "MOSIXIMG"u8;

    /// <summary>The last 8 bytes of every complete image.</summary>
    public static ReadOnlySpan<byte> TrailerMagic => "MOSIXEND"u8;

    /// <summary>Magic, version, flags.</summary>
    public const int HeaderSize = 16;

    /// <summary>Where page data starts: one page in, so that every stored page is page-aligned in the file
    /// (a restorer may mmap it or read it with O_DIRECT).</summary>
    public const int PageDataOffset = PageSize;

    public const int TrailerSize = 40;

    /// <summary>The unit of page data: x86-64's base page size.</summary>
    public const int PageSize = 4096;

    /// <summary>The smallest complete image: header, padding, no pages, empty metadata, trailer.</summary>
    public const int MinimumLength = PageDataOffset + TrailerSize;

    /// <summary>Flag bits this version understands. None yet: a reader refuses an image with any other bit set,
    /// so a flag may announce something older readers must not ignore (compressed pages, say).</summary>
    public const uint KnownFlags = 0;

    internal const int VersionOffset = 8, FlagsOffset = 12;

    internal const int TrailerMetadataOffset = 0, TrailerMetadataLength = 8, TrailerPageBytes = 16,
        TrailerCrc = 24, TrailerReserved = 28, TrailerMagicOffset = 32;

    /// <summary>Writes the header and its zero padding: exactly <see cref="PageDataOffset"/> bytes.</summary>
    internal static void WriteHeader(Span<byte> into, uint version = Version, uint flags = 0)
    {
        into[..PageDataOffset].Clear();
        Magic.CopyTo(into);
        BinaryPrimitives.WriteUInt32LittleEndian(into[VersionOffset..], version);
        BinaryPrimitives.WriteUInt32LittleEndian(into[FlagsOffset..], flags);
    }

    /// <summary>Writes the 40-byte trailer.</summary>
    internal static void WriteTrailer(Span<byte> into, in Trailer trailer)
    {
        into[..TrailerSize].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(into[TrailerMetadataOffset..], trailer.MetadataOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(into[TrailerMetadataLength..], trailer.MetadataLength);
        BinaryPrimitives.WriteUInt64LittleEndian(into[TrailerPageBytes..], trailer.PageBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(into[TrailerCrc..], trailer.Crc32C);
        TrailerMagic.CopyTo(into[TrailerMagicOffset..]);
    }

    internal static Trailer ReadTrailer(ReadOnlySpan<byte> from) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(from[TrailerMetadataOffset..]),
        BinaryPrimitives.ReadUInt64LittleEndian(from[TrailerMetadataLength..]),
        BinaryPrimitives.ReadUInt64LittleEndian(from[TrailerPageBytes..]),
        BinaryPrimitives.ReadUInt32LittleEndian(from[TrailerCrc..]));

    /// <summary>The trailer's fields (the reserved word and the magic aside).</summary>
    internal readonly record struct Trailer(ulong MetadataOffset, ulong MetadataLength, ulong PageBytes, uint Crc32C);
}

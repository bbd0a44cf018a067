using System.Buffers.Binary;
using Google.Protobuf;
using Microsoft.Win32.SafeHandles;
using Mosix.Sandbox.Interop;

namespace Mosix.Migrator.Images;

/// <summary>An open, validated image file (layout in <see cref="ImageFormat"/>): its metadata, and its
/// page data read on demand.</summary>
/// <remarks>
/// <see cref="Open"/> checks, in this order, and refuses with an <see cref="ImageException"/> whose message
/// names the first problem: the path is a readable regular file; it starts with the magic; its format is not
/// newer than ours; it ends with the trailer magic; the trailer's sizes fit the file length; the CRC-32C of
/// everything before the trailer matches; the metadata parses and agrees with the page data. Nothing else
/// escapes: a damaged image is a user's problem to be told about, never a stack trace.
/// </remarks>
public sealed class ImageReader : IDisposable
{
    private const int VerifyChunk = 4 << 20;

    private readonly SafeFileHandle _file;

    private ImageReader(string path, SafeFileHandle file, long length, uint version, ImageFormat.Trailer trailer,
        ProcessImage metadata, bool verified)
    {
        Path = path;
        _file = file;
        FileLength = length;
        FormatVersion = version;
        PageBytes = (long)trailer.PageBytes;
        Checksum = trailer.Crc32C;
        ChecksumVerified = verified;
        Metadata = metadata;
    }

    /// <summary>The path as the caller gave it.</summary>
    public string Path { get; }

    public long FileLength { get; }

    /// <summary>The format the image was written in (at most <see cref="ImageFormat.Version"/>).</summary>
    public uint FormatVersion { get; }

    public ProcessImage Metadata { get; }

    /// <summary>Bytes of page data: the page stream's length.</summary>
    public long PageBytes { get; }

    /// <summary>The CRC-32C the trailer records.</summary>
    public uint Checksum { get; }

    /// <summary>Whether <see cref="Checksum"/> was checked against the contents when the image was opened.</summary>
    public bool ChecksumVerified { get; }

    /// <summary>Opens and validates an image.</summary>
    /// <param name="verifyChecksum">Read the whole file once to check its CRC-32C (several GB/s; on by
    /// default, since restoring corrupt pages into a process is worse than a refusal).</param>
    /// <exception cref="ImageException">The file is missing, unreadable, not an image, from a newer Mosix,
    /// truncated or corrupted.</exception>
    public static ImageReader Open(string path, bool verifyChecksum = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFileHandle file = OpenFile(path);
        try
        {
            return Validate(path, file, verifyChecksum);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="into"/> from the page stream, starting <paramref name="pageStreamOffset"/>
    /// bytes in. Any length: one call may read a whole 1 GiB mapping (the kernel is asked for as much at once
    /// as it will give).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the page stream.</exception>
    /// <exception cref="ImageException">The file shrank or cannot be read.</exception>
    public void ReadPages(long pageStreamOffset, Span<byte> into)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pageStreamOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageStreamOffset, PageBytes - into.Length);
        if (ReadAt(ImageFormat.PageDataOffset + pageStreamOffset, into) != into.Length)
            throw Refuse(Path, "is truncated");
    }

    public void Dispose() => _file.Dispose();

    private static SafeFileHandle OpenFile(string path)
    {
        if (Directory.Exists(path))
            throw new ImageException(path, $"{path} is a directory, not a Mosix checkpoint image");
        SafeFileHandle? file = ImageFileCalls.OpenForReading(path, out int errno);
        return file ?? throw (errno switch
        {
            Errno.ENOENT => Refuse(path, "does not exist"),
            Errno.EACCES => Refuse(path, "cannot be read (permission denied)"),
            _ => Refuse(path, $"cannot be read ({Errno.Describe(errno)})"),
        });
    }

    private static ImageReader Validate(string path, SafeFileHandle file, bool verifyChecksum)
    {
        long length = Length(path, file);

        Span<byte> header = stackalloc byte[ImageFormat.HeaderSize];
        int got = ReadAt(path, file, 0, header);
        if (got < ImageFormat.Magic.Length || !header[..ImageFormat.Magic.Length].SequenceEqual(ImageFormat.Magic))
            throw Refuse(path, "is not a Mosix checkpoint image");
        if (got < ImageFormat.HeaderSize)
            throw Refuse(path, "is truncated");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[ImageFormat.VersionOffset..]);
        if (version > ImageFormat.Version)
            throw Refuse(path, $"was written by a newer Mosix (image format {version}, this one reads up to {ImageFormat.Version})");
        if (version == 0)
            throw Refuse(path, "is corrupted (image format 0)");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(header[ImageFormat.FlagsOffset..]);
        if ((flags & ~ImageFormat.KnownFlags) != 0)
            throw Refuse(path, $"was written by a newer Mosix (image flags 0x{flags:x}, this one knows 0x{ImageFormat.KnownFlags:x})");

        if (length < ImageFormat.MinimumLength)
            throw Refuse(path, "is truncated");
        Span<byte> raw = stackalloc byte[ImageFormat.TrailerSize];
        if (ReadAt(path, file, length - ImageFormat.TrailerSize, raw) != raw.Length
            || !raw[ImageFormat.TrailerMagicOffset..].SequenceEqual(ImageFormat.TrailerMagic))
            throw Refuse(path, "is truncated");
        var trailer = ImageFormat.ReadTrailer(raw);
        if (!Consistent(trailer, length) || BinaryPrimitives.ReadUInt32LittleEndian(raw[ImageFormat.TrailerReserved..]) != 0)
            throw Refuse(path, "is truncated or corrupted");

        long before = length - ImageFormat.TrailerSize;
        if (verifyChecksum && ComputeChecksum(path, file, before) != trailer.Crc32C)
            throw Refuse(path, "is corrupted (checksum mismatch)");

        byte[] encoded = new byte[trailer.MetadataLength];
        if (ReadAt(path, file, (long)trailer.MetadataOffset, encoded) != encoded.Length)
            throw Refuse(path, "is truncated");
        ProcessImage metadata;
        try
        {
            metadata = ProcessImage.Parser.ParseFrom(encoded);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ImageException(path, $"{path} is corrupted (metadata does not parse: {ex.Message.TrimEnd('.')})", ex);
        }
        if (PageMapProblem(metadata, trailer.PageBytes) is { } problem)
            throw Refuse(path, $"is corrupted ({problem})");
        return new ImageReader(path, file, length, version, trailer, metadata, verifyChecksum);
    }

    /// <summary>The trailer's invariants (see <see cref="ImageFormat"/>), with no arithmetic that can overflow.</summary>
    private static bool Consistent(ImageFormat.Trailer t, long length)
    {
        ulong file = (ulong)length;
        return t.PageBytes % ImageFormat.PageSize == 0
            && t.PageBytes <= file && t.MetadataLength <= file && t.MetadataLength <= int.MaxValue
            && t.MetadataOffset == ImageFormat.PageDataOffset + t.PageBytes
            && t.MetadataOffset + t.MetadataLength + ImageFormat.TrailerSize == file;
    }

    /// <summary>Why the metadata cannot describe this page stream, or null when it can: every run lies inside
    /// its mapping and the runs add up to exactly the page bytes the trailer records.</summary>
    private static string? PageMapProblem(ProcessImage metadata, ulong pageBytes)
    {
        if (metadata.PageBytes != pageBytes)
            return $"metadata says {metadata.PageBytes} bytes of pages, the file holds {pageBytes}";
        ulong pages = pageBytes / ImageFormat.PageSize, listed = 0;
        foreach (var mapping in metadata.Mappings)
        {
            if (mapping.End < mapping.Start || (mapping.Start | mapping.End) % ImageFormat.PageSize != 0)
                return $"mapping 0x{mapping.Start:x}-0x{mapping.End:x} is not a page range";
            ulong size = (mapping.End - mapping.Start) / ImageFormat.PageSize;
            foreach (var run in mapping.Runs)
            {
                if (run.Count > size || run.FirstPage > size - run.Count)
                    return $"a page run lies outside mapping 0x{mapping.Start:x}-0x{mapping.End:x}";
                if (run.Count > pages - listed)
                    return "the page runs list more pages than the file holds";
                listed += run.Count;
            }
        }
        return listed == pages ? null : "the file holds pages no page run lists";
    }

    private static uint ComputeChecksum(string path, SafeFileHandle file, long length)
    {
        byte[] chunk = GC.AllocateUninitializedArray<byte>((int)Math.Min(VerifyChunk, length), pinned: true);
        var crc = new Crc32C();
        for (long offset = 0; offset < length;)
        {
            var span = chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - offset));
            if (ReadAt(path, file, offset, span) != span.Length)
                throw Refuse(path, "is truncated");
            crc.Append(span);
            offset += span.Length;
        }
        return crc.Value;
    }

    private static long Length(string path, SafeFileHandle file)
    {
        try
        {
            return RandomAccess.GetLength(file);
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or UnauthorizedAccessException)
        {
            throw new ImageException(path, $"{path} is not a regular file", ex);
        }
    }

    private int ReadAt(long offset, Span<byte> into) => ReadAt(Path, _file, offset, into);

    /// <summary>Reads until <paramref name="into"/> is full or the file ends; the count read.</summary>
    private static int ReadAt(string path, SafeFileHandle file, long offset, Span<byte> into)
    {
        int total = 0;
        try
        {
            while (total < into.Length)
            {
                int n = RandomAccess.Read(file, into[total..], offset + total);
                if (n == 0)
                    break;
                total += n;
            }
        }
        catch (NotSupportedException ex)
        {
            throw new ImageException(path, $"{path} is not a regular file", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageException(path, $"{path} cannot be read ({ImageWriter.Reason(ex)})", ex);
        }
        return total;
    }

    private static ImageException Refuse(string path, string what) => new(path, $"{path} {what}");
}

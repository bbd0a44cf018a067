using System.Buffers.Binary;
using Google.Protobuf;
using Mosix.Migrator.Images;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migrator;

/// <summary>Every damaged or foreign file is refused with an <see cref="ImageException"/> (exactly that type) whose
/// one-line message names the problem.</summary>
[TestFixture]
public sealed class ImageRefusalTests
{
    private ScratchDirectory _scratch = null!;
    private string _path = null!;
    private byte[] _good = null!;

    [SetUp]
    public void SetUp()
    {
        _scratch = ScratchDirectory.Create();
        _path = Path.Combine(_scratch.Work, "process.img");
        new SampleImage().WriteTo(_path);
        _good = File.ReadAllBytes(_path);
    }

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private int PagesEnd => ImageFormat.PageDataOffset + 6 * ImageFormat.PageSize;

    private int TrailerStart => _good.Length - ImageFormat.TrailerSize;

    private string Refusal(byte[] contents, bool verifyChecksum = true)
    {
        File.WriteAllBytes(_path, contents);
        var ex = Assert.Throws<ImageException>(() => ImageReader.Open(_path, verifyChecksum).Dispose());
        return ex!.Message;
    }

    private byte[] Truncated(int length) => _good.AsSpan(0, length).ToArray();

    private byte[] Flipped(int offset)
    {
        byte[] copy = (byte[])_good.Clone();
        copy[offset] ^= 0x10;
        return copy;
    }

    [Test]
    public void AnEmptyFileIsNotAnImage() =>
        Assert.That(Refusal([]), Is.EqualTo($"{_path} is not a Mosix checkpoint image"));

    [Test]
    public void ARandomFileIsNotAnImage()
    {
        byte[] noise = new byte[20_000];
        new Random(5).NextBytes(noise);
        Assert.That(Refusal(noise), Is.EqualTo($"{_path} is not a Mosix checkpoint image"));
        Assert.That(Refusal("#!/bin/sh\necho hello\n"u8.ToArray()), Is.EqualTo($"{_path} is not a Mosix checkpoint image"));
    }

    [TestCase(3, "is not a Mosix checkpoint image", TestName = "TruncatedInTheMagic")]
    [TestCase(12, "is truncated", TestName = "TruncatedInTheHeader")]
    [TestCase(2000, "is truncated", TestName = "TruncatedInTheHeaderPadding")]
    [TestCase(-1, "is truncated", TestName = "TruncatedInThePageData")]
    [TestCase(-2, "is truncated", TestName = "TruncatedInTheMetadata")]
    [TestCase(-3, "is truncated", TestName = "TruncatedInTheTrailer")]
    [TestCase(-4, "is truncated", TestName = "TruncatedByOneByte")]
    public void Truncated(int length, string refusal)
    {
        length = length switch
        {
            -1 => ImageFormat.PageDataOffset + 2 * ImageFormat.PageSize + 100,
            -2 => PagesEnd + 10,
            -3 => TrailerStart + 20,
            -4 => _good.Length - 1,
            _ => length,
        };
        Assert.That(Refusal(Truncated(length)), Is.EqualTo($"{_path} {refusal}"));
    }

    [Test]
    public void AFlippedByteInThePageData()
    {
        Assert.That(Refusal(Flipped(ImageFormat.PageDataOffset + 3 * ImageFormat.PageSize + 7)),
            Is.EqualTo($"{_path} is corrupted (checksum mismatch)"));
        // Without the checksum, the flip goes unnoticed: that is what the option trades.
        File.WriteAllBytes(_path, Flipped(ImageFormat.PageDataOffset + 7));
        using var image = ImageReader.Open(_path, verifyChecksum: false);
        Assert.That(image.ChecksumVerified, Is.False);
    }

    [Test]
    public void AFlippedByteInTheMetadata() =>
        Assert.That(Refusal(Flipped(PagesEnd + 5)), Is.EqualTo($"{_path} is corrupted (checksum mismatch)"));

    [Test]
    public void AFlippedByteInTheHeaderPadding() =>
        Assert.That(Refusal(Flipped(100)), Is.EqualTo($"{_path} is corrupted (checksum mismatch)"));

    [Test]
    public void AFlippedByteInTheRecordedChecksum() =>
        Assert.That(Refusal(Flipped(TrailerStart + ImageFormat.TrailerCrc)), Is.EqualTo($"{_path} is corrupted (checksum mismatch)"));

    [Test]
    public void ANewerFormat()
    {
        byte[] newer = (byte[])_good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(newer.AsSpan(8), ImageFormat.Version + 1);
        Assert.That(Refusal(newer), Is.EqualTo(
            $"{_path} was written by a newer Mosix (image format {ImageFormat.Version + 1}, this one reads up to {ImageFormat.Version})"));
    }

    [Test]
    public void UnknownFlags()
    {
        byte[] flagged = SampleImage.Frame([], new ProcessImage().ToByteArray(), flags: 1);
        Assert.That(Refusal(flagged), Is.EqualTo($"{_path} was written by a newer Mosix (image flags 0x1, this one knows 0x0)"));
    }

    [TestCase(ImageFormat.TrailerMetadataOffset, TestName = "InconsistentMetadataOffset")]
    [TestCase(ImageFormat.TrailerMetadataLength, TestName = "InconsistentMetadataLength")]
    [TestCase(ImageFormat.TrailerPageBytes, TestName = "InconsistentPageBytes")]
    [TestCase(ImageFormat.TrailerReserved, TestName = "NonZeroReservedWord")]
    public void InconsistentTrailer(int field) =>
        Assert.That(Refusal(Flipped(TrailerStart + field)), Is.EqualTo($"{_path} is truncated or corrupted"));

    [Test]
    public void HugeSizesInTheTrailerAreRefusedNotAllocated()
    {
        byte[] huge = (byte[])_good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge.AsSpan(TrailerStart + ImageFormat.TrailerMetadataLength), ulong.MaxValue - 7);
        BinaryPrimitives.WriteUInt64LittleEndian(huge.AsSpan(TrailerStart + ImageFormat.TrailerPageBytes), ulong.MaxValue - 4095);
        Assert.That(Refusal(huge), Is.EqualTo($"{_path} is truncated or corrupted"));
    }

    [Test]
    public void MetadataThatDoesNotParse()
    {
        byte[] garbage = SampleImage.Frame([], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        Assert.That(Refusal(garbage), Does.StartWith($"{_path} is corrupted (metadata does not parse: "));
    }

    [Test]
    public void PageRunsThatDoNotMatchThePageData()
    {
        var sample = new SampleImage();
        sample.Metadata.PageBytes = (ulong)sample.Pages.Length;
        sample.Metadata.Mappings[1].Runs[0].Count = 3; // seven pages listed, six stored
        Assert.That(Refusal(SampleImage.Frame(sample.Pages, sample.Metadata.ToByteArray())),
            Does.StartWith($"{_path} is corrupted (").And.Contain("page"));

        sample.Metadata.Mappings[1].Runs[0].Count = 2;
        sample.Metadata.Mappings[2].Runs[0].FirstPage = 33; // past the stack mapping's 33 pages
        Assert.That(Refusal(SampleImage.Frame(sample.Pages, sample.Metadata.ToByteArray())),
            Is.EqualTo($"{_path} is corrupted (a page run lies outside mapping 0x7ffffffde000-0x7ffffffff000)"));
    }

    [Test]
    public void AMissingFileAndAFolder()
    {
        string missing = Path.Combine(_scratch.Work, "missing.img");
        Assert.That(Assert.Throws<ImageException>(() => ImageReader.Open(missing))!.Message, Is.EqualTo($"{missing} does not exist"));
        Assert.That(Assert.Throws<ImageException>(() => ImageReader.Open(_scratch.Work))!.Message,
            Is.EqualTo($"{_scratch.Work} is a directory, not a Mosix checkpoint image"));
    }

    [Test]
    public void AnUnreadableFile()
    {
        Assume.That(Environment.UserName, Is.Not.EqualTo("root"), "root reads any file");
        File.SetUnixFileMode(_path, UnixFileMode.None);
        Assert.That(Assert.Throws<ImageException>(() => ImageReader.Open(_path))!.Message,
            Is.EqualTo($"{_path} cannot be read (permission denied)"));
    }

    [Test]
    public void NoDamageEverEscapesAsAnotherExceptionType()
    {
        // Every truncation near the ends and through the middle, and every single-byte flip of the header and trailer,
        // with and without the checksum.
        var lengths = Enumerable.Range(0, 64).Concat(Enumerable.Range(ImageFormat.PageDataOffset - 8, 80))
            .Concat(Enumerable.Range(0, _good.Length / 97).Select(i => i * 97))
            .Concat(Enumerable.Range(_good.Length - 64, 64));
        var damaged = lengths.Select(Truncated)
            .Concat(Enumerable.Range(0, ImageFormat.HeaderSize).Select(Flipped))
            .Concat(Enumerable.Range(TrailerStart, ImageFormat.TrailerSize).Select(Flipped));
        foreach (byte[] contents in damaged)
        {
            File.WriteAllBytes(_path, contents);
            Assert.Throws<ImageException>(() => ImageReader.Open(_path).Dispose(), $"{contents.Length} bytes");
            try
            {
                // Unverified, a flip of the recorded checksum itself goes unseen; anything else is refused, as an ImageException.
                ImageReader.Open(_path, verifyChecksum: false).Dispose();
            }
            catch (ImageException)
            {
            }
        }
    }
}

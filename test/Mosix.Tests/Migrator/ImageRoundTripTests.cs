using Mosix.Migrator.Images;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migrator;

/// <summary>What the writer writes, the reader reads back unchanged; and nothing half-written is ever left.</summary>
[TestFixture]
public sealed class ImageRoundTripTests
{
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void SetUp() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void TearDown() => _scratch.Dispose();

    private string ImagePath => Path.Combine(_scratch.Work, "process.img");

    [Test]
    public void MetadataAndPagesComeBackIdentical()
    {
        var sample = new SampleImage();
        sample.WriteTo(ImagePath);

        using var image = ImageReader.Open(ImagePath);
        Assert.Multiple(() =>
        {
            Assert.That(image.Metadata, Is.EqualTo(sample.Metadata));
            Assert.That(image.Metadata.PageBytes, Is.EqualTo((ulong)sample.Pages.Length), "Commit sets page_bytes");
            Assert.That(image.PageBytes, Is.EqualTo(sample.Pages.Length));
            Assert.That(image.FormatVersion, Is.EqualTo(ImageFormat.Version));
            Assert.That(image.ChecksumVerified, Is.True);
            Assert.That(image.FileLength, Is.EqualTo(new FileInfo(ImagePath).Length));
        });

        var all = new byte[sample.Pages.Length];
        image.ReadPages(0, all);
        Assert.That(all, Is.EqualTo(sample.Pages));
        var third = new byte[ImageFormat.PageSize];
        image.ReadPages(2 * ImageFormat.PageSize, third);
        Assert.That(third, Is.EqualTo(sample.Pages.AsSpan(2 * ImageFormat.PageSize, ImageFormat.PageSize).ToArray()));
    }

    [Test]
    public void SmallAndLargeChunksMixedKeepTheirOrder()
    {
        // 1 MiB is the writer's buffer: small chunks are gathered, big ones bypass it; the order must survive both.
        var random = new Random(3);
        byte[] pages = new byte[700 * ImageFormat.PageSize];
        random.NextBytes(pages);
        int[] chunkPages = [1, 3, 300, 2, 1, 256, 137];
        Assert.That(chunkPages.Sum(), Is.EqualTo(700));
        using (var writer = ImageWriter.Create(ImagePath))
        {
            int at = 0;
            foreach (int n in chunkPages)
            {
                writer.WritePages(pages.AsSpan(at, n * ImageFormat.PageSize));
                at += n * ImageFormat.PageSize;
            }
            Assert.That(writer.PageBytes, Is.EqualTo(pages.Length));
            writer.Commit(new ProcessImage
            {
                Mappings = { new Mapping { Start = 0x10000000, End = 0x10000000 + 1024UL * ImageFormat.PageSize, Runs = { new PageRun { FirstPage = 10, Count = 700 } } } },
            });
        }

        using var image = ImageReader.Open(ImagePath);
        var back = new byte[pages.Length];
        image.ReadPages(0, back);
        Assert.That(back.AsSpan().SequenceEqual(pages), Is.True);
    }

    [Test]
    public void TheImageIsPrivateAndNoTemporaryFileRemains()
    {
        new SampleImage().WriteTo(ImagePath);

        Assert.That(Directory.GetFileSystemEntries(_scratch.Work).Select(Path.GetFileName), Is.EqualTo(new[] { "process.img" }));
        var mode = File.GetUnixFileMode(ImagePath);
        Assert.That(mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite), Is.EqualTo(UnixFileMode.None), $"mode {mode}");
    }

    [Test]
    public void DisposeWithoutCommitLeavesNothing()
    {
        using (var writer = ImageWriter.Create(ImagePath))
        {
            writer.WritePages(new byte[4 * ImageFormat.PageSize]);
            Assert.That(File.Exists(writer.TemporaryPath), Is.True, "written to a temporary file first");
            Assert.That(Path.GetDirectoryName(writer.TemporaryPath), Is.EqualTo(_scratch.Work), "beside the final path");
            Assert.That(File.Exists(ImagePath), Is.False, "nothing at the final path before the commit");
        }
        Assert.That(Directory.GetFileSystemEntries(_scratch.Work), Is.Empty);
    }

    [Test]
    public void AFailedCheckpointLeavesTheEarlierImageUntouched()
    {
        var first = new SampleImage(seed: 1);
        first.WriteTo(ImagePath);
        byte[] before = File.ReadAllBytes(ImagePath);

        Assert.Throws<InvalidOperationException>(() =>
        {
            using var writer = ImageWriter.Create(ImagePath);
            writer.WritePages(new byte[ImageFormat.PageSize]);
            throw new InvalidOperationException("the checkpoint failed half-way");
        });

        Assert.That(File.ReadAllBytes(ImagePath), Is.EqualTo(before));
        Assert.That(Directory.GetFileSystemEntries(_scratch.Work), Has.Length.EqualTo(1));
    }

    [Test]
    public void CommitReplacesAnEarlierImage()
    {
        new SampleImage(seed: 1).WriteTo(ImagePath);
        var second = new SampleImage(seed: 2);
        second.Metadata.Cwd = "/second";
        second.WriteTo(ImagePath);

        using var image = ImageReader.Open(ImagePath);
        var back = new byte[second.Pages.Length];
        image.ReadPages(0, back);
        Assert.That(image.Metadata.Cwd, Is.EqualTo("/second"));
        Assert.That(back, Is.EqualTo(second.Pages));
        Assert.That(Directory.GetFileSystemEntries(_scratch.Work), Has.Length.EqualTo(1));
    }

    [Test]
    public void AnImageWithoutPagesIsValid()
    {
        using (var writer = ImageWriter.Create(ImagePath))
            writer.Commit(new ProcessImage { Cwd = "/" });
        using var image = ImageReader.Open(ImagePath);
        Assert.That(image.PageBytes, Is.Zero);
        Assert.That(image.FileLength, Is.EqualTo(ImageFormat.MinimumLength + image.Metadata.CalculateSize()));
    }

    [Test]
    public void PartialPagesAndOutOfRangeReadsAreProgrammingErrors()
    {
        using (var writer = ImageWriter.Create(ImagePath))
            Assert.Throws<ArgumentException>(() => writer.WritePages(new byte[100]));

        new SampleImage().WriteTo(ImagePath);
        using var image = ImageReader.Open(ImagePath);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.ReadPages(image.PageBytes - 10, new byte[ImageFormat.PageSize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.ReadPages(-1, new byte[1]));
    }

    [Test]
    public void CreateRefusesAMissingFolderOrAFolderName()
    {
        string missing = Path.Combine(_scratch.Work, "no-such-folder", "x.img");
        var ex = Assert.Throws<ImageException>(() => ImageWriter.Create(missing));
        Assert.That(ex!.Message, Is.EqualTo($"cannot write {missing}: No such file or directory"));

        ex = Assert.Throws<ImageException>(() => ImageWriter.Create(_scratch.Work));
        Assert.That(ex!.Message, Is.EqualTo($"cannot write {_scratch.Work}: Is a directory"));
    }

    [Test]
    public void TheChecksumCanBeSkipped()
    {
        new SampleImage().WriteTo(ImagePath);
        using var image = ImageReader.Open(ImagePath, verifyChecksum: false);
        Assert.That(image.ChecksumVerified, Is.False);
        Assert.That(image.Metadata.Origin.Program, Is.EqualTo(SampleImage.Program));
    }
}

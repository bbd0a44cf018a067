using System.Text.Json;
using Mosix.Migrator.Images;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migrator;

/// <summary><c>mosrun -I</c>'s two views of an image.</summary>
[TestFixture]
public sealed class ImagePrinterTests
{
    private ScratchDirectory _scratch = null!;
    private SampleImage _sample = null!;
    private ImageReader _image = null!;

    [SetUp]
    public void SetUp()
    {
        _scratch = ScratchDirectory.Create();
        string path = Path.Combine(_scratch.Work, "process.img");
        _sample = new SampleImage();
        _sample.WriteTo(path);
        _image = ImageReader.Open(path);
    }

    [TearDown]
    public void TearDown()
    {
        _image.Dispose();
        _scratch.Dispose();
    }

    [Test]
    public void DescribeShowsTheProgramItsMemoryAndItsFiles()
    {
        string text = ImagePrinter.Describe(_image);
        TestContext.Out.WriteLine(text);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain(SampleImage.Program));
            Assert.That(text, Does.Contain("sample-program --flag 'two words'"), "argv, quoted as a shell would need it");
            Assert.That(text, Does.Contain("pid 4242"));
            Assert.That(text, Does.Contain("node7").And.Contain("6.8.0-test"));
            Assert.That(text, Does.Contain("2024-06-10T06:13:20.123Z"), "when, in UTC, ISO 8601");
            Assert.That(text, Does.Contain("/home/sample"));
            Assert.That(text, Does.Match(@"0000555555554000-0000555555558000\s+r-x\s+file\s+4\s+/usr/bin/sample-program"));
            Assert.That(text, Does.Match(@"00007f0000000000-00007f0000010000\s+rw-\s+anon\s+16\b"));
            Assert.That(text, Does.Match(@"00007ffffffde000-00007ffffffff000\s+rw-\s+stack\s+4\b"));
            Assert.That(text, Does.Contain("212.0 KiB mapped, 24.0 KiB stored, 3 mappings"));
            Assert.That(text, Does.Match(@"\b3\s+O_RDONLY\|O_CLOEXEC\s+17\s+/etc/hosts"));
            Assert.That(text, Does.Match(@"\b5\s+O_WRONLY\|O_APPEND\s+4096\s+/tmp/sample output.log"));
            Assert.That(text, Does.Contain("2 handlers (INT TERM), blocked USR1, 0 pending"));
            Assert.That(text, Does.Contain("ITIMER_REAL: next in 1.5 s, every 0.5 s"));
        });
    }

    [Test]
    public void JsonParsesAndHoldsTheMetadata()
    {
        string json = ImagePrinter.ToJson(_image);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("formatVersion").GetUInt32(), Is.EqualTo(ImageFormat.Version));
            Assert.That(root.GetProperty("pageBytes").GetInt64(), Is.EqualTo(_sample.Pages.Length));
            Assert.That(root.GetProperty("fileBytes").GetInt64(), Is.EqualTo(_image.FileLength));
            Assert.That(root.GetProperty("metadata").GetProperty("origin").GetProperty("program").GetString(), Is.EqualTo(SampleImage.Program));
            Assert.That(root.GetProperty("metadata").GetProperty("mappings").GetArrayLength(), Is.EqualTo(3));
        });

        // The metadata part is protobuf's canonical JSON: it reads back into the same message.
        var back = ProcessImage.Parser.ParseJson(root.GetProperty("metadata").GetRawText());
        Assert.That(back, Is.EqualTo(_image.Metadata));
    }
}

using System.Text.Json;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// A damaged image is refused, never restored: copies of a real image cut short or with one byte flipped make
/// both <c>mosrun -R</c> and <c>mosrun -I</c> exit 1 with one line that says "truncated" or "corrupted" (no
/// stack trace, nothing started). The undamaged image describes itself, as text and as JSON, and a copy of it
/// elsewhere restarts to the rest of the native run.
/// </summary>
[TestFixture]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class ImageIntegrityTests
{
    private const int PageDataOffset = 4096, TrailerSize = 40;

    private ScratchDirectory _scratch = null!;
    private CheckpointRunner _runner = null!;
    private CheckpointScenario _scenario = null!;
    private CheckpointOracle.NativeRun _native = null!;
    private CommandResult _beforeChkexit = null!;
    private byte[] _image = null!;
    private string _damagedFolder = null!;

    [OneTimeSetUp]
    public void TakeAnImage()
    {
        InheritedDescriptors.AssertNoneLeak();
        _scratch = ScratchDirectory.Create();
        try
        {
            _runner = new CheckpointRunner(_scratch);
            _scenario = CheckpointScenarios.Get("ckpt_static");
            _native = CheckpointOracle.Run(_scenario, _runner, _scratch);
            var (migrate, before) = _runner.RunUntilChkexit(_scenario);
            _beforeChkexit = before;
            // migrate's own answer is checked in CheckpointRestartTests; here only the image matters.
            Assert.That(File.Exists(_runner.Image(1)), Is.True, $"no image to damage\n{migrate.Describe("migrate")}\n{before.Describe("mosrun")}");
            _image = File.ReadAllBytes(_runner.Image(1));
            Assert.That(_image.Length, Is.GreaterThan(2 * PageDataOffset + TrailerSize), "an image with pages in it");
        }
        catch
        {
            _scratch.Dispose();
            throw;
        }
    }

    [OneTimeTearDown]
    public void DeleteImage() => _scratch.Dispose();

    [SetUp]
    public void CreateDamagedFolder()
    {
        _damagedFolder = Path.Combine(_scratch.Root, "damaged");
        Directory.CreateDirectory(_damagedFolder);
    }

    [TearDown]
    public void DeleteDamagedFolder() => Directory.Delete(_damagedFolder, recursive: true);

    /// <summary>Where to cut the image, from its length.</summary>
    public static IEnumerable<TestCaseData> Cuts() =>
    [
        Cut("inside_the_header", _ => 12),
        Cut("after_the_header", _ => 16),
        Cut("before_the_pages", _ => PageDataOffset),
        Cut("inside_the_pages", _ => PageDataOffset + PageDataOffset + 100),
        Cut("at_half", length => length / 2),
        Cut("before_the_trailer", length => length - TrailerSize),
        Cut("inside_the_trailer", length => length - TrailerSize / 2),
        Cut("last_byte_missing", length => length - 1),
    ];

    /// <summary>Which byte to flip, from the image's length.</summary>
    public static IEnumerable<TestCaseData> Flips() =>
    [
        Flip("first_page", _ => PageDataOffset + 100),
        Flip("a_later_page", _ => 2 * PageDataOffset + 2000),
        Flip("middle", length => length / 2),
        Flip("last_metadata_byte", length => length - TrailerSize - 1),
        Flip("trailer_metadata_offset", length => length - TrailerSize),
        Flip("trailer_checksum", length => length - TrailerSize + 24),
        Flip("trailer_magic", length => length - 3),
    ];

    [TestCaseSource(nameof(Cuts))]
    public void Truncated_IsRefusedByRestartAndInfo(Func<long, long> cutAt)
    {
        long length = cutAt(_image.Length);
        string damaged = Path.Combine(_damagedFolder, "cut.img");
        File.WriteAllBytes(damaged, _image[..(int)length]);
        AssertRefused(damaged, "truncated", "corrupted");
    }

    [TestCaseSource(nameof(Flips))]
    public void OneByteFlipped_IsRefusedByRestartAndInfo(Func<long, long> flipAt)
    {
        int offset = (int)flipAt(_image.Length);
        byte[] copy = (byte[])_image.Clone();
        copy[offset] ^= 0xff;
        string damaged = Path.Combine(_damagedFolder, "flipped.img");
        File.WriteAllBytes(damaged, copy);
        AssertRefused(damaged, "truncated", "corrupted");
    }

    [TestCase(0, TestName = "{m}(empty)")]
    [TestCase(10000, TestName = "{m}(text)")]
    public void NotAnImage_IsRefusedByRestartAndInfo(int length)
    {
        string path = Path.Combine(_damagedFolder, "not-an-image");
        File.WriteAllText(path, new string('x', length));
        AssertRefused(path, "not a Mosix checkpoint image");
    }

    [Test]
    public void GoodImage_Info_NamesTheProgram()
    {
        CommandResult info = _runner.Mosrun("-I", _runner.Image(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), info.Describe("mosrun -I"));
            Assert.That(info.StdoutText, Does.Contain(_scenario.ResolvedArgv()[0]), "the program's path\n" + info.Describe("mosrun -I"));
            Assert.That(info.Stderr, Is.Empty, info.Describe("mosrun -I"));
        }
    }

    [Test]
    public void GoodImage_InfoAsJson_Parses()
    {
        CommandResult info = _runner.Mosrun("-I", _runner.Image(1), "--json");
        Assert.That(info.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), info.Describe("mosrun -I --json"));
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(info.Stdout);
        }
        catch (JsonException e)
        {
            Assert.Fail($"not JSON: {e.Message}\n{info.Describe("mosrun -I --json")}");
            throw;
        }
        using (json)
        {
            Assert.That(json.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Object), info.Describe("mosrun -I --json"));
            Assert.That(info.StdoutText, Does.Contain(JsonSerializer.Serialize(_scenario.ResolvedArgv()[0])), "the program's path is in it\n" + info.Describe("mosrun -I --json"));
        }
    }

    /// <summary>An image is a plain file: a copy in another folder restarts just as well.</summary>
    [Test]
    public void GoodImage_CopiedElsewhere_RestartsTheRest()
    {
        string copy = Path.Combine(_damagedFolder, "copy.img");
        File.WriteAllBytes(copy, _image);
        CommandResult restart = _runner.Restart(copy);
        CheckpointAssert.JoinsUpToNative(_native.Result, restart, (_beforeChkexit, _runner.Image(1)));
    }

    private void AssertRefused(string path, params string[] anyOf)
    {
        foreach (string[] command in new[] { new[] { "-R", path }, ["-I", path], ["-I", path, "--json"] })
        {
            CommandResult result = _runner.Mosrun(command);
            string label = $"mosrun {string.Join(' ', command)}";
            using (Assert.EnterMultipleScope())
            {
                CheckpointAssert.OneLineError(result, "mosrun", ExitStatus.Exited(1));
                Assert.That(anyOf.Any(word => result.StderrText.Contains(word, StringComparison.Ordinal)), Is.True,
                    $"{label}: the message says {string.Join(" or ", anyOf.Select(w => $"\"{w}\""))}\n" + result.Describe(label));
                Assert.That(result.StderrText, Does.Contain(path), $"{label}: the message names the file\n" + result.Describe(label));
            }
        }
    }

    private static TestCaseData Cut(string name, Func<long, long> at) => new TestCaseData(at).SetArgDisplayNames(name);

    private static TestCaseData Flip(string name, Func<long, long> at) => new TestCaseData(at).SetArgDisplayNames(name);
}

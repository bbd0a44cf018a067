using Mosix.Migrator.Images;
using Mosix.Migrator.Restore;
using Mosix.Sandbox.Interop;
using NUnit.Framework;

namespace Mosix.Tests.Migrator;

/// <summary>
/// A guest's image names its mapped files by path, on home's word: the guest host may map only
/// files every user of its node may read, never its own private ones (its TLS key, its state folder).
/// </summary>
[TestFixture]
public sealed class RestoreValidationTests
{
    private string _private = "";

    [SetUp]
    public void CreatePrivateFolder()
    {
        _private = Directory.CreateTempSubdirectory("mosix-validation-").FullName;
        File.SetUnixFileMode(_private, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void RemovePrivateFolder() => Directory.Delete(_private, recursive: true);

    [Test]
    public void AGuestMayNotMapAFileInAPrivateFolderOfItsHost()
    {
        string secret = Path.Combine(_private, "node.key");
        File.WriteAllText(secret, "-----BEGIN PRIVATE KEY-----\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var image = ImageMapping(secret, withIdentity: true);

        Assert.Multiple(() =>
        {
            Assert.That(() => RestoreValidation.Check(image, HostsGuest),
                Throws.TypeOf<RestoreException>().With.Message.Contains("every user of this node may read"));
            Assert.That(() => RestoreValidation.Check(image, RestoreOptions.Migration), Throws.Nothing,
                "home taking its own process back maps its own files");
        });
    }

    [Test]
    public void AGuestMayNotMapAFileWithoutSayingWhichVersion()
    {
        var image = ImageMapping("/etc/passwd", withIdentity: false);
        Assert.That(() => RestoreValidation.Check(image, HostsGuest), Throws.TypeOf<RestoreException>());
    }

    [Test]
    public void AGuestMayMapAFileAnybodyMayRead()
    {
        var image = ImageMapping("/etc/passwd", withIdentity: true);
        Assert.That(() => RestoreValidation.Check(image, HostsGuest), Throws.Nothing);
    }

    /// <summary>The guest's rule of who may read a file alone: the content proof (a hash) is another test's.</summary>
    private static readonly RestoreOptions HostsGuest = RestoreOptions.Migration with { HostsGuest = true };

    private static ProcessImage ImageMapping(string path, bool withIdentity)
    {
        var image = new ProcessImage { Origin = new ImageOrigin { Kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim() } };
        var mapping = new Mapping { Start = 0x10000, End = 0x11000, Kind = MappingKind.File, Path = path, Prot = 1 };
        if (withIdentity && FileStat.Of(path) is { } id)
            mapping.File = new FileIdentity { Device = id.Device, Inode = id.Inode, Size = (ulong)id.Size, MtimeNs = id.MtimeNs };
        image.Mappings.Add(mapping);
        return image;
    }
}

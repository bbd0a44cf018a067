using System.Text.RegularExpressions;
using Mosix.Sandbox.Syscalls;
using NUnit.Framework;

namespace Mosix.Tests.Sandbox;

/// <summary>Invariants of the one declarative syscall table.</summary>
[TestFixture]
public sealed partial class SyscallTableTests
{
    private const string KernelHeader = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h";

    [GeneratedRegex(@"^#define __NR_(\w+)\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex HeaderLine();

    [Test]
    public void EveryNumberOfTheKernelHeaderIsInTheTableUnderTheKernelsName()
    {
        Assume.That(File.Exists(KernelHeader), $"{KernelHeader} (linux-libc-dev) is needed");
        var header = HeaderLine().Matches(File.ReadAllText(KernelHeader))
            .Select(m => (Name: m.Groups[1].Value, Number: int.Parse(m.Groups[2].Value)))
            .ToList();
        Assert.That(header, Has.Count.GreaterThan(300), "the header parsed to almost nothing");

        var missing = header.Where(h => SyscallTable.Find(h.Number) is null).ToList();
        var misnamed = header.Where(h => SyscallTable.Find(h.Number) is { } e && e.Name != h.Name)
            .Select(h => $"{h.Number}: header {h.Name}, table {SyscallTable.Find(h.Number)!.Name}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.Empty, "numbers missing from the table");
            Assert.That(misnamed, Is.Empty, "numbers named differently from the kernel");
        });
    }

    [Test]
    public void CallsMadeDirectlyOnPlainFilesAreHomeCallsOnADescriptorWithNoPathOrDescriptorBesides()
    {
        var direct = SyscallTable.All.Where(e => e.OnPlainFileDirect).ToList();
        Assert.That(direct.Select(e => e.Name), Is.SupersetOf(new[] { "read", "write", "lseek", "pread64", "pwrite64", "fstat" }));
        Assert.Multiple(() =>
        {
            foreach (var e in direct)
            {
                Assert.That(e.Class, Is.EqualTo(SyscallClass.Home), e.Name);
                Assert.That(e.Args[0].Kind, Is.EqualTo(ArgKind.Fd), $"{e.Name}: argument 0 is the descriptor copied");
                Assert.That(e.Args.Skip(1).Select(a => a.Kind), Has.None.EqualTo(ArgKind.Fd).And.None.EqualTo(ArgKind.Path).And.None.EqualTo(ArgKind.IoVecIn).And.None.EqualTo(ArgKind.IoVecOut),
                    $"{e.Name}: only argument 0 may refer to the deputy's objects, and buffers are flat");
            }
        });
    }

    [Test]
    public void NumbersAndNamesAreUnique()
    {
        Assert.That(SyscallTable.All.Select(e => e.Number), Is.Unique);
        Assert.That(SyscallTable.All.Select(e => e.Name), Is.Unique);
    }

    [Test]
    public void RefusedCallsSayWhichErrorAGuestGetsAndWhy()
    {
        var refused = SyscallTable.All.Where(e => e.Class == SyscallClass.Refused).ToList();
        Assert.That(refused, Is.Not.Empty);
        Assert.That(refused.Where(e => e.Errno <= 0 || string.IsNullOrWhiteSpace(e.Note)), Is.Empty);
    }

    [Test]
    public void SizedBuffersNameAnIntegerArgumentOrAFixedSize()
    {
        var bad = new List<string>();
        foreach (var entry in SyscallTable.All)
        {
            for (int i = 0; i < entry.Args.Count; i++)
            {
                var shape = entry.Args[i];
                if (shape.Kind is not (ArgKind.In or ArgKind.Out or ArgKind.OutCounted or ArgKind.InOut or ArgKind.IoVecIn or ArgKind.IoVecOut))
                    continue;
                bool sizedByArg = shape.SizeArg >= 0 && shape.SizeArg < entry.Args.Count && entry.Args[shape.SizeArg].Kind == ArgKind.Int;
                if (!sizedByArg && shape.FixedSize <= 0)
                    bad.Add($"{entry} argument {i}");
            }
        }
        Assert.That(bad, Is.Empty);
    }

    [TestCase("read", SyscallClass.Home)]
    [TestCase("openat", SyscallClass.Home)]
    [TestCase("getpid", SyscallClass.Virtual)]
    [TestCase("mmap", SyscallClass.Local)]
    [TestCase("clock_gettime", SyscallClass.Local)]
    [TestCase("execve", SyscallClass.BringHome)]
    [TestCase("fork", SyscallClass.BringHome)]
    [TestCase("ptrace", SyscallClass.Refused)]
    [TestCase("bpf", SyscallClass.Refused)]
    // DESIGN.md names mount among the refused calls, to keep guests off their host's mounts; made
    // at home instead (where every path of the process is resolved), it touches nothing of the
    // host and works as at home: it brings the process home (docs/migration.md).
    [TestCase("mount", SyscallClass.BringHome)]
    public void CallsAreClassedAsDesignMdSays(string name, SyscallClass expected) =>
        Assert.That(SyscallTable.Find(name)?.Class, Is.EqualTo(expected));

    [Test]
    public void TheNumbersTheSupervisorInjectsAgreeWithTheTable()
    {
        var wrong = typeof(Sys).GetFields()
            .Select(f => (Name: f.Name, Number: (long)f.GetValue(null)!))
            .Where(c => SyscallTable.Find(c.Number)?.Name.Replace("_", "", StringComparison.Ordinal) != c.Name.ToLowerInvariant())
            .Select(c => $"Sys.{c.Name} = {c.Number}, which the table calls {SyscallTable.NameOf(c.Number)}");
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void DocsSyscallsMdIsGeneratedFromTheTable()
    {
        string docs = Path.Combine(Harness.RepoPaths.Root, "docs", "syscalls.md");
        Assert.That(File.ReadAllText(docs), Is.EqualTo(SyscallTable.RenderMarkdown()),
            "docs/syscalls.md is stale: regenerate it with `bin/mosix syscalls --markdown > docs/syscalls.md`");
    }
}

using Mosix.Sandbox.Syscalls;
using NUnit.Framework;

namespace Mosix.Tests.Sandbox;

/// <summary>The generated filter traps exactly what its policy says, and never lets a foreign ABI through unseen.</summary>
[TestFixture]
public sealed class SeccompFilterTests
{
    private const uint I386 = 0x4000_0003;
    private const uint Trace = SeccompFilter.RetTrace;
    private const uint Allow = SeccompFilter.RetAllow;

    private static readonly TrapPolicy EveryOtherClass =
        new("test", e => e.Class is SyscallClass.Home or SyscallClass.Refused or SyscallClass.BringHome, TrapUnknown: true);

    private static IEnumerable<TrapPolicy> Policies() => [TrapPolicy.Home, TrapPolicy.LogAll, EveryOtherClass];

    [TestCaseSource(nameof(Policies))]
    public void EveryNumberGetsThePolicysVerdict(TrapPolicy policy)
    {
        var program = SeccompFilter.Build(policy);
        Assert.That(program, Has.Length.LessThan(4096), "BPF_MAXINSNS");
        var wrong = new List<string>();
        for (uint nr = 0; nr < SyscallTable.MaxNumber + 50; nr++)
        {
            var entry = SyscallTable.Find(nr);
            bool traps = entry is null ? policy.TrapUnknown : policy.Traps(entry);
            uint verdict = BpfInterpreter.Run(program, SeccompFilter.AuditArchX86_64, nr);
            uint expected = traps ? Trace | (uint)TrapReason.Policy : Allow;
            if (verdict != expected)
                wrong.Add($"{SyscallTable.NameOf(nr)}: 0x{verdict:x8}, expected 0x{expected:x8}");
        }
        Assert.That(wrong, Is.Empty);
    }

    [TestCaseSource(nameof(Policies))]
    public void ForeignAbiCallsAlwaysStop(TrapPolicy policy)
    {
        var program = SeccompFilter.Build(policy);
        uint foreign = Trace | (uint)TrapReason.ForeignAbi;
        Assert.Multiple(() =>
        {
            Assert.That(BpfInterpreter.Run(program, I386, 20), Is.EqualTo(foreign), "i386 getpid via int 0x80");
            Assert.That(BpfInterpreter.Run(program, SeccompFilter.AuditArchX86_64, 0x4000_0000 + 39), Is.EqualTo(foreign), "x32 getpid");
        });
    }

    [Test]
    public void AtHomeNothingButForeignCallsStops()
    {
        var program = SeccompFilter.Build(TrapPolicy.Home);
        Assert.That(SeccompFilter.Ranges(TrapPolicy.Home), Is.Empty);
        Assert.That(program, Has.Length.LessThanOrEqualTo(8), "the home filter should be a handful of instructions");
    }
}

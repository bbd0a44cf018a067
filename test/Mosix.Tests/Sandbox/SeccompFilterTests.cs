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

    private static IEnumerable<TrapPolicy> Policies() => [TrapPolicy.Home, TrapPolicy.LogAll, TrapPolicy.Guest, EveryOtherClass];

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

    /// <summary>
    /// A guest's pids are home's: a native sched_setaffinity(4321), setpriority(PRIO_USER, uid) or
    /// move_pages(pid) would reach the host's processes of the guest host's user (its agent, its
    /// owner's session). Only the caller itself (0) may be named; anything else is EPERM.
    /// </summary>
    [TestCase("sched_setaffinity", new ulong[] { 4321, 8, 0 })]
    [TestCase("sched_setscheduler", new ulong[] { 1, 5, 0 })]
    [TestCase("sched_setattr", new ulong[] { 77, 0, 0 })]
    [TestCase("sched_getaffinity", new ulong[] { 1, 8, 0 })]
    [TestCase("get_robust_list", new ulong[] { 1, 0, 0 })]
    [TestCase("migrate_pages", new ulong[] { 1, 0, 0, 0 })]
    [TestCase("move_pages", new ulong[] { 1, 0, 0, 0, 0, 0 })]
    [TestCase("setpriority", new ulong[] { 2, 1000, 19 })] // PRIO_USER: every process of a user
    [TestCase("setpriority", new ulong[] { 1, 0, 19 })]    // PRIO_PGRP 0: the caller's group, whose other members are home's
    [TestCase("setpriority", new ulong[] { 0, 4321, 19 })]
    [TestCase("getpriority", new ulong[] { 0, 1 })]
    public void AGuestCannotNameAnotherProcessOfItsHost(string call, ulong[] args)
    {
        var program = SeccompFilter.Build(TrapPolicy.Guest);
        uint nr = (uint)SyscallTable.Find(call)!.Number;
        Assert.Multiple(() =>
        {
            Assert.That(BpfInterpreter.Run(program, SeccompFilter.AuditArchX86_64, nr, args),
                Is.EqualTo(SeccompFilter.RetErrno | 1), $"{call}({string.Join(", ", args)}) away from home");
            Assert.That(BpfInterpreter.Run(program, SeccompFilter.AuditArchX86_64, nr, new ulong[args.Length]),
                Is.EqualTo(Allow), $"{call} of the caller itself runs natively");
            Assert.That(BpfInterpreter.Run(SeccompFilter.Build(TrapPolicy.Home), SeccompFilter.AuditArchX86_64, nr, args),
                Is.EqualTo(Allow), "at home the pid is the process's own node's");
        });
    }

    [Test]
    public void EveryCallThatMayNameAProcessIsGuarded()
    {
        string[] named = ["getpriority", "setpriority", "sched_setparam", "sched_getparam", "sched_setscheduler",
            "sched_getscheduler", "sched_rr_get_interval", "sched_setaffinity", "sched_getaffinity", "sched_setattr",
            "sched_getattr", "get_robust_list", "migrate_pages", "move_pages"];
        Assert.That(TrapPolicy.Guest.SelfOnlyCalls().Select(e => e.Name), Is.EquivalentTo(named));
    }

    [Test]
    public void AtHomeNothingButForeignCallsStops()
    {
        var program = SeccompFilter.Build(TrapPolicy.Home);
        Assert.That(SeccompFilter.Ranges(TrapPolicy.Home), Is.Empty);
        Assert.That(program, Has.Length.LessThanOrEqualTo(8), "the home filter should be a handful of instructions");
    }
}

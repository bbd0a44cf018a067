using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Syscalls;

/// <summary>
/// Generates the classic-BPF seccomp program for a <see cref="TrapPolicy"/> from the syscall table.
/// </summary>
/// <remarks>
/// Shape of the program (seccomp(2), struct seccomp_data: nr at 0, arch at 4):
/// <code>
///   arch != AUDIT_ARCH_X86_64            -> TRACE(ForeignAbi)   32-bit int 0x80 calls
///   nr has the x32 bit (0x40000000)      -> TRACE(ForeignAbi)   x32 calls
///   per self-only call (guest policy):    nr == N: args[i] == 0 for each i of its SelfArgs
///                                          -> ALLOW, else ERRNO(EPERM)
///   binary search over the trapped ranges -> TRACE(Policy) or ALLOW
/// </code>
/// A foreign-ABI call is never let through unseen: its number means another call on that ABI.
/// The search tree costs O(log ranges) instructions per call; with nothing trapped it is one
/// ALLOW. Jumps inside the tree are short (the conditional skips over one unconditional
/// <c>ja</c>), so the 8-bit jump offsets of BPF never overflow.
/// </remarks>
public static class SeccompFilter
{
    public const uint AuditArchX86_64 = 0xC000_003E;
    public const uint RetAllow = 0x7fff_0000;
    public const uint RetTrace = 0x7ff0_0000;
    public const uint RetErrno = 0x0005_0000;

    private const ushort LdAbsW = 0x20, Ja = 0x05, Jeq = 0x15, Jgt = 0x25, Jge = 0x35, Ret = 0x06;
    private const uint OffsetNr = 0, OffsetArch = 4, OffsetArgs = 16;

    /// <summary>The filter for <paramref name="policy"/>.</summary>
    /// <remarks>
    /// Built with plain arrays, not List&lt;T&gt;: mosrun builds one at every start, and generic
    /// collections of our own structs cannot be precompiled (ReadyToRun) and would be jitted.
    /// </remarks>
    public static SockFilter[] Build(TrapPolicy policy)
    {
        var ranges = Ranges(policy);
        var selfOnly = policy.SelfOnlyCalls().ToArray();
        int guards = 0;
        foreach (var entry in selfOnly)
            guards += GuardLength(entry);
        var program = new SockFilter[6 + guards + SearchLength(ranges.Length)];
        program[0] = new(LdAbsW, 0, 0, OffsetArch);
        program[1] = new(Jeq, 1, 0, AuditArchX86_64);
        program[2] = new(Ret, 0, 0, RetTrace | (uint)TrapReason.ForeignAbi);
        program[3] = new(LdAbsW, 0, 0, OffsetNr);
        program[4] = new(Jge, 0, 1, SyscallTable.X32SyscallBit);
        program[5] = new(Ret, 0, 0, RetTrace | (uint)TrapReason.ForeignAbi);
        int at = 6;
        foreach (var entry in selfOnly)
            at = EmitGuard(program, at, entry);
        int end = EmitSearch(program, at, ranges);
        System.Diagnostics.Debug.Assert(end == program.Length);
        return program;
    }

    /// <summary>The trapped numbers of <paramref name="policy"/> as disjoint, sorted ranges.</summary>
    public static (uint Low, uint High)[] Ranges(TrapPolicy policy)
    {
        int limit = SyscallTable.MaxNumber + 1;
        var ranges = new (uint Low, uint High)[limit + 1];
        int count = 0;
        foreach (int nr in policy.TrappedNumbers(limit))
        {
            if (count > 0 && ranges[count - 1].High == nr - 1)
                ranges[count - 1].High = (uint)nr;
            else
                ranges[count++] = ((uint)nr, (uint)nr);
        }
        if (policy.TrapUnknown)
        {
            // Numbers beyond the table belong to newer kernels: unknown, so they stop too.
            const uint top = SyscallTable.X32SyscallBit - 1;
            if (count > 0 && ranges[count - 1].High == limit - 1)
                ranges[count - 1].High = top;
            else
                ranges[count++] = ((uint)limit, top);
        }
        return ranges[..count];
    }

    private static int GuardLength(SyscallEntry entry) => 3 + 2 * entry.SelfArgs.Count;

    /// <summary>
    /// One self-only call (the accumulator holds nr, and still does after a block that does not match):
    /// <code>
    ///   jeq N, 0, skip        not this call: on to the next block
    ///   ld args[i]; jeq 0, 0, to-errno   for each argument that must name the caller (the low word: pid_t, int)
    ///   ret ALLOW
    ///   ret ERRNO(EPERM)
    /// </code>
    /// </summary>
    private static int EmitGuard(SockFilter[] program, int at, SyscallEntry entry)
    {
        int n = entry.SelfArgs.Count;
        program[at] = new(Jeq, 0, (byte)(2 * n + 2), (uint)entry.Number);
        for (int j = 0; j < n; j++)
        {
            program[at + 1 + 2 * j] = new(LdAbsW, 0, 0, OffsetArgs + 8 * (uint)entry.SelfArgs[j]);
            program[at + 2 + 2 * j] = new(Jeq, 0, (byte)(2 * (n - j) - 1), 0);
        }
        program[at + 1 + 2 * n] = new(Ret, 0, 0, RetAllow);
        program[at + 2 + 2 * n] = new(Ret, 0, 0, RetErrno | (uint)Errno.EPERM);
        return at + GuardLength(entry);
    }

    /// <summary>How many instructions <see cref="EmitSearch"/> emits for <paramref name="ranges"/> ranges.</summary>
    private static int SearchLength(int ranges) => ranges switch
    {
        0 => 1,
        1 => 4,
        _ => 2 + SearchLength(ranges / 2) + SearchLength(ranges - ranges / 2),
    };

    /// <summary>Emits the search over <paramref name="ranges"/> at <paramref name="at"/>; returns the index after it.</summary>
    private static int EmitSearch(SockFilter[] program, int at, ReadOnlySpan<(uint Low, uint High)> ranges)
    {
        if (ranges.Length == 0)
        {
            program[at] = new(Ret, 0, 0, RetAllow);
            return at + 1;
        }
        if (ranges.Length == 1)
        {
            var (low, high) = ranges[0];
            program[at] = new(Jge, 0, 2, low);       // below the range -> ALLOW
            program[at + 1] = new(Jgt, 1, 0, high);  // above the range -> ALLOW
            program[at + 2] = new(Ret, 0, 0, RetTrace | (uint)TrapReason.Policy);
            program[at + 3] = new(Ret, 0, 0, RetAllow);
            return at + 4;
        }
        int mid = ranges.Length / 2;
        program[at] = new(Jge, 0, 1, ranges[mid].Low); // >= pivot: take the ja to the right half
        program[at + 1] = new(Ja, 0, 0, (uint)SearchLength(mid));
        int right = EmitSearch(program, at + 2, ranges[..mid]);
        return EmitSearch(program, right, ranges[mid..]);
    }
}

/// <summary>Why a call stopped: the SECCOMP_RET_DATA of the filter, read back with PTRACE_GETEVENTMSG.</summary>
public enum TrapReason : ushort
{
    /// <summary>The mode's policy traps this call.</summary>
    Policy = 1,
    /// <summary>A call through the 32-bit or x32 ABI; its number means something else there.</summary>
    ForeignAbi = 2,
}

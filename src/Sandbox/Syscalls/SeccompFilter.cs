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

    private const ushort LdAbsW = 0x20, Ja = 0x05, Jeq = 0x15, Jgt = 0x25, Jge = 0x35, Ret = 0x06;
    private const uint OffsetNr = 0, OffsetArch = 4;

    /// <summary>The filter for <paramref name="policy"/>.</summary>
    public static SockFilter[] Build(TrapPolicy policy)
    {
        var program = new List<SockFilter>
        {
            new(LdAbsW, 0, 0, OffsetArch),
            new(Jeq, 1, 0, AuditArchX86_64),
            new(Ret, 0, 0, RetTrace | (uint)TrapReason.ForeignAbi),
            new(LdAbsW, 0, 0, OffsetNr),
            new(Jge, 0, 1, SyscallTable.X32SyscallBit),
            new(Ret, 0, 0, RetTrace | (uint)TrapReason.ForeignAbi),
        };
        EmitSearch(program, Ranges(policy));
        return [.. program];
    }

    /// <summary>The trapped numbers of <paramref name="policy"/> as disjoint, sorted ranges.</summary>
    public static List<(uint Low, uint High)> Ranges(TrapPolicy policy)
    {
        var ranges = new List<(uint Low, uint High)>();
        int limit = SyscallTable.MaxNumber + 1;
        foreach (int nr in policy.TrappedNumbers(limit))
        {
            if (ranges.Count > 0 && ranges[^1].High == nr - 1)
                ranges[^1] = (ranges[^1].Low, (uint)nr);
            else
                ranges.Add(((uint)nr, (uint)nr));
        }
        if (policy.TrapUnknown)
        {
            // Numbers beyond the table belong to newer kernels: unknown, so they stop too.
            const uint top = SyscallTable.X32SyscallBit - 1;
            if (ranges.Count > 0 && ranges[^1].High == limit - 1)
                ranges[^1] = (ranges[^1].Low, top);
            else
                ranges.Add(((uint)limit, top));
        }
        return ranges;
    }

    private static void EmitSearch(List<SockFilter> program, List<(uint Low, uint High)> ranges)
    {
        if (ranges.Count == 0)
        {
            program.Add(new(Ret, 0, 0, RetAllow));
            return;
        }
        if (ranges.Count == 1)
        {
            var (low, high) = ranges[0];
            program.Add(new(Jge, 0, 2, low));   // below the range -> ALLOW
            program.Add(new(Jgt, 1, 0, high));  // above the range -> ALLOW
            program.Add(new(Ret, 0, 0, RetTrace | (uint)TrapReason.Policy));
            program.Add(new(Ret, 0, 0, RetAllow));
            return;
        }
        int mid = ranges.Count / 2;
        var left = new List<SockFilter>();
        EmitSearch(left, ranges[..mid]);
        program.Add(new(Jge, 0, 1, ranges[mid].Low)); // >= pivot: take the ja to the right half
        program.Add(new(Ja, 0, 0, (uint)left.Count));
        program.AddRange(left);
        EmitSearch(program, ranges[mid..]);
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

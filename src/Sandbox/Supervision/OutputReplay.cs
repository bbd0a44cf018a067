using System.Buffers.Binary;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

/// <summary>
/// A process restarted from an image makes again the writes it made after it: those whose bytes
/// already reached their reader (<see cref="DeliveredOutput"/>) are skipped, so the reader sees each
/// byte once, as from a run that never restarted.
/// </summary>
/// <remarks>
/// How: while anything is held back, the process runs under PTRACE_SYSCALL. At the entry of a
/// write or writev on a descriptor with bytes held back, the bytes it writes are read
/// (process_vm_readv) and compared with the head of what is held back:
/// <code>
///   all equal            -> skipped (orig_rax = -1); at the exit it returns its count
///   held back runs out   -> write: the held-back part skipped (buf advanced, count shrunk), the
///                           rest written, the part added back at the exit; writev: skipped,
///                           returning the held-back part (a short write)
///   different bytes      -> one notice, the descriptor's record dropped, the call made as it is
/// </code>
/// Once nothing is held back the process is resumed with PTRACE_CONT again: it costs nothing after.
/// Tracer thread only; for one tracee (the restarted process).
/// </remarks>
internal sealed class OutputReplay(DeliveredOutput delivered, Action<string> notice)
{
    private const int Window = 64 * 1024, MaxIoVecs = 1024;

    /// <summary>The exit of a call changed at its entry: what it returns, and the registers to put back.</summary>
    private (long AddBack, ulong Rsi, ulong Rdx)? _atExit;

    /// <summary>Still needs to see the process's calls.</summary>
    public bool Active => !delivered.IsEmpty || _atExit is not null;

    public void OnEntry(int tid)
    {
        UserRegs regs = default;
        if (!Registers.TryGet(tid, ref regs))
            return;
        long number = (long)regs.OrigRax;
        int fd = (int)regs.Rdi;
        if (number is not (Sys.Write or Sys.Writev) || delivered.Remaining(fd) == 0)
            return;
        var pieces = number == Sys.Write ? Piece(regs.Rsi, regs.Rdx) : IoVecs(tid, regs.Rsi, regs.Rdx);
        if (pieces is null)
            return; // unreadable or invalid: the kernel answers it (EFAULT, EINVAL)
        long total = pieces.Sum(p => p.Length);
        long comparable = Math.Min(total, delivered.Remaining(fd));
        if (comparable == 0)
            return;
        long matched = Matched(tid, fd, pieces, comparable);
        if (matched < comparable)
        {
            notice($"the restarted process wrote other bytes to descriptor {fd} than before its node was lost; " +
                "they are delivered as written (the reader may see some output twice, or differing)");
            delivered.Drop(fd);
            return;
        }
        delivered.Consume(fd, matched);
        _atExit = (matched, regs.Rsi, regs.Rdx);
        if (matched < total && number == Sys.Write)
        {
            regs.Rsi += (ulong)matched;
            regs.Rdx -= (ulong)matched;
        }
        else
        {
            regs.OrigRax = ulong.MaxValue; // skipped (ptrace(2), syscall-enter-stop)
            regs.Rax = 0;
        }
        Registers.TrySet(tid, regs);
    }

    public void OnExit(int tid)
    {
        if (_atExit is not { } fix)
            return;
        _atExit = null;
        UserRegs regs = default;
        if (!Registers.TryGet(tid, ref regs))
            return;
        // What the rest returned after the part held back: its count, or the part alone if the rest
        // failed (a kernel restart code included: those bytes are written, the call must not be made again).
        long rest = (long)regs.Rax;
        regs.Rax = (ulong)(rest >= 0 ? rest + fix.AddBack : fix.AddBack);
        regs.Rsi = fix.Rsi;
        regs.Rdx = fix.Rdx;
        Registers.TrySet(tid, regs);
    }

    /// <summary>How many of the first <paramref name="comparable"/> bytes the call writes equal what is held back.</summary>
    private long Matched(int tid, int fd, List<(ulong Base, long Length)> pieces, long comparable)
    {
        var window = new byte[(int)Math.Min(comparable, Window)];
        long matched = 0;
        foreach (var (address, length) in pieces)
        {
            for (long done = 0; done < length && matched < comparable;)
            {
                int n = (int)Math.Min(Math.Min(length - done, comparable - matched), window.Length);
                if (!ProcessMemory.TryRead(tid, address + (ulong)done, window.AsSpan(0, n)))
                    return matched;
                int same = delivered.CommonPrefix(fd, window.AsSpan(0, n), matched);
                matched += same;
                if (same < n)
                    return matched;
                done += n;
            }
        }
        return matched;
    }

    private static List<(ulong Base, long Length)>? Piece(ulong address, ulong length) =>
        length > long.MaxValue ? null : [(address, (long)length)];

    private static List<(ulong Base, long Length)>? IoVecs(int tid, ulong array, ulong count)
    {
        if (count > MaxIoVecs)
            return null;
        var raw = new byte[(int)count * 16];
        if (!ProcessMemory.TryRead(tid, array, raw))
            return null;
        var pieces = new List<(ulong, long)>((int)count);
        long total = 0;
        for (int i = 0; i < (int)count; i++)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 16 + 8));
            if (length > long.MaxValue || (total += (long)length) < 0)
                return null;
            pieces.Add((BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(i * 16)), (long)length));
        }
        return pieces;
    }
}

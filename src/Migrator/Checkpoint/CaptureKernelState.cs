using System.Buffers.Binary;
using Google.Protobuf;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;
using ThreadState = Mosix.Migrator.Images.ThreadState;

namespace Mosix.Migrator.Checkpoint;

/// <summary>
/// The kernel state a process cannot be asked about from outside, read by injecting the getters
/// into it (rt_sigaction, sigaltstack, getitimer, get_robust_list, prctl(PR_GET_TID_ADDRESS), brk).
/// </summary>
internal static class CaptureKernelState
{
    private const int MaxSignal = 64, KernelSigactionSize = 32;
    private const ulong SigKill = 9, SigStop = 19, SigDfl = 0;
    private const ulong ActionsOffset = 0, AltStackOffset = 4096, TimersOffset = 4096 + 64, RobustOffset = 4096 + 256;

    public sealed record Captured(SignalState Signals, ThreadState Thread, List<Itimer> Itimers, ulong Brk);

    public static Captured Read(RemoteSyscalls remote)
    {
        using var scratch = RemoteScratch.Map(remote, 8192);
        int tid = remote.Tracee.Tid;

        var signals = new SignalState { Blocked = ExtendedState.GetSignalMask(tid) };
        for (ulong sig = 1; sig <= MaxSignal; sig++)
        {
            if (sig is SigKill or SigStop)
                continue;
            remote.Syscall(Sys.RtSigaction, sig, 0, scratch.Address + ActionsOffset + sig * KernelSigactionSize, 8);
        }
        var actions = scratch.Get(ActionsOffset, (MaxSignal + 1) * KernelSigactionSize);
        for (int sig = 1; sig <= MaxSignal; sig++)
        {
            var a = actions.AsSpan(sig * KernelSigactionSize, KernelSigactionSize);
            ulong handler = BinaryPrimitives.ReadUInt64LittleEndian(a);
            ulong flags = BinaryPrimitives.ReadUInt64LittleEndian(a[8..]);
            ulong mask = BinaryPrimitives.ReadUInt64LittleEndian(a[24..]);
            if (handler == SigDfl && flags == 0 && mask == 0)
                continue;
            signals.Actions.Add(new SignalAction { Signo = sig, Handler = handler, Flags = flags, Restorer = BinaryPrimitives.ReadUInt64LittleEndian(a[16..]), Mask = mask });
        }
        foreach (var info in ExtendedState.PeekPendingSignals(tid, processWide: false))
            signals.Pending.Add(new PendingSignal { Siginfo = ByteString.CopyFrom(info), ProcessWide = false });
        foreach (var info in ExtendedState.PeekPendingSignals(tid, processWide: true))
            signals.Pending.Add(new PendingSignal { Siginfo = ByteString.CopyFrom(info), ProcessWide = true });

        signals.AltStack = AltStackOf(remote, scratch, AltStackOffset);

        var itimers = new List<Itimer>();
        for (int which = 0; which < 3; which++)
        {
            remote.Checked(Sys.Getitimer, (ulong)which, scratch.Address + TimersOffset);
            var t = scratch.Get(TimersOffset, 32);
            long interval = Microseconds(t.AsSpan(0, 16)), value = Microseconds(t.AsSpan(16, 16));
            if (interval != 0 || value != 0)
                itimers.Add(new Itimer { Which = which, IntervalUs = interval, ValueUs = value });
        }

        var thread = RegistrationsOf(remote, scratch, RobustOffset);

        ulong brk = (ulong)remote.Syscall(Sys.Brk, 0);
        return new Captured(signals, thread, itimers, brk);
    }

    /// <summary>The calling thread's alternate signal stack (sigaltstack), through 24 bytes of scratch at <paramref name="offset"/>.</summary>
    public static AltStack AltStackOf(RemoteSyscalls remote, RemoteScratch scratch, ulong offset)
    {
        remote.Checked(Sys.Sigaltstack, 0, scratch.Address + offset);
        var ss = scratch.Get(offset, 24);
        return new AltStack
        {
            Sp = BinaryPrimitives.ReadUInt64LittleEndian(ss),
            Flags = BinaryPrimitives.ReadInt32LittleEndian(ss.AsSpan(8)),
            Size = BinaryPrimitives.ReadUInt64LittleEndian(ss.AsSpan(16)),
        };
    }

    /// <summary>
    /// The calling thread's registrations with the kernel (robust futex list, clear_child_tid, rseq),
    /// through 64 bytes of scratch at <paramref name="offset"/>.
    /// </summary>
    public static ThreadState RegistrationsOf(RemoteSyscalls remote, RemoteScratch scratch, ulong offset)
    {
        ulong robustAt = scratch.Address + offset, tidAddressAt = robustAt + 16;
        remote.Checked(Sys.GetRobustList, 0, robustAt, robustAt + 8);
        var robust = scratch.Get(offset, 16);
        long tidAddressResult = remote.Syscall(Sys.Prctl, Mman.PR_GET_TID_ADDRESS, tidAddressAt);
        var rseq = ExtendedState.GetRseq(remote.Tracee.Tid);
        return new ThreadState
        {
            RobustList = BinaryPrimitives.ReadUInt64LittleEndian(robust),
            RobustListLen = BinaryPrimitives.ReadUInt64LittleEndian(robust.AsSpan(8)),
            ClearChildTid = tidAddressResult == 0 ? BinaryPrimitives.ReadUInt64LittleEndian(scratch.Get(offset + 16, 8)) : 0,
            Rseq = rseq.Address == 0 ? null : new Rseq { Address = rseq.Address, Length = rseq.Length, Flags = rseq.Flags, Signature = rseq.Signature },
        };
    }

    private static long Microseconds(ReadOnlySpan<byte> timeval) =>
        BinaryPrimitives.ReadInt64LittleEndian(timeval) * 1_000_000 + BinaryPrimitives.ReadInt64LittleEndian(timeval[8..]);
}

using System.Runtime.InteropServices;
using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Tracing;

/// <summary>
/// What ptrace shows of a stopped thread beyond its general registers: the XSAVE area (x87, SSE,
/// AVX...), its pending signals and its rseq registration.
/// </summary>
public static unsafe class ExtendedState
{
    private const int PTRACE_PEEKSIGINFO = 0x4209, PTRACE_GETSIGMASK = 0x420a, PTRACE_SETSIGMASK = 0x420b,
        PTRACE_GET_RSEQ_CONFIGURATION = 0x420f;
    private const uint PTRACE_PEEKSIGINFO_SHARED = 1;
    public const int SigInfoSize = 128;

    [StructLayout(LayoutKind.Sequential)]
    private struct PeekSigInfoArgs
    {
        public ulong Offset;
        public uint Flags;
        public int Count;
    }

    /// <summary>struct ptrace_rseq_configuration (linux/ptrace.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RseqConfiguration
    {
        public ulong Address;
        public uint Length;
        public uint Signature;
        public uint Flags;
        public uint Padding;
    }

    /// <summary>The thread's XSAVE area (NT_X86_XSTATE), as long as the CPU makes it.</summary>
    public static byte[] GetXState(int tid)
    {
        var buffer = new byte[64 * 1024];
        fixed (byte* p = buffer)
        {
            var iov = new ProcessVm.IoVec { Base = (nint)p, Length = (nuint)buffer.Length };
            long r = Ptrace.Request(Ptrace.PTRACE_GETREGSET, tid, Ptrace.NT_X86_XSTATE, (nint)(&iov));
            if (r < 0)
                throw new TraceeGoneException(tid);
            return buffer.AsSpan(0, (int)iov.Length).ToArray();
        }
    }

    /// <summary>Loads an XSAVE area into the thread (NT_X86_XSTATE).</summary>
    public static void SetXState(int tid, ReadOnlySpan<byte> xstate)
    {
        fixed (byte* p = xstate)
        {
            var iov = new ProcessVm.IoVec { Base = (nint)p, Length = (nuint)xstate.Length };
            long r = Ptrace.Request(Ptrace.PTRACE_SETREGSET, tid, Ptrace.NT_X86_XSTATE, (nint)(&iov));
            if (r < 0)
                throw new InvalidOperationException($"cannot load the FPU/AVX state: {Errno.Describe((int)-r)}");
        }
    }

    /// <summary>
    /// The siginfo of each signal queued for the thread (<paramref name="processWide"/> false) or
    /// for its whole process (true), without dequeuing them.
    /// </summary>
    public static List<byte[]> PeekPendingSignals(int tid, bool processWide)
    {
        var result = new List<byte[]>();
        var buffer = new byte[SigInfoSize * 32];
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var args = new PeekSigInfoArgs { Offset = (ulong)result.Count, Flags = processWide ? PTRACE_PEEKSIGINFO_SHARED : 0, Count = 32 };
                long n = Ptrace.Request(PTRACE_PEEKSIGINFO, tid, (nint)(&args), (nint)p);
                if (n < 0)
                    throw new TraceeGoneException(tid);
                for (int i = 0; i < n; i++)
                    result.Add(buffer.AsSpan(i * SigInfoSize, SigInfoSize).ToArray());
                if (n < 32)
                    return result;
            }
        }
    }

    /// <summary>The thread's signal mask (PTRACE_GETSIGMASK).</summary>
    public static ulong GetSignalMask(int tid)
    {
        ulong mask = 0;
        if (Ptrace.Request(PTRACE_GETSIGMASK, tid, sizeof(ulong), (nint)(&mask)) < 0)
            throw new TraceeGoneException(tid);
        return mask;
    }

    /// <summary>Sets the thread's signal mask (PTRACE_SETSIGMASK); signals it unblocks are delivered when the thread resumes.</summary>
    public static void SetSignalMask(int tid, ulong mask)
    {
        if (Ptrace.Request(PTRACE_SETSIGMASK, tid, sizeof(ulong), (nint)(&mask)) < 0)
            throw new TraceeGoneException(tid);
    }

    /// <summary>The thread's rseq registration; a zero address when it has none.</summary>
    public static RseqConfiguration GetRseq(int tid)
    {
        RseqConfiguration config = default;
        long r = Ptrace.Request(PTRACE_GET_RSEQ_CONFIGURATION, tid, sizeof(RseqConfiguration), (nint)(&config));
        if (r < 0)
            throw new TraceeGoneException(tid);
        return config;
    }
}

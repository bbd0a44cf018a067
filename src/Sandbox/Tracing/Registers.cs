using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Tracing;

/// <summary>PTRACE_GETREGS and PTRACE_SETREGS for a stopped tracee.</summary>
public static unsafe class Registers
{
    /// <summary>Reads the general registers; false if the tracee is gone (ESRCH).</summary>
    public static bool TryGet(int tid, ref UserRegs regs)
    {
        fixed (UserRegs* p = &regs)
            return Ptrace.Request(Ptrace.PTRACE_GETREGS, tid, 0, (nint)p) == 0;
    }

    /// <summary>Writes the general registers; false if the tracee is gone (ESRCH).</summary>
    public static bool TrySet(int tid, in UserRegs regs)
    {
        fixed (UserRegs* p = &regs)
            return Ptrace.Request(Ptrace.PTRACE_SETREGS, tid, 0, (nint)p) == 0;
    }

    /// <summary>Reads the general registers or throws <see cref="TraceeGoneException"/>.</summary>
    public static UserRegs Get(int tid)
    {
        UserRegs regs = default;
        if (!TryGet(tid, ref regs))
            throw new TraceeGoneException(tid);
        return regs;
    }

    /// <summary>Writes the general registers or throws <see cref="TraceeGoneException"/>.</summary>
    public static void Set(int tid, in UserRegs regs)
    {
        if (!TrySet(tid, regs))
            throw new TraceeGoneException(tid);
    }
}

/// <summary>The tracee died (SIGKILL, the tree was killed) while the supervisor worked on it.</summary>
public sealed class TraceeGoneException(int tid) : Exception($"process {tid} is gone")
{
    public int Tid { get; } = tid;

    /// <summary>Its exit status, when this tracer already collected it; the supervisor must not wait for it again.</summary>
    public WaitStatus? Status { get; init; }
}

using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Tracing;

/// <summary>
/// struct user_regs_struct of x86-64 (sys/user.h), as PTRACE_GETREGS fills it.
/// At a system-call stop: <see cref="OrigRax"/> is the call number, <see cref="Rax"/> its result
/// (-ENOSYS on entry), arguments are rdi, rsi, rdx, r10, r8, r9.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct UserRegs
{
    public ulong R15, R14, R13, R12, Rbp, Rbx, R11, R10, R9, R8, Rax, Rcx, Rdx, Rsi, Rdi;
    public ulong OrigRax, Rip, Cs, Eflags, Rsp, Ss, FsBase, GsBase, Ds, Es, Fs, Gs;

    /// <summary>System-call argument <paramref name="index"/> (0-5) in the x86-64 calling convention.</summary>
    public readonly ulong Arg(int index) => index switch
    {
        0 => Rdi, 1 => Rsi, 2 => Rdx, 3 => R10, 4 => R8, 5 => R9,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Sets up a system call: number and up to six arguments.</summary>
    public void SetSyscall(long number, ReadOnlySpan<ulong> args)
    {
        Rax = (ulong)number;
        Rdi = args.Length > 0 ? args[0] : 0;
        Rsi = args.Length > 1 ? args[1] : 0;
        Rdx = args.Length > 2 ? args[2] : 0;
        R10 = args.Length > 3 ? args[3] : 0;
        R8 = args.Length > 4 ? args[4] : 0;
        R9 = args.Length > 5 ? args[5] : 0;
    }
}

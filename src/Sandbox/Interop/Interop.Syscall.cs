using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>syscall(2) in this process, for calls made on a process's behalf with its arguments.</summary>
public static partial class RawSyscall
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall6(long number, ulong a0, ulong a1, ulong a2, ulong a3, ulong a4, ulong a5);

    /// <summary>The kernel's answer as a process would see it in rax: the result, or -errno.</summary>
    public static long Invoke(long number, ReadOnlySpan<ulong> args)
    {
        long r = Syscall6(number, args[0], args[1], args[2], args[3], args[4], args[5]);
        return r == -1 ? -Marshal.GetLastSystemError() : r;
    }
}

using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>ptrace(2). Every call must come from the tracer thread that seized the tracee.</summary>
internal static partial class Ptrace
{
    public const int PTRACE_PEEKDATA = 2;
    public const int PTRACE_POKEDATA = 5;
    public const int PTRACE_CONT = 7;
    public const int PTRACE_KILL = 8;
    public const int PTRACE_SINGLESTEP = 9;
    public const int PTRACE_GETREGS = 12;
    public const int PTRACE_SETREGS = 13;
    public const int PTRACE_SYSCALL = 24;
    public const int PTRACE_GETEVENTMSG = 0x4201;
    public const int PTRACE_GETSIGINFO = 0x4202;
    public const int PTRACE_GETREGSET = 0x4204;
    public const int PTRACE_SETREGSET = 0x4205;
    public const int PTRACE_SEIZE = 0x4206;
    public const int PTRACE_INTERRUPT = 0x4207;
    public const int PTRACE_LISTEN = 0x4208;
    public const int PTRACE_GET_SYSCALL_INFO = 0x420e;

    /// <summary>ptrace_syscall_info.op: which syscall stop this is (linux/ptrace.h).</summary>
    public const byte PTRACE_SYSCALL_INFO_ENTRY = 1, PTRACE_SYSCALL_INFO_EXIT = 2;

    public const int PTRACE_O_TRACESYSGOOD = 0x01;
    public const int PTRACE_O_TRACEFORK = 0x02;
    public const int PTRACE_O_TRACEVFORK = 0x04;
    public const int PTRACE_O_TRACECLONE = 0x08;
    public const int PTRACE_O_TRACEEXEC = 0x10;
    public const int PTRACE_O_TRACEEXIT = 0x40;
    public const int PTRACE_O_TRACESECCOMP = 0x80;
    public const int PTRACE_O_EXITKILL = 0x100000;

    public const int PTRACE_EVENT_FORK = 1;
    public const int PTRACE_EVENT_VFORK = 2;
    public const int PTRACE_EVENT_CLONE = 3;
    public const int PTRACE_EVENT_EXEC = 4;
    public const int PTRACE_EVENT_VFORK_DONE = 5;
    public const int PTRACE_EVENT_EXIT = 6;
    public const int PTRACE_EVENT_SECCOMP = 7;
    public const int PTRACE_EVENT_STOP = 128;

    /// <summary>The options every tracee is seized with (issue 2; DESIGN.md).</summary>
    public const int SupervisorOptions =
        PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
        PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL;

    /// <summary>NT_PRSTATUS and NT_X86_XSTATE for PTRACE_GETREGSET (elf.h).</summary>
    public const int NT_PRSTATUS = 1;
    public const int NT_X86_XSTATE = 0x202;

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    private static partial long Raw(long request, int pid, nint addr, nint data);

    /// <summary>One ptrace request; the result, or -errno.</summary>
    public static long Request(int request, int pid, nint addr = 0, nint data = 0)
    {
        Tracing.TracerThread.AssertOwner();
        long r = Raw(request, pid, addr, data);
        return r == -1 ? -Marshal.GetLastSystemError() : r;
    }

    /// <summary>PTRACE_PEEKDATA, whose result may legitimately be -1: errno tells.</summary>
    public static bool TryPeek(int pid, nint addr, out long word)
    {
        Tracing.TracerThread.AssertOwner();
        Marshal.SetLastSystemError(0);
        word = Raw(PTRACE_PEEKDATA, pid, addr, 0);
        return word != -1 || Marshal.GetLastSystemError() == 0;
    }

    /// <summary>
    /// At a syscall stop: whether it is the entry or the exit (PTRACE_SYSCALL_INFO_*), which the
    /// stop's status does not tell; 0 if the kernel cannot say (the tracee is gone).
    /// </summary>
    public static unsafe byte SyscallStopKind(int pid)
    {
        byte* info = stackalloc byte[88]; // struct ptrace_syscall_info; op is its first byte
        long r = Request(PTRACE_GET_SYSCALL_INFO, pid, 88, (nint)info);
        return r > 0 ? info[0] : (byte)0;
    }

    public static unsafe long GetEventMessage(int pid)
    {
        ulong message = 0;
        long r = Request(PTRACE_GETEVENTMSG, pid, 0, (nint)(&message));
        return r < 0 ? r : (long)message;
    }
}

using System.Globalization;
using System.Text;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

/// <summary>
/// Writes trapped calls for <c>--log-syscalls</c>, one line each, strace-like:
/// <c>[tid] openat(-100, "/etc/passwd", 0x80000, 0) = 3</c>. Arguments are rendered by their
/// shapes in the syscall table; errors by errno name.
/// </summary>
internal sealed class SyscallLog(TextWriter writer)
{
    /// <summary>The entry half of a line, read while the tracee sits at the call's entry.</summary>
    public string Describe(int tid, in UserRegs regs, TrapReason reason)
    {
        var line = new StringBuilder();
        line.Append('[').Append(tid).Append("] ");
        if (reason == TrapReason.ForeignAbi)
        {
            // 32-bit or x32 ABI: the number means something else there; show it raw.
            line.Append(CultureInfo.InvariantCulture, $"foreign-abi syscall {regs.OrigRax:x}(...)");
            return line.ToString();
        }
        var entry = SyscallTable.Find((long)regs.OrigRax);
        line.Append(entry?.Name ?? $"syscall_{(long)regs.OrigRax}").Append('(');
        int count = entry?.Args.Count ?? 6;
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
                line.Append(", ");
            line.Append(Render(tid, entry?.Args[i] ?? ArgShape.Ptr, regs.Arg(i)));
        }
        return line.Append(')').ToString();
    }

    /// <summary>Writes the whole line once the result is known.</summary>
    public void Complete(string call, long result)
    {
        string outcome = result < 0 && result > -4096 ? $"-1 {ErrnoName((int)-result)}" : result.ToString(CultureInfo.InvariantCulture);
        writer.WriteLine($"{call} = {outcome}");
    }

    private static string Render(int tid, ArgShape shape, ulong value) => shape.Kind switch
    {
        // Most integer arguments are C ints: show -100 (AT_FDCWD), not 4294967196.
        ArgKind.Int or ArgKind.Fd when value <= uint.MaxValue => ((int)(uint)value).ToString(CultureInfo.InvariantCulture),
        ArgKind.Int or ArgKind.Fd => ((long)value).ToString(CultureInfo.InvariantCulture),
        ArgKind.Path or ArgKind.String => ProcessMemory.ReadCString(tid, value, 256) is { } s ? Quote(s) : $"0x{value:x}",
        _ => value == 0 ? "NULL" : $"0x{value:x}",
    };

    private static string Quote(string s) =>
        "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    private static string ErrnoName(int errno) => errno switch
    {
        Errno.EPERM => "EPERM", Errno.ENOENT => "ENOENT", Errno.ESRCH => "ESRCH", Errno.EINTR => "EINTR",
        Errno.EBADF => "EBADF", Errno.ECHILD => "ECHILD", Errno.EAGAIN => "EAGAIN", Errno.ENOMEM => "ENOMEM",
        Errno.EACCES => "EACCES", Errno.EFAULT => "EFAULT", Errno.EEXIST => "EEXIST", Errno.ENOTDIR => "ENOTDIR",
        Errno.EINVAL => "EINVAL", Errno.ENOSYS => "ENOSYS", Errno.ENOEXEC => "ENOEXEC", Errno.ELOOP => "ELOOP",
        512 => "ERESTARTSYS", 513 => "ERESTARTNOINTR", 514 => "ERESTARTNOHAND", 516 => "ERESTART_RESTARTBLOCK",
        _ => $"E{errno}",
    };
}

using System.Globalization;
using Google.Protobuf;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Tracing;
using Registers = Mosix.Migrator.Images.Registers;

namespace Mosix.Migrator.Checkpoint;

/// <summary>The parts of an image read from /proc and ptrace without running anything in the process.</summary>
internal static class CaptureProcess
{
    /// <summary>An interrupted call the kernel would resume with restart_syscall(2) needs state an image does not carry.</summary>
    private const long ERESTART_RESTARTBLOCK = -516, ERESTARTNOINTR = -513, EINTR = 4;

    public static ImageOrigin Origin(int pid, string takenBy)
    {
        var origin = new ImageOrigin
        {
            Program = SafeLink($"/proc/{pid}/exe"),
            Comm = File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n'),
            Pid = pid,
            Uid = Libc.GetUid(),
            Node = Environment.MachineName,
            Kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            TakenUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            TakenBy = takenBy,
        };
        var cmdline = File.ReadAllBytes($"/proc/{pid}/cmdline");
        foreach (var arg in System.Text.Encoding.UTF8.GetString(cmdline).TrimEnd('\0').Split('\0'))
            origin.Argv.Add(arg);
        return origin;
    }

    /// <summary>
    /// General registers and the XSAVE area. A call interrupted for restart through restart_block
    /// (nanosleep and friends) is turned into a plain restart of the same call: the remaining time
    /// lives in the kernel, not in the image, so the call starts over. Except a futex wait with a
    /// relative timeout: started over it would wait the whole timeout again, past its deadline; it
    /// returns EINTR instead, the early wake-up every futex user must expect (a lost one is never allowed).
    /// </summary>
    public static Registers Registers(int tid)
    {
        var regs = Sandbox.Tracing.Registers.Get(tid);
        if ((long)regs.Rax == ERESTART_RESTARTBLOCK)
            regs.Rax = unchecked((ulong)(IsRelativeFutexWait(regs) ? -EINTR : ERESTARTNOINTR));
        return new Registers
        {
            UserRegs = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<UserRegs>(ref regs))),
            Xstate = ByteString.CopyFrom(ExtendedState.GetXState(tid)),
        };
    }

    /// <summary>FUTEX_WAIT (not FUTEX_WAIT_BITSET, whose timeout is a deadline) with a timeout.</summary>
    private static bool IsRelativeFutexWait(in UserRegs regs)
    {
        const ulong FUTEX_WAIT = 0, FUTEX_CMD_MASK = 0x7f;
        return (long)regs.OrigRax == Sandbox.Syscalls.Sys.Futex && (regs.Rsi & FUTEX_CMD_MASK) == FUTEX_WAIT && regs.R10 != 0;
    }

    /// <summary>The mm fields of /proc/PID/stat (proc(5): fields 26-28, 45-51) and the aux vector; brk comes from the caller.</summary>
    public static MemoryLayout Layout(int pid, ulong brk)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which may itself hold spaces and parentheses.
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        ulong Field(int number) => ulong.Parse(f[number - 3], CultureInfo.InvariantCulture);
        return new MemoryLayout
        {
            StartCode = Field(26),
            EndCode = Field(27),
            StartStack = Field(28),
            StartData = Field(45),
            EndData = Field(46),
            StartBrk = Field(47),
            Brk = brk,
            ArgStart = Field(48),
            ArgEnd = Field(49),
            EnvStart = Field(50),
            EnvEnd = Field(51),
            Auxv = ByteString.CopyFrom(File.ReadAllBytes($"/proc/{pid}/auxv")),
        };
    }

    public static VdsoPlacement Vdso(IEnumerable<Vma> areas)
    {
        var placement = new VdsoPlacement();
        foreach (var area in areas.Where(a => a.IsVdsoArea))
            placement.Areas.Add(new VdsoArea { Name = area.Path, Start = area.Start, End = area.End });
        return placement;
    }

    public static string Cwd(int pid) => SafeLink($"/proc/{pid}/cwd");

    private static string SafeLink(string path) => new FileInfo(path).LinkTarget ?? "";
}

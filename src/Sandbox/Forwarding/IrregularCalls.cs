using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// Home calls whose pointer argument has no fixed shape: the shape depends on another argument
/// (an ioctl's request, an fcntl's or a semctl's command, getgroups' count). One rule per call,
/// each a table of the commands served; anything else is not served.
/// </summary>
internal static class IrregularCalls
{
    /// <summary>Which argument points to memory, which way it goes, and how many bytes (0: none, a plain integer).</summary>
    private readonly record struct Shape(int ArgIndex, BufferDirection Direction, int Size);

    private static Shape Integer => new(-1, BufferDirection.In, 0);

    /// <summary>ioctl requests by number (asm-generic/ioctls.h): which way the argument goes, how big it is.</summary>
    private static readonly Dictionary<ulong, Shape> s_ioctls = new()
    {
        [0x5401] = new(2, BufferDirection.Out, 60),  // TCGETS: isatty(), termios
        [0x5402] = new(2, BufferDirection.In, 60),   // TCSETS
        [0x5403] = new(2, BufferDirection.In, 60),   // TCSETSW
        [0x5404] = new(2, BufferDirection.In, 60),   // TCSETSF
        [0x540F] = new(2, BufferDirection.Out, 4),   // TIOCGPGRP
        [0x5410] = new(2, BufferDirection.In, 4),    // TIOCSPGRP
        [0x5413] = new(2, BufferDirection.Out, 8),   // TIOCGWINSZ
        [0x5414] = new(2, BufferDirection.In, 8),    // TIOCSWINSZ
        [0x541B] = new(2, BufferDirection.Out, 4),   // FIONREAD
        [0x5421] = new(2, BufferDirection.In, 4),    // FIONBIO
        [0x5450] = Integer,                          // FIONCLEX
        [0x5451] = Integer,                          // FIOCLEX
        // Loop devices (linux/loop.h): their files and descriptors are home's, as the device is.
        [0x4C00] = Integer,                                   // LOOP_SET_FD (a home descriptor)
        [0x4C01] = Integer,                                   // LOOP_CLR_FD
        [0x4C04] = new(2, BufferDirection.In, LoopInfo64Size),  // LOOP_SET_STATUS64
        [0x4C05] = new(2, BufferDirection.Out, LoopInfo64Size), // LOOP_GET_STATUS64
        [0x4C06] = Integer,                                   // LOOP_CHANGE_FD
        [0x4C07] = Integer,                                   // LOOP_SET_CAPACITY
        [0x4C08] = Integer,                                   // LOOP_SET_DIRECT_IO
        [0x4C09] = Integer,                                   // LOOP_SET_BLOCK_SIZE
        [0x4C0A] = new(2, BufferDirection.In, LoopConfigSize),  // LOOP_CONFIGURE
        [0x4C80] = Integer,                                   // LOOP_CTL_ADD
        [0x4C81] = Integer,                                   // LOOP_CTL_REMOVE
        [0x4C82] = Integer,                                   // LOOP_CTL_GET_FREE
    };

    /// <summary>struct loop_info64 and struct loop_config (its descriptor, block size, info, 8 reserved u64).</summary>
    private const int LoopInfo64Size = 232, LoopConfigSize = 4 + 4 + LoopInfo64Size + 64;

    /// <summary>struct flock on x86-64: type, whence, start, len, pid (and padding).</summary>
    private const int FlockSize = 32;

    /// <summary>fcntl commands by number (fcntl(2), asm-generic/fcntl.h, linux/fcntl.h).</summary>
    /// <remarks>
    /// Record locks are the deputy's: it is the process at home, so the kernel there keeps them,
    /// sees them conflict with other home processes' and drops them when the process ends. The
    /// pid F_GETLK reports is a home pid, which is what the process sees of every process.
    /// </remarks>
    private static readonly Dictionary<ulong, Shape> s_fcntls = new()
    {
        [0] = Integer,                                   // F_DUPFD
        [1] = Integer,                                   // F_GETFD
        [2] = Integer,                                   // F_SETFD
        [3] = Integer,                                   // F_GETFL
        [4] = Integer,                                   // F_SETFL
        [5] = new(2, BufferDirection.InOut, FlockSize),  // F_GETLK
        [6] = new(2, BufferDirection.In, FlockSize),     // F_SETLK
        [7] = new(2, BufferDirection.In, FlockSize),     // F_SETLKW
        [8] = Integer,                                   // F_SETOWN (a home pid or process group)
        [9] = Integer,                                   // F_GETOWN
        [10] = Integer,                                  // F_SETSIG
        [11] = Integer,                                  // F_GETSIG
        [15] = new(2, BufferDirection.In, 8),            // F_SETOWN_EX: struct f_owner_ex
        [16] = new(2, BufferDirection.Out, 8),           // F_GETOWN_EX
        [36] = new(2, BufferDirection.InOut, FlockSize), // F_OFD_GETLK
        [37] = new(2, BufferDirection.In, FlockSize),    // F_OFD_SETLK
        [38] = new(2, BufferDirection.In, FlockSize),    // F_OFD_SETLKW
        [1024] = Integer,                                // F_SETLEASE
        [1025] = Integer,                                // F_GETLEASE
        [1026] = Integer,                                // F_NOTIFY
        [1030] = Integer,                                // F_DUPFD_CLOEXEC
        [1031] = Integer,                                // F_SETPIPE_SZ
        [1032] = Integer,                                // F_GETPIPE_SZ
        [1033] = Integer,                                // F_ADD_SEALS
        [1034] = Integer,                                // F_GET_SEALS
        [1035] = new(2, BufferDirection.Out, 8),         // F_GET_RW_HINT: u64
        [1036] = new(2, BufferDirection.In, 8),          // F_SET_RW_HINT
        [1037] = new(2, BufferDirection.Out, 8),         // F_GET_FILE_RW_HINT
        [1038] = new(2, BufferDirection.In, 8),          // F_SET_FILE_RW_HINT
    };

    /// <summary>struct semid64_ds and struct seminfo on x86-64.</summary>
    private const int SemidDsSize = 104, SeminfoSize = 40;

    /// <summary>
    /// semctl commands (linux/sem.h, linux/ipc.h) whose fourth argument's size is known without
    /// the set's size; GETALL and SETALL (an array of as many values as the set has) are not.
    /// </summary>
    private static readonly Dictionary<ulong, Shape> s_semctls = new()
    {
        [0] = Integer,                                     // IPC_RMID
        [1] = new(3, BufferDirection.In, SemidDsSize),     // IPC_SET
        [2] = new(3, BufferDirection.Out, SemidDsSize),    // IPC_STAT
        [3] = new(3, BufferDirection.Out, SeminfoSize),    // IPC_INFO
        [11] = Integer,                                    // GETPID
        [12] = Integer,                                    // GETVAL
        [14] = Integer,                                    // GETNCNT
        [15] = Integer,                                    // GETZCNT
        [16] = Integer,                                    // SETVAL (the value itself)
        [18] = new(3, BufferDirection.Out, SemidDsSize),   // SEM_STAT
        [19] = new(3, BufferDirection.Out, SeminfoSize),   // SEM_INFO
        [20] = new(3, BufferDirection.Out, SemidDsSize),   // SEM_STAT_ANY
    };

    /// <summary>IPC_64, which a caller may add to a command (the x86-64 layouts are the 64-bit ones anyway).</summary>
    private const ulong Ipc64 = 0x100;

    /// <summary>NGROUPS_MAX: more supplementary groups fail with EINVAL at home, as natively.</summary>
    private const ulong MaxGroups = 65536;

    /// <summary>Per call, the shape of its pointer argument for these arguments, or null when it is not served.</summary>
    private static readonly Dictionary<string, Func<ulong[], Shape?>> s_rules = new()
    {
        ["ioctl"] = a => Find(s_ioctls, a[1] & 0xffffffff),
        ["fcntl"] = a => Find(s_fcntls, a[1]),
        ["semctl"] = a => Find(s_semctls, a[2] & ~Ipc64),
        // gid_t[arg0]; a count of 0 asks getgroups for the number of groups only.
        ["getgroups"] = a => a[0] <= MaxGroups ? new Shape(1, BufferDirection.Out, (int)a[0] * 4) : null,
        ["setgroups"] = a => a[0] <= MaxGroups ? new Shape(1, BufferDirection.In, (int)a[0] * 4) : null,
    };

    private static Shape? Find(Dictionary<ulong, Shape> table, ulong key) => table.TryGetValue(key, out var shape) ? shape : null;

    /// <summary>The calls served here (for the syscall documentation and tests).</summary>
    public static IEnumerable<string> Served => s_rules.Keys;

    /// <summary>The forwarded form of the call, or null when it cannot be served from here.</summary>
    public static ForwardedCall? Capture(in UserRegs regs, SyscallEntry entry)
    {
        var args = new ulong[6];
        for (int i = 0; i < 6; i++)
            args[i] = regs.Arg(i);
        if (!s_rules.TryGetValue(entry.Name, out var rule) || rule(args) is not { } shape)
            return null;
        bool noBuffer = shape.Size == 0 || args[shape.ArgIndex] == 0;
        return new ForwardedCall(entry.Number, args, noBuffer ? [] : [new CallBuffer(shape.ArgIndex, shape.Direction, [], shape.Size)]);
    }

    /// <summary>Reads In buffers now that the call is known (Capture only sized them) and writes Out buffers back.</summary>
    public static ForwardedCall WithInputs(int tid, ForwardedCall call)
    {
        var buffers = call.Buffers.Select(b =>
        {
            if (b.Direction == BufferDirection.Out)
                return b;
            var bytes = new byte[b.Capacity];
            if (!ProcessMemory.TryRead(tid, call.Args[b.ArgIndex], bytes))
                throw new RemoteFaultException(Syscalls.SyscallTable.Find(call.Number)!, b.ArgIndex);
            return b with { Data = bytes, Capacity = b.Direction == BufferDirection.InOut ? b.Capacity : 0 };
        }).ToList();
        return call with { Buffers = buffers };
    }

    public static void Apply(int tid, in UserRegs regs, ForwardedResult result)
    {
        foreach (var (index, bytes) in result.Outputs)
        {
            if (bytes.Length > 0)
                ProcessMemory.TryWrite(tid, regs.Arg(index), bytes);
        }
    }
}

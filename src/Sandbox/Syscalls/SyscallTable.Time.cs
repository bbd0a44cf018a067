namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path
using static Mosix.Sandbox.Interop.Errno;

public static partial class SyscallTable
{
    // Clocks, sleeps, timers and the process's own usage counters are read where the process runs.
    private static SyscallEntry[] Time() =>
    [
        Local(35, "nanosleep", StructIn(16), StructOut(16)),
        Local(36, "getitimer", Int, StructOut(32)),
        Local(38, "setitimer", Int, StructIn(32), StructOut(32)),
        Local(96, "gettimeofday", StructOut(16), StructOut(8)),
        Local(201, "time", StructOut(8)),
        Local(228, "clock_gettime", Int, StructOut(16)) with
        {
            Note = "mostly answered by the vDSO; CLOCK_MONOTONIC is the node's own and jumps at migration",
        },
        Local(229, "clock_getres", Int, StructOut(16)),
        Local(230, "clock_nanosleep", Int, Int, StructIn(16), StructOut(16)),
        Local(222, "timer_create", Int, StructIn(64), StructOut(4)) with
        {
            Note = "POSIX timers must travel with the image; SIGEV_THREAD_ID names a home tid to translate",
        },
        Local(223, "timer_settime", Int, Int, StructIn(32), StructOut(32)),
        Local(224, "timer_gettime", Int, StructOut(32)),
        Local(225, "timer_getoverrun", Int),
        Local(226, "timer_delete", Int),
        Local(98, "getrusage", Int, StructOut(144)) with { Note = UsageNote },
        Local(100, "times", StructOut(32)) with { Note = UsageNote },
        Local(159, "adjtimex", StructInOut(208)) with { Note = AdjTimeNote },
        Local(305, "clock_adjtime", Int, StructInOut(208)) with { Note = AdjTimeNote },
        Refused(164, "settimeofday", EPERM, SetClockNote, StructIn(16), StructIn(8)),
        Refused(227, "clock_settime", EPERM, SetClockNote, Int, StructIn(16)),
    ];

    private const string UsageNote =
        "counts this incarnation only; the children's share is the deputy's, where they are reaped";

    private const string AdjTimeNote =
        "reads the node's clock discipline; setting it needs CAP_SYS_TIME, which a guest never holds";

    private const string SetClockNote = "sets the node's clock";
}

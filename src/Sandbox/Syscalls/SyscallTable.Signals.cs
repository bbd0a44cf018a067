namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path

public static partial class SyscallTable
{
    // Dispositions, masks and the alternate stack are the incarnation's own (they travel with the
    // image); sending names home pids, so it goes home, and the deputy hands the signal back.
    private static SyscallEntry[] Signals() =>
    [
        Local(13, "rt_sigaction", Int, StructIn(32), StructOut(32), Int),
        Local(14, "rt_sigprocmask", Int, In(3), Out(3), Int),
        Local(15, "rt_sigreturn"),
        Local(34, "pause"),
        Local(37, "alarm", Int),
        Local(127, "rt_sigpending", Out(1), Int),
        Local(128, "rt_sigtimedwait", In(3), StructOut(128), StructIn(16), Int),
        Local(130, "rt_sigsuspend", In(1), Int),
        Local(131, "sigaltstack", StructIn(24), StructOut(24)),
        Home(62, "kill", Int, Int) with { Note = KillNote },
        Home(200, "tkill", Int, Int) with { Note = ThreadKillNote },
        Home(234, "tgkill", Int, Int, Int) with { Note = ThreadKillNote },
        Home(129, "rt_sigqueueinfo", Int, Int, StructIn(128)) with { Note = KillNote },
        Home(297, "rt_tgsigqueueinfo", Int, Int, Int, StructIn(128)) with { Note = ThreadKillNote },
        Home(424, "pidfd_send_signal", Fd, Int, StructIn(128), Int),
    ];

    private const string KillNote = "pids are home pids; a signal to itself comes back through the deputy";

    private const string ThreadKillNote =
        "tids are home tids; to its own threads it could stay local, but the ids must be translated first";
}

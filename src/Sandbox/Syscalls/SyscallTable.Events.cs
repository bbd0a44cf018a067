namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path

public static partial class SyscallTable
{
    // Waiting on descriptors, and the descriptors that turn events into reads: all of them watch
    // home objects, so they wait inside the deputy.
    private static SyscallEntry[] Events() =>
    [
        Home(7, "poll", InOutArray(1, PollFdSize), Int, Int),
        Home(23, "select", Int, Ptr, Ptr, Ptr, StructInOut(16)) with { Note = SelectNote },
        Home(213, "epoll_create", Int),
        Home(232, "epoll_wait", Fd, OutArray(2, EpollEventSize), Int, Int),
        Home(233, "epoll_ctl", Fd, Int, Fd, StructIn(12)),
        Home(270, "pselect6", Int, Ptr, Ptr, Ptr, StructInOut(16), Ptr) with
        {
            Note = SelectNote + "; the last argument points at {sigset pointer, size}",
        },
        Home(271, "ppoll", InOutArray(1, PollFdSize), Int, StructInOut(16), In(4), Int),
        Home(281, "epoll_pwait", Fd, OutArray(2, EpollEventSize), Int, Int, In(5), Int),
        Home(291, "epoll_create1", Int),
        Home(441, "epoll_pwait2", Fd, OutArray(2, EpollEventSize), Int, StructIn(16), In(5), Int),

        Home(282, "signalfd", Fd, In(2), Int) with { Note = SignalFdNote },
        Home(289, "signalfd4", Fd, In(2), Int, Int) with { Note = SignalFdNote },
        Home(283, "timerfd_create", Int, Int),
        Home(286, "timerfd_settime", Fd, Int, StructIn(32), StructOut(32)),
        Home(287, "timerfd_gettime", Fd, StructOut(32)),
        Home(284, "eventfd", Int),
        Home(290, "eventfd2", Int, Int),
        Home(253, "inotify_init"),
        Home(294, "inotify_init1", Int),
        Home(254, "inotify_add_watch", Fd, Path, Int),
        Home(255, "inotify_rm_watch", Fd, Int),
        Home(300, "fanotify_init", Int, Int),
        Home(301, "fanotify_mark", Fd, Int, Int, Fd, Path),
    ];

    /// <summary>struct pollfd and struct epoll_event (packed on x86-64).</summary>
    private const int PollFdSize = 8, EpollEventSize = 12;

    private const string SelectNote = "fd_sets of arg0 bits are read and written back: handler";

    private const string SignalFdNote =
        "signals sent to the home pid queue at the deputy, so the descriptor reads them there";
}

namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path
using static Mosix.Sandbox.Interop.Errno;

public static partial class SyscallTable
{
    // Pids, parents and children live at home; threads' own state, futexes and scheduling of
    // the caller stay with the incarnation.
    private static SyscallEntry[] Processes() =>
    [
        BringHome(56, "clone", "a child or thread needs a home pid (a thread: a deputy thread with a home tid) "
            + "and its parent's descriptors", Int, Ptr, Ptr, Ptr, Int),
        BringHome(57, "fork", ForkNote),
        BringHome(58, "vfork", ForkNote),
        BringHome(435, "clone3", ForkNote, Ptr, Int),
        BringHome(59, "execve", ExecNote, Path, Ptr, Ptr),
        BringHome(322, "execveat", ExecNote, Fd, Path, Ptr, Ptr, Int),
        BringHome(60, "exit", "runs where the thread is; away, home then ends the thread's deputy thread", Int),
        Local(231, "exit_group", Int) with
        {
            Note = "the supervisor turns the incarnation's exit into the deputy's, for the home parent",
        },
        Home(61, "wait4", Int, StructOut(4), Int, StructOut(144)),
        Home(247, "waitid", Int, Int, StructOut(128), Int, StructOut(144)),
        Home(109, "setpgid", Int, Int),
        Home(112, "setsid"),
        Home(434, "pidfd_open", Int, Int),
        Refused(438, "pidfd_getfd", EPERM, "takes another process's descriptor (ptrace access)", Fd, Int, Int),
        Refused(101, "ptrace", EPERM, "the process is already traced by its supervisor", Int, Int, Ptr, Ptr),
        Refused(310, "process_vm_readv", EPERM, "reads another process's memory",
            Int, IoVecOut(2), Int, Ptr, Int, Int),
        Refused(311, "process_vm_writev", EPERM, "writes another process's memory",
            Int, IoVecIn(2), Int, Ptr, Int, Int),
        Refused(312, "kcmp", EPERM, "compares other processes' kernel objects (ptrace access)",
            Int, Int, Int, Int, Int),
        BringHome(272, "unshare", NamespaceNote, Int),
        BringHome(308, "setns", NamespaceNote, Fd, Int),
        BringHome(317, "seccomp",
            "a filter cannot be read back without CAP_SYS_ADMIN, so it could not follow the image",
            Int, Int, Ptr),

        Local(24, "sched_yield"),
        Local(140, "getpriority", Int, Int) with { Note = SelfWhoNote, SelfArgs = [0, 1] },
        Local(141, "setpriority", Int, Int, Int) with { Note = SelfWhoNote, SelfArgs = [0, 1] },
        Local(142, "sched_setparam", Int, StructIn(4)) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(143, "sched_getparam", Int, StructOut(4)) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(144, "sched_setscheduler", Int, Int, StructIn(4)) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(145, "sched_getscheduler", Int) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(146, "sched_get_priority_max", Int),
        Local(147, "sched_get_priority_min", Int),
        Local(148, "sched_rr_get_interval", Int, StructOut(16)) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(203, "sched_setaffinity", Int, Int, In(1)) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(204, "sched_getaffinity", Int, Int, Out(1)) with
        {
            Note = "the node's own CPUs, which is what thread pools should size for; " + SelfPidNote,
            SelfArgs = [0],
        },
        Local(314, "sched_setattr", Int, Ptr, Int) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(315, "sched_getattr", Int, Out(2), Int, Int) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(309, "getcpu", StructOut(4), StructOut(4), Ptr),
        Home(251, "ioprio_set", Int, Int, Int) with { Note = "the I/O happens at home" },
        Home(252, "ioprio_get", Int, Int) with { Note = "the I/O happens at home" },

        Home(97, "getrlimit", Int, StructOut(16)) with { Note = RlimitNote },
        Home(160, "setrlimit", Int, StructIn(16)) with { Note = RlimitNote },
        Home(302, "prlimit64", Int, Int, StructIn(16), StructOut(16)) with { Note = RlimitNote },

        Local(135, "personality", Int),
        Local(157, "prctl", Int, Ptr, Ptr, Ptr, Ptr) with
        {
            Note = "mostly own state; options naming files, the parent or children (PR_SET_MM_EXE_FILE, "
                + "PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER) need handlers",
        },
        Local(158, "arch_prctl", Int, Ptr),
        Local(154, "modify_ldt", Int, Ptr, Int) with { Note = "an LDT is not carried in the image yet" },
        Local(205, "set_thread_area", StructInOut(16)) with { Note = "GDT TLS slots are not carried in the image yet" },
        Local(211, "get_thread_area", StructInOut(16)),
        Local(218, "set_tid_address", Ptr),
        Local(219, "restart_syscall") with
        {
            Note = "restarts a local sleep or futex wait; forwarded calls restart inside the deputy",
        },
        Local(273, "set_robust_list", Ptr, Int),
        Local(274, "get_robust_list", Int, StructOut(8), StructOut(8)) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(334, "rseq", Ptr, Int, Int, Int),
        Local(335, "uretprobe") with { Note = "only the kernel's uretprobe trampoline calls it" },
        Local(318, "getrandom", Out(1), Int, Int),

        Local(202, "futex", Ptr, Int, Int, Ptr, Ptr, Int) with { Note = FutexNote, CheckedAway = new(0, -1) },
        Local(449, "futex_waitv", Ptr, Int, Int, StructIn(16), Int) with { Note = FutexNote },
        Local(454, "futex_wake", Ptr, Int, Int, Int) with { Note = FutexNote, CheckedAway = new(0, -1) },
        Local(455, "futex_wait", Ptr, Int, Int, Int, StructIn(16), Int) with { Note = FutexNote, CheckedAway = new(0, -1) },
        Local(456, "futex_requeue", Ptr, Int, Int, Int) with { Note = FutexNote },
    ];

    private const string ForkNote = "the child needs a home pid, its parent and the parent's descriptors";
    private const string ExecNote = "the program file and the new image are loaded from home";

    private const string NamespaceNote =
        "namespaces change what the home kernel shows, so the deputy must be the one to enter them";

    private const string SelfWhoNote =
        "which PRIO_PROCESS and who 0 is the caller; other processes, groups or users are home ones: "
        + "away from home the guest's filter refuses them (EPERM), for they would name the host's";

    private const string RlimitNote =
        "limits live with the deputy; a handler mirrors the memory and CPU limits onto the incarnation";

    private const string FutexNote =
        "private futexes are plain memory; shared ones sit in memory shared with home processes, which stays at home: "
        + "away, a futex there (its word is a placeholder) brings the process home";
}

namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path
using static Mosix.Sandbox.Interop.Errno;

public static partial class SyscallTable
{
    // Calls about the node itself (modules, swap, the kernel) and the numbers the kernel keeps
    // only as stubs: none is served to a guest. Mounts and the root are the home kernel's view of
    // the process's paths: made at home.
    private static SyscallEntry[] Admin() =>
    [
        Refused(103, "syslog", EPERM, "the node's kernel log", Int, Out(2), Int),
        Refused(153, "vhangup", EPERM, "hangs up the terminal (CAP_SYS_TTY_CONFIG)"),
        BringHome(155, "pivot_root", MountNote, Path, Path),
        BringHome(161, "chroot", "changes the root the home kernel resolves the process's paths against: made at home", Path),
        Refused(163, "acct", EPERM, "process accounting of the node", Path),
        BringHome(165, "mount", MountNote, Str, Path, Str, Int, Ptr),
        BringHome(166, "umount2", MountNote, Path, Int),
        Refused(167, "swapon", EPERM, NodeNote, Path, Int),
        Refused(168, "swapoff", EPERM, NodeNote, Path),
        Refused(169, "reboot", EPERM, NodeNote, Int, Int, Int, Ptr),
        Refused(170, "sethostname", EPERM, NodeNote, In(1), Int),
        Refused(171, "setdomainname", EPERM, NodeNote, In(1), Int),
        Refused(172, "iopl", EPERM, "raw I/O ports of the node", Int),
        Refused(173, "ioperm", EPERM, "raw I/O ports of the node", Int, Int, Int),
        Refused(175, "init_module", EPERM, ModuleNote, In(1), Int, Str),
        Refused(176, "delete_module", EPERM, ModuleNote, Str, Int),
        Refused(313, "finit_module", EPERM, ModuleNote, Fd, Str, Int),
        Refused(179, "quotactl", EPERM, QuotaNote, Int, Path, Int, Ptr),
        Refused(443, "quotactl_fd", EPERM, QuotaNote, Fd, Int, Int, Ptr),
        Refused(246, "kexec_load", EPERM, NodeNote, Int, Int, Ptr, Int),
        Refused(320, "kexec_file_load", EPERM, NodeNote, Fd, Fd, Int, In(2), Int),
        Refused(298, "perf_event_open", EACCES,
            "answered as perf_event_paranoid would; counters would measure the wrong node anyway",
            Ptr, Int, Int, Fd, Int),
        Refused(321, "bpf", EPERM, "loads programs into the node's kernel", Int, Ptr, Int),

        BringHome(428, "open_tree", MountNote, Fd, Path, Int),
        BringHome(429, "move_mount", MountNote, Fd, Path, Fd, Path, Int),
        BringHome(430, "fsopen", MountNote, Str, Int),
        BringHome(431, "fsconfig", MountNote, Fd, Int, Str, Ptr, Int),
        BringHome(432, "fsmount", MountNote, Fd, Int, Int),
        BringHome(433, "fspick", MountNote, Fd, Path, Int),
        BringHome(442, "mount_setattr", MountNote, Fd, Path, Int, In(4), Int),
        BringHome(467, "open_tree_attr", MountNote, Fd, Path, Int, In(4), Int),
        Home(457, "statmount", Ptr, Out(2), Int, Int) with { Note = MountListNote },
        Home(458, "listmount", Ptr, Ptr, Int, Int) with { Note = MountListNote + "; u64[arg2] ids" },

        BringHome(444, "landlock_create_ruleset", LandlockNote, In(1), Int, Int),
        BringHome(445, "landlock_add_rule", LandlockNote, Fd, Int, Ptr, Int),
        BringHome(446, "landlock_restrict_self", LandlockNote, Fd, Int),

        Refused(134, "uselib", ENOSYS, "obsolete: loaded a.out libraries", Path),
        Refused(139, "sysfs", ENOSYS, "obsolete filesystem-type query; /proc/filesystems replaces it", Int, Ptr, Ptr),
        Refused(156, "_sysctl", ENOSYS, GoneNote, Ptr),
        Refused(174, "create_module", ENOSYS, GoneNote, Str, Int),
        Refused(177, "get_kernel_syms", ENOSYS, GoneNote, Ptr),
        Refused(178, "query_module", ENOSYS, GoneNote, Str, Int, Ptr, Int, Ptr),
        Refused(180, "nfsservctl", ENOSYS, GoneNote, Int, Ptr, Ptr),
        Refused(181, "getpmsg", ENOSYS, NeverNote, Fd, Ptr, Ptr, Ptr, Ptr),
        Refused(182, "putpmsg", ENOSYS, NeverNote, Fd, Ptr, Ptr, Int, Int),
        Refused(183, "afs_syscall", ENOSYS, NeverNote),
        Refused(184, "tuxcall", ENOSYS, NeverNote),
        Refused(185, "security", ENOSYS, NeverNote),
        Refused(212, "lookup_dcookie", ENOSYS, GoneNote, Int, Out(2), Int),
        Refused(214, "epoll_ctl_old", ENOSYS, NeverNote, Fd, Int, Fd, Ptr),
        Refused(215, "epoll_wait_old", ENOSYS, NeverNote, Fd, Ptr, Int, Int),
        Refused(236, "vserver", ENOSYS, NeverNote),
    ];

    private const string MountNote =
        "changes the mounts the home kernel resolves the process's paths against: made at home, as any path is "
        + "(the process goes there; the home kernel decides whether its user may)";
    private const string MountListNote = "the home mount table, which the process's paths resolve against";
    private const string NodeNote = "acts on the node itself";
    private const string ModuleNote = "kernel modules of the node";
    private const string QuotaNote = "disk quotas of the node";

    private const string LandlockNote =
        "the ruleset must restrict the deputy, where files are opened, and cannot be read back for the image";

    private const string GoneNote = "obsolete: the kernel no longer implements it";
    private const string NeverNote = "reserved: never implemented on x86-64";
}

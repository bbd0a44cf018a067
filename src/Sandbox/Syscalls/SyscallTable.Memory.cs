namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path
using static Mosix.Sandbox.Interop.Errno;

public static partial class SyscallTable
{
    // The address space travels with the image, so calls on the caller's own memory run where it is.
    private static SyscallEntry[] Memory() =>
    [
        Local(9, "mmap", Ptr, Int, Int, Int, Fd, Int) with
        {
            Note = "anonymous maps are local; a file's fd is a home fd, so file maps need a handler "
                + "(MAP_PRIVATE: filled from the deputy; MAP_SHARED: bring home)",
            CheckedAway = new(0, 1),
        },
        Local(10, "mprotect", Ptr, Int, Int) with { Note = SharedAtHomeNote, CheckedAway = new(0, 1) },
        Local(11, "munmap", Ptr, Int),
        Local(12, "brk", Ptr),
        Local(25, "mremap", Ptr, Int, Int, Int, Ptr) with { Note = SharedAtHomeNote, CheckedAway = new(0, 1) },
        Local(26, "msync", Ptr, Int, Int) with
        {
            Note = "only shared file maps have anything to flush, and those exist only at home",
        },
        Local(27, "mincore", Ptr, Int, Ptr),
        Local(28, "madvise", Ptr, Int, Int),
        Local(149, "mlock", Ptr, Int),
        Local(150, "munlock", Ptr, Int),
        Local(151, "mlockall", Int),
        Local(152, "munlockall"),
        Local(216, "remap_file_pages", Ptr, Int, Int, Int, Int) with
        {
            Note = "rearranges shared file maps, which exist only at home",
        },
        Local(237, "mbind", Ptr, Int, Int, Ptr, Int, Int),
        Local(238, "set_mempolicy", Int, Ptr, Int),
        Local(239, "get_mempolicy", Ptr, Ptr, Int, Ptr, Int),
        Local(256, "migrate_pages", Int, Int, Ptr, Ptr) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(279, "move_pages", Int, Int, Ptr, Ptr, Ptr, Int) with { Note = SelfPidNote, SelfArgs = [0] },
        Local(324, "membarrier", Int, Int, Int),
        Local(325, "mlock2", Ptr, Int, Int),
        Local(329, "pkey_mprotect", Ptr, Int, Int, Int),
        Local(330, "pkey_alloc", Int, Int),
        Local(331, "pkey_free", Int),
        Local(450, "set_mempolicy_home_node", Ptr, Int, Int, Int),
        Local(453, "map_shadow_stack", Ptr, Int, Int) with
        {
            Note = "the shadow stack must travel with the image",
        },
        Local(462, "mseal", Ptr, Int, Int) with { Note = "the restorer must seal the same ranges again" },

        Home(319, "memfd_create", Str, Int) with
        {
            Note = "an ordinary home fd; mapping it MAP_SHARED takes the bring-home path of mmap",
        },
        BringHome(323, "userfaultfd",
            "the fd watches this process's own memory, so it cannot live in the deputy; "
            + "the migrator also needs userfaultfd for itself", Int),
        BringHome(447, "memfd_secret",
            "secret memory cannot be read by the supervisor, so it cannot travel", Int),
        Refused(440, "process_madvise", EPERM,
            "advises another process's memory through a pidfd", Fd, Ptr, Int, Int, Int),
        Refused(448, "process_mrelease", EPERM,
            "reaps another process's memory (for OOM killers)", Fd, Int),
    ];

    private const string SharedAtHomeNote =
        "away, memory shared with home processes is an inaccessible placeholder: a call that would make it "
        + "accessible or move it brings the process home";

    private const string SelfPidNote =
        "pid 0 is the caller; any other pid is a home pid: away from home the guest's filter refuses it "
        + "(EPERM), for it would name a process of the host";
}

namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path

public static partial class SyscallTable
{
    // Who the process is: questions are answered from the home identity the image carries;
    // changes go to the deputy, which holds the credentials.
    private static SyscallEntry[] Identity() =>
    [
        Virtual(39, "getpid"),
        Virtual(186, "gettid"),
        Virtual(110, "getppid"),
        Virtual(111, "getpgrp"),
        Virtual(121, "getpgid", Int) with { Note = OtherPidNote },
        Virtual(124, "getsid", Int) with { Note = OtherPidNote },
        Virtual(102, "getuid"),
        Virtual(107, "geteuid"),
        Virtual(104, "getgid"),
        Virtual(108, "getegid"),
        Virtual(118, "getresuid", StructOut(4), StructOut(4), StructOut(4)),
        Virtual(120, "getresgid", StructOut(4), StructOut(4), StructOut(4)),
        Virtual(115, "getgroups", Int, Ptr) with { Note = "gid_t[arg0]" },
        Virtual(125, "capget", Ptr, Ptr) with { Note = "the header's version sets the data's size" },
        Virtual(63, "uname", StructOut(390)) with { Note = "the home node's: the process sees one machine" },
        Home(99, "sysinfo", StructOut(112)) with { Note = "the home node's load and memory, like uname" },

        Home(105, "setuid", Int) with { Note = CredNote },
        Home(106, "setgid", Int) with { Note = CredNote },
        Home(113, "setreuid", Int, Int) with { Note = CredNote },
        Home(114, "setregid", Int, Int) with { Note = CredNote },
        Home(116, "setgroups", Int, Ptr) with { Note = CredNote + "; gid_t[arg0]" },
        Home(117, "setresuid", Int, Int, Int) with { Note = CredNote },
        Home(119, "setresgid", Int, Int, Int) with { Note = CredNote },
        Home(122, "setfsuid", Int) with { Note = CredNote },
        Home(123, "setfsgid", Int) with { Note = CredNote },
        Home(126, "capset", Ptr, Ptr) with { Note = CredNote },

        Home(248, "add_key", Str, Str, In(3), Int, Int) with { Note = KeyNote },
        Home(249, "request_key", Str, Str, Str, Int) with { Note = KeyNote },
        Home(250, "keyctl", Int, Ptr, Ptr, Ptr, Ptr) with { Note = KeyNote + "; arguments depend on the command" },

        Home(459, "lsm_get_self_attr", Int, Ptr, Ptr, Int) with { Note = LsmNote },
        Home(460, "lsm_set_self_attr", Int, In(2), Int, Int) with { Note = LsmNote },
        Home(461, "lsm_list_modules", Ptr, Ptr, Int) with { Note = "the home kernel's modules, like uname" },
    ];

    private const string OtherPidNote = "pid 0 is the caller; other pids are asked of the home";
    private const string CredNote = "credentials live with the deputy; the image's identity follows them";
    private const string KeyNote = "keyrings belong to the home session and user";
    private const string LsmNote = "the security context that matters is the deputy's, which opens the files";
}

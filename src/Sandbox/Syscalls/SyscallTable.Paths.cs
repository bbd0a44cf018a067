namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path
using static Mosix.Sandbox.Interop.Errno;

public static partial class SyscallTable
{
    // Names are resolved by the home kernel, against the deputy's cwd, root and mounts.
    private static SyscallEntry[] Paths() =>
    [
        Home(2, "open", Path, Int, Int),
        Home(4, "stat", Path, StructOut(144)),
        Home(6, "lstat", Path, StructOut(144)),
        Home(21, "access", Path, Int),
        Home(76, "truncate", Path, Int),
        Home(79, "getcwd", OutCounted(1), Int),
        Home(80, "chdir", Path) with { Note = "the cwd is the deputy's" },
        Home(81, "fchdir", Fd),
        Home(82, "rename", Path, Path),
        Home(83, "mkdir", Path, Int),
        Home(84, "rmdir", Path),
        Home(85, "creat", Path, Int),
        Home(86, "link", Path, Path),
        Home(87, "unlink", Path),
        Home(88, "symlink", Str, Path),
        Home(89, "readlink", Path, OutCounted(2), Int),
        Home(90, "chmod", Path, Int),
        Home(92, "chown", Path, Int, Int),
        Home(94, "lchown", Path, Int, Int),
        Home(95, "umask", Int) with { Note = "files are created at home, so the mask is the deputy's" },
        Home(132, "utime", Path, StructIn(16)),
        Home(133, "mknod", Path, Int, Int),
        Home(136, "ustat", Int, StructOut(32)),
        Home(137, "statfs", Path, StructOut(120)),
        Home(235, "utimes", Path, StructIn(32)),
        Home(257, "openat", Fd, Path, Int, Int),
        Home(258, "mkdirat", Fd, Path, Int),
        Home(259, "mknodat", Fd, Path, Int, Int),
        Home(260, "fchownat", Fd, Path, Int, Int, Int),
        Home(261, "futimesat", Fd, Path, StructIn(32)),
        Home(262, "newfstatat", Fd, Path, StructOut(144), Int),
        Home(263, "unlinkat", Fd, Path, Int),
        Home(264, "renameat", Fd, Path, Fd, Path),
        Home(265, "linkat", Fd, Path, Fd, Path, Int),
        Home(266, "symlinkat", Str, Fd, Path),
        Home(267, "readlinkat", Fd, Path, OutCounted(3), Int),
        Home(268, "fchmodat", Fd, Path, Int),
        Home(269, "faccessat", Fd, Path, Int),
        Home(280, "utimensat", Fd, Path, StructIn(32), Int),
        Home(303, "name_to_handle_at", Fd, Path, Ptr, Ptr, Int) with
        {
            Note = "struct file_handle carries its own size; the mount id is 4 or 8 bytes by flag",
        },
        Refused(304, "open_by_handle_at", EPERM,
            "opens by handle around directory permissions (CAP_DAC_READ_SEARCH)", Fd, Ptr, Int),
        Home(316, "renameat2", Fd, Path, Fd, Path, Int),
        Home(332, "statx", Fd, Path, Int, Int, StructOut(256)),
        Home(437, "openat2", Fd, Path, In(3), Int),
        Home(439, "faccessat2", Fd, Path, Int, Int),
        Home(452, "fchmodat2", Fd, Path, Int, Int),
        Home(468, "file_getattr", Fd, Path, Out(3), Int, Int),
        Home(469, "file_setattr", Fd, Path, In(3), Int, Int),

        Home(188, "setxattr", Path, Str, In(3), Int, Int),
        Home(189, "lsetxattr", Path, Str, In(3), Int, Int),
        Home(190, "fsetxattr", Fd, Str, In(3), Int, Int),
        Home(191, "getxattr", Path, Str, OutCounted(3), Int),
        Home(192, "lgetxattr", Path, Str, OutCounted(3), Int),
        Home(193, "fgetxattr", Fd, Str, OutCounted(3), Int),
        Home(194, "listxattr", Path, OutCounted(2), Int),
        Home(195, "llistxattr", Path, OutCounted(2), Int),
        Home(196, "flistxattr", Fd, OutCounted(2), Int),
        Home(197, "removexattr", Path, Str),
        Home(198, "lremovexattr", Path, Str),
        Home(199, "fremovexattr", Fd, Str),
        Home(463, "setxattrat", Fd, Path, Int, Str, Ptr, Int) with
        {
            Note = "struct xattr_args points at the value: handler",
        },
        Home(464, "getxattrat", Fd, Path, Int, Str, Ptr, Int) with
        {
            Note = "struct xattr_args points at the value buffer: handler",
        },
        Home(465, "listxattrat", Fd, Path, Int, Out(4), Int),
        Home(466, "removexattrat", Fd, Path, Int, Str),
    ];
}

namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path

public static partial class SyscallTable
{
    // Descriptors belong to the deputy: every call on one is forwarded home, where the kernel
    // keeps offsets, locks and pipe buffers true. HomeDirect calls on a plain file are made by
    // home itself on a copy of the deputy's descriptor: the same open file, without a ptrace stop.
    private static SyscallEntry[] Files() =>
    [
        HomeDirect(0, "read", Fd, OutCounted(2), Int) with { Transfer = TransferSplit.AtOffset },
        HomeDirect(1, "write", Fd, In(2), Int) with { Transfer = TransferSplit.AtOffset },
        Home(3, "close", Fd),
        HomeDirect(5, "fstat", Fd, StructOut(144)),
        HomeDirect(8, "lseek", Fd, Int, Int),
        Home(16, "ioctl", Fd, Int, Ptr) with
        {
            Note = "the argument's shape depends on the request: terminal and other requests get handlers",
        },
        HomeDirect(17, "pread64", Fd, OutCounted(2), Int, Int) with { Transfer = TransferSplit.AtPosition },
        HomeDirect(18, "pwrite64", Fd, In(2), Int, Int) with { Transfer = TransferSplit.AtPosition },
        Home(19, "readv", Fd, IoVecOut(2), Int) with { Transfer = TransferSplit.AtOffset },
        Home(20, "writev", Fd, IoVecIn(2), Int) with { Transfer = TransferSplit.AtOffset },
        Home(22, "pipe", StructOut(8)),
        Home(32, "dup", Fd),
        Home(33, "dup2", Fd, Fd),
        Home(40, "sendfile", Fd, Fd, StructInOut(8), Int),
        Home(72, "fcntl", Fd, Int, Ptr) with
        {
            Note = "the third argument is an int or a struct (flock, f_owner_ex) depending on the command",
        },
        Home(73, "flock", Fd, Int),
        HomeDirect(74, "fsync", Fd),
        HomeDirect(75, "fdatasync", Fd),
        HomeDirect(77, "ftruncate", Fd, Int),
        Home(78, "getdents", Fd, OutCounted(2), Int),
        Home(91, "fchmod", Fd, Int),
        Home(93, "fchown", Fd, Int, Int),
        HomeDirect(138, "fstatfs", Fd, StructOut(120)),
        Home(162, "sync"),
        Home(187, "readahead", Fd, Int, Int),
        HomeDirect(217, "getdents64", Fd, OutCounted(2), Int),
        Home(221, "fadvise64", Fd, Int, Int, Int),
        Home(275, "splice", Fd, StructInOut(8), Fd, StructInOut(8), Int, Int),
        Home(276, "tee", Fd, Fd, Int, Int),
        Home(277, "sync_file_range", Fd, Int, Int, Int),
        Home(278, "vmsplice", Fd, Ptr, Int, Int) with
        {
            Note = "the iovecs are read or filled depending on the pipe end: handler",
        },
        Home(285, "fallocate", Fd, Int, Int, Int),
        Home(292, "dup3", Fd, Fd, Int),
        Home(293, "pipe2", StructOut(8), Int),
        Home(295, "preadv", Fd, IoVecOut(2), Int, Int, Int) with { Transfer = TransferSplit.AtPosition },
        Home(296, "pwritev", Fd, IoVecIn(2), Int, Int, Int) with { Transfer = TransferSplit.AtPosition },
        Home(306, "syncfs", Fd),
        Home(326, "copy_file_range", Fd, StructInOut(8), Fd, StructInOut(8), Int, Int),
        Home(327, "preadv2", Fd, IoVecOut(2), Int, Int, Int, Int) with { Transfer = TransferSplit.AtPosition },
        Home(328, "pwritev2", Fd, IoVecIn(2), Int, Int, Int, Int) with { Transfer = TransferSplit.AtPosition },
        Home(436, "close_range", Int, Int, Int),
        Home(451, "cachestat", Fd, StructIn(16), StructOut(40), Int),

        // Linux AIO and io_uring map a kernel ring into the process and act on its descriptors
        // asynchronously: neither half can live apart from the other, so they run only at home.
        BringHome(206, "io_setup", AioNote, Int, StructOut(8)),
        BringHome(207, "io_destroy", AioNote, Int),
        BringHome(208, "io_getevents", AioNote, Int, Int, Int, Ptr, StructIn(16)),
        BringHome(209, "io_submit", AioNote, Int, Int, Ptr),
        BringHome(210, "io_cancel", AioNote, Int, Ptr, StructOut(32)),
        BringHome(333, "io_pgetevents", AioNote, Int, Int, Int, Ptr, StructIn(16), Ptr),
        BringHome(425, "io_uring_setup", UringNote, Int, StructInOut(120)),
        BringHome(426, "io_uring_enter", UringNote, Fd, Int, Int, Int, Ptr, Int),
        BringHome(427, "io_uring_register", UringNote, Fd, Int, Ptr, Int),
    ];

    private const string AioNote =
        "the AIO ring is kernel memory mapped into the process, working on home descriptors";

    private const string UringNote =
        "the rings are memory shared with the home kernel, working on home descriptors";
}

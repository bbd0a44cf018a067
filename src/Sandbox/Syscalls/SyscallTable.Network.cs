namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path

public static partial class SyscallTable
{
    // Sockets are home descriptors: connections keep the home node's address wherever the process runs.
    private static SyscallEntry[] Network() =>
    [
        Home(41, "socket", Int, Int, Int),
        Home(42, "connect", Fd, In(2), Int),
        Home(43, "accept", Fd, Ptr, Ptr) with { Note = AddrLenNote },
        Home(288, "accept4", Fd, Ptr, Ptr, Int) with { Note = AddrLenNote },
        Home(44, "sendto", Fd, In(2), Int, Int, In(5), Int),
        Home(45, "recvfrom", Fd, OutCounted(2), Int, Int, Ptr, Ptr) with { Note = AddrLenNote },
        Home(46, "sendmsg", Fd, Ptr, Int) with { Note = MsgHdrNote },
        Home(47, "recvmsg", Fd, Ptr, Int) with { Note = MsgHdrNote },
        Home(299, "recvmmsg", Fd, Ptr, Int, Int, StructInOut(16)) with { Note = MsgHdrNote },
        Home(307, "sendmmsg", Fd, Ptr, Int, Int) with { Note = MsgHdrNote },
        Home(48, "shutdown", Fd, Int),
        Home(49, "bind", Fd, In(2), Int),
        Home(50, "listen", Fd, Int),
        Home(51, "getsockname", Fd, Ptr, Ptr) with { Note = AddrLenNote },
        Home(52, "getpeername", Fd, Ptr, Ptr) with { Note = AddrLenNote },
        Home(53, "socketpair", Int, Int, Int, StructOut(8)),
        Home(54, "setsockopt", Fd, Int, Int, In(4), Int),
        Home(55, "getsockopt", Fd, Int, Int, Ptr, Ptr) with
        {
            Note = "the option's size is read from and written to *optlen: handler",
        },
    ];

    private const string AddrLenNote = "the address's capacity is read from and written to *addrlen: handler";

    private const string MsgHdrNote =
        "msghdr holds iovecs, an address and control data (SCM_RIGHTS passes home fds): handler";
}

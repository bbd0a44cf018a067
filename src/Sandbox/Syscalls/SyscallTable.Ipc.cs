namespace Mosix.Sandbox.Syscalls;

using static Mosix.Sandbox.Syscalls.ArgShape; // inside the namespace so it wins over System.IO.Path

public static partial class SyscallTable
{
    // System V ids and POSIX queues belong to the home IPC namespace, shared with other home processes.
    private static SyscallEntry[] Ipc() =>
    [
        Home(29, "shmget", Int, Int, Int),
        BringHome(30, "shmat", "a shared segment is memory shared with home processes", Int, Ptr, Int),
        Local(67, "shmdt", Ptr) with { Note = "attached segments exist only at home, where shmat brought the process" },
        Home(31, "shmctl", Int, Int, Ptr) with { Note = IpcCtlNote },
        Home(64, "semget", Int, Int, Int),
        Home(65, "semop", Int, Ptr, Int) with { Note = SemBufNote },
        Home(220, "semtimedop", Int, Ptr, Int, StructIn(16)) with { Note = SemBufNote },
        Home(66, "semctl", Int, Int, Int, Ptr) with { Note = IpcCtlNote },
        Home(68, "msgget", Int, Int),
        Home(69, "msgsnd", Int, Ptr, Int, Int) with { Note = MsgBufNote },
        Home(70, "msgrcv", Int, Ptr, Int, Int, Int) with { Note = MsgBufNote },
        Home(71, "msgctl", Int, Int, Ptr) with { Note = IpcCtlNote },

        Home(240, "mq_open", Str, Int, Int, StructIn(64)),
        Home(241, "mq_unlink", Str),
        Home(242, "mq_timedsend", Fd, In(2), Int, Int, StructIn(16)),
        Home(243, "mq_timedreceive", Fd, Out(2), Int, StructOut(4), StructIn(16)),
        Home(244, "mq_notify", Fd, StructIn(64)),
        Home(245, "mq_getsetattr", Fd, StructIn(64), StructOut(64)),
    ];

    private const string IpcCtlNote = "the buffer's layout depends on the command: handler";
    private const string SemBufNote = "struct sembuf[arg2], 6 bytes each: handler";
    private const string MsgBufNote = "a long type followed by arg2 bytes of text: handler";
}

namespace Mosix.Sandbox.Syscalls;

public static partial class SyscallTable
{
    // One family per file, split by the kernel object a call is about rather than by class:
    // Files (I/O on descriptors, AIO, io_uring), Paths (names, metadata, xattrs), Events
    // (poll/epoll and notification descriptors), Memory, Processes (life cycle, threads, futexes,
    // scheduling, limits), Signals, Time, Network (sockets), Ipc (System V and POSIX queues),
    // Identity (ids, credentials, keys, LSM attributes) and Admin (mounts, modules, the node
    // itself, and the numbers the kernel keeps only as ENOSYS stubs).
    private static SyscallEntry[] Entries() =>
    [
        .. Files(), .. Paths(), .. Events(), .. Memory(), .. Processes(), .. Signals(),
        .. Time(), .. Network(), .. Ipc(), .. Identity(), .. Admin(),
    ];
}

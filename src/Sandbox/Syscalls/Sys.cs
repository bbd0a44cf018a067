namespace Mosix.Sandbox.Syscalls;

/// <summary>
/// The numbers of the x86-64 calls the supervisor itself injects (checkpoint, restore, deputy).
/// A test checks each against <see cref="SyscallTable"/>, the one source of truth.
/// </summary>
public static class Sys
{
    public const long Read = 0, Write = 1, Open = 2, Close = 3, Fstat = 5, Lseek = 8, Pread64 = 17, Mmap = 9, Mprotect = 10, Munmap = 11,
        Brk = 12, RtSigaction = 13, RtSigprocmask = 14, Writev = 20, Mremap = 25, Dup2 = 33, Pause = 34, Getitimer = 36,
        Setitimer = 38, Getpid = 39, Kill = 62, Fcntl = 72, Chdir = 80, RtSigqueueinfo = 129, Sigaltstack = 131,
        Prctl = 157, ArchPrctl = 158, Gettid = 186, SetTidAddress = 218, Tgkill = 234, Openat = 257, Readlinkat = 267,
        SetRobustList = 273, GetRobustList = 274, Dup3 = 292, RtTgsigqueueinfo = 297, Rseq = 334,
        ExitGroup = 231, Exit = 60, Clone = 56, Futex = 202, Ioctl = 16, EpollCtl = 233, Eventfd2 = 290, EpollCreate1 = 291, Pipe2 = 293;
}

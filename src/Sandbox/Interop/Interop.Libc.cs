using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>The plain libc calls the supervisor needs: signals to pids, ids.</summary>
internal static partial class Libc
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7,
        SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14,
        SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
        SIGWINCH = 28, SIGSYS = 31;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int RawKill(int pid, int signo);

    [LibraryImport("libc", EntryPoint = "tgkill", SetLastError = true)]
    private static partial int RawTgkill(int tgid, int tid, int signo);

    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial uint GetUid();

    /// <summary>kill(2); 0 or -errno.</summary>
    public static int Kill(int pid, int signo) =>
        RawKill(pid, signo) == 0 ? 0 : -Marshal.GetLastSystemError();

    /// <summary>tgkill(2): the signal to one thread of process <paramref name="tgid"/>; 0 or -errno.</summary>
    public static int Tgkill(int tgid, int tid, int signo) =>
        RawTgkill(tgid, tid, signo) == 0 ? 0 : -Marshal.GetLastSystemError();

    /// <summary>The signal's abbreviation without SIG, as kill -l prints it.</summary>
    public static string SignalName(int signo) => signo switch
    {
        SIGHUP => "HUP", SIGINT => "INT", SIGQUIT => "QUIT", SIGILL => "ILL", SIGTRAP => "TRAP",
        SIGABRT => "ABRT", SIGBUS => "BUS", SIGFPE => "FPE", SIGKILL => "KILL", SIGUSR1 => "USR1",
        SIGSEGV => "SEGV", SIGUSR2 => "USR2", SIGPIPE => "PIPE", SIGALRM => "ALRM", SIGTERM => "TERM",
        SIGCHLD => "CHLD", SIGCONT => "CONT", SIGSTOP => "STOP", SIGTSTP => "TSTP", SIGTTIN => "TTIN",
        SIGTTOU => "TTOU", SIGWINCH => "WINCH", SIGSYS => "SYS",
        _ => signo.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

using System.Runtime.InteropServices;

namespace Mosix.Tests.Harness;

/// <summary>The few libc calls the harness needs that .NET does not offer: kill(2), waitpid(2), prctl(2), setrlimit(2), chown(2).</summary>
/// <remarks>
/// These are <c>DllImport</c>, not <c>LibraryImport</c>: the source-generated form needs
/// <c>AllowUnsafeBlocks</c>, which the test project does not set. Every signature here is blittable
/// (ints, a struct of two ulongs, one path string), so no marshalling code is generated either way.
/// </remarks>
internal static class Libc
{
    private const int WNOHANG = 1;
    private const int WALL = 0x40000000;
    private const int PR_SET_CHILD_SUBREAPER = 36;
    private const int RLIMIT_CORE = 4;
    private const int ESRCH = 3;

    /// <summary>kill(2). True when sent; false when the process no longer exists (ESRCH); throws on other errors.</summary>
    public static bool Kill(int pid, int signal)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "only single positive pids: never a group or everyone");
        if (kill(pid, signal) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == ESRCH)
            return false;
        throw new InvalidOperationException($"kill({pid}, {Signals.Name(signal)}) failed: errno {errno}");
    }

    /// <summary>Reaps <paramref name="pid"/> if it is our child and has ended; never blocks, never waits for "any child".</summary>
    public static bool TryReap(int pid) => waitpid(pid, out _, WNOHANG | WALL) == pid;

    /// <summary>
    /// Makes this process a child subreaper (prctl(2) PR_SET_CHILD_SUBREAPER): descendants orphaned by a command
    /// are re-parented here instead of to init, so the harness can still find, end and reap them.
    /// </summary>
    public static void BecomeChildSubreaper()
    {
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
            throw new InvalidOperationException($"prctl(PR_SET_CHILD_SUBREAPER) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sets the soft RLIMIT_CORE to 0 (inherited by every command), so no test leaves a core file.</summary>
    public static void DisableCoreDumps()
    {
        if (getrlimit(RLIMIT_CORE, out RLimit limit) != 0)
            return;
        limit.Current = 0;
        setrlimit(RLIMIT_CORE, in limit);
    }

    /// <summary>
    /// Gives SIGINT and SIGQUIT back their default action if this process ignores them, as it does when the
    /// tests were started in the background of a shell without job control (<c>./build.sh test &amp;</c>): every
    /// command would inherit that, and a test that sends SIGINT would meet a program that ignores it, natively
    /// too. A terminal's foreground job has both at their defaults.
    /// </summary>
    public static void DefaultTerminalSignals()
    {
        const int SIGINT = 2, SIGQUIT = 3;
        nint SIG_DFL = 0, SIG_IGN = 1;
        foreach (int signo in new[] { SIGINT, SIGQUIT })
        {
            nint previous = signal(signo, SIG_IGN);
            signal(signo, previous == SIG_IGN ? SIG_DFL : previous);
        }
    }

    public static void Chown(string path, int uid, int gid)
    {
        if (lchown(path, uid, gid) != 0)
            throw new IOException($"lchown({path}, {uid}, {gid}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    private static extern nint signal(int signum, nint handler);

    [DllImport("libc", SetLastError = true)]
    private static extern int waitpid(int pid, out int status, int options);

    [DllImport("libc", SetLastError = true)]
    private static extern int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}

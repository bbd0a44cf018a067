using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>
/// libmosix (native/preload): spawning, the interruptible wait and mosrun's own signals.
/// Every function returns a non-negative value or -errno.
/// </summary>
internal static unsafe partial class Native
{
    private const string Library = "libmosix";

    [LibraryImport(Library, EntryPoint = "mosix_spawn")]
    public static partial int Spawn(byte* path, byte** argv, byte** envp, SockFilter* filter, ushort filterLength,
        out int pid, out int goFd, out int errFd);

    [LibraryImport(Library, EntryPoint = "mosix_spawn_release")]
    public static partial int SpawnRelease(int goFd);

    [LibraryImport(Library, EntryPoint = "mosix_spawn_exec_errno")]
    public static partial int SpawnExecErrno(int errFd);

    [LibraryImport(Library, EntryPoint = "mosix_spawn_plain")]
    public static partial int SpawnPlain(byte* path, byte** argv, byte** envp, byte* cwd, int* fds, int pgid, out int pid);

    [LibraryImport(Library, EntryPoint = "mosix_wait_child")]
    public static partial int WaitChild(int pid, out int status);

    [LibraryImport(Library, EntryPoint = "mosix_wait_init")]
    public static partial int WaitInit(int wakeSignal);

    [LibraryImport(Library, EntryPoint = "mosix_wait_next")]
    public static partial int WaitNext(int noHang, out int pid, out int status);

    [LibraryImport(Library, EntryPoint = "mosix_wake")]
    public static partial int Wake(int tid);

    [LibraryImport(Library, EntryPoint = "mosix_signals_init")]
    public static partial int SignalsInit();

    [LibraryImport(Library, EntryPoint = "mosix_signals_forward")]
    public static partial int SignalsForward(int* signals, int count, int tracerTid);

    [LibraryImport(Library, EntryPoint = "mosix_signals_take")]
    public static partial int SignalsTake(int signal);

    [LibraryImport(Library, EntryPoint = "mosix_stop_self")]
    public static partial int StopSelf(int signal);

    [LibraryImport(Library, EntryPoint = "mosix_die_by_signal")]
    public static partial void DieBySignal(int signal);

    [LibraryImport(Library, EntryPoint = "mosix_program_name")]
    public static partial nint ProgramName();

    [LibraryImport(Library, EntryPoint = "mosix_gettid")]
    public static partial int GetTid();
}

/// <summary>One classic-BPF instruction (linux/filter.h struct sock_filter).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K);

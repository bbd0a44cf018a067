namespace Mosix.Sandbox.Interop;

/// <summary>kill(2) for the commands (migrate out, tests): 0, or -errno.</summary>
public static class ProcessSignals
{
    public static int Send(int pid, int signal) => Libc.Kill(pid, signal);

    /// <summary>tgkill(2): to thread <paramref name="tid"/> of process <paramref name="pid"/> alone.</summary>
    public static int SendToThread(int pid, int tid, int signal) => Libc.Tgkill(pid, tid, signal);
}

namespace Mosix.Sandbox.Interop;

/// <summary>kill(2) for the commands (migrate out, tests): 0, or -errno.</summary>
public static class ProcessSignals
{
    public static int Send(int pid, int signal) => Libc.Kill(pid, signal);
}

using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Supervision;

/// <summary>What a process that hosts tracer threads must do first thing in Main.</summary>
public static class ProcessSetup
{
    /// <summary>
    /// Remembers the signal dispositions the program must inherit and puts SIGCHLD back to its
    /// default, so neither the kernel nor the runtime reaps our tracees (DESIGN.md, pitfalls 5-6).
    /// </summary>
    /// <exception cref="InvalidOperationException">Running as PID 1, where the runtime reaps every child.</exception>
    public static void Initialize()
    {
        if (Libc.GetPid() == 1)
            throw new InvalidOperationException("cannot run as PID 1 (the .NET runtime reaps every child there); start it under an init such as tini or `docker run --init`");
        Native.SignalsInit();
    }

    /// <summary>
    /// The name this process was started under: argv[0]'s base name as glibc kept it
    /// (program_invocation_short_name(3)); the .NET apphost replaces argv[0] with its own path.
    /// </summary>
    public static string ProgramName() => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(Native.ProgramName()) ?? "";

    /// <summary>Stops this process with <paramref name="signal"/>, as the shell's job control expects; returns when continued.</summary>
    public static void StopSelf(int signal) => Native.StopSelf(signal);

    /// <summary>Ends this process the way the program ended: killed by <paramref name="signal"/>.</summary>
    public static void DieBySignal(int signal) => Native.DieBySignal(signal);
}

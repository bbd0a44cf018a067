using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Spawning;

/// <summary>
/// <c>native CMD</c>: a command a supervised process asks mosrun to start outside supervision: no
/// tracer, no seccomp filter, so it never migrates and none of its calls is trapped. It gets the
/// asker's working directory, environment and standard descriptors (the same open files, taken
/// with pidfd_getfd) and joins the asker's process group, so the terminal's Ctrl-C reaches it.
/// </summary>
/// <remarks>
/// Started and waited for on the calling thread, never the tracer thread: the tracer waits only
/// for its own children (__WNOTHREAD), so it neither adopts nor reaps this one.
/// </remarks>
public static class UnsupervisedCommand
{
    /// <summary>Runs the command to its end; how it ended.</summary>
    /// <exception cref="SpawnException">It could not be started (the message names the errno).</exception>
    public static unsafe ExitOutcome Run(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment,
        string workingDirectory, ReadOnlySpan<int> standardDescriptors, int processGroup)
    {
        if (standardDescriptors.Length != 3)
            throw new ArgumentException("stdin, stdout and stderr", nameof(standardDescriptors));
        using var strings = new NativeStrings();
        int pid, r;
        fixed (int* fds = standardDescriptors)
            r = Native.SpawnPlain(strings.Add(path), strings.AddArray(argv), strings.AddArray(environment), strings.Add(workingDirectory), fds, processGroup, out pid);
        if (r < 0)
            throw new SpawnException(path, -r);
        if (Native.WaitChild(pid, out int status) < 0)
            return new ExitOutcome(0, 0, false, 0);
        var ended = new WaitStatus(status);
        return ended.Exited ? new ExitOutcome(ended.ExitCode, 0, false, 0) : new ExitOutcome(0, ended.TermSignal, ended.CoreDumped, 0);
    }
}

using System.Runtime.InteropServices;
using System.Text;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Supervision;

public sealed partial class Supervisor
{
    /// <summary>
    /// Forks the root through the native stub, seizes it from this (the tracer) thread, then lets it
    /// install the filter and exec (native/preload/spawn.c draws the handshake).
    /// </summary>
    private unsafe void SpawnRoot(SpawnRequest request)
    {
        SockFilter[] filter = SeccompFilter.Build(_options.Policy);
        using var strings = new NativeStrings();
        byte* path = strings.Add(request.Path);
        byte** argv = strings.AddArray(request.Argv);
        byte** envp = request.Environment is null ? null : strings.AddArray(request.Environment);

        int r, pid, goFd, errFd;
        fixed (SockFilter* program = filter)
            r = Native.Spawn(path, argv, envp, program, (ushort)filter.Length, out pid, out goFd, out errFd);
        if (r < 0)
            throw new SpawnException(request.Argv.Count > 0 ? request.Argv[0] : request.Path, -r);

        long seized = Ptrace.Request(Ptrace.PTRACE_SEIZE, pid, 0, Ptrace.SupervisorOptions);
        if (seized < 0)
        {
            // Closing the go pipe unreleased makes the child exit without running anything.
            Libc.Kill(pid, Libc.SIGKILL);
            Native.SpawnRelease(goFd);
            Native.SpawnExecErrno(errFd);
            throw new InvalidOperationException($"cannot trace the new process: {Errno.Describe((int)-seized)}");
        }
        RootPid = pid;
        _execErrFd = errFd;
        var root = new Tracee(pid, isRoot: true);
        _tracees[pid] = root;
        AddRootGroup(root);
        Native.SpawnRelease(goFd);
    }

    /// <summary>The root exec'd, or exited before it could: learn which, once.</summary>
    private void SettleExec()
    {
        if (_execErrFd < 0)
            return;
        int errno = Native.SpawnExecErrno(_execErrFd);
        _execErrFd = -1;
        if (errno != 0 && !_rootExecuted)
            _rootOutcome = new ExitOutcome(127, 0, false, errno);
    }
}

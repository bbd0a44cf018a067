namespace Mosix.Sandbox.Syscalls;

/// <summary>
/// Where a system call may run, per docs/syscalls.md and the process model in DESIGN.md.
/// The class decides, per supervision mode, whether the seccomp filter lets the call
/// through or stops it for the supervisor.
/// </summary>
public enum SyscallClass : byte
{
    /// <summary>Touches only the process's own memory, clocks or scheduling: runs natively everywhere.</summary>
    Local,

    /// <summary>Asks for the process's identity (pids, ids): native at home, answered from the image elsewhere.</summary>
    Virtual,

    /// <summary>Needs the home node's kernel objects (files, terminal, sockets, relatives): native at home, forwarded to the deputy elsewhere.</summary>
    Home,

    /// <summary>Cannot be served away from home (new processes, exec, shared mappings): the process goes home first.</summary>
    BringHome,

    /// <summary>Never served for a guest (debugging other processes, mounts, kernel modules): fails with the entry's errno.</summary>
    Refused,
}

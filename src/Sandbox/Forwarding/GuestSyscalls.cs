using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// The syscall handler of an incarnation away from home (TrapPolicy.Guest): what the table calls
/// home goes home through <see cref="IHomeChannel"/> and runs in the deputy; the process's own pid
/// is answered from its home identity; refused calls fail with their errno; a guest never touches
/// this node's files, sockets or processes.
/// </summary>
public sealed class GuestSyscalls(IHomeChannel home, int homePid) : ISyscallHandler
{
    private const ulong MAP_ANONYMOUS = 0x20;

    /// <summary>
    /// False until the image has been restored into the incarnation: until then the calls are
    /// the restorer stub's own (its execve, its pause), and run natively.
    /// </summary>
    public bool Armed { get; set; }

    /// <summary>Calls that could not be served here (for the process's own message, later its way home).</summary>
    public event Action<SyscallEntry>? Unserved;

    public long? Handle(Tracee tracee, in UserRegs regs, SyscallEntry? entry, TrapReason reason)
    {
        if (!Armed)
            return null;
        if (reason == TrapReason.ForeignAbi || entry is null)
            return -Errno.ENOSYS;
        try
        {
            return entry.Class switch
            {
                SyscallClass.Local when entry.Name == "mmap" => (regs.Arg(3) & MAP_ANONYMOUS) != 0 ? null : NotHere(entry),
                SyscallClass.Local => null,
                SyscallClass.Virtual when entry.Name is "getpid" or "gettid" => homePid,
                SyscallClass.Virtual or SyscallClass.Home => Forward(tracee, regs, entry),
                SyscallClass.Refused => -entry.Errno,
                _ => NotHere(entry),
            };
        }
        catch (RemoteFaultException)
        {
            return -Errno.EFAULT;
        }
    }

    private long Forward(Tracee tracee, in UserRegs regs, SyscallEntry entry)
    {
        bool regular = CallMarshaller.IsRegular(entry);
        ForwardedCall? call = regular
            ? CallMarshaller.Capture(tracee.Tid, regs, entry)
            : IrregularCalls.Capture(regs, entry) is { } irregular ? IrregularCalls.WithInputs(tracee.Tid, irregular) : null;
        if (call is null)
            return NotHere(entry);
        var result = home.Call(call);
        if (regular)
            CallMarshaller.Apply(tracee.Tid, regs, entry, result);
        else
            IrregularCalls.Apply(tracee.Tid, regs, result);
        return result.Return;
    }

    private long NotHere(SyscallEntry entry)
    {
        Unserved?.Invoke(entry);
        return -Errno.ENOSYS;
    }
}

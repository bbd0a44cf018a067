using Google.Protobuf;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Tracing;

namespace Mosix.Migrator.Checkpoint;

/// <summary>
/// What is a thread's own, for each thread of a process besides its leader (whose own state is the
/// image's top-level fields, as in a single-threaded image): registers, signal mask, the signals
/// sent to it alone, alternate stack, robust list, clear_child_tid, rseq, name.
/// Precondition: the whole process is stopped (<see cref="Sandbox.Supervision.Supervisor.WithProcessStopped{T}"/>).
/// </summary>
internal static class CaptureThread
{
    private const ulong AltStackOffset = 0, RegistrationsOffset = 64;

    /// <param name="named">The tid the image names it by: its own, or away the home tid it stands for.</param>
    public static ThreadImage Read(int pid, Tracee thread, int named)
    {
        int tid = thread.Tid;
        var image = new ThreadImage
        {
            Tid = named,
            Registers = CaptureProcess.Registers(tid),
            Blocked = ExtendedState.GetSignalMask(tid),
            Name = ReadName(pid, tid),
        };
        foreach (var info in ExtendedState.PeekPendingSignals(tid, processWide: false))
            image.Pending.Add(new PendingSignal { Siginfo = ByteString.CopyFrom(info), ProcessWide = false });
        // Only the thread itself can be asked for its alternate stack and tid address: ask it, as the leader is asked.
        using var remote = RemoteSyscalls.Enter(thread);
        using var scratch = RemoteScratch.Map(remote, 4096);
        image.AltStack = CaptureKernelState.AltStackOf(remote, scratch, AltStackOffset);
        image.Thread = CaptureKernelState.RegistrationsOf(remote, scratch, RegistrationsOffset);
        return image;
    }

    private static string ReadName(int pid, int tid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/task/{tid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "";
        }
    }
}

using System.Runtime.InteropServices;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;

namespace Mosix.Migrator.Restore;

/// <summary>
/// Re-creates the image's other threads inside the restored process: a clone(CLONE_THREAD)
/// injected into the leader for each, then that thread's own state. glibc's thread structures
/// (struct pthread, the stacks, the thread list) are in the restored memory already; a thread
/// only needs its registers and its registrations with the kernel back.
/// </summary>
/// <remarks>
/// A restored thread gets a new tid, as the restored process gets a new pid. glibc keeps each
/// thread's tid where clear_child_tid points (struct pthread's tid), and raise, pthread_kill and
/// pthread_mutex code read it there: it is rewritten with the new one. Tids a program copied
/// elsewhere (an error-checking or recursive mutex's owner, its own variables) keep the old value
/// (docs/checkpoint.md, "Threads"). A migration keeps home's tids instead: away, glibc's copies
/// are left as they are (<paramref name="keepThreadIds"/>, and <paramref name="ids"/> pairs each
/// thread made with the home tid it stands for); coming home, each thread is restored into the
/// deputy thread of its tid, which never left.
/// </remarks>
internal sealed class ThreadRestorer(RemoteSyscalls leader, RemoteScratch scratch, ProcessImage image, Supervisor? supervisor,
    bool keepThreadIds, ThreadIds? ids)
{
    /// <summary>pthread_create's sharing, without the flags that name memory (the TLS, the tid
    /// words): the image's registers and registrations set those afterwards.</summary>
    private const ulong CloneThread = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000; // VM FS FILES SIGHAND THREAD SYSVSEM

    private const ulong NameOffset = 2048, AltStackOffset = 2112, SiginfoOffset = 2176;

    private readonly List<(Tracee Thread, ThreadImage Image)> _made = [];

    /// <summary>
    /// Makes every thread, each stopped before its first instruction, with its kernel state back;
    /// or, for a thread whose tid the target has already (a deputy's, the process coming home),
    /// takes that one.
    /// </summary>
    public void Create()
    {
        var staying = Staying(leader.Tracee).ToDictionary(t => t.Tid);
        foreach (var thread in image.Threads)
        {
            if (!staying.Remove(thread.Tid, out var made))
            {
                if (supervisor is null)
                    throw new RestoreException(RestoreStage.Threads, $"thread {thread.Tid} cannot be made: the restore has no supervisor to take it in");
                long tid = leader.Syscall(Sys.Clone, CloneThread, 0, 0, 0, 0);
                if (tid < 0)
                    throw new RestoreException(RestoreStage.Threads, $"cannot create thread {thread.Tid}'s successor: {Errno.Describe((int)-tid)}");
                made = supervisor.AdoptThread(leader.Tracee, (int)tid);
            }
            RegisterWithKernel(made, thread);
            ids?.Add(made.Tid, thread.Tid);
            _made.Add((made, thread));
        }
    }

    /// <summary>The target's threads besides its leader: a deputy's, each the stand-in of the image's thread of the same tid.</summary>
    private static IEnumerable<Tracee> Staying(Tracee target) =>
        target.Group is { } group ? group.Tasks.Where(t => t != target) : [];

    /// <summary>
    /// Why <paramref name="metadata"/> cannot be restored into <paramref name="target"/>'s
    /// threads, or null: every thread the target has besides its leader must be one of the image's.
    /// Asked before anything is changed.
    /// </summary>
    public static string? Mismatch(Tracee target, ProcessImage metadata)
    {
        var inImage = metadata.Threads.Select(t => t.Tid).ToHashSet();
        return Staying(target).FirstOrDefault(t => !inImage.Contains(t.Tid)) is { } extra
            ? $"thread {extra.Tid} of the process here is none of the image's ({metadata.Threads.Count + 1} threads)"
            : null;
    }

    /// <summary>How many of the image's threads the restore must make (the rest exist already).</summary>
    public static int ToMake(Tracee target, ProcessImage metadata)
    {
        var staying = Staying(target).Select(t => t.Tid).ToHashSet();
        return metadata.Threads.Count(t => !staying.Contains(t.Tid));
    }

    /// <summary>
    /// The signals sent to each thread alone, queued to its successor (still blocked there) by the
    /// successor itself: the kernel lets a thread queue a siginfo that claims a kill or tgkill
    /// (si_code >= 0, SI_TKILL: Go's preemption signal) only to itself.
    /// </summary>
    public void PendingSignals()
    {
        int pid = leader.Tracee.Tid;
        foreach (var (made, thread) in _made.Where(m => m.Image.Pending.Count > 0))
        {
            using var remote = RemoteSyscalls.Enter(made);
            foreach (var pending in thread.Pending)
            {
                byte[] info = pending.Siginfo.ToByteArray();
                ulong signo = (ulong)BitConverter.ToInt32(info);
                remote.Checked(Sys.RtTgsigqueueinfo, (ulong)pid, (ulong)made.Tid, signo, scratch.Put(SiginfoOffset, info));
            }
        }
    }

    /// <summary>Last: each thread's mask, registers and extended state; they run when the process is let go.</summary>
    public void Registers()
    {
        foreach (var (made, thread) in _made)
        {
            ExtendedState.SetSignalMask(made.Tid, thread.Blocked);
            var regs = MemoryMarshal.Read<UserRegs>(thread.Registers.UserRegs.Span);
            Sandbox.Tracing.Registers.Set(made.Tid, regs);
            ExtendedState.SetXState(made.Tid, thread.Registers.Xstate.Span);
        }
    }

    /// <summary>What only the thread itself can tell the kernel: injected into it, as the leader's are into the leader.</summary>
    private void RegisterWithKernel(Tracee made, ThreadImage thread)
    {
        using var remote = RemoteSyscalls.Enter(made);
        KernelStateRestorer.RestoreAltStack(remote, scratch, AltStackOffset, thread.AltStack);
        KernelStateRestorer.RegisterThread(remote, thread.Thread, RestoreStage.Threads, keepThreadIds);
        if (thread.Name.Length > 0)
            remote.Syscall(Sys.Prctl, Mman.PR_SET_NAME, scratch.PutString(NameOffset, thread.Name));
    }
}

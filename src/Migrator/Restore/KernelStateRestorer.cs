using System.Buffers.Binary;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;
using ThreadState = Mosix.Migrator.Images.ThreadState;

namespace Mosix.Migrator.Restore;

/// <summary>
/// Re-registers with the kernel what the image's process had registered: mm layout, open files,
/// working directory, signal handlers, alternate stack, rseq, robust list, clear_child_tid,
/// itimers, name; pending signals and the mask last.
/// </summary>
/// <remarks>
/// All signals stay blocked while the restore runs (a signal taken between two injected calls
/// would be lost); the image's mask is set with PTRACE_SETSIGMASK after the last injected call,
/// and signals it leaves unblocked are then delivered as the process resumes.
/// </remarks>
internal sealed class KernelStateRestorer(RemoteSyscalls remote, RemoteScratch scratch, ProcessImage image)
{
    private const ulong SIG_SETMASK = 2, SEEK_SET = 0, O_WRONLY_CREAT_TRUNC = 0x241, O_CLOEXEC = 0x80000;

    public void BlockAllSignals()
    {
        ulong mask = scratch.Put(0, BitConverter.GetBytes(ulong.MaxValue));
        remote.Checked(Sys.RtSigprocmask, SIG_SETMASK, mask, 0, 8);
    }

    /// <summary>prctl(PR_SET_MM_MAP): brk, stack, arguments, environment, aux vector (no privilege needed without exe_fd).</summary>
    public void Layout()
    {
        var l = image.Layout;
        byte[] auxv = l.Auxv.ToByteArray();
        var map = new byte[104];
        ulong[] fields = [l.StartCode, l.EndCode, l.StartData, l.EndData, l.StartBrk, l.Brk, l.StartStack, l.ArgStart, l.ArgEnd, l.EnvStart, l.EnvEnd];
        for (int i = 0; i < fields.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(map.AsSpan(i * 8), fields[i]);
        ulong auxvAddress = scratch.Put(1024, auxv);
        BinaryPrimitives.WriteUInt64LittleEndian(map.AsSpan(88), auxvAddress);
        BinaryPrimitives.WriteUInt32LittleEndian(map.AsSpan(96), (uint)auxv.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(map.AsSpan(100), uint.MaxValue); // exe_fd: keep
        ulong address = scratch.Put(0, map);
        long r = remote.Syscall(Sys.Prctl, Mman.PR_SET_MM, Mman.PR_SET_MM_MAP, address, (ulong)map.Length, 0);
        if (r < 0)
            throw new RestoreException(RestoreStage.Layout, $"prctl(PR_SET_MM_MAP) failed: {Errno.Describe((int)-r)}");
    }

    /// <summary>Reopens the image's files at their numbers and offsets, with -O's replacements.</summary>
    public void Files(RestoreOptions options)
    {
        foreach (var file in image.Files.Where(f => f.Kind == DescriptorKind.File || options.Reopen.ContainsKey(f.Fd)))
        {
            string path = options.Reopen.GetValueOrDefault(file.Fd, file.Path);
            Open(file.Fd, path, (uint)file.Flags | (file.CloseOnExec ? O_CLOEXEC : 0), file.Position);
        }
        new PrivateDescriptors(remote, scratch).Restore([.. image.Files.Where(f => f.Kind != DescriptorKind.File && !options.Reopen.ContainsKey(f.Fd))]);
        foreach (var (fd, path) in options.Reopen.Where(r => image.Files.All(f => f.Fd != r.Key)))
            Open(fd, path, fd == 0 ? Mman.O_RDONLY : O_WRONLY_CREAT_TRUNC, 0);
        remote.Checked(Sys.Chdir, scratch.PutString(0, image.Cwd));
    }

    private void Open(int fd, string path, ulong flags, long position)
    {
        long opened = remote.Syscall(Sys.Openat, Mman.AT_FDCWD, scratch.PutString(0, path), flags, 0x1a4);
        if (opened < 0)
            throw new RestoreException(RestoreStage.Files, $"cannot reopen {path} as descriptor {fd}: {Errno.Describe((int)-opened)}");
        if (opened != fd)
        {
            remote.Checked(Sys.Dup3, (ulong)opened, (ulong)fd, flags & O_CLOEXEC);
            remote.Checked(Sys.Close, (ulong)opened);
        }
        if (position > 0)
            remote.Syscall(Sys.Lseek, (ulong)fd, (ulong)position, SEEK_SET); // ESPIPE on a terminal: nothing to seek
    }

    /// <param name="keepThreadIds">Away from home: glibc's copy of the tid stays home's (<see cref="RestoreOptions.KeepThreadIds"/>).</param>
    public void SignalsAndThread(bool keepThreadIds)
    {
        // The image lists only actions that are not the default; the process restored into was
        // started by whoever started us, and may ignore signals (an agent started in the background
        // ignores SIGINT, and so would a guest's incarnation). Every other signal gets its default.
        var listed = image.Signals.Actions.Select(a => a.Signo).ToHashSet();
        var defaultAction = scratch.Put(0, new byte[32]);
        const int SIGKILL = 9, SIGSTOP = 19, LastSignal = 64;
        for (int signal = 1; signal <= LastSignal; signal++)
        {
            if (signal is not (SIGKILL or SIGSTOP) && !listed.Contains(signal))
                remote.Syscall(Sys.RtSigaction, (ulong)signal, defaultAction, 0, 8);
        }
        foreach (var action in image.Signals.Actions)
        {
            var act = new byte[32];
            BinaryPrimitives.WriteUInt64LittleEndian(act, action.Handler);
            BinaryPrimitives.WriteUInt64LittleEndian(act.AsSpan(8), action.Flags);
            BinaryPrimitives.WriteUInt64LittleEndian(act.AsSpan(16), action.Restorer);
            BinaryPrimitives.WriteUInt64LittleEndian(act.AsSpan(24), action.Mask);
            remote.Checked(Sys.RtSigaction, (ulong)action.Signo, scratch.Put(0, act), 0, 8);
        }
        RestoreAltStack(remote, scratch, 0, image.Signals.AltStack);
        RegisterThread(remote, image.Thread, RestoreStage.KernelState, keepThreadIds);
        remote.Syscall(Sys.Prctl, Mman.PR_SET_NAME, scratch.PutString(0, image.Origin.Comm));
    }

    /// <summary>The calling thread's alternate signal stack, if it had one enabled (24 bytes of scratch at <paramref name="offset"/>).</summary>
    public static void RestoreAltStack(RemoteSyscalls remote, RemoteScratch scratch, ulong offset, AltStack? alt)
    {
        const int SS_DISABLE = 2;
        if (alt is null || (alt.Flags & SS_DISABLE) != 0 || alt.Sp == 0)
            return;
        var ss = new byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(ss, alt.Sp);
        BinaryPrimitives.WriteUInt64LittleEndian(ss.AsSpan(16), alt.Size);
        remote.Checked(Sys.Sigaltstack, scratch.Put(offset, ss), 0);
    }

    /// <summary>
    /// The calling thread's registrations with the kernel: clear_child_tid, the robust futex list, rseq.
    /// glibc keeps the thread's id where clear_child_tid points (struct pthread's tid): the restored
    /// thread has a new one, and raise() and pthread_kill() read it from there, so it is written there;
    /// unless <paramref name="keepThreadId"/>: away from home the program goes on with home's tids.
    /// </summary>
    public static void RegisterThread(RemoteSyscalls remote, ThreadState? state, RestoreStage stage, bool keepThreadId)
    {
        state ??= new ThreadState();
        long tid = remote.Syscall(Sys.SetTidAddress, state.ClearChildTid);
        if (state.ClearChildTid != 0 && !keepThreadId)
            Sandbox.Memory.ProcessMemory.TryWrite(remote.Tracee.Tid, state.ClearChildTid, BitConverter.GetBytes((int)tid));
        if (state.RobustList != 0)
            remote.Checked(Sys.SetRobustList, state.RobustList, state.RobustListLen);
        if (state.Rseq is { Address: not 0 } rseq)
        {
            long r = remote.Syscall(Sys.Rseq, rseq.Address, rseq.Length, 0, rseq.Signature);
            if (r < 0)
                throw new RestoreException(stage, $"cannot register rseq: {Errno.Describe((int)-r)}");
        }
    }

    public void Timers()
    {
        foreach (var timer in image.Itimers)
        {
            // An interval timer whose signal was pending reads as value 0: the kernel re-arms it
            // only when that signal is taken. setitimer with value 0 would disarm it; its next
            // expiry is one interval on.
            long valueUs = timer.ValueUs == 0 ? timer.IntervalUs : timer.ValueUs;
            var value = new byte[32];
            WriteTimeval(value.AsSpan(0, 16), timer.IntervalUs);
            WriteTimeval(value.AsSpan(16, 16), valueUs);
            remote.Checked(Sys.Setitimer, (ulong)timer.Which, scratch.Put(0, value), 0);
        }
    }

    /// <summary>Pending signals queued again, still blocked until the image's mask is set.</summary>
    public void PendingSignals()
    {
        int pid = remote.Tracee.Tid;
        foreach (var pending in image.Signals.Pending)
        {
            byte[] info = pending.Siginfo.ToByteArray();
            ulong signo = (ulong)BinaryPrimitives.ReadInt32LittleEndian(info);
            ulong address = scratch.Put(0, info);
            if (pending.ProcessWide)
                remote.Checked(Sys.RtSigqueueinfo, (ulong)pid, signo, address);
            else
                remote.Checked(Sys.RtTgsigqueueinfo, (ulong)pid, (ulong)pid, signo, address);
        }
    }

    private static void WriteTimeval(Span<byte> into, long microseconds)
    {
        BinaryPrimitives.WriteInt64LittleEndian(into, microseconds / 1_000_000);
        BinaryPrimitives.WriteInt64LittleEndian(into[8..], microseconds % 1_000_000);
    }
}

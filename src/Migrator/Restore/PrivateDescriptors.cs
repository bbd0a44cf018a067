using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Migrator.Restore;

/// <summary>
/// Makes again, at their numbers, the kernel objects only the process held (Checkpoint.DescriptorSurvey):
/// each pipe with what was in it, each eventfd with its count, and last each epoll instance with
/// its watches, once every descriptor it watches is back.
/// </summary>
internal sealed class PrivateDescriptors(RemoteSyscalls remote, RemoteScratch scratch)
{
    private const ulong O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, F_SETFL = 4, F_SETPIPE_SZ = 1031;
    private const ulong EFD_SEMAPHORE = 1, EPOLL_CTL_ADD = 1, DefaultPipeSize = 65536;

    public void Restore(IReadOnlyCollection<OpenFile> files)
    {
        // Pipes are made above every number the image uses, so that placing one end cannot land on
        // the other before it is placed too.
        ulong above = (ulong)files.Select(f => f.Fd).DefaultIfEmpty(2).Max() + 1;
        foreach (var pipe in files.Where(IsPipe).GroupBy(f => f.PipeId))
            MakePipe([.. pipe], above);
        foreach (var counter in files.Where(f => f.Kind == DescriptorKind.Eventfd))
        {
            ulong flags = (counter.EventfdSemaphore ? EFD_SEMAPHORE : 0) | ((ulong)counter.Flags & O_NONBLOCK);
            Place(counter, Made(remote.Syscall(Sys.Eventfd2, counter.EventfdCount, flags), counter, "eventfd"));
        }
        var polls = files.Where(f => f.Kind == DescriptorKind.Epoll).ToList();
        foreach (var poll in polls)
            Place(poll, Made(remote.Syscall(Sys.EpollCreate1, 0), poll, "epoll instance"));
        foreach (var poll in polls)
        {
            foreach (var watch in poll.Watches)
            {
                // struct epoll_event is packed on x86-64: u32 events, u64 data.
                var ev = new byte[12];
                BitConverter.TryWriteBytes(ev.AsSpan(0), watch.Events);
                BitConverter.TryWriteBytes(ev.AsSpan(4), watch.Data);
                long r = remote.Syscall(Sys.EpollCtl, (ulong)poll.Fd, EPOLL_CTL_ADD, (ulong)watch.Fd, scratch.Put(0, ev));
                if (r < 0)
                    throw new RestoreException(RestoreStage.Files, $"cannot watch descriptor {watch.Fd} with the epoll instance at {poll.Fd} again: {Errno.Describe((int)-r)}");
            }
        }
    }

    private static bool IsPipe(OpenFile f) => f.Kind is DescriptorKind.PipeRead or DescriptorKind.PipeWrite;

    /// <summary>One pipe: made, its capacity and bytes put back, then each end at each of its numbers.</summary>
    private void MakePipe(List<OpenFile> ends, ulong above)
    {
        const ulong F_DUPFD = 0;
        var first = ends[0];
        remote.Checked(Sys.Pipe2, scratch.Address, 0);
        var pair = scratch.Get(0, 8);
        int readEnd = (int)remote.Checked(Sys.Fcntl, (ulong)BitConverter.ToInt32(pair), F_DUPFD, above);
        int writeEnd = (int)remote.Checked(Sys.Fcntl, (ulong)BitConverter.ToInt32(pair.AsSpan(4)), F_DUPFD, above);
        remote.Syscall(Sys.Close, (ulong)BitConverter.ToInt32(pair));
        remote.Syscall(Sys.Close, (ulong)BitConverter.ToInt32(pair.AsSpan(4)));
        if (first.PipeSize is > 0 and not (uint)DefaultPipeSize)
            remote.Checked(Sys.Fcntl, (ulong)writeEnd, F_SETPIPE_SZ, first.PipeSize);
        foreach (var data in ends.Where(e => e.PipeData.Length > 0).Select(e => e.PipeData.ToByteArray()))
        {
            for (int done = 0; done < data.Length;)
            {
                int piece = Math.Min(data.Length - done, 32 * 1024);
                long put = remote.Syscall(Sys.Write, (ulong)writeEnd, scratch.Put(64, data.AsSpan(done, piece)), (ulong)piece);
                if (put <= 0)
                    throw new RestoreException(RestoreStage.Files, $"cannot put back what was in the pipe at descriptor {first.Fd}: {(put < 0 ? Errno.Describe((int)-put) : "no room")}");
                done += (int)put;
            }
        }
        foreach (var end in ends)
            Place(end, end.Kind == DescriptorKind.PipeRead ? readEnd : writeEnd, closeMade: false);
        remote.Syscall(Sys.Close, (ulong)readEnd);
        remote.Syscall(Sys.Close, (ulong)writeEnd);
    }

    private static int Made(long result, OpenFile file, string what) => result >= 0
        ? (int)result
        : throw new RestoreException(RestoreStage.Files, $"cannot make the {what} at descriptor {file.Fd} again: {Errno.Describe((int)-result)}");

    /// <summary>Puts what was made at the image's number, with its close-on-exec and O_NONBLOCK.</summary>
    private void Place(OpenFile file, int made, bool closeMade = true)
    {
        if (made != file.Fd)
        {
            remote.Checked(Sys.Dup3, (ulong)made, (ulong)file.Fd, file.CloseOnExec ? O_CLOEXEC : 0);
            if (closeMade)
                remote.Checked(Sys.Close, (ulong)made);
        }
        else if (file.CloseOnExec)
        {
            const ulong F_SETFD = 2, FD_CLOEXEC = 1;
            remote.Checked(Sys.Fcntl, (ulong)file.Fd, F_SETFD, FD_CLOEXEC);
        }
        remote.Checked(Sys.Fcntl, (ulong)file.Fd, F_SETFL, (ulong)file.Flags & O_NONBLOCK);
    }
}

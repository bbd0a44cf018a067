using System.Globalization;
using Google.Protobuf;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Migrator.Checkpoint;

/// <summary>
/// What a checkpoint makes of each descriptor of a process (but the standard streams): a file to
/// reopen by path, a kernel object only this process holds, to make again at restore (a pipe both
/// of whose ends it holds, an eventfd, an epoll instance watching its own descriptors), or an
/// obstacle. Runtimes keep such objects for themselves: Go's poller (epoll and a pipe), xz's
/// signal pipe, libuv's and glibc's wake-up descriptors.
/// </summary>
/// <remarks>
/// Read from /proc while the process is stopped. A pipe is the process's own only if no other
/// process this user can see holds it; an eventfd or epoll instance cannot be told apart that way
/// (every one is the same anonymous inode), and is taken as the process's own: such objects reach
/// another process only by fork or SCM_RIGHTS, and a process with children is refused anyway.
/// </remarks>
internal sealed class DescriptorSurvey
{
    private const int O_ACCMODE = 3, O_WRONLY = 1, O_CLOEXEC = 0x80000, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200;

    private readonly int _pid;
    private readonly List<(OpenFiles.Descriptor Fd, OpenFile Saved)> _kept = [];

    private DescriptorSurvey(int pid) => _pid = pid;

    /// <summary>The first descriptor that cannot be carried, said as "file descriptor N is ...", or null.</summary>
    public string? Obstacle { get; private set; }

    public static DescriptorSurvey Of(int pid)
    {
        var survey = new DescriptorSurvey(pid);
        survey.Classify(OpenFiles.List(pid).Where(fd => fd.Number > 2).ToList());
        return survey;
    }

    private void Classify(List<OpenFiles.Descriptor> descriptors)
    {
        var pipes = descriptors.Where(d => PipeInode(d.Target) is not null).GroupBy(d => PipeInode(d.Target)!.Value).ToDictionary(g => g.Key, g => g.ToList());
        HashSet<ulong>? heldElsewhere = null;
        foreach (var fd in descriptors)
        {
            var saved = new OpenFile { Fd = fd.Number, Flags = fd.Flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC), CloseOnExec = (fd.Flags & O_CLOEXEC) != 0 };
            string? obstacle;
            if (PipeInode(fd.Target) is { } inode)
            {
                heldElsewhere ??= PipesOfOtherProcesses(pipes.Keys);
                obstacle = PipeObstacle(pipes[inode], heldElsewhere.Contains(inode));
                saved.Kind = (fd.Flags & O_ACCMODE) == O_WRONLY ? DescriptorKind.PipeWrite : DescriptorKind.PipeRead;
                saved.PipeId = inode;
            }
            else if (fd.Target == "anon_inode:[eventfd]")
            {
                obstacle = null;
                saved.Kind = DescriptorKind.Eventfd;
                var info = Info(fd.Number);
                saved.EventfdCount = ulong.Parse(info.GetValueOrDefault("eventfd-count", "0"), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                saved.EventfdSemaphore = info.GetValueOrDefault("eventfd-semaphore", "0") == "1";
            }
            else if (fd.Target == "anon_inode:[eventpoll]")
            {
                saved.Kind = DescriptorKind.Epoll;
                obstacle = ReadWatches(fd.Number, descriptors, saved);
            }
            else
            {
                obstacle = OpenFiles.Obstacle(fd);
                saved.Path = fd.Target;
                saved.Position = fd.Position;
            }
            if (obstacle is not null)
            {
                Obstacle ??= $"file descriptor {fd.Number} is {obstacle}";
                continue;
            }
            _kept.Add((fd, saved));
        }
    }

    /// <summary>
    /// The descriptors as the image keeps them. Reads what is in each pipe (the process is stopped:
    /// nobody else reads or writes it) and writes it straight back, so a process that goes on finds
    /// its pipes as they were. Injected calls: the tracee is the stopped process.
    /// </summary>
    public List<OpenFile> Capture(RemoteSyscalls remote)
    {
        var files = _kept.Select(k => k.Saved).ToList();
        var readEnds = files.Where(f => f.Kind == DescriptorKind.PipeRead).GroupBy(f => f.PipeId).Select(g => g.First()).ToList();
        if (files.All(f => f.Kind is not (DescriptorKind.PipeRead or DescriptorKind.PipeWrite)))
            return files;
        using var scratch = RemoteScratch.Map(remote, 1 << 20);
        foreach (var pipe in files.Where(f => f.Kind is DescriptorKind.PipeRead or DescriptorKind.PipeWrite))
        {
            const ulong F_GETPIPE_SZ = 1032;
            pipe.PipeSize = (uint)remote.Checked(Sys.Fcntl, (ulong)pipe.Fd, F_GETPIPE_SZ);
        }
        foreach (var readEnd in readEnds)
        {
            const ulong FIONREAD = 0x541B;
            remote.Checked(Sys.Ioctl, (ulong)readEnd.Fd, FIONREAD, scratch.Address);
            int waiting = BitConverter.ToInt32(scratch.Get(0, 4));
            if (waiting <= 0)
                continue;
            if ((ulong)waiting > scratch.Size)
                throw new CheckpointRefusedException($"cannot checkpoint: the pipe at descriptor {readEnd.Fd} holds {waiting} bytes, more than a checkpoint reads");
            var writeEnd = files.First(f => f.Kind == DescriptorKind.PipeWrite && f.PipeId == readEnd.PipeId);
            long got = remote.Syscall(Sys.Read, (ulong)readEnd.Fd, scratch.Address, (ulong)waiting);
            if (got != waiting)
                throw new CheckpointRefusedException($"cannot checkpoint: the pipe at descriptor {readEnd.Fd} could not be read ({(got < 0 ? Errno.Describe((int)-got) : $"{got} of {waiting} bytes")})");
            readEnd.PipeData = ByteString.CopyFrom(scratch.Get(0, waiting));
            long put = remote.Syscall(Sys.Write, (ulong)writeEnd.Fd, scratch.Address, (ulong)waiting);
            if (put != waiting)
                throw new InvalidOperationException($"the bytes read from the pipe at descriptor {readEnd.Fd} could not be put back ({(put < 0 ? Errno.Describe((int)-put) : $"{put} of {waiting} bytes")})");
        }
        return files;
    }

    /// <summary>Why a pipe cannot be carried: both its ends must be here, and nowhere else.</summary>
    private static string? PipeObstacle(List<OpenFiles.Descriptor> ends, bool heldElsewhere)
    {
        if (heldElsewhere)
            return "a pipe shared with another process";
        bool reads = ends.Any(e => (e.Flags & O_ACCMODE) != O_WRONLY), writes = ends.Any(e => (e.Flags & O_ACCMODE) == O_WRONLY);
        return reads && writes ? null : "a pipe whose other end is not in the process";
    }

    /// <summary>
    /// The epoll instance's watches, from fdinfo ("tfd: N events: HEX data: HEX ... ino:HEX sdev:HEX");
    /// each must be a descriptor of the process that is still the very file registered, and not
    /// itself an epoll instance (nested instances would need an order); else the obstacle.
    /// </summary>
    private string? ReadWatches(int fd, List<OpenFiles.Descriptor> descriptors, OpenFile saved)
    {
        foreach (string line in InfoLines(fd).Where(l => l.StartsWith("tfd:", StringComparison.Ordinal)))
        {
            var fields = ParseWatch(line);
            int target = (int)long.Parse(fields["tfd"], CultureInfo.InvariantCulture);
            var watched = descriptors.FirstOrDefault(d => d.Number == target);
            if (watched is null || target <= 2)
                return $"an epoll instance watching descriptor {target}, which it cannot carry";
            if (watched.Target == "anon_inode:[eventpoll]")
                return "an epoll instance watching another epoll instance";
            if (fields.TryGetValue("ino", out string? ino) && StatInode(target) is { } inode
                && inode != ulong.Parse(ino, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
                return $"an epoll instance watching a file no longer at descriptor {target}";
            saved.Watches.Add(new EpollWatch
            {
                Fd = target,
                Events = uint.Parse(fields["events"], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                Data = ulong.Parse(fields["data"], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            });
        }
        return null;
    }

    /// <summary>"tfd:        4 events: 80000019 data:                4  pos:0 ino:21a157 sdev:f" as name/value pairs.</summary>
    private static Dictionary<string, string> ParseWatch(string line)
    {
        var fields = new Dictionary<string, string>();
        var tokens = line.Replace(":", ": ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i + 1 < tokens.Length; i += 2)
            fields[tokens[i].TrimEnd(':')] = tokens[i + 1];
        return fields;
    }

    private ulong? StatInode(int fd) => FileStat.KindOf($"/proc/{_pid}/fd/{fd}")?.Inode;

    private Dictionary<string, string> Info(int fd) =>
        InfoLines(fd).Select(l => l.Split(':', 2)).Where(p => p.Length == 2).GroupBy(p => p[0].Trim()).ToDictionary(g => g.Key, g => g.First()[1].Trim());

    private IEnumerable<string> InfoLines(int fd)
    {
        try
        {
            return File.ReadAllLines($"/proc/{_pid}/fdinfo/{fd}");
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static ulong? PipeInode(string target) =>
        target.StartsWith("pipe:[", StringComparison.Ordinal) && ulong.TryParse(target.AsSpan(6, target.Length - 7), CultureInfo.InvariantCulture, out ulong inode) ? inode : null;

    /// <summary>Which of <paramref name="pipes"/> another process (that this user may look into) holds too.</summary>
    private HashSet<ulong> PipesOfOtherProcesses(IEnumerable<ulong> pipes)
    {
        var wanted = pipes.ToHashSet();
        var found = new HashSet<ulong>();
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), CultureInfo.InvariantCulture, out int pid) || pid == _pid)
                continue;
            try
            {
                foreach (var link in Directory.EnumerateFiles($"{process}/fd"))
                {
                    if (PipeInode(new FileInfo(link).LinkTarget ?? "") is { } inode && wanted.Contains(inode))
                        found.Add(inode);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or another user's: not one that can share this user's pipe but by inheritance from it.
            }
        }
        return found;
    }
}

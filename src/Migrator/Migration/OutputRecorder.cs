using Mosix.Migrator.Checkpoint;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Migrator.Migration;

/// <summary>
/// While a process is away, the output its forwarded writes delivered where a restart from the
/// image taken at the move would deliver it again (<see cref="DeliveredOutput"/>).
/// </summary>
/// <remarks>
/// A restart keeps the deputy's standard streams (0-2) as they are now, and reopens every other
/// descriptor by name at the image's offset. So the writes kept are those on
/// <code>
///   0-2, still the objects they were at the image      (a pipe, a terminal, a file at its offset now)
///   a file opened O_APPEND                             (appended again)
///   a terminal or other device but /dev/null, /dev/zero, a named FIFO   (its reader saw them)
/// </code>
/// and not those on a plain file without O_APPEND (rewritten in place at restart), nor on a pipe or
/// socket made after the image (the restarted process makes a new one). What a descriptor is, is
/// asked of the deputy's /proc entry once and kept until a forwarded call that may change the
/// descriptor table or flags (anything but the calls in <see cref="s_keepTable"/>).
/// Only the server thread of the guest's calls uses it.
/// </remarks>
internal sealed class OutputRecorder
{
    private const uint S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFCHR = 0x2000, S_IFIFO = 0x1000;
    private const int O_APPEND = 0x400;

    private static readonly HashSet<long> s_keepTable = [Sys.Read, Sys.Write, Sys.Fstat, Sys.Lseek, 17, 18, 19, Sys.Writev, 74, 75];

    private readonly int _deputy;
    private readonly Dictionary<int, (ulong Device, ulong Inode)> _standard = [];
    private readonly Dictionary<int, bool> _recorded = [];

    private OutputRecorder(int deputy) => _deputy = deputy;

    public DeliveredOutput Delivered { get; } = new();

    /// <summary>Starts at the image point of <paramref name="pid"/>: its standard streams as they are now.</summary>
    public static OutputRecorder At(int pid)
    {
        var recorder = new OutputRecorder(pid);
        for (int fd = 0; fd <= 2; fd++)
        {
            if (FileStat.KindOf($"/proc/{pid}/fd/{fd}") is { } kind)
                recorder._standard[fd] = (kind.Device, kind.Inode);
        }
        return recorder;
    }

    /// <summary>A forwarded call was made at home with <paramref name="result"/>.</summary>
    public void Saw(ForwardedCall call, ForwardedResult result)
    {
        if (call.Number is Sys.Write or Sys.Writev)
        {
            int fd = (int)call.Args[0];
            if (result.Return > 0 && call.Buffers.FirstOrDefault(b => b.ArgIndex == 1) is { } data && Recorded(fd))
                Delivered.Append(fd, data.Data.AsSpan(0, (int)Math.Min(result.Return, data.Data.Length)));
            return;
        }
        if (!s_keepTable.Contains(call.Number))
            _recorded.Clear();
    }

    private bool Recorded(int fd)
    {
        if (!_recorded.TryGetValue(fd, out bool recorded))
            _recorded[fd] = recorded = Classify(fd);
        return recorded;
    }

    private bool Classify(int fd)
    {
        string link = $"/proc/{_deputy}/fd/{fd}";
        if (FileStat.KindOf(link) is not var (mode, rdev, device, inode))
            return false;
        bool plainDevice = (mode & S_IFMT) == S_IFCHR && rdev is 0x103 or 0x105; // /dev/null, /dev/zero: nobody reads them
        if (_standard.TryGetValue(fd, out var atImage) && atImage == (device, inode))
            return !plainDevice;
        return (mode & S_IFMT) switch
        {
            S_IFREG => (OpenFiles.ReadInfo(_deputy, fd).Flags & O_APPEND) != 0,
            S_IFCHR => !plainDevice,
            S_IFIFO => (new FileInfo(link).LinkTarget ?? "").StartsWith('/'),
            _ => false,
        };
    }
}

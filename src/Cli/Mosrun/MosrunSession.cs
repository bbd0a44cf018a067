using Mosix.Migrator.Checkpoint;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// One supervised program, its process tree, and what may happen to each of its processes while
/// it runs: moves, freezes and checkpoints asked for by <c>migrate</c> and the balancer through
/// the control socket, and the root's checkpoints every <c>-A</c> minutes.
/// </summary>
internal sealed class MosrunSession : IDisposable
{
    /// <summary>How long chkstop waits for the program's threads to stop before mosrun stops anyway.</summary>
    private static readonly TimeSpan QuietStopPatience = TimeSpan.FromSeconds(10);

    private readonly Supervisor _supervisor;
    private readonly CheckpointNames _names;
    private readonly ControlEndpoint? _endpoint;
    private readonly Timer? _periodic;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly string _job;
    private readonly ProcessTree _tree;

    public MosrunSession(Supervisor supervisor, CheckpointNames names, TimeSpan? every, UnservedCallPolicy unserved, string? job = null)
    {
        _supervisor = supervisor;
        _job = job ?? "";
        _names = names;
        // With -A a move takes a checkpoint as it starts, which becomes the latest (docs/migration.md).
        var restart = new Migrator.Migration.RestartImages(() => LastImage, every is null ? null : names.Next, path => LastImage = path);
        _tree = new ProcessTree(supervisor, unserved, restart);
        _endpoint = ControlEndpoint.Open(supervisor.RootPid, HandleAsync);
        if (every is { } period)
        {
            _periodic = new Timer(_ => _ = PeriodicCheckpointAsync(), null, period, period);
            _ = SayIfCannotCheckpointAsync();
        }
    }

    /// <summary>Why the last periodic checkpoint could not be taken; null while they succeed.</summary>
    private string? _periodicTrouble;
    private readonly Lock _troubleLock = new();

    /// <summary>
    /// <c>-A</c>: one checkpoint every period. One that cannot be taken says why on stderr, once,
    /// and again only when the reason changes; the first that succeeds after says so.
    /// </summary>
    private async Task PeriodicCheckpointAsync()
    {
        // Away (or moving), the latest image is the one the move took; periodic ones go on at home.
        if (Relocation.Where is not null || Relocation.Moving)
            return;
        if (FolderTrouble() is { } folder)
        {
            SayPeriodicTrouble(folder);
            return;
        }
        var reply = await CheckpointAsync(_tree.Root, "mosrun -A", CheckpointAction.Continue);
        if (reply.Ok)
        {
            lock (_troubleLock)
            {
                if (_periodicTrouble is null)
                    return;
                _periodicTrouble = null;
            }
            Console.Error.WriteLine($"mosrun: -A: periodic checkpoints are taken again ({LastImage})");
            return;
        }
        if (!_supervisor.IsMember(_supervisor.RootPid))
            return; // the program ended while the checkpoint was asked for: nothing to checkpoint, nothing to say
        SayPeriodicTrouble(reply.Message);
    }

    /// <summary>-A on a process that cannot be checkpointed (or with nowhere to write) says so at once, not a period later.</summary>
    private async Task SayIfCannotCheckpointAsync()
    {
        await _supervisor.Executed;
        bool hasChildren = _supervisor.Members.Any(m => m.ParentPid == _supervisor.RootPid);
        if ((FolderTrouble() ?? Checkpointer.Obstacle(_supervisor.RootPid, hasChildren)) is { } why)
            SayPeriodicTrouble(why);
    }

    /// <summary>Why no image can be written where -C says, or null.</summary>
    private string? FolderTrouble()
    {
        string folder = Path.GetDirectoryName(_names.BasePath)!;
        return !Directory.Exists(folder) ? $"the image folder {folder} does not exist"
            : !Sandbox.Interop.Access.CanWrite(folder) ? $"the image folder {folder} is not writable"
            : null;
    }

    private void SayPeriodicTrouble(string reason)
    {
        lock (_troubleLock)
        {
            if (reason == _periodicTrouble)
                return;
            _periodicTrouble = reason;
        }
        Console.Error.WriteLine($"mosrun: -A: no periodic checkpoint: {reason}");
    }

    /// <summary>Set when the process was ended by <c>chkexit</c>: the image that now stands for it.</summary>
    public string? EndedInto { get; private set; }

    public Task<ExitOutcome> Completion => _supervisor.Completion;

    /// <summary>The latest checkpoint this session wrote, if any: what a lost node restarts the process from.</summary>
    public string? LastImage { get; private set; }

    /// <summary>Where the program (the root of the tree) runs, and its moves.</summary>
    public Relocation Relocation => _tree.Root.Relocation;

    /// <summary>Every process of the program's tree.</summary>
    public ProcessTree Tree => _tree;

    /// <summary>
    /// One request of the control protocol (docs/protocol.md, "Local control"). <c>pid N REQUEST</c>
    /// addresses process N of the tree; a request without it is the root's.
    /// </summary>
    private async Task<ControlLine.Reply> HandleAsync(string request)
    {
        var target = _tree.Root;
        if (ControlLine.Addressed(request, out int pid, out string rest))
        {
            // mosrun's own pid stands for its program, as its socket's alias does.
            var member = pid == Environment.ProcessId ? _tree.Root : _tree.Find(pid);
            if (member is null)
                return new ControlLine.Reply(false, $"process {pid} is not running under this mosrun");
            (target, request) = (member, rest);
        }
        return request.Split(' ', 2) switch
        {
            ["checkpoint"] => await CheckpointAsync(target, "migrate checkpoint", CheckpointAction.Continue),
            ["chkstop"] => await CheckpointAsync(target, "migrate chkstop", CheckpointAction.Stop),
            ["chkexit"] => await CheckpointAsync(target, "migrate chkexit", CheckpointAction.Exit),
            ["home"] => Chosen(target, target.Relocation.BringHome(), away: false),
            ["move", var node] => Chosen(target, target.Relocation.MoveTo(node), away: true),
            ["native", var asking] => NativeRequest.Serve(_supervisor.RootPid, asking),
            ["freeze"] => Freeze(target),
            ["continue"] => Continue(target),
            // The job id of mosrun -J ("" for none): moskillall and migrate -j pick members by it.
            ["job"] => new ControlLine.Reply(true, _job),
            // The latest good checkpoint of this run ("none"); mosps --checkpoints shows it.
            ["lastimage"] => new ControlLine.Reply(true, target == _tree.Root ? LastImage ?? "none" : "none"),
            // WHERE STATE PID COMMAND (the command last: it may hold blanks).
            ["status"] => new ControlLine.Reply(true, StatusOf(target)),
            // Every process of the tree, as TreeListing says; mosps, migrate -j and the balancer read it.
            ["members"] => new ControlLine.Reply(true, TreeListing.Format(_tree.All().Select(m => new TreeListing.Entry(
                m.Pid, m.ParentPid, m.Relocation.Where ?? "home", m.State, m.StartedAt, ProcessStatus.Comm(m.Pid) ?? "?")))),
            _ => new ControlLine.Reply(false, $"unknown request '{request}'"),
        };
    }

    private static string StatusOf(TreeProcess process) =>
        $"{process.Relocation.Where ?? "home"} {process.State} {process.Pid} {ProcessStatus.Comm(process.Pid) ?? "?"}";

    /// <summary>
    /// Somebody chose where the process runs (migrate, the balancer). Home: it no longer goes back
    /// to a node it came home from. A node: it belongs there, and goes back there after a call
    /// that brings it home.
    /// </summary>
    private static ControlLine.Reply Chosen(TreeProcess process, ControlLine.Reply reply, bool away)
    {
        if (reply.Ok && away)
            process.SentAway();
        else if (reply.Ok)
            process.Settle();
        return reply;
    }

    /// <summary>
    /// migrate PID freeze: the process stops, at home (brought back first if away), holding no
    /// core and no other node; mosrun goes on (the shell sees no stopped job). MOSIX also writes a
    /// frozen process's memory to disk; here it stays in memory, where the kernel may swap it.
    /// </summary>
    private ControlLine.Reply Freeze(TreeProcess process)
    {
        if (Interlocked.CompareExchange(ref process.Frozen, 1, 0) == 1)
            return new ControlLine.Reply(true, "the process is frozen already");
        if (process.Relocation.Where is not null && process.Relocation.BringHome() is { Ok: false } stuck)
        {
            Volatile.Write(ref process.Frozen, 0);
            return stuck;
        }
        process.Settle();
        if (process == _tree.Root)
            _ = _supervisor.StopRootQuietly(); // mosrun goes on: nothing waits for the stop
        else
            _supervisor.Signal(process.Pid, Signals.SIGSTOP);
        return new ControlLine.Reply(true, "frozen at home; 'migrate PID continue' resumes it");
    }

    private ControlLine.Reply Continue(TreeProcess process)
    {
        if (Interlocked.Exchange(ref process.Frozen, 0) == 0)
            return new ControlLine.Reply(false, "the process is not frozen");
        _supervisor.Signal(process.Pid, Signals.SIGCONT);
        return new ControlLine.Reply(true, "continued");
    }

    /// <summary>
    /// Takes a checkpoint of one process of the tree into the next BASE.N (the root's) or
    /// BASE-PID.N (another's); the process keeps running if it fails.
    /// </summary>
    private async Task<ControlLine.Reply> CheckpointAsync(TreeProcess process, string takenBy, CheckpointAction then)
    {
        var relocation = process.Relocation;
        if (relocation.Where is { } node)
            return new ControlLine.Reply(false, $"the process runs on {node}: bring it home first (migrate PID home)");
        if (relocation.Moving)
            return new ControlLine.Reply(false, "the process is moving; try again once it has arrived");
        bool root = process == _tree.Root;
        await _oneAtATime.WaitAsync();
        try
        {
            string path = root ? _names.Next() : _names.ForMember(process.Pid).Next();
            var result = await _supervisor.WithProcessStopped(process.Pid, tracee =>
            {
                var taken = Checkpointer.Take(tracee, path, takenBy);
                if (root)
                    LastImage = taken.Path;
                // Signalled while still stopped, so the process runs not one instruction past its
                // image: anything it did after would happen again when the image is restarted.
                if (then == CheckpointAction.Exit)
                {
                    if (root)
                        EndedInto = taken.Path;
                    _supervisor.Signal(process.Pid, Signals.SIGKILL);
                }
                else if (then == CheckpointAction.Stop && root)
                {
                    // The program stops now; mosrun stops along once migrate has its answer, and once
                    // every thread of the program is stopped (the tracer lets the stop happen).
                    var stopped = _supervisor.StopRootQuietly();
                    if (_endpoint is not null)
                        _endpoint.AfterReply = () =>
                        {
                            stopped.Wait(QuietStopPatience);
                            ProcessSetup.StopSelf(Signals.SIGSTOP);
                        };
                }
                else if (then == CheckpointAction.Stop)
                {
                    _supervisor.Signal(process.Pid, Signals.SIGSTOP); // that process alone; the tree goes on
                }
                return taken;
            });
            return new ControlLine.Reply(true,
                $"{result.Path} ({Sizes.Describe(result.PageBytes)} of {Sizes.Describe(result.MappedBytes)} mapped, frozen {result.Frozen.TotalMilliseconds:F0} ms: {result.Capture.TotalMilliseconds:F0} ms reading it, {result.Commit.TotalMilliseconds:F0} ms to disk)");
        }
        catch (Exception e) // the boundary: any failure becomes the caller's one-line answer
        {
            return new ControlLine.Reply(false, e.Message);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose()
    {
        _periodic?.Dispose();
        _endpoint?.Dispose();
        _tree.Dispose();
    }
}

/// <summary>Signal numbers the commands send.</summary>
internal static class Signals
{
    public const int SIGKILL = 9, SIGSTOP = 19, SIGCONT = 18;
}

/// <summary>Byte counts for people.</summary>
internal static class Sizes
{
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F0} KiB",
        _ => $"{bytes} B",
    };
}

using Mosix.Migrator.Checkpoint;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// One supervised program and what may happen to it while it runs: checkpoints asked for by
/// <c>migrate</c> through the control socket, or every <c>-A</c> minutes.
/// </summary>
internal sealed class MosrunSession : IDisposable
{
    private readonly Supervisor _supervisor;
    private readonly CheckpointNames _names;
    private readonly ControlEndpoint? _endpoint;
    private readonly Timer? _periodic;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly string _job;
    private int _frozen;

    public MosrunSession(Supervisor supervisor, CheckpointNames names, TimeSpan? every, UnservedCallPolicy unserved, string? job = null)
    {
        _supervisor = supervisor;
        _job = job ?? "";
        _names = names;
        // With -A a move takes a checkpoint as it starts, which becomes the latest (docs/migration.md).
        var restart = new Migrator.Migration.RestartImages(() => LastImage, every is null ? null : names.Next, path => LastImage = path);
        Relocation = new Relocation(supervisor, unserved, restart);
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
        var reply = await CheckpointAsync("mosrun -A", CheckpointAction.Continue);
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
        SayPeriodicTrouble(reply.Message);
    }

    /// <summary>-A on a process that cannot be checkpointed (or with nowhere to write) says so at once, not a period later.</summary>
    private async Task SayIfCannotCheckpointAsync()
    {
        await _supervisor.Executed;
        if ((FolderTrouble() ?? Checkpointer.Obstacle(_supervisor.RootPid, _supervisor.TaskCount)) is { } why)
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

    /// <summary>Where the process runs, and its moves.</summary>
    public Relocation Relocation { get; }

    private async Task<ControlLine.Reply> HandleAsync(string request) => request.Split(' ', 2) switch
    {
        ["checkpoint"] => await CheckpointAsync("migrate checkpoint", CheckpointAction.Continue),
        ["chkstop"] => await CheckpointAsync("migrate chkstop", CheckpointAction.Stop),
        ["chkexit"] => await CheckpointAsync("migrate chkexit", CheckpointAction.Exit),
        ["home"] => Relocation.BringHome(),
        ["move", var node] => Relocation.MoveTo(node),
        ["native", var pid] => NativeRequest.Serve(_supervisor.RootPid, pid),
        ["freeze"] => Freeze(),
        ["continue"] => Continue(),
        // The job id of mosrun -J ("" for none): moskillall and migrate -j pick members by it.
        ["job"] => new ControlLine.Reply(true, _job),
        // The latest good checkpoint of this run ("none"); mosps --checkpoints shows it.
        ["lastimage"] => new ControlLine.Reply(true, LastImage ?? "none"),
        // WHERE STATE PID COMMAND (the command last: it may hold blanks); mosps reads it.
        ["status"] => new ControlLine.Reply(true, $"{Relocation.Where ?? "home"} {(Volatile.Read(ref _frozen) == 1 ? "frozen" : Relocation.State)} {_supervisor.RootPid} {ProcessStatus.Comm(_supervisor.RootPid) ?? "?"}"),
        _ => new ControlLine.Reply(false, $"unknown request '{request}'"),
    };

    /// <summary>
    /// migrate PID freeze: the process stops, at home (brought back first if away), holding no
    /// core and no other node; mosrun goes on (the shell sees no stopped job). MOSIX also writes a
    /// frozen process's memory to disk; here it stays in memory, where the kernel may swap it.
    /// </summary>
    private ControlLine.Reply Freeze()
    {
        if (Interlocked.CompareExchange(ref _frozen, 1, 0) == 1)
            return new ControlLine.Reply(true, "the process is frozen already");
        if (Relocation.Where is not null && Relocation.BringHome() is { Ok: false } stuck)
        {
            Volatile.Write(ref _frozen, 0);
            return stuck;
        }
        _supervisor.StopRootQuietly();
        return new ControlLine.Reply(true, "frozen at home; 'migrate PID continue' resumes it");
    }

    private ControlLine.Reply Continue()
    {
        if (Interlocked.Exchange(ref _frozen, 0) == 0)
            return new ControlLine.Reply(false, "the process is not frozen");
        _supervisor.SignalRoot(Signals.SIGCONT);
        return new ControlLine.Reply(true, "continued");
    }

    /// <summary>Takes a checkpoint into the next BASE.N; the process keeps running if it fails.</summary>
    public async Task<ControlLine.Reply> CheckpointAsync(string takenBy, CheckpointAction then)
    {
        if (Relocation.Where is { } node)
            return new ControlLine.Reply(false, $"the process runs on {node}: bring it home first (migrate PID home)");
        if (Relocation.Moving)
            return new ControlLine.Reply(false, "the process is moving; try again once it has arrived");
        await _oneAtATime.WaitAsync();
        try
        {
            string path = _names.Next();
            var result = await _supervisor.WithStopped(_supervisor.RootPid, tracee =>
            {
                var taken = Checkpointer.Take(tracee, _supervisor.TaskCount, path, takenBy);
                LastImage = taken.Path;
                // Signalled while still stopped, so the process runs not one instruction past its
                // image: anything it did after would happen again when the image is restarted.
                if (then == CheckpointAction.Exit)
                {
                    EndedInto = taken.Path;
                    _supervisor.SignalRoot(Signals.SIGKILL);
                }
                else if (then == CheckpointAction.Stop)
                {
                    // The program stops now; mosrun stops along once migrate has its answer.
                    _supervisor.StopRootQuietly();
                    if (_endpoint is not null)
                        _endpoint.AfterReply = () => ProcessSetup.StopSelf(Signals.SIGSTOP);
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

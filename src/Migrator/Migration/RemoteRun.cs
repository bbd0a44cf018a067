using Mosix.Migrator.Checkpoint;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Migrator.Migration;

/// <summary>How a remote stay ended, seen from home.</summary>
public enum RemoteEnd
{
    /// <summary>The process is home again and runs natively.</summary>
    CameHome,

    /// <summary>The process ended away; the deputy ended the same way.</summary>
    Ended,

    /// <summary>The guest's node or the link went away; the home process was killed.</summary>
    Lost,
}

/// <summary>
/// Home's side of a process that runs on another node: the move there (<see cref="MoveAway"/>),
/// the deputy serving its calls and passing on its signals, and its end: back home, ended, or lost.
/// </summary>
/// <remarks>
/// A move that fails before the guest runs leaves the process at home, untouched: its image is
/// only read, and the home process becomes the deputy only after the guest has restored it and been
/// told to proceed. A reader thread serves the guest's frames; every action on the process runs on
/// the home supervisor's tracer thread.
/// </remarks>
public sealed class RemoteRun
{
    private readonly Supervisor _home;
    private readonly FrameStream _frames;
    private readonly Action<string> _notice;
    private readonly TaskCompletionSource<RemoteEnd> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<string?>? _homeRequest;
    private Deputy? _deputy;
    private DirectCalls? _direct;
    private DeputyFiles? _files;

    private readonly RestartImages? _restart;

    /// <summary>The checkpoint taken at the move, and the output delivered since (null: none could be taken).</summary>
    private string? _imageAtMove;
    private OutputRecorder? _recorder;

    /// <summary>The guest said it is about to send the process home (Departing): no new call is made here.</summary>
    private volatile bool _departing;

    /// <summary>Why a call could not be run in the deputy (the deputy killed, the tree ended): the stay is over.</summary>
    private Exception? _callFailure;

    private RemoteRun(Supervisor home, int pid, FrameStream frames, string node, Action<string> notice, RestartImages? restart)
    {
        _home = home;
        Pid = pid;
        _frames = frames;
        Node = node;
        _notice = notice;
        _restart = restart;
    }

    /// <summary>The node the process runs on.</summary>
    public string Node { get; }

    /// <summary>Its pid at home: the deputy's, which it keeps wherever it runs.</summary>
    public int Pid { get; }

    /// <summary>Set when it came home for a call only home can make (fork, exec): that call's name.</summary>
    public string? CameHomeFor { get; private set; }

    /// <summary>What the move cost: bytes sent, and how long the process was frozen.</summary>
    public long ImageBytes { get; private set; }

    public TimeSpan Frozen { get; private set; }

    /// <summary>Completes when the process is no longer away.</summary>
    public Task<RemoteEnd> Ended => _end.Task;

    /// <summary>
    /// Moves process <paramref name="pid"/> of <paramref name="home"/>'s tree to the guest at the
    /// other end of <paramref name="frames"/> (a route through the agents, already accepted). Its
    /// children stay where they are: the deputy is still their parent.
    /// </summary>
    /// <param name="restart">The process's checkpoints (mosrun -C, -A), if any: a lost node then
    /// costs only the work since, as the process restarts from the latest at home. With -A the move
    /// takes one first, and output delivered after it is not delivered again by the restart.</param>
    /// <exception cref="MigrationException">The move failed; the process goes on at home.</exception>
    public static RemoteRun MoveAway(Supervisor home, int pid, FrameStream frames, string node, UnservedCallPolicy unserved, Action<string> notice, RestartImages? restart = null)
    {
        var run = new RemoteRun(home, pid, frames, node, notice, restart);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // Every thread held: the image is one moment of the whole process, and the deputy keeps them all.
            home.WithProcessStopped(pid, tracee =>
            {
                run.TakeRestartPoint(tracee);
                var taken = Checkpointer.Take(tracee, () => new StreamedImage(frames, $"the channel to {node}"), $"migrate to {node}", forMigration: true);
                run.ImageBytes = taken.PageBytes;
                var answer = frames.Read() ?? throw new MigrationException($"{node} closed the connection before restoring the process");
                if (answer.Kind != MessageKind.Restored)
                    throw new MigrationException($"{node} answered {FrameStream.Describe(answer.Kind)} instead of restoring the process");
                var restored = answer.Read(Restored.Parser);
                if (!restored.Ok)
                    throw new MigrationException($"{node} could not restore the process: {restored.Message}");
                // From Proceed on the incarnation may run; until Become returns it can make no home call
                // (those are served on this thread), and if this side fails now the guest loses home and ends it.
                frames.Write(MessageKind.Proceed, new Proceed { Unserved = (UnservedCalls)unserved });
                run._deputy = Deputy.Become(tracee, run.PassOn);
                run._direct = DirectCalls.For(pid);
                run._files = DeputyFiles.For(pid);
                return 0;
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ImageException or FrameException or IOException or ObjectDisposedException)
        {
            throw new MigrationException($"the move to {node} failed: {e.Message}", e);
        }
        catch (CheckpointRefusedException e)
        {
            throw new MigrationException($"it cannot move: {e.Message}", e);
        }
        run.Frozen = clock.Elapsed;
        new Thread(run.Serve) { IsBackground = true, Name = $"home of a guest on {node}" }.Start();
        return run;
    }

    /// <summary>
    /// Asks for the process back; the answer once it is home (null), or why it stays (the guest's
    /// message). A call it is blocked in at home is cut short and made again once it is home.
    /// </summary>
    public Task<string?> BringHome(string reason)
    {
        var request = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _homeRequest, request, null) is { } pending)
            return pending.Task;
        if (_end.Task.IsCompleted)
        {
            request.TrySetResult(_end.Task.Result == RemoteEnd.CameHome ? null : "the process is no longer away");
            return request.Task;
        }
        try
        {
            _frames.Write(MessageKind.ComeHome, new ComeHome { Reason = reason });
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            request.TrySetResult($"lost {Node}: {e.Message}");
            return request.Task;
        }
        _deputy?.Interrupt();
        return request.Task;
    }

    /// <summary>
    /// mosrun -A: a checkpoint in the freeze of the move, the same point as the image sent, so a
    /// restart after a lost node repeats only output home saw (and holds back). Refused (a pipe at
    /// descriptor 3, say), the move still happens: a restart then repeats output.
    /// </summary>
    private void TakeRestartPoint(Sandbox.Tracing.Tracee tracee)
    {
        if (_restart is not { AtMoves: true } restart)
            return;
        try
        {
            var taken = Checkpointer.Take(tracee, restart.Next(), $"migrate to {Node} (restart point)");
            _imageAtMove = taken.Path;
            _recorder = OutputRecorder.At(tracee.Tid);
            restart.Taken(taken.Path);
        }
        catch (Exception e) when (e is CheckpointRefusedException or ImageException or IOException or UnauthorizedAccessException)
        {
            if (restart.FirstRefusal())
                _notice($"no checkpoint at the move to {Node} ({e.Message}): if the node is lost, a restart from an older checkpoint delivers its output since then again");
        }
    }

    private void PassOn(int signal, int thread)
    {
        try
        {
            _frames.Write(MessageKind.ForwardSignal, new ForwardSignal { Signal = (uint)signal, Thread = (uint)thread });
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The reader learns of the loss and ends the process.
        }
    }

    private void Serve()
    {
        string? loss = null;
        try
        {
            while (!_end.Task.IsCompleted)
            {
                var frame = _frames.Read();
                if (frame is null)
                {
                    loss = $"{Node} closed the connection";
                    break;
                }
                Handle(frame.Value);
            }
        }
        catch (Exception e) when (e is FrameException or IOException or ObjectDisposedException or InvalidDataException)
        {
            loss = e.Message;
        }
        catch (InvalidOperationException) when (_home.Completion.IsCompleted || !_home.IsMember(Pid))
        {
            loss = "the home process is gone";
        }
        catch (Sandbox.Tracing.TraceeGoneException)
        {
            Killed();
            return;
        }
        if (Volatile.Read(ref _callFailure) is { } failure && !_end.Task.IsCompleted)
        {
            if (failure is Sandbox.Tracing.TraceeGoneException)
            {
                Killed();
                return;
            }
            loss = _home.Completion.IsCompleted || !_home.IsMember(Pid) ? "the home process is gone" : failure.Message;
        }
        if (loss is not null && !_end.Task.IsCompleted)
        {
            if (_restart?.Latest is { } image && RestartFrom(image, loss))
                return;
            _notice($"lost the process on {Node} ({loss}); it is ended");
            Sandbox.Interop.Libc.Kill(Pid, 9); // SIGKILL: the deputy cannot go on alone, and its parent must learn the process is gone
            Finish(RemoteEnd.Lost, "the process was lost");
        }
    }

    /// <summary>The deputy was killed (kill -9 of the home pid): the process is gone; closing the channel ends the incarnation too.</summary>
    private void Killed() => Finish(RemoteEnd.Lost, "the process was killed at home");

    /// <summary>The node is gone with the process: its latest checkpoint comes back to life in the deputy.</summary>
    private bool RestartFrom(string path, string loss)
    {
        if (_deputy is { ThreadCount: > 1 } deputy)
        {
            _notice($"lost the process on {Node} ({loss}); a process of {deputy.ThreadCount} threads cannot yet be restarted at home from its checkpoint {path}");
            return false;
        }
        try
        {
            using var image = ImageReader.Open(path);
            _home.RunStopped(Pid, tracee =>
            {
                // Its files as the image had them (reopened at their offsets), as mosrun -R does.
                _deputy!.ComeHome(tracee, t => Restore.Restorer.Restore(t, image, Restore.RestoreOptions.Default));
                // Told before it runs again, so that the notice comes before any of the replay's.
                _notice($"lost the process on {Node} ({loss}); restarted at home from its checkpoint {path}");
                if (path == _imageAtMove && _recorder is { } recorder)
                {
                    if (recorder.Delivered.Overflowed)
                        _notice($"more than {recorder.Delivered.Limit >> 20} MiB of output since that checkpoint: what came after is delivered again");
                    Supervisor.ReplayOutput(tracee, recorder.Delivered, _notice);
                }
                else
                {
                    _notice("its output since that checkpoint is delivered again");
                }
                return 0;
            });
        }
        catch (Exception e) when (e is ImageException or Restore.RestoreException or Sandbox.Injection.RemoteSyscallException or InvalidOperationException)
        {
            _notice($"lost the process on {Node} ({loss}); its checkpoint {path} could not be restored: {e.Message}");
            return false;
        }
        Finish(RemoteEnd.CameHome, null);
        return true;
    }

    private void Handle(Frame frame)
    {
        switch (frame.Kind)
        {
            case MessageKind.Call:
                var wire = frame.Read(Call.Parser);
                Serve(CallCodec.FromWire(wire), (int)wire.Thread);
                break;
            case MessageKind.ThreadExit:
                EndDeputyThread((int)frame.Read(ThreadExit.Parser).Thread);
                break;
            case MessageKind.Departing:
                // The guest sends the process home for a call only home can make: its other threads'
                // calls blocked here are cut short, and made again once the process is home.
                _departing = true;
                _deputy?.Interrupt();
                break;
            case MessageKind.MappedFileQuery:
                // Home answers itself, off the tracer thread: the deputy stands still in its pause loop.
                var file = _files?.Describe(frame.Read(MappedFileQuery.Parser).Fd);
                _frames.Write(MessageKind.MappedFileAnswer, file is null ? new MappedFileAnswer() : new MappedFileAnswer
                {
                    Found = true,
                    Path = file.Path,
                    Size = (ulong)file.Size,
                    Sha256 = file.Sha256 is null ? Google.Protobuf.ByteString.Empty : Google.Protobuf.ByteString.CopyFrom(file.Sha256),
                });
                break;
            case MessageKind.GuestExit:
                var exit = frame.Read(GuestExit.Parser);
                var outcome = new ExitOutcome(exit.ExitCode, (int)exit.Signal, exit.CoreDumped, 0);
                // Another thread's call may still be blocked here (a read of the terminal): cut short,
                // or the deputy could not be stopped to end it.
                _deputy!.Interrupt();
                // The deputy exits under the injection: the task faults or never finishes; either way it ends.
                _ = _home.WithStopped(Pid, tracee => { _deputy!.End(tracee, outcome); return 0; });
                Finish(RemoteEnd.Ended, "the process ended");
                break;
            case MessageKind.GoingHome:
                ComeHome(frame.Read(GoingHome.Parser).ForCall);
                break;
            case MessageKind.StayingAway:
                _departing = false;
                string why = frame.Read(StayingAway.Parser).Message;
                Interlocked.Exchange(ref _homeRequest, null)?.TrySetResult(why);
                break;
            case MessageKind.Notice:
                _notice(frame.Read(Notice.Parser).Text);
                break;
            default:
                throw new FrameException($"{Node} sent {FrameStream.Describe(frame.Kind)} during the process's stay");
        }
    }

    /// <summary>
    /// One forwarded call, made in the deputy thread that stands for the thread that made it
    /// (<paramref name="thread"/>, a home tid; 0: the leader). This thread does not wait for it:
    /// another thread's call may come meanwhile, and its answer goes out when the deputy's kernel
    /// has answered, from the home supervisor's tracer thread.
    /// </summary>
    private void Serve(ForwardedCall call, int thread)
    {
        if (CallBounds.Violation(call) is { } violation)
        {
            Answer(call, Refuse(violation), thread);
            return;
        }
        if (thread != 0 && !_deputy!.HasThread(thread))
        {
            Answer(call, Refuse($"thread {thread} is none of the process's"), thread);
            return;
        }
        // A call on a plain file cannot block, so it is made even once a move is asked: the
        // pieces of a large read or write then all reach the file, as one native call would.
        if (_direct is { } direct && direct.TryExecute(call, out var quick))
        {
            Answer(call, quick, thread);
            return;
        }
        // Any other call sent before the guest heard of the move is not made: the deputy's
        // interrupt may be spent already, and a blocking call would hold the move up for ever.
        if (Volatile.Read(ref _homeRequest) is not null || _departing)
        {
            Answer(call, ForwardedResult.NotMadeForAMove, thread);
            return;
        }
        _home.BeginInFlight<ForwardedResult>(thread == 0 ? Pid : thread,
            (tracee, done, failed) => _deputy!.Begin(tracee, call, done, failed),
            result => Answer(call, result, thread),
            CallFailed);
    }

    /// <summary>A thread exited away: the deputy thread that stood for it exits too (not waited for; a thread of another process is never named).</summary>
    private void EndDeputyThread(int thread)
    {
        if (thread == Pid || !_deputy!.HasThread(thread))
            return;
        _deputy.Forget(thread);
        _home.BeginInFlight<int>(thread, (tracee, _, _) => Deputy.ExitThread(tracee), _ => { }, _ => { });
    }

    private void Answer(ForwardedCall call, ForwardedResult result, int thread)
    {
        _recorder?.Saw(call, result);
        TryWrite(MessageKind.CallResult, CallCodec.ToWire(result, result.InterruptedBy, thread));
    }

    /// <summary>A call could not be run in the deputy: the stay ends, as <see cref="Serve()"/> decides once the channel is closed.</summary>
    private void CallFailed(Exception e)
    {
        Interlocked.CompareExchange(ref _callFailure, e, null);
        _frames.Dispose();
    }

    /// <summary>A call no guest of ours would send (a confused or hostile node): not made, and said once.</summary>
    private ForwardedResult Refuse(string violation)
    {
        if (Interlocked.Exchange(ref _refusedOnce, 1) == 0)
            _notice($"{Node} sent a call home does not make ({violation}); it fails with EFAULT");
        return CallBounds.Refused;
    }

    private int _refusedOnce;

    /// <summary>The guest sends the process home: its image into the deputy, then it runs here.</summary>
    private void ComeHome(string forCall)
    {
        bool received = false;
        try
        {
            // Straight into the deputy as it arrives, on the tracer thread, every deputy thread held:
            // each thread of the image comes back into the deputy thread of its tid.
            _home.WithProcessStopped(Pid, tracee =>
            {
                received = true;
                _deputy!.ComeHome(tracee, t => StreamedImage.ReceiveInto(t, _frames, Node, Restore.RestoreOptions.Migration, supervisor: _home));
                return 0;
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is MigrationException or Restore.RestoreException or ImageException or Sandbox.Injection.RemoteSyscallException
            or InvalidOperationException && _home.IsMember(Pid))
        {
            if (!received)
                StreamedImage.Drain(_frames); // the deputy could not be held (stopped by the job's shell): the image is dropped
            // The guest stays where it is; so does the process (the deputy stands in again).
            TryWrite(MessageKind.Restored, new Restored { Ok = false, Message = e.Message });
            _departing = false;
            Interlocked.Exchange(ref _homeRequest, null)?.TrySetResult(e.Message);
            return;
        }
        TryWrite(MessageKind.Restored, new Restored { Ok = true });
        CameHomeFor = forCall.Length > 0 ? forCall : null;
        Finish(RemoteEnd.CameHome, null);
    }

    private void Finish(RemoteEnd end, string? answer)
    {
        _end.TrySetResult(end);
        Interlocked.Exchange(ref _homeRequest, null)?.TrySetResult(answer);
        _frames.Dispose();
        _direct?.Dispose();
        _files?.Dispose();
    }

    private void TryWrite(MessageKind kind, Google.Protobuf.IMessage message)
    {
        try
        {
            _frames.Write(kind, message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Lost: the next read says so.
        }
    }
}

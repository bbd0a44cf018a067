using Mosix.Migrator.Checkpoint;
using Mosix.Migrator.Images;
using Mosix.Migrator.Restore;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Migrator.Migration;

/// <summary>
/// The guest end of a migration (<c>mosix guest</c>, started by the target's agent): receives the
/// image from home, restores it into a restorer stub under a guest supervisor, runs it with its
/// home calls sent home, and ends by sending home either its exit or the process itself.
/// </summary>
/// <remarks>
/// Threads: the caller's thread receives the image and then waits for the end; a reader thread
/// takes every frame from home; the supervisor's tracer thread runs the incarnation. A
/// single-threaded incarnation's tracer blocks in <see cref="WireHomeChannel"/> while its call is
/// at home; a multi-threaded one's keeps serving the other threads, and each answer is posted
/// back to it (<see cref="Supervisor.Answer"/>). If home goes away, the incarnation is killed: a
/// process never runs on without its home.
/// </remarks>
public sealed class GuestHost
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    private readonly FrameStream _frames;
    private readonly TextWriter _log;
    private readonly WireHomeChannel _home;
    private GuestSyscalls? _calls;
    private Supervisor? _incarnation;
    private TaskCompletionSource<Restored>? _homeAnswer;
    private int _leaving;
    private volatile bool _wentHome, _lost;

    /// <summary>The address of the last touch of memory at home that sent the process home.</summary>
    private ulong _sharedFault;

    // Arrival: until the guest has told home "restored", leaving means abandoning (home keeps the
    // process); after that home may already be the deputy, so the process must arrive and go home.
    private readonly Lock _arrival = new();
    private bool _committed, _arrived, _abandoned;
    private string? _leaveOnArrival;

    public GuestHost(FrameStream frames, TextWriter log)
    {
        _frames = frames;
        _log = log;
        _home = new WireHomeChannel(frames);
    }

    /// <summary>Serves one guest from its first frame to its end; the exit code of <c>mosix guest</c>.</summary>
    /// <param name="restoreStub">The restorer stub (bin/mosix-restore).</param>
    public int Run(string restoreStub)
    {
        if (!Arrive(restoreStub))
            return 1;
        string? leave;
        lock (_arrival)
        {
            _arrived = true;
            leave = _leaveOnArrival;
        }
        if (leave is not null)
            GoHome(leave);
        var reader = new Thread(ReadFromHome) { IsBackground = true, Name = "guest: from home" };
        reader.Start();
        var outcome = _incarnation!.Completion.GetAwaiter().GetResult();
        if (_wentHome)
            _log.WriteLine("mosix guest: the process went home");
        else if (!_lost)
            Send(MessageKind.GuestExit, new GuestExit { ExitCode = outcome.ExitCode, Signal = (uint)outcome.Signal, CoreDumped = outcome.CoreDumped });
        return 0;
    }

    /// <summary>Image in, restored, home told, Proceed awaited. False (and the stub gone) if any step fails.</summary>
    private bool Arrive(string restoreStub)
    {
        _calls = new GuestSyscalls(_home, homePid: 0, files: _home) { TakeHome = entry => GoHome($"{entry.Name} is made at home", entry.Name) };
        _calls.CannotServe += OnCannotServe;
        _calls.ThreadExiting += thread => Send(MessageKind.ThreadExit, new ThreadExit { Thread = (uint)thread });
        _calls.MappedWithHomesBytes += (path, why) => _log.WriteLine($"mosix guest: {path} mapped with home's bytes: {why}");
        try
        {
            _incarnation = Supervisor.Start(
                SpawnRequest.WithCurrentEnvironment(restoreStub, ["mosix-restore"]),
                new SupervisorOptions
                {
                    Policy = TrapPolicy.Guest,
                    SyscallHandler = _calls,
                    FaultHandler = OnFault,
                    EventLog = DebugLog.FromEnvironment($".guest.{Environment.ProcessId}", problem => _log.WriteLine($"mosix guest: {problem}")),
                });
        }
        catch (Exception e) when (e is SpawnException or InvalidOperationException)
        {
            Refuse($"cannot start the restorer stub: {e.Message}");
            return false;
        }
        try
        {
            if (!_incarnation.Executed.Wait(StartPatience))
                throw new MigrationException("the restorer stub did not start");
            // The image goes into the stub as it arrives, on the tracer thread: pages are written
            // where they belong, once, with no copy of the image on this node.
            _calls.Answers = _incarnation;
            return _incarnation.WithStopped(_incarnation.RootPid, tracee =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var image = StreamedImage.ReceiveInto(tracee, _frames, "home", RestoreOptions.Guest,
                    layout =>
                    {
                        _calls.HomePid = layout.Origin.Pid;
                        _calls.Threads.Add(tracee.Tid, layout.Origin.Pid);
                        _calls.MemoryAtHome = layout.Mappings.Any(m => m.Kind == MappingKind.HomeShared);
                    },
                    _incarnation, _calls.Threads);
                _log.WriteLine($"mosix guest: {image.Mappings.Sum(m => (long)(m.End - m.Start)) >> 20} MiB of mappings received and restored in {clock.Elapsed.TotalMilliseconds:F0} ms");
                lock (_arrival)
                {
                    if (_abandoned)
                        throw new MigrationException("this node sent the process away before it arrived");
                    _committed = true;
                }
                _frames.Write(MessageKind.Restored, new Restored { Ok = true });
                var next = _frames.Read();
                if (next is not { Kind: MessageKind.Proceed } proceed)
                {
                    _incarnation.SignalRoot(Signals.SIGKILL); // home changed its mind, or is gone
                    return false;
                }
                _calls.Unserved = (UnservedCallPolicy)proceed.Read(Proceed.Parser).Unserved;
                _calls.Armed = true;
                return true;
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is MigrationException or ImageException or RestoreException or FrameException or IOException or InvalidOperationException)
        {
            _incarnation.SignalRoot(Signals.SIGKILL);
            Refuse(e.Message);
            return false;
        }
    }

    private void ReadFromHome()
    {
        try
        {
            while (_frames.Read() is { } frame)
            {
                switch (frame.Kind)
                {
                    case MessageKind.CallResult:
                        var wire = frame.Read(CallResult.Parser);
                        _home.Answer((int)wire.Thread, CallCodec.FromWire(wire) with { InterruptedBy = (int)wire.InterruptedBy });
                        break;
                    case MessageKind.MappedFileAnswer:
                        _home.Answer(frame.Read(MappedFileAnswer.Parser));
                        break;
                    case MessageKind.ForwardSignal:
                        var forwarded = frame.Read(ForwardSignal.Parser);
                        PassOn((int)forwarded.Signal, (int)forwarded.Thread);
                        break;
                    case MessageKind.ComeHome:
                        GoHome(frame.Read(ComeHome.Parser).Reason);
                        break;
                    case MessageKind.Restored:
                        _homeAnswer?.TrySetResult(frame.Read(Restored.Parser));
                        break;
                    default:
                        throw new FrameException($"home sent {FrameStream.Describe(frame.Kind)} to a running guest");
                }
            }
            _log.WriteLine("mosix guest: home closed the connection");
        }
        catch (Exception e) when (e is FrameException or IOException or ObjectDisposedException)
        {
            _log.WriteLine($"mosix guest: lost home: {e.Message}");
        }
        if (_wentHome)
            return;
        // No home: the process cannot go on (its files, its terminal, its parent are there).
        _lost = true;
        _homeAnswer?.TrySetResult(new Restored { Ok = false, Message = "home went away" });
        _home.Lose();
        _incarnation!.SignalRoot(Signals.SIGKILL);
    }

    /// <summary>A signal home got for the process: to it, or to the one thread home's tgkill named.</summary>
    private void PassOn(int signal, int thread)
    {
        if (thread != 0 && _calls!.Threads.LocalOf(thread) is { } local)
            Sandbox.Interop.ProcessSignals.SendToThread(_incarnation!.RootPid, local, signal);
        else
            _incarnation!.SignalRoot(signal);
    }

    /// <summary>
    /// This node sends its guest away (migrate PID out, mosctl expel, its agent stopping): it goes
    /// home; one still arriving is abandoned instead, and home keeps it.
    /// </summary>
    public void SendHome(string reason)
    {
        lock (_arrival)
        {
            if (!_committed)
            {
                _abandoned = true;
                _log.WriteLine($"mosix guest: abandoning the arrival: {reason}");
                _frames.Dispose(); // wakes the receiving thread; home sees the channel close and keeps the process
                return;
            }
            if (!_arrived)
            {
                _leaveOnArrival ??= reason;
                return;
            }
        }
        GoHome(reason);
    }

    /// <summary>Starts taking the process home (asked by home, or for a call only home can make); false if it cannot go.</summary>
    private bool GoHome(string reason, string forCall = "")
    {
        if (_lost)
            return false;
        if (Interlocked.Exchange(ref _leaving, 1) == 1)
            return true; // on its way already
        _calls!.Leaving = true;
        // Calls of other threads may be blocked at home (a read of the terminal): home cuts them
        // short, and the image is taken once every one has come back.
        if (_calls.CallsAtHome > 0)
            Send(MessageKind.Departing, new Departing { Reason = reason });
        _calls.WhenSettled(() => Leave(reason, forCall));
        return true;
    }

    /// <summary>Every thread held at one moment, its image goes home (<see cref="TakeHome"/>).</summary>
    private void Leave(string reason, string forCall) =>
        _ = _incarnation!.WithProcessStopped(_incarnation.RootPid, tracee => TakeHome(tracee, reason, forCall));

    /// <summary>On the tracer thread, the incarnation stopped: its image home, then its end here once home has it.</summary>
    private bool TakeHome(Sandbox.Tracing.Tracee tracee, string reason, string forCall)
    {
        if (_calls!.CallsAtHome > 0)
        {
            // A call went home as the move began (its thread had passed the check of Leaving): the
            // image waits for its answer, or that answer would be lost.
            _calls.WhenSettled(() => Leave(reason, forCall));
            return false;
        }
        _homeAnswer = new TaskCompletionSource<Restored>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            Send(MessageKind.GoingHome, new GoingHome { Reason = reason, ForCall = forCall });
            Checkpointer.Take(tracee, () => new StreamedImage(_frames, "the channel home"), $"going home: {reason}", forMigration: true,
                tidAtHome: local => _calls.Threads.HomeOf(local) ?? local);
        }
        catch (Exception e) when (e is CheckpointRefusedException or ImageException or Sandbox.Injection.RemoteSyscallException)
        {
            Send(MessageKind.StayingAway, new StayingAway { Message = e.Message });
            StayAway();
            return false;
        }
        var answer = _homeAnswer.Task.GetAwaiter().GetResult();
        if (!answer.Ok)
        {
            _log.WriteLine($"mosix guest: home could not take the process back: {answer.Message}");
            StayAway();
            return false;
        }
        _wentHome = true;
        _incarnation!.SignalRoot(Signals.SIGKILL); // while stopped: not one instruction past its image
        return true;
    }

    /// <summary>
    /// A fault of the incarnation: on memory that stays at home (shared with home processes; here
    /// an inaccessible placeholder), the process goes home and makes the access there. Any other
    /// fault is the program's own.
    /// </summary>
    private bool OnFault(Sandbox.Tracing.Tracee tracee, ulong address)
    {
        if (!_calls!.Armed)
            return false;
        // Until the move stops it, the access faults again and again: asked once, then recognised.
        if (address == Volatile.Read(ref _sharedFault) && Volatile.Read(ref _leaving) == 1)
            return true;
        if (!MemoryMap.Read(tracee.Tid).Any(a => a.StaysAtHome && a.Contains(address)))
            return false;
        Volatile.Write(ref _sharedFault, address);
        return GoHome("it touched memory it shares with processes at home", "shared memory");
    }

    private void StayAway()
    {
        _calls!.Leaving = false;
        Volatile.Write(ref _leaving, 0);
    }

    private void OnCannotServe(string call, UnservedCallPolicy policy)
    {
        string program = _incarnation is { } s && ProcessStatus.Comm(s.RootPid) is { } comm ? comm : "the process";
        switch (policy)
        {
            case UnservedCallPolicy.Fail:
                return;
            case UnservedCallPolicy.FailAndWarn:
                Send(MessageKind.Notice, new Notice { Text = $"{program}: {call} cannot be served away from home; it fails with ENOSYS" });
                return;
            default:
                Send(MessageKind.Notice, new Notice { Text = $"{program}: {call} cannot be served away from home; the process is ended (mosrun -e makes such calls fail instead)" });
                _incarnation!.SignalRoot(Signals.SIGKILL);
                return;
        }
    }

    private void Refuse(string message)
    {
        _log.WriteLine($"mosix guest: refused: {message}");
        Send(MessageKind.Restored, new Restored { Ok = false, Message = message });
    }

    private void Send(MessageKind kind, Google.Protobuf.IMessage message)
    {
        try
        {
            _frames.Write(kind, message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _log.WriteLine($"mosix guest: cannot reach home: {e.Message}");
        }
    }

    private static class Signals
    {
        public const int SIGKILL = 9;
    }
}

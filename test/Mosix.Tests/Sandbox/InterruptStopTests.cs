using Mosix.Sandbox.Interop;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;
using Mosix.Sandbox.Tracing;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Sandbox;

/// <summary>
/// A stop asked of a process (WithStopped: a checkpoint, a move) is granted whatever the process
/// is doing, even while the supervisor answers one of its calls "again" over and over, as a guest's
/// call that needs home is while the process is being taken there.
/// </summary>
[TestFixture]
public sealed class InterruptStopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    /// <summary>Asked from another thread (migrate, a checkpoint request).</summary>
    [Test]
    public Task AStopAskedFromOutsideWhileACallIsAnsweredAgainAndAgainIsGrantedEveryTime() => EveryStopIsGranted(askedFromTheCall: false);

    /// <summary>Asked from the tracer thread while it answers the call, as a guest's call that only home can make asks to go home.</summary>
    [Test]
    public Task AStopAskedWhileAnsweringTheCallAgainIsGrantedEveryTime() => EveryStopIsGranted(askedFromTheCall: true);

    private async Task EveryStopIsGranted(bool askedFromTheCall)
    {
        const int Calls = 200;
        string output = Path.Combine(_scratch.Work, "out"), events = Path.Combine(_scratch.Work, "events");
        using var eventLog = TextWriter.Synchronized(new StreamWriter(events) { AutoFlush = true });
        var calls = new HeldGetppid(askedFromTheCall);
        var supervisor = Supervisor.Start(
            SpawnRequest.WithCurrentEnvironment("/bin/sh", ["sh", "-c", $"exec {RepoPaths.TestProgram("getppid_loop")} {Calls} > {output}"]),
            new SupervisorOptions { Policy = TrapPolicy.LogAll, SyscallHandler = calls, EventLog = eventLog });
        calls.Supervisor = supervisor;
        try
        {
            // Every getppid is answered "again" until a stop lets it through: the program ends only
            // if every stop asked is granted.
            if (await Task.WhenAny(supervisor.Completion, Task.Delay(Patience)) != supervisor.Completion)
                Assert.Fail($"a stop was never granted ({calls.Stops} were): the process kept retrying its call; the tracer's last events:\n{LastLines(events, 12)}");
            var outcome = await supervisor.Completion;
            Assert.Multiple(() =>
            {
                Assert.That(outcome.ExitCode, Is.Zero);
                Assert.That(File.ReadAllText(output), Is.EqualTo("done\n"));
                Assert.That(calls.Stops, Is.GreaterThanOrEqualTo(Calls), "a stop for each of its getppid calls (and the shell's own)");
            });
        }
        finally
        {
            if (!supervisor.Completion.IsCompleted)
            {
                supervisor.SignalRoot(9);
                await supervisor.Completion.WaitAsync(Patience);
            }
        }
    }

    private static string LastLines(string file, int count)
    {
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        return string.Join('\n', reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(count));
    }

    /// <summary>
    /// Answers every getppid "again" until a stop lets it through; every other call runs natively.
    /// The stop is asked from the call's own trap, or from another thread.
    /// </summary>
    private sealed class HeldGetppid(bool askFromTheCall) : ISyscallHandler
    {
        private volatile bool _passOne;
        private int _asked, _stops;

        public Supervisor? Supervisor { get; set; }

        /// <summary>Stops granted so far.</summary>
        public int Stops => Volatile.Read(ref _stops);

        public long? Handle(Tracee tracee, in UserRegs regs, SyscallEntry? entry, TrapReason reason)
        {
            if (entry?.Name != "getppid")
                return null;
            if (_passOne)
            {
                _passOne = false;
                return null;
            }
            if (Supervisor is { } supervisor && Interlocked.Exchange(ref _asked, 1) == 0)
            {
                if (askFromTheCall)
                    AskForTheStop(supervisor);
                else
                    _ = Task.Run(() => AskForTheStop(supervisor));
            }
            return ISyscallHandler.Restart;
        }

        /// <summary>At the stop, the held call is let through; the next one will be held again.</summary>
        private void AskForTheStop(Supervisor supervisor) => _ = supervisor.WithStopped(supervisor.RootPid, _ =>
        {
            _passOne = true;
            Interlocked.Increment(ref _stops);
            Volatile.Write(ref _asked, 0);
            return true;
        });
    }
}

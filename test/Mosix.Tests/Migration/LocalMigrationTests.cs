using System.Text;
using Mosix.Migrator.Checkpoint;
using Mosix.Migrator.Images;
using Mosix.Migrator.Migration;
using Mosix.Migrator.Restore;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// The process model of DESIGN.md on one machine, without the network: a program started at
/// home is frozen, its image restored into an incarnation under a guest supervisor, and the home
/// process turned into its deputy. The incarnation's home calls run in the deputy (its files,
/// its cwd, its stdout); its identity stays the home one; its exit becomes the deputy's.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class LocalMigrationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    [Test]
    public async Task AMigratedProcessDoesItsHomeCallsThroughItsDeputyAndEndsAsItWould()
    {
        string input = _scratch.WriteFile("input.txt", "line one\nline two\n");
        string script = $"exec {RepoPaths.TestProgram("migrate_io")} {input} written.txt < fifo > stdout.txt";
        string native = RunNatively(script, 3);

        await using var run = await StartAtHome(script);
        await run.MoveAway();
        run.Feed('x'); // read away from home, through the deputy
        var outcome = await run.Guest!.Completion.WaitAsync(Patience);
        await run.EndDeputy(outcome);
        var homeOutcome = await run.Home.Completion.WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(homeOutcome.ExitCode, Is.EqualTo(3), "the home process ends as the incarnation did");
            Assert.That(run.Stdout, Is.EqualTo(native), "stdout, written through the deputy");
            Assert.That(File.ReadAllText(Path.Combine(_scratch.Work, "written.txt")), Is.EqualTo("written after the byte 'x'\n"));
        });
    }

    [Test]
    public async Task AProcessMovedAwayAndBroughtBackGoesOnAtHome()
    {
        string script = $"exec {RepoPaths.TestProgram("migrate_roundtrip")} log.txt < fifo > stdout.txt";
        string native = RunNatively(script, 5, "a");
        string nativeLog = File.ReadAllText(Path.Combine(_scratch.Work, "log.txt"));
        File.Delete(Path.Combine(_scratch.Work, "log.txt"));

        await using var run = await StartAtHome(script);
        await run.MoveAway();
        run.Feed('a');
        await WaitForLine(Path.Combine(_scratch.Work, "stdout.txt"), "first: read a"); // done away; now computing
        await run.BringHome();
        var guestOutcome = await run.Guest!.Completion.WaitAsync(Patience);
        var homeOutcome = await run.Home.Completion.WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(guestOutcome.Signal, Is.EqualTo(Signals.SIGKILL), "the incarnation was ended when the process came home");
            Assert.That(homeOutcome.ExitCode, Is.EqualTo(5), "it finished at home, natively");
            Assert.That(run.Stdout, Is.EqualTo(native));
            Assert.That(File.ReadAllText(Path.Combine(_scratch.Work, "log.txt")), Is.EqualTo(nativeLog));
        });
    }

    private async Task<MigrationRun> StartAtHome(string script)
    {
        string fifo = Path.Combine(_scratch.Work, "fifo");
        Mkfifo(fifo);
        var home = Supervisor.Start(Shell(script), new SupervisorOptions());
        var run = new MigrationRun(home, _scratch, new FileStream(fifo, FileMode.Open, FileAccess.Write));
        await WaitForLine(Path.Combine(_scratch.Work, "stdout.txt"), "started");
        return run;
    }

    private string RunNatively(string script, int exitCode, string input = "x")
    {
        string fifo = Path.Combine(_scratch.Work, "fifo");
        File.WriteAllText(fifo, input); // a plain file here: the native run just reads it
        var result = CommandRunner.Run(["/bin/sh", "-c", script], new RunOptions { WorkingDirectory = _scratch.Work });
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.StderrText);
        string output = File.ReadAllText(Path.Combine(_scratch.Work, "stdout.txt"));
        File.Delete(fifo);
        File.Delete(Path.Combine(_scratch.Work, "stdout.txt"));
        return output;
    }

    private SpawnRequest Shell(string script) =>
        new("/bin/sh", ["sh", "-c", $"cd {_scratch.Work} && {script}"], null);

    private static void Mkfifo(string path)
    {
        var result = CommandRunner.Run(["mkfifo", path]);
        Assert.That(result.ExitCode, Is.Zero);
    }

    private static async Task WaitForLine(string path, string line)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && File.ReadAllText(path).Contains(line, StringComparison.Ordinal))
                return;
            await Task.Delay(20);
        }
        Assert.Fail($"{path} never showed '{line}'");
    }

    /// <summary>One program moved between a home and a guest supervisor in this process.</summary>
    private sealed class MigrationRun(Supervisor home, ScratchDirectory scratch, FileStream feeder) : IAsyncDisposable
    {
        private Deputy? _deputy;

        public Supervisor Home => home;
        public Supervisor? Guest { get; private set; }
        public string Stdout => File.ReadAllText(Path.Combine(scratch.Work, "stdout.txt"));

        /// <summary>Image, deputy, restore into a stub under a guest supervisor.</summary>
        public async Task MoveAway()
        {
            string image = Path.Combine(scratch.Root, "away.image");
            await home.WithStopped(home.RootPid, tracee =>
            {
                Checkpointer.Take(tracee, image, "test: away", forMigration: true);
                _deputy = Deputy.Become(tracee, (_, _) => { });
                return 0;
            }).WaitAsync(Patience);

            var calls = new GuestSyscalls(new InProcessHomeChannel(home, _deputy!), home.RootPid);
            Guest = Supervisor.Start(
                SpawnRequest.WithCurrentEnvironment(Path.Combine(RepoPaths.Root, "bin", "mosix-restore"), ["mosix-restore"]),
                new SupervisorOptions { Policy = TrapPolicy.Guest, SyscallHandler = calls });
            await Guest.Executed.WaitAsync(Patience);
            using var reader = ImageReader.Open(image);
            await Guest.WithStopped(Guest.RootPid, tracee =>
            {
                Restorer.Restore(tracee, reader, RestoreOptions.Migration);
                calls.Armed = true;
                return 0;
            }).WaitAsync(Patience);
        }

        /// <summary>Image of the incarnation, which is ended; restored into the deputy.</summary>
        public async Task BringHome()
        {
            string image = Path.Combine(scratch.Root, "home.image");
            await Guest!.WithStopped(Guest.RootPid, tracee =>
            {
                Checkpointer.Take(tracee, image, "test: home", forMigration: true);
                Guest.SignalRoot(Signals.SIGKILL); // while stopped: it runs nothing past its image
                return 0;
            }).WaitAsync(Patience);
            using var reader = ImageReader.Open(image);
            await home.WithStopped(home.RootPid, tracee =>
            {
                _deputy!.ComeHome(tracee, t => Restorer.Restore(t, reader, RestoreOptions.Migration));
                return 0;
            }).WaitAsync(Patience);
        }

        public async Task EndDeputy(ExitOutcome outcome) =>
            await home.WithStopped(home.RootPid, tracee => { _deputy!.End(tracee, outcome); return 0; })
                .WaitAsync(Patience).ContinueWith(_ => { }); // the deputy exits under the injection: the task ends either way

        public void Feed(char c)
        {
            feeder.WriteByte((byte)c);
            feeder.Flush();
        }

        public async ValueTask DisposeAsync()
        {
            if (Guest is not null && !Guest.Completion.IsCompleted)
                Libc.Kill(Guest.RootPid, Signals.SIGKILL);
            if (!home.Completion.IsCompleted)
                Libc.Kill(home.RootPid, Signals.SIGKILL);
            await feeder.DisposeAsync();
        }
    }

    /// <summary>The way home without a network: each call runs in the deputy on the home tracer thread.</summary>
    private sealed class InProcessHomeChannel(Supervisor home, Deputy deputy) : IHomeChannel
    {
        public ForwardedResult Call(ForwardedCall call, int thread = 0) =>
            home.WithStopped(home.RootPid, tracee => deputy.Execute(tracee, call)).GetAwaiter().GetResult();
    }
}

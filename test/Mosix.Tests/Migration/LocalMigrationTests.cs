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
        string program = RepoPaths.TestProgram("migrate_io");
        string script = $"exec {program} {input} written.txt < fifo > stdout.txt";
        string native = RunNatively(script);

        string fifo = Path.Combine(_scratch.Work, "fifo");
        File.Delete(Path.Combine(_scratch.Work, "written.txt"));
        Mkfifo(fifo);
        var home = Supervisor.Start(Shell(script), new SupervisorOptions());
        Supervisor? guest = null;
        await using var feeder = new FileStream(fifo, FileMode.Open, FileAccess.Write); // unblocks the shell's < fifo
        try
        {
            await WaitForLine(Path.Combine(_scratch.Work, "stdout.txt"), "migrate_io: started");
            string image = Path.Combine(_scratch.Root, "image");
            Deputy? deputy = null;
            var forwarded = new List<int>();
            await home.WithStopped(home.RootPid, tracee =>
            {
                Checkpointer.Take(tracee, home.TaskCount, image, "test migration", forMigration: true);
                deputy = Deputy.Become(tracee, forwarded.Add);
                return 0;
            }).WaitAsync(Patience);

            var channel = new InProcessHomeChannel(home, deputy!);
            var guestCalls = new GuestSyscalls(channel, home.RootPid);
            guest = Supervisor.Start(
                SpawnRequest.WithCurrentEnvironment(Path.Combine(RepoPaths.Root, "bin", "mosix-restore"), ["mosix-restore"]),
                new SupervisorOptions { Policy = TrapPolicy.Guest, SyscallHandler = guestCalls });
            await guest.Executed.WaitAsync(Patience);
            using (var reader = ImageReader.Open(image))
            {
                await guest.WithStopped(guest.RootPid, tracee =>
                {
                    Restorer.Restore(tracee, reader, RestoreOptions.Default with { AwayFromHome = true });
                    guestCalls.Armed = true;
                    return 0;
                }).WaitAsync(Patience);
            }

            feeder.WriteByte((byte)'x'); // the byte the program waits for, read away from home through the deputy
            await feeder.FlushAsync();
            var outcome = await guest.Completion.WaitAsync(Patience);
            await home.WithStopped(home.RootPid, tracee => { deputy!.End(tracee, outcome); return 0; }).WaitAsync(Patience)
                .ContinueWith(_ => { }); // the deputy exits under the injection: that ends the task either way
            var homeOutcome = await home.Completion.WaitAsync(Patience);

            Assert.Multiple(() =>
            {
                Assert.That(homeOutcome.ExitCode, Is.EqualTo(3), "the home process ends as the incarnation did");
                Assert.That(File.ReadAllText(Path.Combine(_scratch.Work, "stdout.txt")), Is.EqualTo(native), "stdout, written through the deputy");
                Assert.That(File.ReadAllText(Path.Combine(_scratch.Work, "written.txt")), Is.EqualTo("written after the byte 'x'\n"));
            });
        }
        finally
        {
            if (guest is not null && !guest.Completion.IsCompleted)
                Libc.Kill(guest.RootPid, Signals.SIGKILL);
            if (!home.Completion.IsCompleted)
                Libc.Kill(home.RootPid, Signals.SIGKILL);
        }
    }

    private string RunNatively(string script)
    {
        string fifo = Path.Combine(_scratch.Work, "fifo");
        File.WriteAllText(fifo, "x");
        var result = CommandRunner.Run(["/bin/sh", "-c", script], new RunOptions { WorkingDirectory = _scratch.Work });
        Assert.That(result.ExitCode, Is.EqualTo(3), result.StderrText);
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

    /// <summary>The way home without a network: each call runs in the deputy on the home tracer thread.</summary>
    private sealed class InProcessHomeChannel(Supervisor home, Deputy deputy) : IHomeChannel
    {
        public ForwardedResult Call(ForwardedCall call) =>
            home.WithStopped(home.RootPid, tracee => deputy.Execute(tracee, call)).GetAwaiter().GetResult();
    }
}

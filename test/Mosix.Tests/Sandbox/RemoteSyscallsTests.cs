using System.Text;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Tracing;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Sandbox;

/// <summary>
/// Syscall injection: calls chosen by the supervisor run inside a stopped tracee, with the
/// tracee's own kernel objects, and leave it exactly as it was.
/// </summary>
[TestFixture]
public sealed class RemoteSyscallsTests
{
    private const long SysWrite = 1, SysOpen = 2, SysClose = 3, SysMmap = 9, SysMunmap = 11, SysGetpid = 39;
    private const ulong ProtReadWrite = 3, MapPrivateAnonymous = 0x22, OpenWriteCreateTruncate = 0x241;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    [Test]
    public async Task AnInjectedMmapWriteAndMunmapRunInsideTheTraceeAndLeaveItsRegistersAsTheyWere()
    {
        string output = Path.Combine(_scratch.Work, "compute.out");
        string injectedFile = Path.Combine(_scratch.Work, "written-by-the-tracee");
        var supervisor = StartShell($"exec {RepoPaths.TestProgram("compute")} 400000000 > {output}");
        try
        {
            await Task.Delay(200);
            var seen = await supervisor.WithStopped(supervisor.RootPid, tracee => InjectWrite(tracee, injectedFile))
                .WaitAsync(Patience);

            Assert.Multiple(() =>
            {
                Assert.That(seen.After, Is.EqualTo(seen.Before), "registers after the injection scope");
                Assert.That(seen.Pid, Is.EqualTo(supervisor.RootPid), "getpid() answered inside the tracee");
                Assert.That(seen.MappedDuring, Is.True, "the scratch page was in /proc/PID/maps while in use");
                Assert.That(seen.MappedAfter, Is.False, "the scratch page is gone after munmap");
                Assert.That(File.ReadAllText(injectedFile), Is.EqualTo("hello from inside\n"));
            });

            var outcome = await supervisor.Completion.WaitAsync(Patience);
            Assert.That(outcome.ExitCode, Is.Zero);
            string native = NativeOutput("compute", "400000000");
            Assert.That(File.ReadAllText(output), Is.EqualTo(native), "the program's result after the injection");
        }
        finally
        {
            await EndTree(supervisor);
        }
    }

    [Test]
    public async Task ATraceeInterruptedInABlockingCallResumesThatCallAfterTheInjection()
    {
        var supervisor = StartShell("exec sleep 1");
        try
        {
            await Task.Delay(200);
            long pid = await supervisor.WithStopped(supervisor.RootPid, tracee =>
            {
                using var remote = RemoteSyscalls.Enter(tracee);
                return remote.Syscall(SysGetpid);
            }).WaitAsync(Patience);
            Assert.That(pid, Is.EqualTo(supervisor.RootPid));
            var outcome = await supervisor.Completion.WaitAsync(Patience);
            Assert.That(outcome.ExitCode, Is.Zero, "sleep's nanosleep was restarted, not failed");
        }
        finally
        {
            await EndTree(supervisor);
        }
    }

    [Test]
    public async Task InjectionIntoAProcessThatIsGoneFailsCleanly()
    {
        var supervisor = StartShell("exit 0");
        var outcome = await supervisor.Completion.WaitAsync(Patience);
        Assert.That(outcome.ExitCode, Is.Zero);
        // At once and with the reason: not a time-out, which would also be "an exception".
        Assert.That(async () => await supervisor.WithStopped(supervisor.RootPid, _ => 0).WaitAsync(TimeSpan.FromSeconds(5)),
            Throws.InvalidOperationException.With.Message.Contains("exited"));
    }

    /// <summary>Kills the tree's root by pid if the test left it running, and waits for the supervisor to see it go.</summary>
    private static async Task EndTree(Supervisor supervisor)
    {
        if (!supervisor.Completion.IsCompleted)
            Libc.Kill(supervisor.RootPid, Signals.SIGKILL);
        try { await supervisor.Completion.WaitAsync(Patience); }
        catch (Exception) { /* the test has already failed with a better message */ }
    }

    private static Supervisor StartShell(string script) =>
        Supervisor.Start(SpawnRequest.WithCurrentEnvironment("/bin/sh", ["sh", "-c", script]), new SupervisorOptions());

    private static Seen InjectWrite(Tracee tracee, string path)
    {
        var before = Registers.Get(tracee.Tid);
        ulong page;
        long pid;
        bool mappedDuring;
        using (var remote = RemoteSyscalls.Enter(tracee))
        {
            page = remote.Checked(SysMmap, 0, 4096, ProtReadWrite, MapPrivateAnonymous, ulong.MaxValue, 0);
            mappedDuring = IsMapped(tracee.Tid, page);
            byte[] pathBytes = Encoding.UTF8.GetBytes(path + "\0");
            byte[] text = "hello from inside\n"u8.ToArray();
            Assert.That(ProcessMemory.TryWrite(tracee.Tid, page, pathBytes), Is.True);
            Assert.That(ProcessMemory.TryWrite(tracee.Tid, page + 1024, text), Is.True);
            ulong fd = remote.Checked(SysOpen, page, OpenWriteCreateTruncate, 0x1a4);
            Assert.That(remote.Checked(SysWrite, fd, page + 1024, (ulong)text.Length), Is.EqualTo((ulong)text.Length));
            remote.Checked(SysClose, fd);
            pid = remote.Syscall(SysGetpid);
            remote.Checked(SysMunmap, page, 4096);
        }
        return new Seen(before, Registers.Get(tracee.Tid), pid, mappedDuring, IsMapped(tracee.Tid, page));
    }

    private static bool IsMapped(int pid, ulong address) =>
        File.ReadLines($"/proc/{pid}/maps").Any(line =>
        {
            var range = line[..line.IndexOf(' ')].Split('-');
            ulong start = Convert.ToUInt64(range[0], 16), end = Convert.ToUInt64(range[1], 16);
            return address >= start && address < end;
        });

    private static string NativeOutput(string program, params string[] args)
    {
        var result = CommandRunner.Run([RepoPaths.TestProgram(program), .. args]);
        Assert.That(result.ExitCode, Is.Zero);
        return Encoding.UTF8.GetString(result.Stdout);
    }

    private sealed record Seen(UserRegs Before, UserRegs After, long Pid, bool MappedDuring, bool MappedAfter);
}

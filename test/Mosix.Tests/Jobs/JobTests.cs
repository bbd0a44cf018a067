using System.Globalization;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Jobs;

/// <summary>
/// Jobs and frozen processes, as an unprivileged user (a throwaway one when the tests run as
/// root): mosrun -J groups processes, moskillall -J and migrate -j act on a whole job and on
/// nothing else; migrate freeze stops a process without holding a core, continue resumes it, and
/// it ends as its native run does. No agent is needed: each mosrun answers on its own socket.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class JobTests
{
    private ThrowawayUser _user = null!;
    private ScratchDirectory _scratch = null!;

    [OneTimeSetUp]
    public void CreateUser() => _user = ThrowawayUser.CreateOrUseCurrent();

    [OneTimeTearDown]
    public void RemoveUser() => _user?.Dispose();

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create(_user);

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    [Test]
    public void MoskillallMinusJEndsTheJobsProcessesAndNoOthers()
    {
        using var a1 = Mosrun("-J", "alpha", "/bin/sleep", "60");
        using var a2 = Mosrun("-J", "alpha", "/bin/sleep", "61");
        using var b = Mosrun("-J", "beta", "/bin/sleep", "62");
        AgentProcess.WaitFor(() => Mosps().Count == 3, TimeSpan.FromSeconds(20), () => "the three jobs never all showed in mosps");

        var kill = Run(AgentCluster.Bin("moskillall"), "-J", "alpha");
        var ended = new[] { a1.WaitForExit(), a2.WaitForExit() };
        Assert.Multiple(() =>
        {
            Assert.That(kill.ExitCode, Is.Zero, kill.Describe("moskillall"));
            Assert.That(ended.Select(r => r.ExitCode), Is.All.EqualTo(128 + 15), "ended by SIGTERM, as the shell sees it");
            Assert.That(b.HasExited, Is.False, "job beta was left alone");
            Assert.That(Mosps(), Has.Count.EqualTo(1));
        });
        var none = Run(AgentCluster.Bin("moskillall"), "-KILL", "-J", "alpha");
        Assert.Multiple(() =>
        {
            Assert.That(none.ExitCode, Is.EqualTo(1));
            Assert.That(none.StderrText.Trim(), Is.EqualTo("moskillall: no processes in job alpha"));
        });
    }

    [Test]
    public void AFrozenProcessStopsAndHoldsNoCoreThenContinuesToTheEndItWouldHaveHad()
    {
        string[] program = [RepoPaths.TestProgram("compute"), "800000000"];
        var native = CommandRunner.Run(program);
        using var run = Mosrun(["-J", "gamma", .. program]);
        AgentProcess.WaitFor(() => Mosps().Count == 1, TimeSpan.FromSeconds(20), () => "the process never showed in mosps");
        int pid = int.Parse(Mosps()[0][0], CultureInfo.InvariantCulture);

        var freeze = Run(AgentCluster.Bin("migrate"), "-j", "gamma", "freeze");
        Assert.That(freeze.ExitCode, Is.Zero, freeze.Describe("migrate -j gamma freeze"));
        AgentProcess.WaitFor(() => State(pid) is 'T' or 't', TimeSpan.FromSeconds(10), () => $"process {pid} is {State(pid)}, not stopped"); // t: stopped under its tracer
        long ticks = CpuTicks(pid);
        Thread.Sleep(1000);
        Assert.Multiple(() =>
        {
            Assert.That(CpuTicks(pid), Is.EqualTo(ticks), "a frozen process uses no CPU");
            Assert.That(Mosps()[0][2], Is.EqualTo("frozen"));
            Assert.That(run.HasExited, Is.False);
        });

        var resume = Run(AgentCluster.Bin("migrate"), pid.ToString(CultureInfo.InvariantCulture), "continue");
        var result = run.WaitForExit();
        Assert.Multiple(() =>
        {
            Assert.That(resume.ExitCode, Is.Zero, resume.Describe("migrate continue"));
            Assert.That(result.StdoutText, Is.EqualTo(native.StdoutText));
            Assert.That(result.ExitCode, Is.EqualTo(native.ExitCode));
        });
    }

    [Test]
    public void MinusSRunsEachLineAsAJobAndListsTheFailedOnes()
    {
        string jobs = _scratch.WriteFile("work/jobs.txt", "echo a\nexit 3\n# a comment\n\necho b; false\necho c $(awk '/TracerPid/ { print ($2 != 0) }' /proc/self/status)\n"); // c 1: traced, under its mosrun
        string failed = Path.Combine(_scratch.Work, "failed.txt");
        var result = Run(AgentCluster.Bin("mosrun"), "-S2", $"{jobs},{failed}");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), "a job failed");
            Assert.That(result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(), Is.EqualTo(new[] { "a", "b", "c 1" }));
            Assert.That(File.ReadAllLines(failed).Order(), Is.EqualTo(new[] { "echo b; false", "exit 3" }));
            Assert.That(result.StderrText.Trim(), Is.EqualTo($"mosrun: -S: 2 of 4 job(s) failed; they are listed in {failed}"));
        });
    }

    [Test]
    public void BadInputGetsOneLineAndAUsageStatus()
    {
        var badSignal = Run(AgentCluster.Bin("moskillall"), "-NOPE");
        var badJob = Run(AgentCluster.Bin("migrate"), "-j", "nosuchjob", "home");
        var notFrozen = Run(AgentCluster.Bin("migrate"), "-j");
        Assert.Multiple(() =>
        {
            Assert.That((badSignal.ExitCode, badSignal.StderrText.Trim()), Is.EqualTo((2, "moskillall: '-NOPE' is not a signal (try -TERM, -KILL, -9)")));
            Assert.That((badJob.ExitCode, badJob.StderrText.Trim()), Is.EqualTo((1, "migrate: no processes in job nosuchjob")));
            Assert.That(notFrozen.ExitCode, Is.EqualTo(2));
            Assert.That(notFrozen.StderrText.Trim().Split('\n'), Has.Length.EqualTo(1));
        });
    }

    private RunningCommand Mosrun(params string[] args) =>
        CommandRunner.Start([AgentCluster.Bin("mosrun"), .. args], Options() with { KeepStdinOpen = true });

    private CommandResult Run(params string[] argv) => CommandRunner.Run(argv, Options());

    /// <summary>mosps rows: PID, WHERE, STATE, COMMAND.</summary>
    private List<string[]> Mosps() =>
        Run(AgentCluster.Bin("mosps")).StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    private static char State(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    private static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime + stime
    }

    private RunOptions Options() => new()
    {
        RunAsPrefix = _user.CommandPrefix,
        WorkingDirectory = _scratch.Work,
        Environment = _user.EnvironmentFor(_scratch),
        Timeout = TimeSpan.FromMinutes(2),
    };
}

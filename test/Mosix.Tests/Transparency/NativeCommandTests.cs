using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>
/// <c>native CMD</c> inside a shell run by mosrun: CMD runs outside Mosix (no tracer, no seccomp
/// filter) with the shell's working directory, environment and standard descriptors, and the
/// shell sees its exit status or its signal. Run as the current user and, as root, as a throwaway
/// user too.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class NativeCommandTests
{
    /// <summary>Prints how its own shell is watched: its tracer (N when there is one) and seccomp mode.</summary>
    private const string SupervisionScript = "grep -E '^(TracerPid|Seccomp):' /proc/self/status | sed 's/\\t/ /; s/^TracerPid: [1-9][0-9]*$/TracerPid: N/'\n";

    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = ScratchDirectory.Create();
        File.WriteAllText(Path.Combine(_scratch.Work, "supervision.sh"), SupervisionScript);
    }

    [TearDown]
    public void RemoveScratch() => _scratch.Dispose();

    [Test]
    public void TheCommandRunsUnsupervisedWhileTheShellStaysSupervised()
    {
        var result = Bash("sh supervision.sh; echo --; native sh supervision.sh; echo --; sh supervision.sh");
        Assert.That(result.StdoutText, Is.EqualTo("TracerPid: N\nSeccomp: 2\n--\nTracerPid: 0\nSeccomp: 0\n--\nTracerPid: N\nSeccomp: 2\n"), result.Describe("mosrun bash"));
        Assert.That(result.ExitCode, Is.Zero);
    }

    [Test]
    public void ItGetsTheShellsDirectoryEnvironmentAndDescriptorsAndTheShellGetsItsStatus()
    {
        Directory.CreateDirectory(Path.Combine(_scratch.Work, "sub"));
        var result = Bash("cd sub && export GREETING=hello && native sh -c 'pwd; echo $GREETING; tr a-z A-Z; echo to-stderr >&2; exit 7'; echo \"status $?\"",
            stdin: "piped in\n");
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo($"{Path.Combine(_scratch.Work, "sub")}\nhello\nPIPED IN\nstatus 7\n"), result.Describe("mosrun bash"));
            Assert.That(result.StderrText, Is.EqualTo("to-stderr\n"));
        });
    }

    [Test]
    public void ASignalOrAMissingCommandReachesTheShellAsItWouldNatively()
    {
        var result = Bash("native sh -c 'kill -TERM $$'; echo \"status $?\"; native no-such-command-mosix; echo \"status $?\"");
        Assert.Multiple(() =>
        {
            Assert.That(result.StdoutText, Is.EqualTo("status 143\nstatus 127\n"), result.Describe("mosrun bash"));
            // bash says "Terminated" for a command killed by SIGTERM, as it does natively.
            Assert.That(result.StderrText, Is.EqualTo("Terminated\nnative: no-such-command-mosix: command not found\n"));
        });
    }

    [Test]
    public void AsAnUnprivilegedUserTheCommandRunsUnsupervisedToo()
    {
        using var user = ThrowawayUser.CreateOrUseCurrent();
        using var scratch = ScratchDirectory.Create(user);
        string script = Path.Combine(scratch.Work, "supervision.sh");
        File.WriteAllText(script, SupervisionScript);
        user.GiveOwnership(script);
        var environment = user.EnvironmentFor(scratch);
        environment["PATH"] = Path.GetDirectoryName(RepoPaths.Mosrun) + ":" + environment["PATH"];
        var result = CommandRunner.Run([RepoPaths.Mosrun, "bash", "-c", "native sh supervision.sh; id -u"], new RunOptions
        {
            RunAsPrefix = user.CommandPrefix,
            WorkingDirectory = scratch.Work,
            Environment = environment,
        });
        Assert.That(result.StdoutText, Is.EqualTo($"TracerPid: 0\nSeccomp: 0\n{user.Uid}\n"), result.Describe($"mosrun bash {user.Description}"));
    }

    private CommandResult Bash(string script, string stdin = "")
    {
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["PATH"] = Path.GetDirectoryName(RepoPaths.Mosrun) + ":" + environment["PATH"];
        return CommandRunner.Run([RepoPaths.Mosrun, "bash", "-c", script], new RunOptions
        {
            WorkingDirectory = _scratch.Work,
            Environment = environment,
            Stdin = System.Text.Encoding.UTF8.GetBytes(stdin),
        });
    }
}

using System.Text;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>
/// <c>mosrun --log-syscalls FILE</c>: one line per trapped system call goes to FILE, naming the call, while
/// the program's own output stays exactly what it is natively.
/// </summary>
[TestFixture]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class LogSyscallsTests
{
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void DeleteScratch()
    {
        _scratch.Dispose();
        Assert.That(Directory.Exists(_scratch.Root), Is.False, "the log and its folder are gone");
    }

    [Test]
    public void Cat_LogsOpenatReadAndWrite_AndOutputIsTheFile()
    {
        string input = _scratch.WriteFile("input.txt", string.Concat(Enumerable.Range(1, 3000).Select(i => $"line {i}: {new string((char)('a' + i % 26), i % 60)}\n")));
        (CommandResult result, string log) = RunLogged(["/bin/cat", input]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), result.Describe("mosrun"));
            Assert.That(Printable.FirstDifference(result.Stdout, File.ReadAllBytes(input)), Is.EqualTo(-1), "stdout is the file, byte for byte");
            Assert.That(result.Stderr, Is.Empty, result.Describe("mosrun"));
            Assert.That(log, Does.Contain("openat("), "the log names openat");
            Assert.That(log, Does.Contain("read("), "the log names read");
            Assert.That(log, Does.Contain("write("), "the log names write");
        }
    }

    [Test]
    public void Threads_LogsClone_AndOutputMatchesNative()
    {
        string[] argv = [RepoPaths.TestProgram("threads")];
        CommandResult native = CommandRunner.Run(argv, Options());
        (CommandResult logged, string log) = RunLogged(argv);

        NativeOracle.AssertSame(native, logged, "mosrun --log-syscalls");
        Assert.That(log, Does.Contain("clone"), "thread creation (clone or clone3) is logged");
    }

    [Test]
    public void StaticProgram_LogsWrite_AndOutputMatchesNative()
    {
        string[] argv = [RepoPaths.TestProgram("static_hello"), "logged"];
        CommandResult native = CommandRunner.Run(argv, Options());
        (CommandResult logged, string log) = RunLogged(argv);

        NativeOracle.AssertSame(native, logged, "mosrun --log-syscalls");
        Assert.That(log, Does.Contain("write("), "the static program's write is logged");
    }

    /// <summary>Runs <c>mosrun --log-syscalls LOG argv...</c> with the log outside the program's working directory.</summary>
    private (CommandResult Result, string Log) RunLogged(IReadOnlyList<string> argv)
    {
        string logPath = Path.Combine(_scratch.Root, "syscalls.log");
        CommandResult result = CommandRunner.Run([RepoPaths.Mosrun, "--log-syscalls", logPath, .. argv], Options());
        Assert.That(File.Exists(logPath), Is.True, $"--log-syscalls wrote no {logPath}\n{result.Describe("mosrun")}");
        string log = File.ReadAllText(logPath, Encoding.UTF8);
        File.Delete(logPath);
        return (result, log);
    }

    private RunOptions Options() => new()
    {
        WorkingDirectory = _scratch.Work,
        Environment = TestEnvironment.For(_scratch.Home, Environment.UserName),
        ExactStatus = true,
    };
}

using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>
/// mosrun's own command line: bad programs and bad options give the shell's exit codes (127 not found,
/// 126 not executable, 2 usage) and one clear line on stderr, never a .NET stack trace.
/// </summary>
[TestFixture]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class CommandLineTests
{
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = ScratchDirectory.Create();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    [Test]
    public void NonexistentProgram_Gives127AndOneLine()
    {
        const string name = "mosix-no-such-program-4711";
        CommandResult result = Mosrun(name, "arg");
        AssertOneLineError(result, ExitStatus.Exited(127));
        Assert.That(result.StderrText, Does.Contain(name), "the error names the program");
    }

    [Test]
    public void NonexistentPath_Gives127()
    {
        string path = Path.Combine(_scratch.Work, "no", "such", "program");
        CommandResult result = Mosrun(path);
        AssertOneLineError(result, ExitStatus.Exited(127));
        Assert.That(result.StderrText, Does.Contain(path), "the error names the program");
    }

    [Test]
    public void NonExecutableFile_Gives126()
    {
        string path = _scratch.WriteFile("not-executable.sh", "#!/bin/sh\necho should not run\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        CommandResult result = Mosrun(path);
        AssertOneLineError(result, ExitStatus.Exited(126));
        Assert.That(result.StderrText, Does.Contain(path), "the error names the program");
    }

    [Test]
    public void Directory_Gives126()
    {
        CommandResult result = Mosrun(_scratch.Work);
        AssertOneLineError(result, ExitStatus.Exited(126));
    }

    [Test]
    public void UnknownOption_Gives2AndAShortError()
    {
        CommandResult result = Mosrun("--no-such-flag", "/bin/true");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactStatus, Is.EqualTo(ExitStatus.Exited(2)), result.Describe("mosrun"));
            Assert.That(result.StderrText, Does.Contain("--no-such-flag"), "the error names the option");
            Assert.That(Lines(result.StderrText), Has.Length.InRange(1, 3), "a short error, not a page of help\n" + result.Describe("mosrun"));
            AssertNoStackTrace(result);
        }
    }

    [Test]
    public void NoArguments_FailsWithAUsageHint()
    {
        CommandResult result = Mosrun();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactStatus?.Code, Is.Not.Null.And.Not.EqualTo(0), result.Describe("mosrun"));
            Assert.That(result.StderrText + result.StdoutText, Does.Contain("usage").IgnoreCase, result.Describe("mosrun"));
            AssertNoStackTrace(result);
        }
    }

    [Test]
    public void Help_Exits0AndNamesMosrun()
    {
        CommandResult result = Mosrun("--help");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), result.Describe("mosrun"));
            Assert.That(result.StdoutText, Does.Contain("mosrun"), result.Describe("mosrun"));
            AssertNoStackTrace(result);
        }
    }

    /// <summary>Options after PROGRAM belong to the program: mosrun must not read them.</summary>
    [Test]
    public void OptionsAfterTheProgram_AreThePrograms()
    {
        CommandResult result = Mosrun("/usr/bin/printf", "[%s]\\n", "--help", "--no-such-flag");
        Assert.That(result.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), result.Describe("mosrun"));
        Assert.That(result.StdoutText, Is.EqualTo("[--help]\n[--no-such-flag]\n"), result.Describe("mosrun"));
    }

    /// <summary>A bare name is looked up in PATH, as a shell does.</summary>
    [Test]
    public void BareName_IsFoundThroughPath()
    {
        string testsBin = Path.GetDirectoryName(RepoPaths.TestProgram("exit_code"))!;
        var environment = TestEnvironment.For(_scratch.Home, Environment.UserName);
        environment["PATH"] = testsBin + ":" + environment["PATH"];
        CommandResult result = CommandRunner.Run([RepoPaths.Mosrun, "exit_code"],
            new RunOptions { WorkingDirectory = _scratch.Work, Environment = environment, ExactStatus = true });
        Assert.That(result.ExactStatus, Is.EqualTo(ExitStatus.Exited(3)), result.Describe("mosrun"));
        Assert.That(result.StdoutText, Is.EqualTo("exit_code: leaving with status 3\n"));
    }

    private CommandResult Mosrun(params string[] args) =>
        CommandRunner.Run([RepoPaths.Mosrun, .. args], new RunOptions
        {
            WorkingDirectory = _scratch.Work,
            Environment = TestEnvironment.For(_scratch.Home, Environment.UserName),
            ExactStatus = true,
        });

    private static void AssertOneLineError(CommandResult result, ExitStatus expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactStatus, Is.EqualTo(expected), result.Describe("mosrun"));
            Assert.That(result.Stdout, Is.Empty, "nothing on stdout\n" + result.Describe("mosrun"));
            Assert.That(Lines(result.StderrText), Has.Length.EqualTo(1), "exactly one line on stderr\n" + result.Describe("mosrun"));
            Assert.That(result.StderrText, Does.StartWith("mosrun: "), result.Describe("mosrun"));
            AssertNoStackTrace(result);
        }
    }

    private static void AssertNoStackTrace(CommandResult result)
    {
        Assert.That(result.StderrText, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no .NET stack trace\n" + result.Describe("mosrun"));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

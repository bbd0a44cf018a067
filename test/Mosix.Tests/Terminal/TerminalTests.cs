using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Terminal;

/// <summary>
/// mosrun at a real (pseudo-)terminal, driven as a person would with an interactive bash
/// (pty_session.py): the program's streams are the terminal, Ctrl-C ends it, Ctrl-Z stops the
/// job and fg continues it. Each scenario runs natively and under mosrun; they must agree.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class TerminalTests
{
    private static readonly string Driver = Path.Combine(AppContext.BaseDirectory, "Terminal", "pty_session.py");

    [TestCase("tty", "isatty: True True True True", "stty size same: True")]
    [TestCase("stdin", "cat echoed: True", "status: 0")]
    [TestCase("ctrl-c", "status: 130")]
    [TestCase("ctrl-z", "stopped: True", "jobs shows stopped: True", "fg finished: True", "status: 0")]
    public void AtATerminalTheProgramBehavesAsIfRunDirectly(string scenario, params string[] expected)
    {
        string native = Session("command", scenario);
        string supervised = Session(RepoPaths.Mosrun, scenario);
        Assert.Multiple(() =>
        {
            foreach (var line in expected)
                Assert.That(native, Does.Contain(line), "the native run (the oracle) itself");
            Assert.That(supervised, Is.EqualTo(native), $"under mosrun, scenario {scenario}");
        });
    }

    private static string Session(string prefix, string scenario)
    {
        // The compared environment, whose XDG_RUNTIME_DIR keeps mosrun's control socket in the scratch folder.
        using var scratch = ScratchDirectory.Create();
        var result = CommandRunner.Run(["/usr/bin/python3", Driver, prefix, scenario], new RunOptions
        {
            Timeout = TimeSpan.FromSeconds(90),
            WorkingDirectory = scratch.Work,
            Environment = TestEnvironment.For(scratch.Home, Environment.UserName),
        });
        Assert.That(result.ExitCode, Is.Zero, $"pty_session.py {prefix} {scenario}: {result.StderrText}");
        return result.StdoutText;
    }
}

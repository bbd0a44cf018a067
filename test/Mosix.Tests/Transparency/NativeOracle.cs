using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>The one assertion of the transparency tests: a program under Mosix does exactly what it does natively.</summary>
/// <remarks>
/// Both runs get the same argv, stdin, environment and working directory path (emptied in between), and run
/// under <c>wait_status</c> so death by signal N is told apart from exit(128+N). Compared: stdout bytes,
/// stderr bytes (where the program's stderr is deterministic) and the exact exit status.
/// </remarks>
public static class NativeOracle
{
    /// <param name="launcher">Put in front of both runs, before <c>mosrun</c> (e.g. a wrapper that ignores SIGCHLD).</param>
    /// <param name="user">Run both as this user, in its private folder; null runs as the test host's user.</param>
    public static void AssertSameAsNative(Scenario scenario, RunMode mode, ThrowawayUser? user = null, IReadOnlyList<string>? launcher = null)
    {
        using var scratch = ScratchDirectory.Create(user);
        CommandResult native = Run(scenario, RunMode.Native, scratch, user, launcher);
        CheckOracle(scenario, native);
        scratch.Reset();
        CommandResult supervised = Run(scenario, mode, scratch, user, launcher);
        AssertSame(native, supervised, mode.Name, scenario.StderrIsDeterministic);
    }

    public static CommandResult Run(Scenario scenario, RunMode mode, ScratchDirectory scratch, ThrowawayUser? user = null, IReadOnlyList<string>? launcher = null)
    {
        var options = new RunOptions
        {
            Stdin = scenario.Stdin,
            WorkingDirectory = scratch.Work,
            Environment = user?.EnvironmentFor(scratch) ?? TestEnvironment.For(scratch.Home, Environment.UserName),
            RunAsPrefix = user?.CommandPrefix ?? [],
            ExactStatus = true,
            Timeout = scenario.Timeout,
        };
        return CommandRunner.Run([.. launcher ?? [], .. mode.Wrap(scenario.ResolvedArgv())], options);
    }

    /// <summary>Asserts identical stdout, stderr (if <paramref name="compareStderr"/>) and exit status, showing both runs on failure.</summary>
    public static void AssertSame(CommandResult native, CommandResult other, string modeName, bool compareStderr = true)
    {
        string both = native.Describe("native") + "\n" + other.Describe(modeName);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(other.StatusText, Is.EqualTo(native.StatusText), $"exit status differs under {modeName}\n{both}");
            Assert.That(Printable.FirstDifference(native.Stdout, other.Stdout), Is.EqualTo(-1),
                $"stdout differs under {modeName} from the byte offset shown\n{both}");
            if (compareStderr)
            {
                Assert.That(Printable.FirstDifference(native.Stderr, other.Stderr), Is.EqualTo(-1),
                    $"stderr differs under {modeName} from the byte offset shown\n{both}");
            }
        }
    }

    /// <summary>The native run must itself behave as the scenario says, or the comparison proves nothing.</summary>
    private static void CheckOracle(Scenario scenario, CommandResult native)
    {
        if (scenario.MachineCannot?.Invoke(native) is { } cannot)
            Assert.Ignore($"{scenario.Name}: {cannot}");
        string why = $"the native run (the oracle) did not behave as scenario {scenario.Name} expects; the test or the machine is wrong\n{native.Describe("native")}";
        Assert.That(native.ExactStatus, Is.EqualTo(scenario.NativeStatus), why);
        if (scenario.NativeStdoutContains is { } text)
            Assert.That(native.StdoutText, Does.Contain(text), why);
    }
}

using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>One program run to compare across modes: its argv, its stdin, and what the native run itself must show.</summary>
/// <param name="Name">The test case name: snake_case, unique.</param>
/// <param name="Argv">The command; an element <c>{tests}/NAME</c> stands for <c>bin/tests/NAME</c>, resolved at run time.</param>
public sealed record Scenario(string Name, IReadOnlyList<string> Argv)
{
    public const string TestsPrefix = "{tests}/";

    /// <summary>Bytes piped to stdin; null means an empty stdin.</summary>
    public byte[]? Stdin { get; init; }

    /// <summary>False for programs whose stderr varies from run to run: then only stdout and status are compared.</summary>
    public bool StderrIsDeterministic { get; init; } = true;

    /// <summary>What the native run must end with. A check on the oracle: a broken test program fails here, not as a diff.</summary>
    public ExitStatus NativeStatus { get; init; } = ExitStatus.Exited(0);

    /// <summary>Text the native stdout must contain, for the same reason.</summary>
    public string? NativeStdoutContains { get; init; }

    /// <summary>
    /// Why this machine cannot run the scenario at all, judged from its native run (null: it can):
    /// the test is then skipped with that reason, never passed, and never failed for the machine.
    /// </summary>
    public Func<CommandResult, string?>? MachineCannot { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A scenario that runs one of the C test programs.</summary>
    public static Scenario Program(string name, params string[] args) => new(name, [TestsPrefix + name, .. args]);

    public IReadOnlyList<string> ResolvedArgv() =>
        Argv.Select(a => a.StartsWith(TestsPrefix, StringComparison.Ordinal) ? RepoPaths.TestProgram(a[TestsPrefix.Length..]) : a).ToList();

    public override string ToString() => Name;
}

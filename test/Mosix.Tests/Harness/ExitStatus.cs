namespace Mosix.Tests.Harness;

/// <summary>How a process ended, as its parent's wait(2) saw it: an exit code, or the signal that killed it.</summary>
/// <remarks>
/// A parent that only has .NET's <c>Process.ExitCode</c> sees 128+N for death by signal N and cannot tell it from
/// <c>exit(128+N)</c>; the harness gets the exact status from <c>bin/tests/wait_status</c>, which writes
/// "exit N" or "signal N[ core]".
/// </remarks>
public readonly record struct ExitStatus(int? Code, int? Signal, bool CoreDumped)
{
    public static ExitStatus Exited(int code) => new(code, null, false);

    public static ExitStatus KilledBy(int signal) => new(null, signal, false);

    /// <summary>Parses wait_status's one line: "exit N", "signal N" or "signal N core".</summary>
    public static ExitStatus Parse(string line)
    {
        string[] words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words switch
        {
            ["exit", var n] => Exited(int.Parse(n)),
            ["signal", var n] => KilledBy(int.Parse(n)),
            ["signal", var n, "core"] => new ExitStatus(null, int.Parse(n), true),
            _ => throw new FormatException($"not a wait status line: '{line}'"),
        };
    }

    public override string ToString() =>
        Code is { } code ? $"exit {code}" : $"killed by {Signals.Name(Signal ?? 0)}{(CoreDumped ? " (core dumped)" : "")}";
}

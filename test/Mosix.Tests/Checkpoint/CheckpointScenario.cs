using Mosix.Tests.Harness;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// A program to checkpoint mid-run and restart: it prints a line at a steady pace (every 30 ms or so, for 2 to
/// 3 s), so a test can wait for <see cref="MidRunLine"/> and know the checkpoint lands with most of the run
/// still to come.
/// </summary>
/// <param name="Name">The test case name: snake_case, unique.</param>
/// <param name="Argv">The command; <c>{tests}/NAME</c> stands for <c>bin/tests/NAME</c>. Relative paths are
/// relative to the scratch <c>work/</c> folder, every run's working directory.</param>
public sealed record CheckpointScenario(string Name, IReadOnlyList<string> Argv)
{
    public const string TestsPrefix = "{tests}/";

    /// <summary>Text that shows the program is under way; the checkpoint is asked for once stdout holds it.</summary>
    public required string MidRunLine { get; init; }

    /// <summary>Text only the end of a complete run prints: the native run must show it (a check on the oracle).</summary>
    public required string FinalLine { get; init; }

    /// <summary>A file (relative to <c>work/</c>) the program writes: its final contents are compared too.</summary>
    public string? OutputFile { get; init; }

    /// <summary>CPU flags (/proc/cpuinfo) the program needs; without them the case is inconclusive, not failed.</summary>
    public IReadOnlyList<string> CpuFlags { get; init; } = [];

    /// <summary>A test program built only when its compiler is there (bin/tests/NAME); without it the case is inconclusive.</summary>
    public string? NeedsProgram { get; init; }

    public IReadOnlyList<string> ResolvedArgv() =>
        Argv.Select(a => a.StartsWith(TestsPrefix, StringComparison.Ordinal) ? RepoPaths.TestProgram(a[TestsPrefix.Length..]) : a).ToList();

    public override string ToString() => Name;
}

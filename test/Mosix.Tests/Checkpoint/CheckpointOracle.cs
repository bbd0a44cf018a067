using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>The native run of a checkpoint scenario: what every checkpointed and restarted run must add up to.</summary>
public static class CheckpointOracle
{
    /// <summary>The native run's result and the contents of the file it wrote, if the scenario has one.</summary>
    public sealed record NativeRun(CommandResult Result, byte[]? File);

    /// <summary>
    /// Runs the scenario natively, checks that the run itself is what the scenario says (exit 0, the mid-run and
    /// final lines there), then empties the scratch <c>work/</c> folder for the supervised run.
    /// </summary>
    public static NativeRun Run(CheckpointScenario scenario, CheckpointRunner runner, ScratchDirectory scratch)
    {
        RequireCpu(scenario);
        CommandResult native = runner.RunNative(scenario.ResolvedArgv());
        string why = $"the native run (the oracle) did not behave as scenario {scenario.Name} expects; the test or the machine is wrong\n{native.Describe("native")}";
        Assert.That(native.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), why);
        Assert.That(native.StdoutText, Does.Contain(scenario.MidRunLine).And.Contain(scenario.FinalLine), why);
        byte[]? file = null;
        if (scenario.OutputFile is { } name)
        {
            file = runner.ReadWorkFile(name);
            Assert.That(file, Is.Not.Null.And.Not.Empty, $"the native run wrote no {name}\n{native.Describe("native")}");
        }
        scratch.Reset();
        return new NativeRun(native, file);
    }

    /// <summary>Makes the test inconclusive when the CPU lacks a flag the scenario's program needs, or the program could not be built.</summary>
    public static void RequireCpu(CheckpointScenario scenario)
    {
        if (scenario.NeedsProgram is { } program)
            Assume.That(File.Exists(RepoPaths.TestProgram(program)), Is.True,
                $"{program} was not built: its compiler is missing (build.sh installs Debian's golang-go when run as root)");
        if (scenario.CpuFlags.Count == 0)
            return;
        var flags = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?
            .Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? [];
        var missing = scenario.CpuFlags.Where(f => !flags.Contains(f)).ToList();
        Assume.That(missing, Is.Empty, $"{scenario.Name} needs CPU flags this machine lacks: {string.Join(' ', missing)}");
    }
}

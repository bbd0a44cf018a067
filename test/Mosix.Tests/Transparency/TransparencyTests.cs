using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>Every scenario in <see cref="Scenarios"/>, natively and in each supervised mode: same bytes, same status.</summary>
[TestFixtureSource(typeof(RunMode), nameof(RunMode.SupervisedFixtures))]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class TransparencyTests(RunMode mode)
{
    [TestCaseSource(typeof(Scenarios), nameof(Scenarios.AllCases))]
    public void SameAsNative(Scenario scenario) => NativeOracle.AssertSameAsNative(scenario, mode);

    /// <summary>
    /// gcc under Mosix must build the very binary gcc builds natively, and that binary must run the same natively
    /// and supervised: the compiler's many processes, temp files and pipes all have to come out right.
    /// </summary>
    [Test]
    public void GccOutput_IsIdenticalAndRunsTheSame()
    {
        const string source = """
            #include <stdio.h>
            int main(int argc, char **argv) {
                unsigned h = 5381;
                for (int i = 1; i < argc; i++)
                    for (const char *p = argv[i]; *p; p++) h = h * 33 + (unsigned char)*p;
                printf("built by gcc: %d args, djb2 %u\n", argc - 1, h);
                return argc == 3 ? 0 : 1;
            }
            """;
        using var scratch = ScratchDirectory.Create();
        string[] gcc = ["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", "prog", "prog.c"];
        var environment = TestEnvironment.For(scratch.Home, Environment.UserName);

        scratch.WriteFile("native/prog.c", source);
        scratch.WriteFile("supervised/prog.c", source);
        CommandResult nativeBuild = CommandRunner.Run(gcc, new RunOptions
        {
            WorkingDirectory = Path.Combine(scratch.Work, "native"), Environment = environment, ExactStatus = true, Timeout = TimeSpan.FromSeconds(120),
        });
        CommandResult supervisedBuild = CommandRunner.Run(mode.Wrap(gcc), new RunOptions
        {
            WorkingDirectory = Path.Combine(scratch.Work, "supervised"), Environment = environment, ExactStatus = true, Timeout = TimeSpan.FromSeconds(120),
        });
        Assert.That(nativeBuild.ExactStatus, Is.EqualTo(ExitStatus.Exited(0)), nativeBuild.Describe("native gcc"));
        NativeOracle.AssertSame(nativeBuild, supervisedBuild, mode.Name);

        byte[] nativeBinary = File.ReadAllBytes(Path.Combine(scratch.Work, "native", "prog"));
        byte[] supervisedBinary = File.ReadAllBytes(Path.Combine(scratch.Work, "supervised", "prog"));
        Assert.That(Printable.FirstDifference(nativeBinary, supervisedBinary), Is.EqualTo(-1), $"gcc under {mode.Name} built a different binary");

        string[] run = [Path.Combine(scratch.Work, "supervised", "prog"), "two words", "ünï"];
        var runOptions = new RunOptions { WorkingDirectory = scratch.Work, Environment = environment, ExactStatus = true };
        CommandResult nativeRun = CommandRunner.Run(run, runOptions);
        CommandResult supervisedRun = CommandRunner.Run(mode.Wrap(run), runOptions);
        Assert.That(nativeRun.StdoutText, Does.StartWith("built by gcc: 2 args"), nativeRun.Describe("native"));
        NativeOracle.AssertSame(nativeRun, supervisedRun, mode.Name);
    }
}

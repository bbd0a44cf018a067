using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>
/// Mosix needs no root: a representative subset of the scenarios, run by an unprivileged user both natively and
/// supervised. As root the tests make a throwaway user; otherwise the current user already is the case.
/// </summary>
[TestFixtureSource(typeof(RunMode), nameof(RunMode.SupervisedFixtures))]
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public sealed class UnprivilegedTests(RunMode mode)
{
    private ThrowawayUser _user = null!;

    public static IEnumerable<TestCaseData> Subset() =>
        Scenarios.Cases("bash_pipeline", "python3", "threads", "fork_pipe", "segfault", "exit_code", "process_state");

    [OneTimeSetUp]
    public void CreateUser()
    {
        _user = ThrowawayUser.CreateOrUseCurrent();
        TestContext.Progress.WriteLine($"{nameof(UnprivilegedTests)}({mode.Name}): running {_user.Description}");
        try
        {
            AssertUserCanRun(RepoPaths.Mosrun);
            AssertUserCanRun(RepoPaths.TestProgram("threads"));
        }
        catch
        {
            _user.Dispose();
            throw;
        }
    }

    [OneTimeTearDown]
    public void DeleteUser() => _user.Dispose();

    [TestCaseSource(nameof(Subset))]
    public void SameAsNativeAsTheSameUser(Scenario scenario)
    {
        TestContext.Out.WriteLine($"running {_user.Description}");
        NativeOracle.AssertSameAsNative(scenario, mode, _user);
    }

    /// <summary>The identity the program sees is the user's, with no capabilities, exactly as natively.</summary>
    [Test]
    public void Identity_IsTheUsersWithNoCapabilities()
    {
        TestContext.Out.WriteLine($"running {_user.Description}");
        var scenario = new Scenario("identity", ["bash", "-c", "id -u; id -g; grep -E '^(Uid|Gid|CapPrm|CapEff|CapAmb)' /proc/self/status"]);
        NativeOracle.AssertSameAsNative(scenario, mode, _user);

        using var scratch = ScratchDirectory.Create(_user);
        CommandResult native = NativeOracle.Run(scenario, RunMode.Native, scratch, _user);
        Assert.That(native.StdoutText, Does.StartWith($"{_user.Uid}\n"), native.Describe("native"));
        Assert.That(native.StdoutText, Does.Contain("CapEff:\t0000000000000000"), "unprivileged means no effective capabilities");
    }

    private void AssertUserCanRun(string path)
    {
        using var scratch = ScratchDirectory.Create(_user);
        CommandResult result = CommandRunner.Run(["test", "-x", path], new RunOptions
        {
            WorkingDirectory = scratch.Work,
            Environment = _user.EnvironmentFor(scratch),
            RunAsPrefix = _user.CommandPrefix,
        });
        if (result.ExitCode != 0)
            Assert.Fail($"{_user.Description} cannot execute {path}: every folder above it must be searchable by others (o+x)");
    }
}

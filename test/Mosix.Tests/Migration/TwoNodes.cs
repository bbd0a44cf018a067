using System.Globalization;
using Mosix.Tests.Agent;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>
/// Two agents on 127.0.0.1, node1 (home) and node2, for a fixture's tests: commands run with
/// node1's state, in a scratch folder made anew for each test; a timeout's report adds the guest
/// hosts. With a throwaway user, that user runs the agents and every command (the unprivileged
/// case). Disposing ends both agents by pid.
/// </summary>
internal sealed class TwoNodes : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public TwoNodes(ThrowawayUser? user = null)
    {
        User = user;
        Cluster = new AgentCluster { User = user };
        Cluster.StartMember("node1");
        Cluster.StartMember("node2");
        AgentProcess.WaitFor(() => Probe.View(Cluster["node1"]).ContainsKey("node2"), Patience, () => "node1 never saw node2");
    }

    public AgentCluster Cluster { get; }

    /// <summary>Who runs the agents and the commands; null: the tests' own user.</summary>
    public ThrowawayUser? User { get; }

    /// <summary>This test's folder (<see cref="NewScratch"/>).</summary>
    public ScratchDirectory Scratch { get; private set; } = null!;

    public void NewScratch() => Scratch = ScratchDirectory.Create(User);

    /// <summary>Removes the test's folder; fails if a guest host outlives its test.</summary>
    public void EndTest()
    {
        Scratch.Dispose();
        AgentProcess.WaitFor(() => GuestProcesses.Hosts().Count == 0, TimeSpan.FromSeconds(15), () => "a guest host was left running");
    }

    public RunOptions Options(TimeSpan? timeout = null)
    {
        var environment = TestEnvironment.For(Scratch.Home, User?.Name ?? Environment.UserName);
        environment["MOSIX_STATE"] = Cluster.StateFor("node1");
        return new RunOptions
        {
            RunAsPrefix = User?.CommandPrefix ?? [],
            WorkingDirectory = Scratch.Work,
            Environment = environment,
            Timeout = timeout ?? TimeSpan.FromMinutes(3),
            DescribeOnTimeout = () => HangReport.Of([.. GuestProcesses.Hosts()]),
        };
    }

    public RunningCommand Mosrun(params string[] argv) =>
        CommandRunner.Start([AgentCluster.Bin("mosrun"), .. argv], Options() with { KeepStdinOpen = true });

    /// <summary><c>migrate PID ACTION</c>, which must succeed; its answer.</summary>
    public string Migrate(RunningCommand run, string action)
    {
        var result = CommandRunner.Run([AgentCluster.Bin("migrate"), run.Pid.ToString(CultureInfo.InvariantCulture), action], Options());
        Assert.That(result.ExitCode, Is.Zero, result.Describe($"migrate {action}"));
        return result.StdoutText;
    }

    public void Dispose() => Cluster.Dispose();
}

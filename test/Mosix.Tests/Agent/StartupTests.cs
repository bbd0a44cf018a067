using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>mosixd refuses bad starts with one line and a non-zero exit, never a stack trace.</summary>
[TestFixture]
[NonParallelizable]
public sealed class StartupTests
{
    private static CommandResult Mosixd(params string[] args) =>
        CommandRunner.Run([AgentCluster.Bin("mosixd"), .. args], new RunOptions { Timeout = TimeSpan.FromSeconds(30) });

    private static void AssertOneLine(CommandResult result, int exitCode, string contains)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.Describe("mosixd"));
        Assert.That(result.StderrText, Does.StartWith("mosixd: ").And.Contain(contains), result.Describe("mosixd"));
        Assert.That(result.StderrText.TrimEnd().Split('\n'), Has.Length.EqualTo(1), result.Describe("one line"));
    }

    [Test]
    public void Bad_options_and_settings_are_one_line_and_status_2()
    {
        using var cluster = new AgentCluster();
        string state = cluster.StateFor("x");
        AssertOneLine(Mosixd("--state", state, "--bogus"), 2, "--bogus");
        AssertOneLine(Mosixd("--state", state, "--speed", "fast"), 2, "'fast' is not a number");
        AssertOneLine(Mosixd("--state", state, "--seed", "10.0.0.1:7471"), 2, "mosctl init");
        AssertOneLine(Mosixd("--state", state, "--timeout", "1"), 2, "at least 3 intervals");
        File.WriteAllText(Path.Combine(state, "mosixd.json"), """{ "fanot": 3 }""");
        AssertOneLine(Mosixd("--state", state), 2, "unknown setting 'fanot'");
    }

    [Test]
    public void A_second_agent_on_one_state_folder_or_one_port_is_refused()
    {
        using var cluster = new AgentCluster();
        var node1 = cluster.StartMember("node1");
        AssertOneLine(Mosixd("--state", node1.State), 1, "already serves");

        cluster.Enroll("node2", cluster.StateFor("node2"));
        AssertOneLine(Mosixd("--state", cluster.StateFor("node2"), "--listen", node1.Endpoint), 1, "the port is in use");
    }

    [Test]
    public void A_state_folder_open_to_others_is_refused()
    {
        using var cluster = new AgentCluster();
        string state = cluster.StateFor("open");
        Directory.CreateDirectory(state);
        File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        AssertOneLine(Mosixd("--state", state), 1, "open to other users");
    }

    [Test]
    public void A_state_folder_of_another_user_is_refused()
    {
        Assume.That(Environment.IsPrivilegedProcess, "a folder of another (throwaway) user is needed: run as root");
        using var owner = ThrowawayUser.CreateOrUseCurrent();
        using var cluster = new AgentCluster();
        string state = cluster.StateFor("theirs");
        Directory.CreateDirectory(state);
        File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        owner.GiveOwnership(state);
        AssertOneLine(Mosixd("--state", state), 1, $"belongs to another user (uid {owner.Uid})");
    }
}

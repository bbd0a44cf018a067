using System.Net;
using System.Net.Sockets;
using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>
/// Agents on 127.0.0.1 for a test, as <c>./build.sh cluster</c> makes them: one folder with a
/// state folder per node, node1 holding the cluster CA (made with bin/mosctl), each agent on its own
/// port, joining through node1. With <see cref="User"/> a throwaway user, that user owns the folder
/// and runs the agents and mosctl, as an unprivileged user's own cluster. Disposing ends every agent
/// by pid and deletes the folder.
/// </summary>
public sealed class AgentCluster : IDisposable
{
    private readonly List<AgentProcess> _agents = [];

    public AgentCluster() => Root = Directory.CreateTempSubdirectory("mosix-test-cluster-").FullName;

    public string Root { get; }

    public IReadOnlyList<AgentProcess> Agents => _agents;

    /// <summary>
    /// False (the default): agents start with --lstay, so that a test's processes stay where the
    /// test puts them; the placement tests turn the balancer on.
    /// </summary>
    public bool Balancing { get; init; }

    /// <summary>Who runs the agents and mosctl: null (or the current user) for the tests' own user.</summary>
    public ThrowawayUser? User
    {
        get => _user;
        init
        {
            _user = value;
            _user?.GiveOwnership(Root); // the user's folders go inside
        }
    }

    private readonly ThrowawayUser? _user;

    /// <summary>Runs a command as <see cref="User"/>.</summary>
    public RunOptions AsUser(RunOptions options) => options with { RunAsPrefix = _user?.CommandPrefix ?? [] };

    public AgentProcess this[string name] => _agents.Single(a => a.Name == name);

    public static string Bin(string name) => Path.Combine(RepoPaths.Root, "bin", name);

    /// <summary>Starts <paramref name="count"/> members node1..nodeN with <paramref name="extraArgs"/>, and waits until each answers.</summary>
    public void Start(int count, params string[] extraArgs)
    {
        for (int i = 1; i <= count; i++)
            StartMember($"node{i}", extraArgs);
    }

    /// <summary>Starts one member of the cluster (credentials from node1's CA) and waits until its control socket answers.</summary>
    public AgentProcess StartMember(string name, params string[] extraArgs) => StartMember(name, launcher: [], extraArgs);

    /// <summary>As <see cref="StartMember(string, string[])"/>, the agent's command line after <paramref name="launcher"/> (a namespace wrapper, say).</summary>
    public AgentProcess StartMember(string name, IReadOnlyList<string> launcher, params string[] extraArgs)
    {
        string state = StateFor(name);
        if (name == "node1")
            Mosctl(state, AsUser(new RunOptions()), "init", "--node", name, "--cluster", "test");
        else
            Enroll(name, state);
        string seed = _agents.FirstOrDefault(a => a.Name == "node1")?.Endpoint ?? "";
        return StartAgent(name, state, seed.Length > 0 ? ["--seed", seed, .. extraArgs] : extraArgs, launcher: launcher);
    }

    /// <summary>Starts an agent with whatever credentials <paramref name="state"/> holds (or none).</summary>
    public AgentProcess StartAgent(string name, string state, IEnumerable<string> extraArgs, RunOptions? options = null, IReadOnlyList<string>? launcher = null)
    {
        int port = FreePort();
        bool credentials = File.Exists(Path.Combine(state, "tls", "node.crt"));
        var argv = new List<string>(launcher ?? []) { Bin("mosixd"), "--state", state, "--name", name, "--interval", "0.5" };
        if (!Balancing)
            argv.Add("--lstay");
        if (credentials)
            argv.AddRange(["--listen", $"127.0.0.1:{port}"]);
        argv.AddRange(extraArgs);
        var agent = new AgentProcess(name, state, port, argv, options ?? AsUser(new RunOptions { Timeout = TimeSpan.FromMinutes(5) }));
        _agents.Add(agent);
        // Another user's agent does not answer the tests' own probe: its control socket tells instead.
        Func<bool> answers = agent.RunAsPrefix.Count == 0 ? () => Probe.Status(agent) is not null : () => File.Exists(agent.ControlSocket);
        AgentProcess.WaitFor(() => answers() || !agent.IsRunning, TimeSpan.FromSeconds(30), () => $"{agent} did not open its control socket; log:\n{agent.Log()}");
        if (!agent.IsRunning)
            Assert.Fail($"{agent} ended at start; log:\n{agent.Log()}");
        return agent;
    }

    /// <summary>Takes an agent started elsewhere into the cluster's care: it ends with the cluster.</summary>
    public void Adopt(AgentProcess agent) => _agents.Add(agent);

    /// <summary>Issues credentials for <paramref name="name"/> from node1's CA and installs them in <paramref name="state"/>.</summary>
    public void Enroll(string name, string state)
    {
        string bundle = Path.Combine(Root, $"{name}.pem");
        Mosctl(StateFor("node1"), AsUser(new RunOptions()), "add-node", name, "--out", bundle);
        Mosctl(state, AsUser(new RunOptions()), "import", bundle);
        File.Delete(bundle);
    }

    public string StateFor(string name) => Path.Combine(Root, name);

    public static CommandResult Mosctl(string state, params string[] args) => Mosctl(state, new RunOptions(), args);

    private static CommandResult Mosctl(string state, RunOptions options, params string[] args)
    {
        var result = CommandRunner.Run([Bin("mosctl"), "--state", state, .. args], options);
        if (result.ExitCode != 0)
            Assert.Fail(result.Describe("mosctl failed"));
        return result;
    }

    public void Dispose()
    {
        foreach (var agent in _agents)
            agent.Dispose();
        if (Directory.Exists(Root))
            ScratchDirectory.DeleteTree(Root);
    }

    /// <summary>A port nobody listens on now (the kernel's pick); the agent binds it a moment later.</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

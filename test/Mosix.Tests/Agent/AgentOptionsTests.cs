using Mosix.Agent.Configuration;
using Mosix.Agent.Measuring;
using Mosix.Shim.Local;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

[TestFixture]
public sealed class AgentOptionsTests
{
    private static readonly StateDirectory State = new("/tmp/mosix-never-made");

    private static AgentOptions Build(AgentConfigFile overrides, AgentConfigFile? file = null) =>
        OptionsBuilder.Build(State, file ?? new AgentConfigFile(), overrides, credentials: null);

    [TestCase("127.0.0.1:7471", "127.0.0.1", 7471)]
    [TestCase(":7471", "", 7471)]
    [TestCase("[::1]:80", "::1", 80)]
    [TestCase("node-7.example:65535", "node-7.example", 65535)]
    public void Endpoints_parse(string text, string host, int port)
    {
        var endpoint = NetworkEndpoint.Parse(text, out string? problem);
        Assert.That(problem, Is.Null);
        Assert.That(endpoint, Is.EqualTo(new NetworkEndpoint(host, port)));
    }

    [TestCase("7471")]
    [TestCase("host:0")]
    [TestCase("host:70000")]
    [TestCase("::1:80")]
    [TestCase("host:port")]
    public void Bad_endpoints_say_why(string text)
    {
        Assert.That(NetworkEndpoint.Parse(text, out string? problem), Is.Null);
        Assert.That(problem, Does.Contain(text.Length > 0 ? "'" : ""));
    }

    [Test]
    public void No_configuration_is_a_one_node_cluster_with_the_defaults()
    {
        var options = Build(new AgentConfigFile());
        Assert.That(options.Listen, Is.Null, "no credentials: no port opened");
        Assert.That(options.Gossip.Interval, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(options.Gossip.Fanout, Is.EqualTo(2));
        Assert.That(options.AcceptGuests, Is.True);
    }

    [Test]
    public void The_command_line_overrides_the_file()
    {
        var options = Build(new AgentConfigFile { Speed = 2, IntervalSeconds = 0.5 }, new AgentConfigFile { Speed = 1, TimeoutSeconds = 4 });
        Assert.That(options.Speed, Is.EqualTo(2));
        Assert.That(options.Gossip.Timeout, Is.EqualTo(TimeSpan.FromSeconds(4)));
        Assert.That(options.Gossip.Interval, Is.EqualTo(TimeSpan.FromSeconds(0.5)));
    }

    [TestCase("bad name", "may hold only")]
    public void Bad_names_are_refused(string name, string message) =>
        Assert.That(() => Build(new AgentConfigFile { Name = name }), Throws.TypeOf<ConfigurationException>().With.Message.Contains(message));

    [Test]
    public void Bad_values_are_refused_with_one_line()
    {
        Assert.That(() => Build(new AgentConfigFile { TimeoutSeconds = 2 }), Throws.TypeOf<ConfigurationException>().With.Message.Contains("at least 3 intervals"));
        Assert.That(() => Build(new AgentConfigFile { Speed = -1 }), Throws.TypeOf<ConfigurationException>().With.Message.Contains("speed"));
        Assert.That(() => Build(new AgentConfigFile { Fanout = 0 }), Throws.TypeOf<ConfigurationException>().With.Message.Contains("fanout"));
        Assert.That(() => Build(new AgentConfigFile { LogLevel = "loud" }), Throws.TypeOf<ConfigurationException>().With.Message.Contains("logLevel"));
        Assert.That(() => Build(new AgentConfigFile { Seeds = ["10.0.0.1:7471"] }), Throws.TypeOf<ConfigurationException>().With.Message.Contains("mosctl init"));
    }

    [Test]
    public void The_configuration_file_refuses_unknown_settings()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "fanout": 3, "fanot": 4 }""");
            Assert.That(() => AgentConfigFile.Load(file, required: true), Throws.TypeOf<ConfigurationException>().With.Message.Contains("unknown setting 'fanot'"));
            File.WriteAllText(file, """{ "fanout": 3, "seeds": ["a:1"], /* comment */ }""");
            var parsed = AgentConfigFile.Load(file, required: true);
            Assert.That(parsed.Fanout, Is.EqualTo(3));
            Assert.That(parsed.Seeds, Is.EqualTo(new[] { "a:1" }));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void Proc_files_parse()
    {
        Assert.That(ProcFiles.RunningThreads("cpu  1 2 3\nprocs_running 3\nprocs_blocked 0\n"), Is.EqualTo(3));
        const string meminfo = "MemTotal:       24681012 kB\nMemFree:         1000 kB\nMemAvailable:   20000000 kB\n";
        Assert.That(ProcFiles.MemInfoBytes(meminfo, "MemAvailable"), Is.EqualTo(20000000L * 1024));
        Assert.That(ProcFiles.MemInfoBytes(meminfo, "MemTotal"), Is.EqualTo(24681012L * 1024));
        Assert.That(ProcFiles.MemInfoBytes(meminfo, "Mem"), Is.Null);
    }
}

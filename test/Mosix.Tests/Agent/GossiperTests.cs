using Mosix.Agent.Discovery;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

[TestFixture]
public sealed class GossiperTests
{
    private sealed class FakeClock : IClock
    {
        public TimeSpan Now { get; set; }
    }

    private sealed class RecordingTransport : IGossipTransport
    {
        public List<(string Endpoint, GossipMessage Message)> Sent { get; } = [];

        public void Send(string endpoint, GossipMessage message) => Sent.Add((endpoint, message));
    }

    private FakeClock _clock = new();
    private RecordingTransport _transport = new();

    [SetUp]
    public void Fresh()
    {
        _clock = new FakeClock();
        _transport = new RecordingTransport();
    }

    private Gossiper Make(string self, params string[] seeds) =>
        new(self, new GossipSettings { Fanout = 2, VectorsPerMessage = 3, WindowSize = 16, SeedEvery = 0 }, _clock, _transport, new Random(1), seeds);

    [Test]
    public void A_newcomer_gossips_to_its_seeds_and_never_to_itself()
    {
        var gossiper = Make("me", "me:7471", "seed:7471");
        gossiper.Round(GossipWindowTests.Vector("me"));
        Assert.That(_transport.Sent.Select(s => s.Endpoint), Is.EqualTo(new[] { "seed:7471" }));
        var message = _transport.Sent[0].Message;
        Assert.That(message.Sender, Is.EqualTo("me"));
        Assert.That(message.Vectors[0].Age, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Each_round_sends_to_fanout_distinct_known_nodes_with_the_freshest_vectors()
    {
        var gossiper = Make("me", "seed:7471");
        var incoming = Enumerable.Range(0, 6).Select(i => new AgedVector(GossipWindowTests.Vector($"n{i}"), TimeSpan.FromSeconds(i))).ToList();
        _clock.Now = TimeSpan.FromSeconds(100);
        Assert.That(gossiper.Receive(new GossipMessage(incoming)), Is.EqualTo(6));

        gossiper.Round(GossipWindowTests.Vector("me"));
        Assert.That(_transport.Sent, Has.Count.EqualTo(2));
        Assert.That(_transport.Sent.Select(s => s.Endpoint).Distinct().Count(), Is.EqualTo(2));
        Assert.That(_transport.Sent.Select(s => s.Endpoint), Has.None.EqualTo("seed:7471"), "seeds only while the window is short");
        var vectors = _transport.Sent[0].Message.Vectors;
        Assert.That(vectors.Select(v => v.Vector.Node), Is.EqualTo(new[] { "me", "n0", "n1", "n2" }));
        Assert.That(vectors[2].Age, Is.EqualTo(TimeSpan.FromSeconds(1)), "ages travel, not timestamps");
    }

    [Test]
    public void Receive_ignores_the_nodes_own_vector_and_ages_what_it_takes()
    {
        var gossiper = Make("me");
        _clock.Now = TimeSpan.FromSeconds(50);
        gossiper.Receive(new GossipMessage([new(GossipWindowTests.Vector("other"), TimeSpan.FromSeconds(2)), new(GossipWindowTests.Vector("me"), TimeSpan.Zero)]));
        Assert.That(gossiper.Window.Find("me"), Is.Null);
        Assert.That(gossiper.Window.Find("other")!.MeasuredAt, Is.EqualTo(TimeSpan.FromSeconds(48)));
    }

    [Test]
    public void A_silent_node_is_reported_when_it_times_out()
    {
        var gossiper = Make("me");
        gossiper.Receive(new GossipMessage([new(GossipWindowTests.Vector("quiet"), TimeSpan.Zero)]));
        _clock.Now = TimeSpan.FromSeconds(11);
        Assert.That(gossiper.Round(GossipWindowTests.Vector("me")), Is.EqualTo(new[] { "quiet" }));
        Assert.That(gossiper.Window.Count, Is.EqualTo(0));
    }
}

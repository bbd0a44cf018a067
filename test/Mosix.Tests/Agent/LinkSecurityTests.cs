using System.Security.Authentication;
using Mosix.Shim.Security;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>Only members talk to an agent, and nothing a peer sends can take the agent down.</summary>
[TestFixture]
[NonParallelizable]
public sealed class LinkSecurityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public void A_peer_from_another_cluster_is_refused_and_logged()
    {
        using var cluster = new AgentCluster();
        cluster.Start(1);
        var node1 = cluster["node1"];
        string foreign = cluster.StateFor("intruder");
        AgentCluster.Mosctl(foreign, "init", "--node", "intruder", "--cluster", "other");
        var intruder = cluster.StartAgent("intruder", foreign, ["--seed", node1.Endpoint]);

        AgentProcess.WaitFor(() => node1.Log().Contains("not a member of this cluster"), Patience, () => $"node1 logged no refusal:\n{node1.Log()}");
        Assert.That(node1.Log(), Does.Contain("refused a connection from 127.0.0.1"));
        Thread.Sleep(TimeSpan.FromSeconds(2));
        Assert.That(Probe.View(node1).Keys, Is.EquivalentTo(new[] { "node1" }), "node1 learnt nothing from the intruder");
        Assert.That(Probe.View(intruder).Keys, Is.EquivalentTo(new[] { "intruder" }), "the intruder learnt nothing from node1");
    }

    [Test]
    public void A_client_without_a_certificate_gets_nothing()
    {
        using var cluster = new AgentCluster();
        cluster.Start(1);
        var node1 = cluster["node1"];
        int received = 0;
        bool closed;
        try
        {
            using var peer = RawPeer.Tls(node1.Port, credentials: null);
            peer.Send(Frame.Of(MessageKind.Hello, new Hello { ProtocolVersion = 1, Node = "anonymous" }).Encode());
            closed = peer.ClosedByAgent(Patience, out received);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            closed = true; // refused inside the handshake
        }
        Assert.That(closed, "the agent closed the connection");
        Assert.That(received, Is.EqualTo(0), "not one byte of application data");
        AgentProcess.WaitFor(() => node1.Log().Contains("refused a connection"), Patience, () => $"no refusal logged:\n{node1.Log()}");
    }

    [Test]
    public void Random_bytes_malformed_and_truncated_frames_close_only_that_connection()
    {
        using var cluster = new AgentCluster();
        cluster.Start(1);
        var node1 = cluster["node1"];
        var random = new Random(4);

        foreach (int size in new[] { 1, 5, 300, 17_000, 65_536 })
        {
            TestContext.Progress.WriteLine($"random {size}");
            using var peer = RawPeer.Tcp(node1.Port);
            peer.Send(Bytes(random, size));
            Assert.That(peer.ClosedByAgent(Patience, out _), $"{size} random bytes: connection closed");
        }
        using (var truncatedHello = RawPeer.Tcp(node1.Port))
            truncatedHello.Send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00]); // a TLS ClientHello cut after its first bytes

        var member = Member(cluster, "probe");
        var hello = Frame.Of(MessageKind.Hello, new Hello { ProtocolVersion = ProtocolVersion.Current, Node = "probe", Endpoint = "" }).Encode();
        var cases = new (string What, Func<RawPeer, byte[]> Bytes)[]
        {
            ("an oversized frame", _ => Header(MessageKind.Hello, 100 << 20)),
            ("a truncated header", _ => [0, 0]),
            ("a truncated frame", _ => [.. Header(MessageKind.Hello, 100), .. Bytes(random, 10)]),
            ("a malformed hello", _ => [.. Header(MessageKind.Hello, 64), .. Bytes(random, 64)]),
            ("a frame of an unknown kind", _ => [.. hello, .. Header((MessageKind)999, 3), 1, 2, 3]),
            ("malformed gossip", _ => [.. hello, .. Header(MessageKind.Gossip, 50), .. Bytes(random, 50)]),
            ("gossip that is not the sender's", _ => [.. hello, .. Frame.Of(MessageKind.Gossip, ForeignGossip()).Encode()]),
        };
        foreach (var (what, bytes) in cases)
        {
            TestContext.Progress.WriteLine(what);
            using var peer = RawPeer.Tls(node1.Port, member);
            peer.Send(bytes(peer));
            Assert.That(peer.ClosedByAgent(Patience, out _), $"{what}: the agent closed the connection");
            Assert.That(Probe.Status(node1), Is.Not.Null, $"after {what}, the agent still answers");
        }

        Assert.That(node1.IsRunning, "the agent still runs");
        Assert.That(node1.Log(), Does.Contain("closed the link from probe"));
        var node2 = cluster.StartMember("node2");
        AgentProcess.WaitFor(() => Probe.View(node2).ContainsKey("node1") && Probe.View(node1).ContainsKey("node2"), Patience,
            () => $"a real member no longer gets through; node1's log:\n{node1.Log()}");
    }

    /// <summary>Credentials for a hand-driven member, issued by node1's CA through mosctl.</summary>
    private static NodeCredentials Member(AgentCluster cluster, string name)
    {
        string bundle = Path.Combine(cluster.Root, $"{name}.pem");
        AgentCluster.Mosctl(cluster.StateFor("node1"), "add-node", name, "--out", bundle);
        return CredentialBundle.Read(File.ReadAllText(bundle));
    }

    private static Gossip ForeignGossip()
    {
        var gossip = new Gossip();
        gossip.Vectors.Add(new LoadVector { Node = "someone-else", Endpoint = "127.0.0.1:1", Speed = 1, Cores = 1 });
        return gossip;
    }

    private static byte[] Header(MessageKind kind, int length)
    {
        var header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, kind, length);
        return header;
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

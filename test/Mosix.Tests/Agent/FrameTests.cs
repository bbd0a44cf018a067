using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

[TestFixture]
public sealed class FrameTests
{
    private static FrameStream Over(byte[] bytes, int maxPayload = Frame.DefaultMaxPayload) => new(new MemoryStream(bytes), maxPayload);

    [Test]
    public async Task A_frame_round_trips_with_a_big_endian_header()
    {
        var hello = new Hello { ProtocolVersion = 1, Node = "node1", Endpoint = "127.0.0.1:7471" };
        byte[] bytes = Frame.Of(MessageKind.Hello, hello).Encode();
        Assert.That(bytes[..6], Is.EqualTo(new byte[] { 0, 0, 0, (byte)(bytes.Length - 6), 0, 1 }));

        await using var frames = Over(bytes);
        var frame = await frames.ReadAsync(CancellationToken.None);
        Assert.That(frame!.Value.Kind, Is.EqualTo(MessageKind.Hello));
        Assert.That(frame.Value.Read(Hello.Parser), Is.EqualTo(hello));
        Assert.That(await frames.ReadAsync(CancellationToken.None), Is.Null, "a clean end between frames");
    }

    [Test]
    public async Task A_length_over_the_limit_is_refused_before_reading_it()
    {
        var header = new byte[Frame.HeaderSize];
        Frame.WriteHeader(header, MessageKind.Gossip, 1025);
        var e = await Assert.ThrowsAsync<FrameException>(async () => await Over(header, maxPayload: 1024).ReadAsync(CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("over the limit"));
    }

    [Test]
    public async Task A_frame_of_exactly_the_limit_is_fine()
    {
        var bytes = new Frame(MessageKind.Gossip, new byte[1024]).Encode();
        var frame = await Over(bytes, maxPayload: 1024).ReadAsync(CancellationToken.None);
        Assert.That(frame!.Value.Payload.Length, Is.EqualTo(1024));
    }

    [TestCase(3, TestName = "Truncated_inside_the_header")]
    [TestCase(10, TestName = "Truncated_inside_the_payload")]
    public async Task A_stream_cut_inside_a_frame_is_an_error(int keep)
    {
        var bytes = Frame.Of(MessageKind.Welcome, new Welcome { Node = "node2" }).Encode();
        await Assert.ThrowsAsync<FrameException>(async () => await Over(bytes[..keep]).ReadAsync(CancellationToken.None));
    }

    [Test]
    public void A_payload_that_is_not_its_message_is_an_error()
    {
        var frame = new Frame(MessageKind.Hello, new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff });
        Assert.Throws<FrameException>(() => frame.Read(Hello.Parser));
    }

    [Test]
    public async Task Expect_reports_a_refusal_and_an_unexpected_kind()
    {
        var refusal = Frame.Of(MessageKind.Refusal, new Refusal { Reason = "no" }).Encode();
        var e = await Assert.ThrowsAsync<RefusedException>(async () => await Over(refusal).ExpectAsync(MessageKind.Welcome, CancellationToken.None));
        Assert.That(e!.Reason, Is.EqualTo("no"));

        var unknown = new Frame((MessageKind)4242, Array.Empty<byte>()).Encode();
        await using var frames = Over(unknown);
        var f = await Assert.ThrowsAsync<FrameException>(async () => await frames.ExpectAsync(MessageKind.Welcome, CancellationToken.None));
        Assert.That(f!.Message, Does.Contain("unknown kind 4242"));
    }

    [Test]
    public void Message_kinds_keep_their_wire_numbers()
    {
        // The numbers are the protocol (docs/protocol.md): a change here breaks every other agent.
        Assert.That((ushort)MessageKind.Hello, Is.EqualTo(1));
        Assert.That((ushort)MessageKind.Welcome, Is.EqualTo(2));
        Assert.That((ushort)MessageKind.Refusal, Is.EqualTo(3));
        Assert.That((ushort)MessageKind.Gossip, Is.EqualTo(4));
        Assert.That((ushort)MessageKind.Goodbye, Is.EqualTo(5));
        Assert.That((ushort)MessageKind.StatusRequest, Is.EqualTo(100));
        Assert.That((ushort)MessageKind.OwnerReply, Is.EqualTo(107));
        Assert.That((ushort)MessageKind.ControlError, Is.EqualTo(199));
        Assert.That(Enum.GetValues<MessageKind>().Select(k => (ushort)k).Distinct().Count(), Is.EqualTo(Enum.GetValues<MessageKind>().Length));
    }
}

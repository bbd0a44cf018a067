using System.Security.Cryptography;
using Mosix.Shim.Security;
using NUnit.Framework;

namespace Mosix.Tests.Migration;

/// <summary>The channel between home and guest: what one end writes, only the other end with the key reads, unaltered.</summary>
[TestFixture]
public sealed class SealedStreamTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(SealedStream.KeySize);

    /// <summary>What the dialer sends, as raw bytes on the wire.</summary>
    private static byte[] Sealed(byte[] key, params byte[][] writes)
    {
        var wire = new MemoryStream();
        using var dialer = new SealedStream(new KeepOpen(wire), key, dialer: true);
        foreach (var w in writes)
        {
            dialer.Write(w);
            dialer.Flush();
        }
        return wire.ToArray();
    }

    private static byte[] ReadAll(SealedStream stream, int bufferSize)
    {
        var all = new MemoryStream();
        var buffer = new byte[bufferSize];
        int n;
        while ((n = stream.Read(buffer)) > 0)
            all.Write(buffer, 0, n);
        return all.ToArray();
    }

    [TestCase(7)]
    [TestCase(4096)]
    [TestCase(3 << 20)]
    public void What_is_written_is_read_back_whole_by_the_other_end(int readBuffer)
    {
        byte[] small = "hello"u8.ToArray(), big = RandomNumberGenerator.GetBytes((5 << 20) / 2 + 3);
        var wire = Sealed(Key, small, big);
        Assert.That(wire.AsSpan().IndexOf(big.AsSpan(0, 64)), Is.EqualTo(-1), "the payload is not on the wire in the clear");

        using var acceptor = new SealedStream(new MemoryStream(wire), Key, dialer: false);
        Assert.That(ReadAll(acceptor, readBuffer), Is.EqualTo(small.Concat(big).ToArray()));
    }

    [Test]
    public void A_flipped_bit_is_an_integrity_failure_not_data()
    {
        var wire = Sealed(Key, "transfer 100 to alice"u8.ToArray());
        wire[10] ^= 1;
        using var acceptor = new SealedStream(new MemoryStream(wire), Key, dialer: false);
        var e = Assert.Throws<IOException>(() => ReadAll(acceptor, 64));
        Assert.That(e!.Message, Does.Contain("integrity check"));
    }

    [Test]
    public void Without_the_key_nothing_is_read()
    {
        var wire = Sealed(RandomNumberGenerator.GetBytes(SealedStream.KeySize), "secret"u8.ToArray());
        using var acceptor = new SealedStream(new MemoryStream(wire), Key, dialer: false);
        Assert.Throws<IOException>(() => ReadAll(acceptor, 64));
    }

    [Test]
    public void Records_replayed_or_reflected_are_refused()
    {
        byte[] one = Sealed(Key, "first"u8.ToArray());
        var replayed = one.Concat(one).ToArray();
        using (var acceptor = new SealedStream(new MemoryStream(replayed), Key, dialer: false))
        {
            var first = new byte[5];
            acceptor.ReadExactly(first);
            Assert.That(first, Is.EqualTo("first"u8.ToArray()), "the first copy is the real one");
            Assert.Throws<IOException>(() => acceptor.ReadExactly(new byte[1]), "the second is a replay: its record number is stale");
        }
        // The dialer's own words sent back to it: the direction is part of the nonce.
        using var dialer = new SealedStream(new MemoryStream(one), Key, dialer: true);
        Assert.Throws<IOException>(() => ReadAll(dialer, 64));
    }

    [Test]
    public void A_connection_cut_inside_a_record_is_an_error_and_a_clean_end_is_not()
    {
        var wire = Sealed(Key, new byte[1000]);
        using (var cut = new SealedStream(new MemoryStream(wire[..^5]), Key, dialer: false))
            Assert.Throws<IOException>(() => ReadAll(cut, 64));
        using var whole = new SealedStream(new MemoryStream(wire), Key, dialer: false);
        Assert.That(ReadAll(whole, 64), Has.Length.EqualTo(1000));
    }

    [Test]
    public void A_key_of_the_wrong_size_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new SealedStream(new MemoryStream(), new byte[16], dialer: true));
    }

    /// <summary>Lets the test read the wire after the sealed stream is disposed.</summary>
    private sealed class KeepOpen(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

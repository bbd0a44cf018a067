using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mosix.Shim.Security;

/// <summary>
/// A byte stream sealed with AES-256-GCM: what is written goes out as authenticated, encrypted
/// records; what is read was checked to come, unaltered and in order, from the one peer holding
/// the key. A migration's channel between home and guest runs on it (docs/protocol.md, "Channel").
/// </summary>
/// <remarks>
/// <para>Why not TLS: the two ends are mosrun and the guest host, neither of which holds the node's
/// certificate key. Their agents authenticate each other with TLS and agree this channel's key over
/// that link; the key never leaves the three processes that need it (home agent, mosrun, guest
/// host's agent and guest host). A single key per migration with a per-direction counter nonce is
/// the shape SSH and TLS 1.3 use for their record layers.</para>
/// <code>
///   record:  | length u32 LE | ciphertext: length bytes | tag: 16 bytes |
///   nonce:   | direction u32 LE (0 dialer-to-acceptor, 1 back) | record number u64 LE |
/// </code>
/// <para>Writes are gathered until <see cref="Flush"/> (a frame is then one record, one segment);
/// a write of a whole record or more is sealed straight from the caller's buffer. Reads decrypt
/// straight into the caller's buffer when it can take the whole record. Not thread-safe: one reader
/// and one writer (FrameStream serialises its writers).</para>
/// </remarks>
public sealed class SealedStream : Stream
{
    public const int KeySize = 32;

    /// <summary>Largest plaintext per record: big enough that the per-record cost vanishes.</summary>
    public const int MaxRecord = 1 << 20;

    private const int LengthSize = 4, TagSize = 16, NonceSize = 12;

    private readonly Stream _inner;
    private readonly AesGcm _seal, _open;
    private readonly uint _sendDirection, _receiveDirection;
    private ulong _sent, _received;

    private readonly byte[] _pending = GC.AllocateUninitializedArray<byte>(MaxRecord);
    private int _pendingLength;
    private readonly byte[] _outgoing = GC.AllocateUninitializedArray<byte>(LengthSize + MaxRecord + TagSize);

    private readonly byte[] _incoming = GC.AllocateUninitializedArray<byte>(MaxRecord + TagSize);
    private readonly byte[] _plain = GC.AllocateUninitializedArray<byte>(MaxRecord);
    private int _plainStart, _plainEnd;

    /// <param name="inner">The connection (a TCP socket's stream); owned, disposed with this.</param>
    /// <param name="key">32 bytes agreed over an authenticated link.</param>
    /// <param name="dialer">True for the side that connected: the two sides must differ, so no nonce is used twice.</param>
    public SealedStream(Stream inner, ReadOnlySpan<byte> key, bool dialer)
    {
        if (key.Length != KeySize)
            throw new ArgumentException($"a channel key is {KeySize} bytes, not {key.Length}", nameof(key));
        _inner = inner;
        _seal = new AesGcm(key, TagSize);
        _open = new AesGcm(key, TagSize);
        (_sendDirection, _receiveDirection) = dialer ? (0u, 1u) : (1u, 0u);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_pendingLength == 0 && buffer.Length >= MaxRecord)
            {
                SendRecord(buffer[..MaxRecord]);
                buffer = buffer[MaxRecord..];
                continue;
            }
            int n = Math.Min(buffer.Length, MaxRecord - _pendingLength);
            buffer[..n].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += n;
            buffer = buffer[n..];
            if (_pendingLength == MaxRecord)
                FlushPending();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
        FlushPending();
        _inner.Flush();
    }

    private void FlushPending()
    {
        if (_pendingLength == 0)
            return;
        SendRecord(_pending.AsSpan(0, _pendingLength));
        _pendingLength = 0;
    }

    private void SendRecord(ReadOnlySpan<byte> plain)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Nonce(nonce, _sendDirection, _sent++);
        var record = _outgoing.AsSpan(0, LengthSize + plain.Length + TagSize);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)plain.Length);
        _seal.Encrypt(nonce, plain, record.Slice(LengthSize, plain.Length), record[(LengthSize + plain.Length)..]);
        _inner.Write(record);
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
            return 0;
        if (_plainStart == _plainEnd)
        {
            // Decrypt straight into the caller's buffer when the whole record fits in it.
            int length = ReadRecordHeader();
            if (length < 0)
                return 0;
            if (length <= buffer.Length)
            {
                OpenRecord(length, buffer[..length]);
                return length;
            }
            OpenRecord(length, _plain.AsSpan(0, length));
            (_plainStart, _plainEnd) = (0, length);
        }
        int n = Math.Min(buffer.Length, _plainEnd - _plainStart);
        _plain.AsSpan(_plainStart, n).CopyTo(buffer);
        _plainStart += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>The next record's length; -1 when the peer closed cleanly between records.</summary>
    private int ReadRecordHeader()
    {
        Span<byte> header = stackalloc byte[LengthSize];
        int got = _inner.ReadAtLeast(header, LengthSize, throwOnEndOfStream: false);
        if (got == 0)
            return -1;
        if (got < LengthSize)
            throw new IOException("the channel ended inside a record header");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > MaxRecord)
            throw new IOException($"the channel sent a record of {length} bytes, over the limit of {MaxRecord}: it is not our peer");
        return (int)length;
    }

    private void OpenRecord(int length, Span<byte> into)
    {
        var sealedBytes = _incoming.AsSpan(0, length + TagSize);
        if (_inner.ReadAtLeast(sealedBytes, sealedBytes.Length, throwOnEndOfStream: false) < sealedBytes.Length)
            throw new IOException("the channel ended inside a record");
        Span<byte> nonce = stackalloc byte[NonceSize];
        Nonce(nonce, _receiveDirection, _received++);
        try
        {
            _open.Decrypt(nonce, sealedBytes[..length], sealedBytes[length..], into);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new IOException("a record on the channel failed its integrity check: it was altered, replayed, or sent without the key");
        }
    }

    private static void Nonce(Span<byte> nonce, uint direction, ulong number)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, direction);
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], number);
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Only the connection: closing it wakes a reader blocked on another thread, which must then
        // fail with an IOException, not meet a cipher freed under it (the ciphers go with the GC).
        if (disposing)
            _inner.Dispose();
        base.Dispose(disposing);
    }
}

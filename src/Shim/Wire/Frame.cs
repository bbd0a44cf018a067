using System.Buffers.Binary;
using Google.Protobuf;

namespace Mosix.Shim.Wire;

/// <summary>One frame: a kind and its payload (a protobuf message, or nothing).</summary>
/// <remarks>
/// Layout (docs/protocol.md, "Frames"), big-endian:
/// <code>
///   0        4      6
///   +--------+------+--------------------------+
///   | length | kind | payload: length bytes    |
///   +--------+------+--------------------------+
///   length: u32, payload bytes only (not the header)
///   kind:   u16, a MessageKind
/// </code>
/// </remarks>
public readonly record struct Frame(MessageKind Kind, ReadOnlyMemory<byte> Payload)
{
    public const int HeaderSize = 6;

    /// <summary>The largest payload an agent accepts unless the handshake agrees on another.</summary>
    public const int DefaultMaxPayload = 1 << 20;

    public static Frame Of(MessageKind kind, IMessage message) => new(kind, message.ToByteArray());

    /// <summary>Parses the payload as <typeparamref name="T"/>.</summary>
    /// <exception cref="FrameException">The payload is not a valid <typeparamref name="T"/>.</exception>
    public T Read<T>(MessageParser<T> parser) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(Payload.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FrameException($"malformed {Kind} payload: {e.Message}");
        }
    }

    /// <summary>Writes the header and the payload into one buffer, ready for a single write.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[HeaderSize + Payload.Length];
        WriteHeader(bytes, Kind, Payload.Length);
        Payload.Span.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    public static void WriteHeader(Span<byte> header, MessageKind kind, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)length);
        BinaryPrimitives.WriteUInt16BigEndian(header[4..], (ushort)kind);
    }

    /// <summary>Reads a header: the payload length (unchecked) and the kind (maybe unknown to this build).</summary>
    public static (uint Length, MessageKind Kind) ReadHeader(ReadOnlySpan<byte> header) =>
        (BinaryPrimitives.ReadUInt32BigEndian(header), (MessageKind)BinaryPrimitives.ReadUInt16BigEndian(header[4..]));
}

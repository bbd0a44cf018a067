namespace Mosix.Shim.Wire;

/// <summary>Reads and writes <see cref="Frame"/>s on a stream (TLS for links, a Unix socket for control).</summary>
/// <remarks>
/// One reader and one writer at a time: reads are not thread-safe, and writes are serialised by a
/// lock so two senders never interleave their frames.
/// </remarks>
public sealed class FrameStream(Stream stream, int maxPayload = Frame.DefaultMaxPayload) : IAsyncDisposable, IDisposable
{
    private readonly byte[] _header = new byte[Frame.HeaderSize];
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>The largest payload accepted from the peer; a larger length closes the connection.</summary>
    public int MaxPayload { get; set; } = maxPayload;

    public Stream Stream => stream;

    /// <summary>The next frame, or null when the peer closed the stream cleanly between frames.</summary>
    /// <exception cref="FrameException">Oversized length, or the stream ended inside a frame.</exception>
    public async Task<Frame?> ReadAsync(CancellationToken cancel)
    {
        int got = await stream.ReadAtLeastAsync(_header, Frame.HeaderSize, throwOnEndOfStream: false, cancel);
        if (got == 0)
            return null;
        if (got < Frame.HeaderSize)
            throw new FrameException($"stream ended inside a frame header ({got} of {Frame.HeaderSize} bytes)");
        var (length, kind) = Frame.ReadHeader(_header);
        if (length > (uint)MaxPayload)
            throw new FrameException($"frame of {length} bytes is over the limit of {MaxPayload}");
        var payload = new byte[length];
        got = await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancel);
        if (got < payload.Length)
            throw new FrameException($"stream ended inside a {kind} frame ({got} of {length} bytes)");
        return new Frame(kind, payload);
    }

    /// <summary>The next frame, which must exist and be of <paramref name="expected"/> kind (or a Refusal, reported as such).</summary>
    public async Task<Frame> ExpectAsync(MessageKind expected, CancellationToken cancel)
    {
        var frame = await ReadAsync(cancel) ?? throw new FrameException($"connection closed while waiting for {expected}");
        if (frame.Kind == MessageKind.Refusal && expected != MessageKind.Refusal)
            throw new RefusedException(frame.Read(Messages.Refusal.Parser).Reason);
        if (frame.Kind != expected)
            throw new FrameException($"expected {expected}, got {Describe(frame.Kind)}");
        return frame;
    }

    public async Task WriteAsync(Frame frame, CancellationToken cancel)
    {
        byte[] bytes = frame.Encode();
        await _writeLock.WaitAsync(cancel);
        try
        {
            await stream.WriteAsync(bytes, cancel);
            await stream.FlushAsync(cancel);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task WriteAsync(MessageKind kind, Google.Protobuf.IMessage message, CancellationToken cancel) =>
        WriteAsync(Frame.Of(kind, message), cancel);

    /// <summary>
    /// The next frame, blocking: for the dedicated threads of migration, which must not await (a
    /// tracer thread). Null when the peer closed the stream cleanly between frames.
    /// </summary>
    /// <exception cref="FrameException">Oversized length, or the stream ended inside a frame.</exception>
    public Frame? Read()
    {
        int got = stream.ReadAtLeast(_header, Frame.HeaderSize, throwOnEndOfStream: false);
        if (got == 0)
            return null;
        if (got < Frame.HeaderSize)
            throw new FrameException($"stream ended inside a frame header ({got} of {Frame.HeaderSize} bytes)");
        var (length, kind) = Frame.ReadHeader(_header);
        if (length > (uint)MaxPayload)
            throw new FrameException($"frame of {length} bytes is over the limit of {MaxPayload}");
        var payload = GC.AllocateUninitializedArray<byte>((int)length);
        got = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
        if (got < payload.Length)
            throw new FrameException($"stream ended inside a {kind} frame ({got} of {length} bytes)");
        return new Frame(kind, payload);
    }

    /// <summary>Writes a frame, blocking; serialised with every other writer.</summary>
    public void Write(MessageKind kind, Google.Protobuf.IMessage message) => WriteRaw(kind, Google.Protobuf.MessageExtensions.ToByteArray(message));

    /// <summary>Writes a frame whose payload is raw bytes, blocking; serialised with every other writer.</summary>
    public void WriteRaw(MessageKind kind, ReadOnlySpan<byte> payload) => WriteRaw(kind, [], payload);

    /// <summary>
    /// Writes a frame whose payload is <paramref name="prefix"/> then <paramref name="payload"/> (an
    /// address and the pages that belong there, say), serialised with every other writer.
    /// </summary>
    public void WriteRaw(MessageKind kind, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> payload)
    {
        // Small frames (calls, results) go out in one write: one segment, one wake-up of the reader.
        // Big ones (pages) are not copied into a frame buffer: header, prefix and payload go out as they are.
        const int OneWrite = 64 * 1024;
        int length = prefix.Length + payload.Length;
        byte[]? joined = length <= OneWrite ? System.Buffers.ArrayPool<byte>.Shared.Rent(Frame.HeaderSize + length) : null;
        Span<byte> header = joined ?? stackalloc byte[Frame.HeaderSize];
        Frame.WriteHeader(header, kind, length);
        _writeLock.Wait();
        try
        {
            if (joined is not null)
            {
                prefix.CopyTo(joined.AsSpan(Frame.HeaderSize));
                payload.CopyTo(joined.AsSpan(Frame.HeaderSize + prefix.Length));
                stream.Write(joined, 0, Frame.HeaderSize + length);
            }
            else
            {
                stream.Write(header);
                stream.Write(prefix);
                stream.Write(payload);
            }
            stream.Flush();
        }
        finally
        {
            _writeLock.Release();
            if (joined is not null)
                System.Buffers.ArrayPool<byte>.Shared.Return(joined);
        }
    }

    /// <summary>A kind for messages: its name, or its number when this build does not know it.</summary>
    public static string Describe(MessageKind kind) =>
        Enum.IsDefined(kind) ? kind.ToString() : $"unknown kind {(ushort)kind}";

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        _writeLock.Dispose();
    }

    /// <summary>For the blocking users (migration threads).</summary>
    public void Dispose()
    {
        stream.Dispose();
        _writeLock.Dispose();
    }
}

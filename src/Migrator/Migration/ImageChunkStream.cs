using Mosix.Shim.Wire;

namespace Mosix.Migrator.Migration;

/// <summary>
/// A write-only stream that sends what is written as <see cref="MessageKind.ImageChunk"/> frames:
/// the sink of <see cref="Images.ImageWriter.ToStream"/> when an image goes over the wire.
/// </summary>
/// <remarks>The image writer already gathers small writes into 1 MiB; each write here is one frame.</remarks>
internal sealed class ImageChunkStream(FrameStream frames) : Stream
{
    /// <summary>Largest chunk per frame: well under the channel's frame limit.</summary>
    public const int ChunkSize = 1 << 20;

    public long Sent { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var chunk = buffer[..Math.Min(buffer.Length, ChunkSize)];
            frames.WriteRaw(MessageKind.ImageChunk, chunk);
            Sent += chunk.Length;
            buffer = buffer[chunk.Length..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Sent; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

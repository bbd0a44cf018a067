namespace Mosix.Shim.Wire;

/// <summary>
/// Two one-way streams (a child's stdout and stdin, a process's two pipe ends) as one stream for
/// frames or a relay: reads come from <paramref name="input"/>, writes go to <paramref name="output"/>.
/// </summary>
public sealed class DuplexStream(Stream input, Stream output) : Stream
{
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => input.Read(buffer);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancel = default) => input.ReadAsync(buffer, cancel);
    public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => output.Write(buffer);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancel = default) => output.WriteAsync(buffer, cancel);
    public override void Flush() => output.Flush();
    public override Task FlushAsync(CancellationToken cancel) => output.FlushAsync(cancel);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Closes the writing side first, so the far end learns at once that we are gone.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            output.Dispose();
            input.Dispose();
        }
        base.Dispose(disposing);
    }
}

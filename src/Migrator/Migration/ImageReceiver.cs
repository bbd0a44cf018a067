using Microsoft.Win32.SafeHandles;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Interop;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Migrator.Migration;

/// <summary>
/// Receives an image sent as ImageChunk frames into a memory file (no disk on the way) and opens
/// it as an <see cref="ImageReader"/>, which checks it as it would a file (magic, trailer,
/// metadata) but for the CRC-32C: the sealed channel authenticated every byte already.
/// </summary>
public sealed class ImageReceiver : IDisposable
{
    private readonly SafeFileHandle _file;

    private ImageReceiver(SafeFileHandle file, ImageReader reader, long bytes)
    {
        _file = file;
        Reader = reader;
        Bytes = bytes;
    }

    public ImageReader Reader { get; }

    /// <summary>Bytes received.</summary>
    public long Bytes { get; }

    /// <summary>Reads chunks until ImageEnd.</summary>
    /// <exception cref="MigrationException">The stream ended early, or what came is not a whole image.</exception>
    public static ImageReceiver Receive(FrameStream frames, string from)
    {
        var file = AnonymousFile.Create("mosix-image");
        try
        {
            long offset = 0;
            while (true)
            {
                var frame = frames.Read() ?? throw new MigrationException($"{from} closed the connection in the middle of the image ({offset} bytes in)");
                if (frame.Kind == MessageKind.ImageChunk)
                {
                    RandomAccess.Write(file, frame.Payload.Span, offset);
                    offset += frame.Payload.Length;
                    continue;
                }
                if (frame.Kind == MessageKind.StayingAway)
                    throw new MigrationException(frame.Read(StayingAway.Parser).Message);
                if (frame.Kind == MessageKind.Restored && !frame.Read(Restored.Parser).Ok)
                    throw new MigrationException(frame.Read(Restored.Parser).Message);
                if (frame.Kind != MessageKind.ImageEnd)
                    throw new MigrationException($"{from} sent {FrameStream.Describe(frame.Kind)} in the middle of the image");
                ulong announced = frame.Read(ImageEnd.Parser).Bytes;
                if (announced != (ulong)offset)
                    throw new MigrationException($"the image from {from} is {offset} bytes, but {announced} were announced");
                // The framing and the metadata are checked as for a file; the CRC-32C is not: every
                // record of the channel carried an AES-GCM tag, a stronger check already made.
                var reader = ImageReader.Open(AnonymousFile.PathOf(file), verifyChecksum: false);
                return new ImageReceiver(file, reader, offset);
            }
        }
        catch (Exception e) when (e is ImageException or FrameException or IOException)
        {
            file.Dispose();
            throw new MigrationException($"the image from {from} is unusable: {e.Message}", e);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Reader.Dispose();
        _file.Dispose();
    }
}

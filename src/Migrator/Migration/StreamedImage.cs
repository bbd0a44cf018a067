using System.Buffers.Binary;
using Google.Protobuf;
using Mosix.Migrator.Images;
using Mosix.Migrator.Restore;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Tracing;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Migrator.Migration;

/// <summary>
/// A process's image on a migration's channel: sent as it is taken and restored as it arrives,
/// with no file and no staging copy on either side, so the receiving node touches each page once
/// and the transfer overlaps the restore (docs/protocol.md, "Migration").
/// </summary>
/// <remarks>
/// <code>
///   ImageLayout   the image as far as it is known before any page (raw ProcessImage: every mapping, no runs)
///   PagesAt *     | address u64 LE | pages: whole 4 KiB pages that belong there |  (at most 1 MiB each)
///   ImageEnd      { bytes: the page bytes sent }
/// </code>
/// Zero pages are never sent (the checkpoint drops them), so the receiver's fresh mappings already
/// hold them. The channel authenticates every byte (SealedStream), so no checksum is added.
/// </remarks>
internal sealed class StreamedImage(FrameStream frames, string description) : IImageSink
{
    private const int AddressSize = 8, PageSize = 4096, MaxChunk = 1 << 20;

    public string FinalPath => description;

    public long PageBytes { get; private set; }

    public void Begin(ProcessImage layout) => Send(() => frames.WriteRaw(MessageKind.ImageLayout, layout.ToByteArray()));

    public void WritePages(ReadOnlySpan<byte> pages, ReadOnlySpan<PageRunAt> runs)
    {
        Span<byte> address = stackalloc byte[AddressSize];
        int offset = 0;
        foreach (var run in runs)
        {
            for (int done = 0, length = run.Pages * PageSize; done < length;)
            {
                int chunk = Math.Min(MaxChunk, length - done);
                BinaryPrimitives.WriteUInt64LittleEndian(address, run.Address + (ulong)done);
                try
                {
                    frames.WriteRaw(MessageKind.PagesAt, address, pages.Slice(offset + done, chunk));
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
                {
                    throw new ImageException(description, $"cannot send the image on {description}: {e.Message}", e);
                }
                done += chunk;
            }
            offset += run.Pages * PageSize;
        }
        PageBytes += offset;
    }

    public void Commit(ProcessImage metadata) => Send(() => frames.Write(MessageKind.ImageEnd, new ImageEnd { Bytes = (ulong)PageBytes }));

    public void Dispose()
    {
    }

    private void Send(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            throw new ImageException(description, $"cannot send the image on {description}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Receives an image from <paramref name="frames"/> straight into <paramref name="tracee"/> (stopped,
    /// on the tracer thread). <paramref name="onLayout"/> sees the layout before the restore starts.
    /// On failure what is left of the image is read and dropped, so the sender is not left blocked
    /// and the channel can carry the answer.
    /// </summary>
    /// <exception cref="MigrationException">The sender gave up, or sent no image.</exception>
    /// <exception cref="RestoreException">The image could not be restored; the tracee is beyond use.</exception>
    /// <param name="supervisor">The tracee's supervisor, which takes in the threads the restore makes.</param>
    /// <param name="ids">Filled with each thread made and the tid it had in the image.</param>
    public static ProcessImage ReceiveInto(Tracee tracee, FrameStream frames, string from, RestoreOptions options, Action<ProcessImage>? onLayout = null,
        Supervisor? supervisor = null, ThreadIds? ids = null)
    {
        var layout = ReadLayout(frames, from);
        bool ended = false;
        try
        {
            onLayout?.Invoke(layout);
            Restorer.Restore(tracee, layout, pages => ended = ReadPages(frames, from, pages), options, supervisor, ids);
        }
        catch
        {
            if (!ended)
                DrainToEnd(frames);
            throw;
        }
        return layout;
    }

    private static ProcessImage ReadLayout(FrameStream frames, string from)
    {
        var frame = frames.Read() ?? throw new MigrationException($"{from} closed the connection before the image");
        switch (frame.Kind)
        {
            case MessageKind.ImageLayout:
                try
                {
                    return ProcessImage.Parser.ParseFrom(frame.Payload.Span);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new MigrationException($"the image from {from} is unusable: {e.Message}", e);
                }
            case MessageKind.StayingAway:
                throw new MigrationException(frame.Read(StayingAway.Parser).Message);
            case MessageKind.Restored when !frame.Read(Restored.Parser).Ok:
                throw new MigrationException(frame.Read(Restored.Parser).Message);
            default:
                throw new MigrationException($"{from} sent {FrameStream.Describe(frame.Kind)} instead of an image");
        }
    }

    /// <summary>Writes every PagesAt where it belongs until ImageEnd; true once the end is read.</summary>
    private static bool ReadPages(FrameStream frames, string from, PageWriter pages)
    {
        while (true)
        {
            var frame = frames.Read() ?? throw new MigrationException($"{from} closed the connection in the middle of the image ({pages.Written} bytes in)");
            if (frame.Kind == MessageKind.PagesAt)
            {
                var payload = frame.Payload.Span;
                if (payload.Length <= AddressSize || (payload.Length - AddressSize) % PageSize != 0)
                    throw new MigrationException($"{from} sent a page frame of {payload.Length} bytes: not an address and whole pages");
                pages.At(BinaryPrimitives.ReadUInt64LittleEndian(payload), payload[AddressSize..]);
                continue;
            }
            if (frame.Kind != MessageKind.ImageEnd)
                throw new MigrationException($"{from} sent {FrameStream.Describe(frame.Kind)} in the middle of the image");
            ulong announced = frame.Read(ImageEnd.Parser).Bytes;
            if (announced != (ulong)pages.Written)
                throw new MigrationException($"the image from {from} brought {pages.Written} page bytes, but {announced} were announced");
            return true;
        }
    }

    /// <summary>Reads and drops an image on <paramref name="frames"/> that will not be restored, so that its sender is not left blocked.</summary>
    public static void Drain(FrameStream frames)
    {
        try
        {
            ReadLayout(frames, "the guest");
        }
        catch (Exception e) when (e is MigrationException or FrameException or IOException or ObjectDisposedException)
        {
            return; // no image came, or the channel is gone
        }
        DrainToEnd(frames);
    }

    private static void DrainToEnd(FrameStream frames)
    {
        try
        {
            while (frames.Read() is { } frame && frame.Kind == MessageKind.PagesAt)
            {
            }
        }
        catch (Exception e) when (e is FrameException or IOException or ObjectDisposedException)
        {
            // The channel is gone: nothing left to drop.
        }
    }
}

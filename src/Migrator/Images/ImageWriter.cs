using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.Win32.SafeHandles;
using Mosix.Sandbox.Interop;

namespace Mosix.Migrator.Images;

/// <summary>Writes one image file (layout in <see cref="ImageFormat"/>): header, then pages as the
/// checkpointer streams them, then on <see cref="Commit"/> the metadata and trailer.</summary>
/// <remarks>
/// <para>A checkpoint is never left half-written: everything goes to a temporary file beside the final path
/// (<c>.NAME.tmp-PID-N</c>, mode 0600, created exclusively), which <see cref="Commit"/> fsyncs, renames over
/// the final path (rename(2) is atomic within a file system) and makes durable by fsyncing the directory.
/// <see cref="Dispose"/> without a commit deletes the temporary file. A crash of the whole process can leave
/// only a hidden temporary file, never a partial image under the final name.</para>
/// <para>Throughput: small page chunks are gathered into a 1 MiB buffer; chunks that size or larger go
/// straight to pwrite(2), so a 1 GiB chunk is one system call. The CRC is computed as the data arrives.</para>
/// <para>Not thread-safe: one checkpointer thread writes one image.</para>
/// </remarks>
public sealed class ImageWriter : IImageSink
{
    private const int BufferSize = 1 << 20;
    private static int s_sequence;

    private readonly FileStream _stream;
    private readonly SafeFileHandle _file;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
    private readonly Crc32C _crc = new();
    private int _buffered;
    private long _written; // bytes already in the file, before _buffer
    private bool _committed, _disposed;

    private ImageWriter(string finalPath, string temporaryPath, FileStream stream)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
        _stream = stream;
        _file = stream.SafeFileHandle;
    }

    public string FinalPath { get; }

    /// <summary>Where the image is being written until <see cref="Commit"/>.</summary>
    public string TemporaryPath { get; }

    /// <summary>Page data written so far, in bytes.</summary>
    public long PageBytes { get; private set; }

    /// <summary>Creates the temporary file beside <paramref name="finalPath"/> and writes the header.</summary>
    /// <exception cref="ImageException">The folder is missing or not writable, or the path is a folder.</exception>
    public static ImageWriter Create(string finalPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalPath);
        string full = Path.GetFullPath(finalPath);
        if (Directory.Exists(full))
            throw new ImageException(finalPath, $"cannot write {finalPath}: {Errno.Describe(Errno.EISDIR)}");
        string directory = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        for (int attempt = 0; ; attempt++)
        {
            string temporary = Path.Combine(directory,
                $".{name}.tmp-{Environment.ProcessId}-{Interlocked.Increment(ref s_sequence)}");
            FileStream stream;
            try
            {
                stream = new FileStream(temporary, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, // O_EXCL: never follows a planted symlink, never shares a file
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    BufferSize = 0,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException ex) when (ex.HResult == Errno.EEXIST && attempt < 100)
            {
                continue; // left behind by a dead process that had our pid; take the next name
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ImageException(finalPath, $"cannot write {finalPath}: {Reason(ex)}", ex);
            }
            // The header goes out with the first buffer of pages.
            var writer = new ImageWriter(finalPath, temporary, stream);
            ImageFormat.WriteHeader(writer._buffer);
            writer._crc.Append(writer._buffer.AsSpan(0, ImageFormat.PageDataOffset));
            writer._buffered = ImageFormat.PageDataOffset;
            return writer;
        }
    }

    /// <summary>A file has no use for the layout ahead of the pages: the metadata follows them.</summary>
    public void Begin(ProcessImage layout)
    {
    }

    /// <summary>A file stores the pages packed; the metadata's runs say where they belong.</summary>
    public void WritePages(ReadOnlySpan<byte> pages, ReadOnlySpan<PageRunAt> runs) => WritePages(pages);

    /// <summary>Appends page data: whole pages, in the order the metadata's page runs will list them.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of the page size.</exception>
    /// <exception cref="ImageException">The file system refused the write (full, I/O error).</exception>
    public void WritePages(ReadOnlySpan<byte> pages)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
            throw new InvalidOperationException("the image is already committed");
        if (pages.Length % ImageFormat.PageSize != 0)
            throw new ArgumentException($"page data must be whole {ImageFormat.PageSize}-byte pages, not {pages.Length} bytes", nameof(pages));
        _crc.Append(pages);
        Append(pages);
        PageBytes += pages.Length;
    }

    /// <summary>Sets <c>metadata.PageBytes</c>, writes the metadata and the trailer, and atomically puts the
    /// finished image at <see cref="FinalPath"/>, replacing any file there.</summary>
    /// <exception cref="ImageException">The file system refused a write, the fsync or the rename.</exception>
    public void Commit(ProcessImage metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed)
            throw new InvalidOperationException("the image is already committed");
        metadata.PageBytes = (ulong)PageBytes;
        byte[] encoded = metadata.ToByteArray();
        _crc.Append(encoded);
        Append(encoded);

        Span<byte> trailer = stackalloc byte[ImageFormat.TrailerSize];
        ImageFormat.WriteTrailer(trailer, new ImageFormat.Trailer(
            MetadataOffset: (ulong)(ImageFormat.PageDataOffset + PageBytes),
            MetadataLength: (ulong)encoded.Length,
            PageBytes: (ulong)PageBytes,
            Crc32C: _crc.Value));
        Append(trailer);
        Flush();

        try
        {
            RandomAccess.FlushToDisk(_file);
            _stream.Dispose();
            File.Move(TemporaryPath, FinalPath, overwrite: true); // rename(2)
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageException(FinalPath, $"cannot write {FinalPath}: {Reason(ex)}", ex);
        }
        _committed = true;
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(FinalPath))!);
    }

    /// <summary>Closes the file; without a commit, deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_stream is null)
            return; // a stream's owner closes it
        _stream.Dispose();
        if (!_committed)
        {
            try
            {
                File.Delete(TemporaryPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Nothing better to do: the name is hidden and says whose it was.
            }
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_buffered + data.Length <= BufferSize)
        {
            data.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += data.Length;
            if (_buffered == BufferSize)
                Flush();
            return;
        }
        Flush();
        if (data.Length >= BufferSize)
            Write(data);
        else
        {
            data.CopyTo(_buffer);
            _buffered = data.Length;
        }
    }

    private void Flush()
    {
        if (_buffered == 0)
            return;
        Write(_buffer.AsSpan(0, _buffered));
        _buffered = 0;
    }

    private void Write(ReadOnlySpan<byte> data)
    {
        try
        {
            RandomAccess.Write(_file, data, _written);
        }
        catch (IOException ex)
        {
            throw new ImageException(FinalPath, $"cannot write {FinalPath}: {Reason(ex)}", ex);
        }
        // Start writeback of what was just written, so Commit's fsync finds little left to do
        // (sync_file_range(2) with SYNC_FILE_RANGE_WRITE does not wait).
        ImageFileCalls.StartWriteback(_file, _written, data.Length);
        _written += data.Length;
    }

    /// <summary>Makes the rename durable: fsync(2) on the directory that holds the new name.</summary>
    private void SyncDirectory(string directory)
    {
        int errno = ImageFileCalls.SyncDirectory(directory);
        // Some file systems cannot fsync a directory (EINVAL); the rename is then as durable as they make it.
        if (errno != 0 && errno != Errno.EINVAL)
            throw new ImageException(FinalPath, $"cannot write {FinalPath}: syncing {directory}: {Errno.Describe(errno)}");
    }

    /// <summary>The errno's words for an I/O failure, without .NET's decorations.</summary>
    internal static string Reason(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => Errno.Describe(Errno.ENOENT),
        UnauthorizedAccessException => Errno.Describe(Errno.EACCES),
        // On Unix an IOException from a failed system call carries the raw errno as its HResult.
        IOException { HResult: > 0 and < 4096 } io => Errno.Describe(io.HResult),
        _ => ex.Message,
    };
}

/// <summary>The two file calls .NET does not offer: opening without blocking (a FIFO would block open(2))
/// and fsync(2) on a directory.</summary>
/// <remarks>Belongs in src/Sandbox/Interop (convention 5) as Interop.Files.cs; kept here because this change
/// may only touch src/Migrator/Images.</remarks>
internal static partial class ImageFileCalls
{
    private const int O_RDONLY = 0, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int RawOpen(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int RawFsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int RawClose(int fd);

    [LibraryImport("libc", EntryPoint = "sync_file_range")]
    private static partial int RawSyncFileRange(int fd, long offset, long length, uint flags);

    /// <summary>Asks the kernel to start writing a range to disk, without waiting; a hint, failures ignored.</summary>
    public static void StartWriteback(SafeFileHandle file, long offset, long length)
    {
        const uint SYNC_FILE_RANGE_WRITE = 2;
        bool added = false;
        try
        {
            file.DangerousAddRef(ref added);
            RawSyncFileRange((int)file.DangerousGetHandle(), offset, length, SYNC_FILE_RANGE_WRITE);
        }
        finally
        {
            if (added)
                file.DangerousRelease();
        }
    }

    /// <summary>open(2) read-only with O_NONBLOCK, so that a FIFO without a writer does not hang us;
    /// the handle, or null and the errno.</summary>
    public static SafeFileHandle? OpenForReading(string path, out int errno)
    {
        int fd = RawOpen(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        errno = fd < 0 ? Marshal.GetLastSystemError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>open(2) the directory, fsync(2) it, close it; 0 or the errno.</summary>
    public static int SyncDirectory(string path)
    {
        int fd = RawOpen(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return Marshal.GetLastSystemError();
        int errno = RawFsync(fd) == 0 ? 0 : Marshal.GetLastSystemError();
        RawClose(fd);
        return errno;
    }
}

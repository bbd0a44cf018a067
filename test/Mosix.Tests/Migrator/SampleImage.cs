using Google.Protobuf;
using Mosix.Migrator.Images;

namespace Mosix.Tests.Migrator;

/// <summary>A small but complete image for the image tests: three mappings, six stored pages, two open files,
/// handlers, a timer. <see cref="Pages"/> is the page stream in the order the runs list it.</summary>
internal sealed class SampleImage
{
    public const string Program = "/usr/bin/sample-program";

    public SampleImage(int seed = 1)
    {
        var random = new Random(seed);
        Pages = new byte[6 * ImageFormat.PageSize];
        random.NextBytes(Pages);
        Metadata = new ProcessImage
        {
            Origin = new ImageOrigin
            {
                Program = Program, Argv = { "sample-program", "--flag", "two words" }, Comm = "sample-program",
                Pid = 4242, Uid = 1000, Node = "node7", Kernel = "6.8.0-test", TakenUnixMs = 1_718_000_000_123,
                TakenBy = "mosrun -C",
            },
            Registers = new Registers { UserRegs = ByteString.CopyFrom(new byte[27 * 8]) },
            Mappings =
            {
                new Mapping
                {
                    Start = 0x555555554000, End = 0x555555558000, Prot = 5, Kind = MappingKind.File,
                    Path = Program, FileOffset = 0, Runs = { new PageRun { FirstPage = 1, Count = 1 } },
                },
                new Mapping
                {
                    Start = 0x7f0000000000, End = 0x7f0000010000, Prot = 3, Kind = MappingKind.Anonymous,
                    Runs = { new PageRun { FirstPage = 0, Count = 2 }, new PageRun { FirstPage = 5, Count = 2 } },
                },
                new Mapping
                {
                    Start = 0x7ffffffde000, End = 0x7ffffffff000, Prot = 3, Kind = MappingKind.Stack,
                    Runs = { new PageRun { FirstPage = 32, Count = 1 } },
                },
            },
            Signals = new SignalState
            {
                Actions = { new SignalAction { Signo = 15, Handler = 0x401000 }, new SignalAction { Signo = 2, Handler = 0x401100 } },
                Blocked = 1UL << 9,
            },
            Itimers = { new Itimer { Which = 0, ValueUs = 1_500_000, IntervalUs = 500_000 } },
            Files =
            {
                new OpenFile { Fd = 3, Path = "/etc/hosts", Flags = 0, Position = 17, CloseOnExec = true },
                new OpenFile { Fd = 5, Path = "/tmp/sample output.log", Flags = 0x401, Position = 4096 },
            },
            Cwd = "/home/sample",
        };
    }

    public ProcessImage Metadata { get; }

    public byte[] Pages { get; }

    /// <summary>Writes the image to <paramref name="path"/> with the real writer, pages in uneven chunks.</summary>
    public void WriteTo(string path)
    {
        using var writer = ImageWriter.Create(path);
        writer.WritePages(Pages.AsSpan(0, ImageFormat.PageSize));
        writer.WritePages(Pages.AsSpan(ImageFormat.PageSize, 3 * ImageFormat.PageSize));
        writer.WritePages(Pages.AsSpan(4 * ImageFormat.PageSize));
        writer.Commit(Metadata);
    }

    /// <summary>Frames arbitrary parts by hand, with a correct trailer and CRC, for images the writer would never
    /// produce.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> pages, ReadOnlySpan<byte> metadata, uint version = ImageFormat.Version, uint flags = 0)
    {
        var file = new byte[ImageFormat.PageDataOffset + pages.Length + metadata.Length + ImageFormat.TrailerSize];
        ImageFormat.WriteHeader(file, version, flags);
        pages.CopyTo(file.AsSpan(ImageFormat.PageDataOffset));
        metadata.CopyTo(file.AsSpan(ImageFormat.PageDataOffset + pages.Length));
        int trailerAt = file.Length - ImageFormat.TrailerSize;
        ImageFormat.WriteTrailer(file.AsSpan(trailerAt), new ImageFormat.Trailer(
            (ulong)(ImageFormat.PageDataOffset + pages.Length), (ulong)metadata.Length, (ulong)pages.Length,
            Crc32C.Compute(file.AsSpan(0, trailerAt))));
        return file;
    }
}

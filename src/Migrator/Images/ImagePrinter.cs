using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Mosix.Sandbox.Interop;

namespace Mosix.Migrator.Images;

/// <summary>What <c>mosrun -I FILE</c> prints: an image described for people (<see cref="Describe"/>, laid out
/// like pmap(1)) or for programs (<see cref="ToJson"/>, like CRIU's <c>crit decode</c>).</summary>
public static class ImagePrinter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Describe(ImageReader image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var m = image.Metadata;
        var origin = m.Origin ?? new ImageOrigin();
        var text = new StringBuilder();

        Field(text, "Image", $"{image.Path}: {Size(image.FileLength)} ({image.FileLength} bytes), image format {image.FormatVersion}, "
            + $"CRC-32C {image.Checksum:x8}{(image.ChecksumVerified ? " (verified)" : "")}");
        Field(text, "Program", Or(origin.Program, "(unknown)"));
        Field(text, "Argv", origin.Argv.Count == 0 ? "(none)" : string.Join(' ', origin.Argv.Select(ShellWord)));
        Field(text, "Process", $"pid {origin.Pid}, comm {Or(origin.Comm, "?")}, uid {origin.Uid}");
        Field(text, "Threads", Threads(m));
        Field(text, "Node", $"{Or(origin.Node, "(unknown)")}, kernel {Or(origin.Kernel, "(unknown)")}");
        Field(text, "Taken", (origin.TakenUnixMs == 0 ? "(unknown)" : When(origin.TakenUnixMs))
            + (origin.TakenBy.Length > 0 ? $" by {origin.TakenBy}" : ""));
        Field(text, "Cwd", Or(m.Cwd, "(unknown)"));
        text.AppendLine();

        AppendMemory(text, image);
        text.AppendLine();
        AppendFiles(text, m);
        text.AppendLine();
        AppendSignals(text, m);
        AppendItimers(text, m);
        return text.ToString();
    }

    /// <summary>The image as indented JSON: an envelope with the framing facts, and the metadata in protobuf's
    /// canonical JSON mapping (so <c>ProcessImage.Parser.ParseJson</c> reads it back; 64-bit numbers are strings,
    /// bytes are base64, enums are their .proto names).</summary>
    public static string ToJson(ImageReader image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
        using var metadata = JsonDocument.Parse(formatter.Format(image.Metadata));
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("path", image.Path);
            json.WriteNumber("formatVersion", image.FormatVersion);
            json.WriteNumber("fileBytes", image.FileLength);
            json.WriteNumber("pageBytes", image.PageBytes);
            json.WriteString("crc32c", image.Checksum.ToString("x8", Invariant));
            json.WriteBoolean("checksumVerified", image.ChecksumVerified);
            json.WritePropertyName("metadata");
            metadata.RootElement.WriteTo(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan) + "\n";
    }

    /// <summary>"1", or the count and each thread's tid and name, the leader first.</summary>
    private static string Threads(ProcessImage m) => m.Threads.Count == 0
        ? "1"
        : $"{m.Threads.Count + 1}: {m.Origin?.Pid} {Or(m.Origin?.Comm ?? "", "?")} (leader), "
            + string.Join(", ", m.Threads.Select(t => $"{t.Tid} {Or(t.Name, "?")}"));

    private static void AppendMemory(StringBuilder text, ImageReader image)
    {
        var mappings = image.Metadata.Mappings;
        ulong mapped = 0;
        foreach (var mapping in mappings)
            mapped += mapping.End - mapping.Start;
        Field(text, "Memory", $"{Size((long)mapped)} mapped, {Size(image.PageBytes)} stored, {mappings.Count} mappings");
        var rows = new List<string[]> { new[] { "Address range", "Perm", "Kind", "Stored KiB", "Path" } };
        foreach (var mapping in mappings)
        {
            ulong stored = mapping.Runs.Aggregate(0UL, (sum, run) => sum + run.Count) * (ImageFormat.PageSize / 1024);
            rows.Add([
                $"{mapping.Start:x16}-{mapping.End:x16}", Protection(mapping.Prot), Kind(mapping.Kind),
                stored.ToString(Invariant), mapping.Path,
            ]);
        }
        Table(text, rows, rightAligned: 3);
    }

    private static void AppendFiles(StringBuilder text, ProcessImage m)
    {
        Field(text, "Files", m.Files.Count == 0 ? "none besides the standard streams" : $"{m.Files.Count} open besides the standard streams");
        if (m.Files.Count == 0)
            return;
        var rows = new List<string[]> { new[] { "FD", "Flags", "Position", "Path" } };
        foreach (var file in m.Files.OrderBy(f => f.Fd))
        {
            rows.Add([
                file.Fd.ToString(Invariant), OpenFlags(file.Flags, file.CloseOnExec),
                file.Position.ToString(Invariant), file.Path,
            ]);
        }
        Table(text, rows, rightAligned: 0, alsoRight: 2);
    }

    private static void AppendSignals(StringBuilder text, ProcessImage m)
    {
        var signals = m.Signals ?? new SignalState();
        string handlers = signals.Actions.Count == 0 ? "0 handlers"
            : $"{signals.Actions.Count} handler{(signals.Actions.Count == 1 ? "" : "s")} ("
              + string.Join(' ', signals.Actions.OrderBy(a => a.Signo).Select(a => Libc.SignalName(a.Signo))) + ")";
        // Bit n-1 of a sigset is signal n (signal(7)).
        string blocked = signals.Blocked == 0 ? "none blocked"
            : "blocked " + string.Join(' ', Enumerable.Range(0, 64).Where(bit => (signals.Blocked >> bit & 1) != 0).Select(bit => Libc.SignalName(bit + 1)));
        Field(text, "Signals", $"{handlers}, {blocked}, {signals.Pending.Count} pending");
    }

    private static void AppendItimers(StringBuilder text, ProcessImage m)
    {
        if (m.Itimers.Count == 0)
        {
            Field(text, "Itimers", "none");
            return;
        }
        foreach (var timer in m.Itimers)
        {
            string which = timer.Which switch { 0 => "ITIMER_REAL", 1 => "ITIMER_VIRTUAL", 2 => "ITIMER_PROF", var w => $"itimer {w}" };
            string every = timer.IntervalUs == 0 ? "once" : $"every {Seconds(timer.IntervalUs)}";
            Field(text, "Itimer", $"{which}: next in {Seconds(timer.ValueUs)}, {every}");
        }
    }

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(name.PadRight(10)).Append(value).Append('\n');

    /// <summary>Columns padded to their widest cell, two spaces apart, indented by two.</summary>
    private static void Table(StringBuilder text, List<string[]> rows, int rightAligned, int alsoRight = -1)
    {
        int columns = rows[0].Length;
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (int c = 0; c < columns; c++)
                widths[c] = Math.Max(widths[c], row[c].Length);
        }
        foreach (var row in rows)
        {
            var line = new StringBuilder("  ");
            for (int c = 0; c < columns; c++)
            {
                bool last = c == columns - 1;
                bool right = c == rightAligned || c == alsoRight;
                line.Append(right ? row[c].PadLeft(widths[c]) : last ? row[c] : row[c].PadRight(widths[c]));
                if (!last)
                    line.Append("  ");
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
    }

    private static string Protection(uint prot) => string.Create(3, prot, (span, p) =>
    {
        span[0] = (p & 1) != 0 ? 'r' : '-';
        span[1] = (p & 2) != 0 ? 'w' : '-';
        span[2] = (p & 4) != 0 ? 'x' : '-';
    });

    private static string Kind(MappingKind kind) => kind switch
    {
        MappingKind.Anonymous => "anon",
        MappingKind.File => "file",
        MappingKind.Heap => "heap",
        MappingKind.Stack => "stack",
        // Kinds added to the .proto later print as their C# name until they get a short one here.
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>open(2) flags by name (asm-generic/fcntl.h values, x86-64), any rest in octal as strace shows it.</summary>
    private static string OpenFlags(int flags, bool closeOnExec)
    {
        var names = new List<string> { (flags & 3) switch { 0 => "O_RDONLY", 1 => "O_WRONLY", 2 => "O_RDWR", _ => "O_ACCMODE" } };
        int rest = flags & ~3;
        foreach (var (bit, name) in KnownOpenFlags)
        {
            if ((rest & bit) == bit)
            {
                names.Add(name);
                rest &= ~bit;
            }
        }
        if (closeOnExec && !names.Contains("O_CLOEXEC"))
            names.Add("O_CLOEXEC");
        if (rest != 0)
            names.Add("0" + Convert.ToString(rest, 8));
        return string.Join('|', names);
    }

    private static readonly (int Bit, string Name)[] KnownOpenFlags =
    [
        (0x101000, "O_SYNC"), (0x1000, "O_DSYNC"), (0x400, "O_APPEND"), (0x800, "O_NONBLOCK"), (0x2000, "O_ASYNC"),
        (0x4000, "O_DIRECT"), (0x8000, "O_LARGEFILE"), (0x10000, "O_DIRECTORY"), (0x20000, "O_NOFOLLOW"),
        (0x40000, "O_NOATIME"), (0x80000, "O_CLOEXEC"), (0x200000, "O_PATH"), (0x100, "O_NOCTTY"),
        (0x40, "O_CREAT"), (0x80, "O_EXCL"), (0x200, "O_TRUNC"),
    ];

    /// <summary>An argv word as a shell would need it typed: bare when safe, else in single quotes.</summary>
    private static string ShellWord(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";

    private static string When(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", Invariant);

    private static string Seconds(long microseconds) =>
        (microseconds / 1e6).ToString("0.######", Invariant) + " s";

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;

    /// <summary>Binary units, one decimal, as ls -h would.</summary>
    internal static string Size(long bytes)
    {
        if (bytes < 1024)
            return $"{bytes} B";
        string[] units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value.ToString("0.0", Invariant) + " " + units[unit];
    }
}

using System.Text;

namespace Mosix.Tests.Harness;

/// <summary>Makes captured bytes readable in assertion messages.</summary>
public static class Printable
{
    private const int MaxShown = 3000;

    /// <summary>Printable ASCII as is, newlines as \n, everything else as \xNN; cut after <see cref="MaxShown"/> bytes.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder("\"");
        foreach (byte b in bytes[..Math.Min(bytes.Length, MaxShown)])
        {
            sb.Append(b switch
            {
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                (byte)'\\' => "\\\\",
                (byte)'"' => "\\\"",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        sb.Append('"');
        if (bytes.Length > MaxShown)
            sb.Append($" ... ({bytes.Length - MaxShown} more bytes)");
        return sb.ToString();
    }

    /// <summary>The first offset where two byte strings differ, or -1 when they are equal.</summary>
    public static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int common = a.CommonPrefixLength(b);
        return common == a.Length && common == b.Length ? -1 : common;
    }

    /// <summary>The command line as a shell would read it, for messages.</summary>
    public static string CommandLine(IEnumerable<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=+:,".Contains(c))
            ? a
            : "'" + a.Replace("'", "'\\''") + "'"));
}

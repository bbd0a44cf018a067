using System.Text;

namespace Mosix.Tests.Harness;

/// <summary>What a finished command left: its raw stdout and stderr bytes and how it ended.</summary>
/// <param name="ExitCode">.NET's view: the exit code, or 128+N after death by signal N.</param>
/// <param name="ExactStatus">The exact wait status when the command ran under <c>wait_status</c>, else null.</param>
public sealed record CommandResult(string CommandLine, byte[] Stdout, byte[] Stderr, int ExitCode, ExitStatus? ExactStatus)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public string StderrText => Encoding.UTF8.GetString(Stderr);

    /// <summary>The exact status if known, else the ambiguous one .NET reports.</summary>
    public string StatusText => ExactStatus?.ToString() ?? $"exit code {ExitCode} (as .NET reports it)";

    /// <summary>A readable account for assertion messages: bytes escaped, long streams cut.</summary>
    public string Describe(string label) =>
        $"""
        --- {label}: {CommandLine}
            status: {StatusText}
            stdout ({Stdout.Length} bytes): {Printable.Escape(Stdout)}
            stderr ({Stderr.Length} bytes): {Printable.Escape(Stderr)}
        """;
}

using System.CommandLine;
using System.CommandLine.Help;

namespace Mosix.Cli.Mosrun;

/// <summary>mosrun's command line: options first, then the program and its own arguments, untouched.</summary>
internal sealed class MosrunOptions
{
    public Option<FileInfo?> LogSyscalls { get; } = new("--log-syscalls")
    {
        Description = "Write every system call the program makes (and its result) to FILE; slow, for debugging",
        HelpName = "FILE",
    };

    public HelpOption Help { get; } = new("--help");

    public VersionOption Version { get; } = new("--version");

    public Argument<string[]> Command { get; } = new("program")
    {
        Description = "The program to run, then its arguments",
        Arity = ArgumentArity.OneOrMore,
        CaptureRemainingTokens = true,
    };

    public Command Build() => new("mosrun",
        "Run a program under Mosix: it starts at home under the supervisor and behaves exactly as if run directly.")
    {
        // MOSIX gives -h its own meaning (run at home): help is --help only.
        Help,
        Version,
        LogSyscalls,
        Command,
    };
}

using System.CommandLine;
using System.CommandLine.Help;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Cli.Syscalls;

/// <summary>
/// <c>mosix syscalls [--markdown]</c>: prints the syscall table, one call a line
/// (number, name, class), or as docs/syscalls.md.
/// </summary>
internal static class SyscallsCommand
{
    public static int Run(string[] args)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print docs/syscalls.md, generated from the table" };
        var help = new HelpOption("--help");
        var command = new Command("syscalls", "Print the table of x86-64 system calls and where each may run") { help, markdown };
        var parsed = command.Parse(args);
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With("mosix syscalls", parsed.Errors[0].Message, Fail.Usage);

        using var stdout = new StreamWriter(Console.OpenStandardOutput());
        if (parsed.GetValue(markdown))
        {
            stdout.Write(SyscallTable.RenderMarkdown());
            return 0;
        }
        foreach (var entry in SyscallTable.All)
            stdout.WriteLine($"{entry.Number,4} {entry.Name,-24} {entry.Class}");
        return 0;
    }
}

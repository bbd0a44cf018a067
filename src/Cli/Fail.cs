namespace Mosix.Cli;

/// <summary>
/// How every command reports a failure: one line on stderr, <c>command: message</c>, and the exit
/// code a shell would use. Never a stack trace.
/// </summary>
internal static class Fail
{
    /// <summary>Bad usage (unknown flag, missing argument), as getopt-based tools exit.</summary>
    public const int Usage = 2;

    public static int With(string command, string message, int exitCode)
    {
        Console.Error.WriteLine($"{command}: {message}");
        return exitCode;
    }
}

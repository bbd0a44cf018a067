namespace Mosix.Cli;

/// <summary>
/// <c>MOSIX_DEBUG_LOG=FILE</c>: where the supervisor writes every stop it handles. For debugging
/// Mosix itself; users want <c>--log-syscalls</c>.
/// </summary>
internal static class DebugLog
{
    public const string Variable = "MOSIX_DEBUG_LOG";

    public static TextWriter? FromEnvironment()
    {
        string? path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path))
            return null;
        try
        {
            return TextWriter.Synchronized(new StreamWriter(path, append: true) { AutoFlush = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"mosrun: cannot write {Variable}={path}: {e.Message}");
            return null;
        }
    }
}

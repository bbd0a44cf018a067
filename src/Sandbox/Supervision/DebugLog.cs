namespace Mosix.Sandbox.Supervision;

/// <summary>
/// <c>MOSIX_DEBUG_LOG=FILE</c>: where a supervisor writes every stop it handles, mosrun's into
/// FILE and a guest host's into FILE.guest.PID (the agent passes the variable on). For debugging
/// Mosix itself; users want <c>--log-syscalls</c>.
/// </summary>
public static class DebugLog
{
    public const string Variable = "MOSIX_DEBUG_LOG";

    /// <param name="suffix">Appended to the file's name: one file per supervising process.</param>
    /// <param name="complain">Told (once) when the file cannot be written.</param>
    public static TextWriter? FromEnvironment(string suffix = "", Action<string>? complain = null)
    {
        string? path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(path))
            return null;
        try
        {
            return TextWriter.Synchronized(new StreamWriter(path + suffix, append: true) { AutoFlush = true });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            complain?.Invoke($"cannot write {Variable}={path}{suffix}: {e.Message}");
            return null;
        }
    }
}

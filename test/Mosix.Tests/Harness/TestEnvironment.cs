namespace Mosix.Tests.Harness;

/// <summary>The environment every compared command gets: small, fixed, the same for the native and the supervised run.</summary>
/// <remarks>
/// Not the test host's environment: that one carries the runner's variables, a PATH that may point into /root,
/// and a locale that changes what sort(1) prints. Passed through from the host: DOTNET_ROOT* (bin/mosrun may
/// need them to find the runtime) and MOSIX_* (developer knobs for mosrun).
/// </remarks>
public static class TestEnvironment
{
    public const string StandardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static Dictionary<string, string> For(string home, string userName)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = StandardPath,
            ["HOME"] = home,
            ["USER"] = userName,
            ["LOGNAME"] = userName,
            ["SHELL"] = "/bin/sh",
            ["LC_ALL"] = "C",
            ["TZ"] = "UTC",
            // mosrun keeps its control sockets under $XDG_RUNTIME_DIR/mosix: in the scratch home,
            // so a test leaves no folder behind, and migrate, given the same environment, finds them.
            ["XDG_RUNTIME_DIR"] = home,
        };
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string name = (string)entry.Key;
            if (name.StartsWith("DOTNET_ROOT", StringComparison.Ordinal) || name.StartsWith("MOSIX_", StringComparison.Ordinal))
                environment[name] = (string?)entry.Value ?? "";
        }
        return environment;
    }
}
